package main

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestRunStoresEveryAcknowledgedInsert runs the measurement briefly: run itself fails when an
// acknowledged insert is missing, and the table must hold rows afterwards.
func TestRunStoresEveryAcknowledgedInsert(t *testing.T) {
	dir := t.TempDir()
	for _, linger := range []time.Duration{0, time.Millisecond} {
		if err := run(filepath.Join(dir, linger.String()+".db"), 8, 200*time.Millisecond, 1000, linger); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "0s.db")
	if err := run(path, 8, 200*time.Millisecond, 1000, 0); err == nil {
		t.Error("run reused an existing file")
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM signups`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no rows stored")
	}
}

func TestRunRefusesBadSettings(t *testing.T) {
	for name, call := range map[string]func() error{
		"no path":      func() error { return run("", 64, time.Second, 1000, 0) },
		"no producers": func() error { return run("x.db", 0, time.Second, 1000, 0) },
		"huge batch":   func() error { return run("x.db", 64, time.Second, 1_000_000, 0) },
		"long linger":  func() error { return run("x.db", 64, time.Second, 1000, time.Minute) },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
