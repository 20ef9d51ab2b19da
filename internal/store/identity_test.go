package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"github.com/litmuslabs/litmus/internal/store"
)

// Issue 14: the addresses stored twice before, because only ASCII case was folded.
func TestOneSignupPerPersonWhateverTheCaseOrWidth(t *testing.T) {
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	groups := [][]string{
		{"émile@x.com", "ÉMILE@x.com"},
		{"σ@x.com", "ς@x.com", "Σ@x.com"},
		{"A@x.com", "ａ@x.com"},
	}
	for _, g := range groups {
		for i, addr := range g {
			res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: addr, Variant: "a"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Duplicate != (i > 0) {
				t.Errorf("%s: Duplicate = %v, want %v", addr, res.Duplicate, i > 0)
			}
		}
	}
	// A Cyrillic look-alike is another address.
	if res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "\u0430@x.com", Variant: "a"}); err != nil || res.Duplicate {
		t.Errorf("Cyrillic а@x.com: %+v, %v; want stored", res, err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 4 {
		t.Errorf("%d signups stored, want 4", n)
	}
	// Forgetting one spelling erases the person.
	n, err := s.ForgetEmail(ctx, "ÉMILE@x.com")
	if err != nil || n != 1 {
		t.Errorf("ForgetEmail(ÉMILE) = %d, %v; want 1", n, err)
	}
	if n, err := s.ForgetEmail(ctx, "Σ@x.com"); err != nil || n != 1 {
		t.Errorf("ForgetEmail(Σ) = %d, %v; want 1", n, err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 2 {
		t.Errorf("%d signups left, want 2 (a and Cyrillic а)", n)
	}
}

// A file written before migration 0005 can hold one person twice; opening it merges them
// into the first signup and records the merge. A spelling stored in a later phase becomes a
// repeat signup of that phase (migration 0004's rule), so the phase still lists the person.
func TestMigrationMergesSignupsStoredTwice(t *testing.T) {
	// A file at schema 4, just before 0005, holding the duplicates.
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.MigrateTo(path, 4); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`INSERT INTO phases (page, hash, definition, started_at) VALUES ('idea', 'h1', '{}', 500)`)
	if err != nil {
		t.Fatal(err)
	}
	phase1, _ := res.LastInsertId()
	for i, addr := range []string{"émile@x.com", "bob@x.com", "ÉMILE@x.com", "σ@x.com", "Σ@x.com", "ς@x.com"} {
		if _, err := db.Exec(`INSERT INTO signups (phase_id, page, email, variant, created_at, counted)
			VALUES (?, 'idea', ?, 'a', ?, 1)`, phase1, addr, 1000+i); err != nil {
			t.Fatal(err)
		}
	}
	res, err = db.Exec(`INSERT INTO phases (page, hash, definition, started_at) VALUES ('idea', 'h2', '{}', 2000)`)
	if err != nil {
		t.Fatal(err)
	}
	phase2, _ := res.LastInsertId()
	if _, err := db.Exec(`INSERT INTO signups (phase_id, page, email, variant, created_at, counted)
		VALUES (?, 'idea', 'émilｅ@x.com', 'b', 3000, 1)`, phase2); err != nil {
		t.Fatal(err)
	}
	// Σ@x.com (merged into σ@x.com) had already signed up again in phase 2 under 0004's rule.
	if _, err := db.Exec(`INSERT INTO repeat_signups (phase_id, signup_id, visitor_id, variant, created_at, counted)
		SELECT ?, id, '', 'a', 3500, 1 FROM signups WHERE email = 'Σ@x.com'`, phase2); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw := rawDB(t, path)
	rows, err := raw.Query("SELECT email FROM signups ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for rows.Next() {
		var e string
		rows.Scan(&e)
		kept = append(kept, e)
	}
	rows.Close()
	if want := "[émile@x.com bob@x.com σ@x.com]"; "["+join(kept)+"]" != want {
		t.Errorf("kept %v, want %s (the first of each person)", kept, want)
	}
	if n := queryInt(t, raw, "SELECT count(*) FROM signup_merges"); n != 4 {
		t.Errorf("%d merges recorded, want 4", n)
	}
	if n := queryInt(t, raw, fmt.Sprintf(`SELECT count(*) FROM repeat_signups r JOIN signups s ON s.id = r.signup_id
		WHERE s.email = 'émile@x.com' AND r.phase_id = %d AND r.variant = 'b' AND r.counted = 1`, phase2)); n != 1 {
		t.Errorf("%d repeat signups of émile@x.com in phase 2, want 1 (the merged émilｅ@x.com, full-width e)", n)
	}
	if n := queryInt(t, raw, fmt.Sprintf(`SELECT count(*) FROM repeat_signups r JOIN signups s ON s.id = r.signup_id
		WHERE s.email = 'σ@x.com' AND r.phase_id = %d`, phase2)); n != 1 {
		t.Errorf("%d repeat signups of σ@x.com in phase 2, want 1 (moved from the merged Σ@x.com)", n)
	}
	if n := queryInt(t, raw, "SELECT count(*) FROM repeat_signups"); n != 2 {
		t.Errorf("%d repeat signups, want 2 (ÉMILE, Σ and ς were in the kept signup's phase)", n)
	}
	if n := queryInt(t, raw, "SELECT count(*) FROM signup_merges m JOIN signups s ON s.id = m.kept_id WHERE s.email = 'σ@x.com'"); n != 2 {
		t.Errorf("%d merges into σ@x.com recorded, want 2", n)
	}
	if v := queryInt(t, raw, "PRAGMA user_version"); v != int64(store.SchemaVersion()) {
		t.Errorf("user_version = %d, want %d", v, store.SchemaVersion())
	}
}

func join(s []string) string { return strings.Join(s, " ") }
