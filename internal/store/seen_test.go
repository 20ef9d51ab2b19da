package store_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestRepeatViewsAreNotQueued: once a visitor's exposure is committed, their later views in
// the same phase never reach the writer (no commit at all), while a new visitor, and the
// same visitor in another phase, still do.
func TestRepeatViewsAreNotQueued(t *testing.T) {
	t.Parallel()
	var items atomic.Int64
	s, path := openStore(t, store.Options{Hooks: store.Hooks{
		Committed: func(_ time.Duration, n int, _ error) { items.Add(int64(n)) },
	}})
	ctx := context.Background()
	p1, err := s.EnsurePhase(ctx, "launch", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	exp := store.Exposure{PhaseID: p1.ID, Page: "launch", VisitorID: "AAAAAAAAAAAAAAAAAAAAAA", Variant: "control"}
	if s.Seen(p1.ID, exp.VisitorID) {
		t.Error("Seen before the first exposure")
	}
	s.RecordExposure(exp)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if !s.Seen(p1.ID, exp.VisitorID) || s.Seen(p1.ID, "BBBBBBBBBBBBBBBBBBBBBB") {
		t.Error("Seen does not answer what is committed: the visitor, and only them")
	}
	before := items.Load()
	for i := 0; i < 1000; i++ {
		s.RecordExposure(exp)
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// Flush itself may commit an empty marker; what must not happen is 1000 more items.
	if grew := items.Load() - before; grew > 1 {
		t.Errorf("1000 repeat views of a committed visitor wrote %d items, want none", grew)
	}

	other := exp
	other.VisitorID = "BBBBBBBBBBBBBBBBBBBBBB"
	s.RecordExposure(other)
	p2, err := s.EnsurePhase(ctx, "launch", "h2", []byte(`{"changed":true}`))
	if err != nil {
		t.Fatal(err)
	}
	again := exp
	again.PhaseID = p2.ID
	s.RecordExposure(again)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, "SELECT COUNT(*) FROM visitors WHERE phase_id = ?", p1.ID); n != 2 {
		t.Errorf("phase 1 has %d visitors, want 2 (the repeat once, the new visitor once)", n)
	}
	if n := queryInt(t, db, "SELECT COUNT(*) FROM visitors WHERE phase_id = ?", p2.ID); n != 1 {
		t.Errorf("phase 2 has %d visitors, want 1: a new phase counts a returning visitor again", n)
	}
}
