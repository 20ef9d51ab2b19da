package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestBackupWhileSignupsFlowHoldsEveryAcknowledgedOne(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")

	var (
		mu    sync.Mutex
		acked []string
		stop  atomic.Bool
		wg    sync.WaitGroup
		n     atomic.Int64
	)
	for w := range 8 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				email := fmt.Sprintf("w%d-%d@example.com", w, i)
				s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: email, Variant: "a"})
				if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: email, VisitorID: email, Variant: "a"}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked = append(acked, email)
				mu.Unlock()
				n.Add(1)
			}
		})
	}
	for n.Load() < 200 { // let signups flow before and during the backup
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()

	dest := filepath.Join(t.TempDir(), "backups", "litmus-copy.db")
	err := s.Backup(ctx, dest)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	info, err := os.Stat(dest)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o640 {
		t.Errorf("backup mode = %o, want 640", perm)
	}

	db, err := sql.Open("sqlite3", "file:"+dest+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("backup integrity_check = %q, %v", check, err)
	}
	missing := 0
	for _, email := range before {
		if queryInt(t, db, "SELECT count(*) FROM signups WHERE email = ?", email) != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d signups acknowledged before Backup are missing from the copy", missing, len(before))
	}
	if v := queryInt(t, db, "PRAGMA user_version"); v != int64(store.SchemaVersion()) {
		t.Errorf("backup schema version = %d, want %d", v, store.SchemaVersion())
	}
	checkFile(t, dest)
}

func TestBackupNeverOverwrites(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	dest := filepath.Join(t.TempDir(), "taken.db")
	if err := os.WriteFile(dest, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dest, want string
	}{
		{"existing file", dest, "already exists"},
		{"the database itself", path, "the database itself"},
		{"no name", "", "needs a file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Backup(ctx, tt.dest)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
	if b, err := os.ReadFile(dest); err != nil || string(b) != "precious" {
		t.Errorf("existing file now holds %q, %v", b, err)
	}
	if err := s.Backup(ctx, dest+".new"); err != nil {
		t.Errorf("Backup to a new name: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	fresh := filepath.Join(t.TempDir(), "cancelled.db")
	if err := s.Backup(cancelled, fresh); !errors.Is(err, context.Canceled) {
		t.Errorf("Backup with a cancelled context: err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a cancelled backup left a file behind: %v", err)
	}
}
