package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// Issue 14: /healthz answered 200 on a full disk while every signup failed, because Ping
// committed an empty transaction, which needs no space. On a real 3 MiB tmpfs filled with
// signups, Ping must fail as soon as a signup does, and pass again once space is freed.
func TestPingFailsWhenTheDiskCannotTakeASignup(t *testing.T) {
	dir := mountTmpfs(t, "size=3m")
	s, err := store.Open(filepath.Join(dir, "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on an empty 3 MiB disk: %v", err)
	}
	p := mustPhase(t, s, "idea")
	// Fill most of the disk with another file, as logs or a stray backup would; signups fill
	// the rest.
	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler, 1536<<10) // leave 1.5 MiB for signups to fill
	stored, failed := 0, 0
	for i := 0; i < 5000 && failed == 0; i++ { // bounded: 5000 signups are far more than 3 MiB holds
		_, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Variant: "a",
			Email: fmt.Sprintf("person%d@example.com", i), Fields: map[string]string{"note": string(make([]byte, 200))}})
		if err != nil {
			failed++
		} else {
			stored++
		}
	}
	if failed == 0 || stored == 0 {
		t.Fatalf("%d signups stored, %d failed: want the disk to fill with signups", stored, failed)
	}
	t.Logf("%d signups stored before the disk was full", stored)
	for i := 0; i < 10; i++ {
		if err := s.Ping(ctx); !errors.Is(err, store.ErrDiskFull) {
			t.Fatalf("Ping %d after signups started failing (%d stored) = %v, want ErrDiskFull", i+1, stored, err)
		}
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping once space was freed: %v", err)
	}
}

// fillDisk writes path until the file system is full, leaving keep bytes unwritten.
func fillDisk(t *testing.T, path string, keep int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for i := 0; i < 1<<20; i++ { // bounded: 4 GiB at most
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	if keep > 0 {
		info, _ := f.Stat()
		f.Truncate(max(0, info.Size()-keep))
	}
}
