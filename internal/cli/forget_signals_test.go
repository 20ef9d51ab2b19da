package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestForgetRemovesAnswersAndShareCodes: `litmus forget` takes a person's answers to the
// thank-you questions and their share code with their signup; the others' stay.
func TestForgetRemovesAnswersAndShareCodes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 40, map[string]int{"no-awkward-emails": 4, "paid-on-time": 4})
	target, other := s.emails[1], s.emails[2]

	ctx := context.Background()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.LatestSignups(ctx, "chaser", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Email == target || r.Email == other {
			if ok, err := st.SaveAnswers(ctx, "chaser", r.ID, map[string]string{"pay": "$5"}, r.CreatedAt); err != nil || !ok {
				t.Fatalf("answers: %v %v", ok, err)
			}
		}
	}
	st.Close()

	if out, _, err := runCmd(t, db, "forget", target); err != nil || !strings.Contains(out, "Erased 1 signup of") {
		t.Fatalf("forget: %v %q", err, out)
	}
	raw, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var answers, codes, targetRows int
	raw.QueryRow("SELECT count(*) FROM answers").Scan(&answers)
	raw.QueryRow("SELECT count(*) FROM signups WHERE ref_code IS NOT NULL").Scan(&codes)
	raw.QueryRow("SELECT count(*) FROM signups WHERE email = ?", target).Scan(&targetRows)
	if answers != 1 || targetRows != 0 || codes != len(rows)-1 {
		t.Errorf("after forget: %d answers (want the other's 1), %d rows of the person, %d share codes (want %d)", answers, targetRows, codes, len(rows)-1)
	}
}
