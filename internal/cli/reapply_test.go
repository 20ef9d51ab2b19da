package cli

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// Issue 14: restoring a backup brought back people erased after it was made, with no
// warning. Restore now re-applies the erasures the replaced database records, and says so.
func TestRestoreReappliesErasuresMadeAfterTheBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "litmus.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ph, err := st.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"émile@x.com", "bob@x.com", "early@x.com"} {
		if _, err := st.InsertSignup(ctx, store.Signup{PhaseID: ph.ID, Page: "idea", Email: e, Variant: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	// early@ is erased before the backup, émile after it (typed another way).
	if out, errOut, err := runCmd(t, db, "forget", "early@x.com"); err != nil {
		t.Fatalf("forget: %v %s %s", err, out, errOut)
	}
	backup := filepath.Join(dir, "backup.db")
	if out, errOut, err := runCmd(t, db, "backup", backup); err != nil {
		t.Fatalf("backup: %v %s %s", err, out, errOut)
	}
	if out, errOut, err := runCmd(t, db, "forget", "ÉMILE@X.COM"); err != nil || !strings.Contains(out, "Erased 1 signup") {
		t.Fatalf("forget after the backup: %v %s %s", err, out, errOut)
	}
	out, errOut, err := runCmd(t, db, "restore", backup)
	if err != nil {
		t.Fatalf("restore: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "Re-applied 2 recorded erasure requests: 1 signup of people who asked to be forgotten erased again.") {
		t.Errorf("restore did not say what it re-applied:\n%s", out)
	}
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var left []string
	rows, err := raw.Query("SELECT email FROM signups ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e string
		rows.Scan(&e)
		left = append(left, e)
	}
	rows.Close()
	if strings.Join(left, " ") != "bob@x.com" {
		t.Errorf("after restore the signups are %v, want only bob@x.com (émile asked to be forgotten after the backup)", left)
	}
	// The record holds no address in clear.
	var n int
	raw.QueryRow("SELECT count(*) FROM erasures WHERE instr(key_hash, 'mile') > 0 OR instr(key_hash, 'early') > 0").Scan(&n)
	if n != 0 {
		t.Error("the erasure record holds an address in clear")
	}
}
