package store_test

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// sqliteFile makes a SQLite file at path with the given statements, in rollback-journal
// mode as most programs leave it.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// unchanged reports what Open changed in a file it refused: its bytes, and files beside it.
func unchanged(t *testing.T, path string, before []byte) {
	t.Helper()
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("Open changed the refused file %s", filepath.Base(path))
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + side); err == nil {
			t.Errorf("Open left %s%s behind", filepath.Base(path), side)
		}
	}
}

// Issue 14: LITMUS_DB pointing at another program's database started, added Litmus's
// tables, set user_version and switched the file to WAL.
func TestOpenRefusesAnotherProgramsDatabase(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		stmts []string
		want  string
	}{
		{"tables of its own", []string{"CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)", "INSERT INTO invoices VALUES (1, 9.5)"},
			"holds tables Litmus did not create (invoices)"},
		{"a Litmus-like table among others", []string{"CREATE TABLE settings (key TEXT, value BLOB)", "CREATE TABLE customers (id INTEGER)"},
			"holds tables Litmus did not create (customers, settings)"},
		{"another application_id", []string{"PRAGMA application_id = 1196444487", "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT, WITHOUT ROWID"},
			"belongs to another program (its SQLite application_id is 0x47504b47"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".db")
		sqliteFile(t, path, c.stmts...)
		before, _ := os.ReadFile(path)
		_, err := store.Open(path, store.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "point LITMUS_DB at a new file") {
			t.Errorf("%s: err = %v, want %q and the fix", c.name, err, c.want)
		}
		unchanged(t, path, before)
	}
}

// A file made by Litmus 0.1 (schema 2, no application_id) is Litmus's: it is migrated and
// marked.
func TestOpenMarksAnOlderLitmusFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	if err := store.MigrateTo(path, 2); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("an older Litmus file was refused: %v", err)
	}
	s.Close()
	if id := queryInt(t, rawDB(t, path), "PRAGMA application_id"); id != 0x4C744D73 {
		t.Errorf("application_id = %#x, want Litmus's 0x4c744d73", id)
	}
}

// Issue 14: a truncated file said only "malformed".
func TestOpenExplainsATruncatedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "litmus.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := mustPhase(t, s, "idea")
	_ = p
	s.Close()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 8192 {
		t.Fatalf("file of %d bytes: %v", len(b), err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o640); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "is cut short") || !strings.Contains(err.Error(), "litmus restore") {
		t.Errorf("err = %v, want it to say the file is cut short and how to restore", err)
	}
	unchanged(t, path, b[:len(b)/2])
}

// Issue 14: a read-only file said "save secret: attempt to write a readonly database" and
// left empty -wal and -shm files; an unwritable directory said "read schema version: …".
// As root, permissions do not stop writes, so the test uses a read-only tmpfs (what a
// read-only volume looks like); it needs mount, and skips where that is not allowed.
func TestOpenExplainsAReadOnlyFileAndDirectory(t *testing.T) {
	dir := mountTmpfs(t, "size=4m")
	path := filepath.Join(dir, "litmus.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v %s", err, out)
	}
	_, err = store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "is not writable (the file system is mounted read-only)") ||
		strings.Contains(err.Error(), "schema version") || strings.Contains(err.Error(), "secret") {
		t.Errorf("err = %v, want the directory named as not writable, with the fix", err)
	}
	unchanged(t, path, before)
}
