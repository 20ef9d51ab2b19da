package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// A replica opens the primary's file read-only: it sees the primary's phases, secret and
// recorded address, refuses writes with ErrReplica, and hands exposures to Ship.
func TestReplicaReadsThePrimarysFileAndWritesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary, path := openStore(t, store.Options{})
	ph, err := primary.EnsurePhase(ctx, "chaser", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := primary.SetPrimaryAddress(ctx, `{"public":"http://a"}`); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var shipped []store.Exposure
	r, err := store.Open(path, store.Options{Replica: true, Ship: func(e store.Exposure) {
		mu.Lock()
		shipped = append(shipped, e)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatalf("Open replica: %v", err)
	}
	defer r.Close()
	if !r.Replica() || string(r.Secret()) != string(primary.Secret()) {
		t.Fatal("the replica does not share the primary's secret")
	}
	got, err := r.EnsurePhase(ctx, "chaser", "h1", []byte(`{}`))
	if err != nil || got.ID != ph.ID {
		t.Fatalf("replica EnsurePhase = %+v, %v; want phase %d", got, err, ph.ID)
	}
	if _, err := r.EnsurePhase(ctx, "chaser", "h2", []byte(`{}`)); !errors.Is(err, store.ErrNotReplicated) {
		t.Fatalf("a definition the primary has not started: %v, want ErrNotReplicated", err)
	}
	if addr, err := r.PrimaryAddress(ctx); err != nil || addr != `{"public":"http://a"}` {
		t.Fatalf("PrimaryAddress = %q, %v", addr, err)
	}
	_, err = r.InsertSignup(ctx, store.Signup{PhaseID: ph.ID, Page: "chaser", Email: "a@example.com", VisitorID: "v1", Variant: "control"})
	if !errors.Is(err, store.ErrReplica) {
		t.Fatalf("InsertSignup on a replica: %v, want ErrReplica", err)
	}
	// Every other write of 0.2 is refused too (the server runs none of them on a replica).
	now := time.Now()
	writes := map[string]func() error{
		"RecordDecision": func() error {
			_, err := r.RecordDecision(ctx, store.Decision{PhaseID: ph.ID, What: store.DecisionVerdict, Kind: "validated", DecidedAt: now})
			return err
		},
		"RecordPageVersion": func() error {
			_, err := r.RecordPageVersion(ctx, store.PageVersion{Page: "chaser", Source: "title = 'x'", Author: "file on disk"})
			return err
		},
		"ConfirmSignup": func() error { _, err := r.ConfirmSignup(ctx, "chaser", 1, now); return err },
		"SaveAnswers": func() error {
			_, err := r.SaveAnswers(ctx, "chaser", 1, map[string]string{"q": "a"}, now)
			return err
		},
		"MarkMailSent":  func() error { return r.MarkMailSent(ctx, 1, now) },
		"Forget":        func() error { _, err := r.Forget(ctx, "a@example.com"); return err },
		"SetPhaseNote":  func() error { _, err := r.SetPhaseNote(ctx, "chaser", 1, "note"); return err },
		"SetPrimary":    func() error { return r.SetPrimaryAddress(ctx, "{}") },
		"Flush (empty)": func() error { return r.Flush(ctx) },
	}
	for name, write := range writes {
		if err := write(); !errors.Is(err, store.ErrReplica) {
			t.Errorf("%s on a replica: %v, want ErrReplica", name, err)
		}
	}
	if err := r.Ping(ctx); err != nil {
		t.Fatalf("Ping on a replica: %v", err)
	}
	e := store.Exposure{PhaseID: ph.ID, Page: "chaser", VisitorID: "v1", Variant: "control"}
	r.RecordExposure(e)
	r.RecordExposure(e) // the same visitor again: shipped once
	mu.Lock()
	n := len(shipped)
	mu.Unlock()
	if n != 1 || !r.Seen(ph.ID, "v1") {
		t.Fatalf("shipped %d exposures, want 1", n)
	}
	if c := queryInt(t, rawDB(t, path), `SELECT count(*) FROM visitors`); c != 0 {
		t.Fatalf("the replica wrote %d exposures itself", c)
	}
}

// A replica started before the primary created the database waits: ErrNotReplicated.
func TestReplicaWithoutTheFileIsNotReplicatedYet(t *testing.T) {
	t.Parallel()
	_, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{Replica: true})
	if !errors.Is(err, store.ErrNotReplicated) {
		t.Fatalf("Open = %v, want ErrNotReplicated", err)
	}
}
