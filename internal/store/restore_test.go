package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// backupWithSignups returns a backup file holding n signups.
func backupWithSignups(t *testing.T, n int) string {
	t.Helper()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	for i := range n {
		email := fmt.Sprintf("person-%d@example.com", i)
		if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: email, VisitorID: email, Variant: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	return dest
}

func TestVerifyDescribesAGoodBackup(t *testing.T) {
	t.Parallel()
	backup := backupWithSignups(t, 25)
	info, err := store.Verify(context.Background(), backup)
	if err != nil {
		t.Fatal(err)
	}
	if info.Signups != 25 || info.Schema != store.SchemaVersion() {
		t.Errorf("Verify = %+v, want 25 signups at schema %d", info, store.SchemaVersion())
	}
	if entries, _ := os.ReadDir(filepath.Dir(backup)); len(entries) != 1 {
		t.Errorf("Verify left files beside the backup: %v", entries)
	}
}

func TestVerifyRefusesWhatIsNotAWholeLitmusDatabase(t *testing.T) {
	t.Parallel()
	good := backupWithSignups(t, 300) // several pages, so damage in the middle hits a table
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	foreign := func(name, sql string) string {
		p := filepath.Join(dir, name)
		db := rawDB(t, p)
		if _, err := db.Exec(sql); err != nil {
			t.Fatal(err)
		}
		db.Close()
		return p
	}
	damaged := append([]byte(nil), goodBytes...)
	for i := 2 * 4096; i < len(damaged)-4096; i += 7 { // keep page 1 (the schema) intact
		damaged[i] ^= 0x5a
	}
	withLog := write("live.db", goodBytes)
	write("live.db-wal", []byte("frames the file lacks"))

	tests := []struct {
		name, path, want string
	}{
		{"a text file", write("notes.txt", []byte("my signups, honest\n")), "is not a SQLite database file"},
		{"an empty file", write("empty.db", nil), "is not a SQLite database file"},
		{"a missing file", filepath.Join(dir, "nowhere.db"), "there is no file"},
		{"a directory", dir, "is a directory"},
		{"a damaged database", write("damaged.db", damaged), "is damaged"},
		{"another program's database", foreign("other.db", "CREATE TABLE notes (body TEXT)"), "not a Litmus one"},
		{"a newer Litmus's database", foreign("newer.db", "CREATE TABLE signups (id INTEGER); PRAGMA user_version = 99"), "made by a newer Litmus"},
		{"a copy with its log beside it", withLog, "write-ahead log beside it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Verify(context.Background(), tt.path)
			t.Log(err)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify(%s) = %v, want an error saying %q", filepath.Base(tt.path), err, tt.want)
			}
		})
	}
}

func TestLockForRestoreRefusesWhileTheDatabaseIsOpen(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "litmus.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "kept@example.com", VisitorID: "v", Variant: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LockForRestore(ctx, path); !errors.Is(err, store.ErrInUse) {
		t.Fatalf("LockForRestore with the store open: err = %v, want ErrInUse", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	lock, err := store.LockForRestore(ctx, path)
	if err != nil {
		t.Fatalf("LockForRestore after Close: %v", err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still beside the locked database (%v): moving the file aside would leave it behind", suffix, err)
		}
	}
	other, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=0") // a second program, as a server starting now
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("SELECT count(*) FROM signups"); err == nil {
		t.Error("another connection could read the database while it was locked for restore")
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	info, err := store.Verify(ctx, path)
	if err != nil || info.Signups != 1 {
		t.Errorf("after Release: Verify = %+v, %v; want the 1 signup", info, err)
	}
	if _, err := store.LockForRestore(ctx, filepath.Join(t.TempDir(), "missing.db")); err == nil {
		t.Error("LockForRestore created or accepted a missing file")
	}
}

func TestVerifyReadsADatabaseLitmusClosedCleanly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "litmus.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // leaves a WAL-mode file with no -wal beside it
		t.Fatal(err)
	}
	info, err := store.Verify(context.Background(), path)
	if err != nil || info.Signups != 0 || info.Schema != store.SchemaVersion() {
		t.Fatalf("Verify = %+v, %v", info, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("Verify left files beside the database: %v", entries)
	}
}
