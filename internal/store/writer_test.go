package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestCloseCommitsEveryQueuedExposure(t *testing.T) {
	t.Parallel()
	// A minute-long flush interval and room for more than 1000 in a batch: nothing commits
	// on its own during the test.
	s, path := openStore(t, store.Options{FlushInterval: time.Minute, MaxBatch: 5000})
	p := mustPhase(t, s, "idea")
	day := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for i := range 1000 {
		s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: fmt.Sprint("v", i),
			Variant: []string{"a", "b"}[i%2], At: day})
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, "SELECT count(*) FROM visitors"); n != 0 {
		t.Fatalf("%d visitors committed before Close; the test cannot tell what Close flushed", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM visitors"); n != 1000 {
		t.Errorf("%d visitors after Close, want 1000", n)
	}
	for _, v := range []string{"a", "b"} {
		if n := queryInt(t, db, "SELECT visitors FROM daily_counts WHERE phase_id = ? AND variant = ? AND day = '2024-06-01'", p.ID, v); n != 500 {
			t.Errorf("daily_counts of %s = %d, want 500", v, n)
		}
	}
	if s.Dropped() != 0 {
		t.Errorf("Dropped = %d, want 0", s.Dropped())
	}
}

func TestConcurrentSignupsShareCommits(t *testing.T) {
	t.Parallel()
	var commits, items atomic.Int64
	s, path := openStore(t, store.Options{Hooks: store.Hooks{Committed: func(_ time.Duration, n int, err error) {
		if err != nil {
			t.Errorf("commit failed: %v", err)
		}
		commits.Add(1)
		items.Add(int64(n))
	}}})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	commits.Store(0)
	items.Store(0)

	const workers, each = 64, 50
	ids := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea",
					Email: fmt.Sprintf("w%d-%d@example.com", w, i), Variant: "a"})
				if err != nil || res.Duplicate || res.ID == 0 {
					t.Errorf("signup %d/%d: %+v, %v", w, i, res, err)
				}
				ids[w] = append(ids[w], res.ID)
			}
		})
	}
	wg.Wait()

	const signups = workers * each
	unique := map[int64]bool{}
	for _, list := range ids {
		for _, id := range list {
			unique[id] = true
		}
	}
	if len(unique) != signups {
		t.Errorf("%d distinct ids acknowledged, want %d", len(unique), signups)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != signups {
		t.Errorf("%d signups stored, want %d", n, signups)
	}
	if c := commits.Load(); c >= signups/2 {
		t.Errorf("%d commits for %d signups: the writer is not grouping them", c, signups)
	} else {
		t.Logf("%d signups in %d commits (%.1f per commit)", signups, c, float64(signups)/float64(c))
	}
	if n := items.Load(); n != signups {
		t.Errorf("hooks saw %d items committed, want %d", n, signups)
	}
}

func TestHooksSeeWhatWasStoredOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var visitors, signups []string
	s, _ := openStore(t, store.Options{Hooks: store.Hooks{
		NewVisitor: func(page, variant string) {
			mu.Lock()
			visitors = append(visitors, page+"/"+variant)
			mu.Unlock()
		},
		SignupStored: func(page, variant string) {
			mu.Lock()
			signups = append(signups, page+"/"+variant)
			mu.Unlock()
		},
	}})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	for _, v := range []string{"v1", "v1", "v2"} { // v1 twice: one visitor
		s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: v, Variant: "b"})
	}
	for _, email := range []string{"a@example.com", "a@example.com", "b@example.com"} {
		if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: email, VisitorID: "v1", Variant: "b"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(visitors) != "[idea/b idea/b]" {
		t.Errorf("NewVisitor calls = %v, want two (v1 once, v2)", visitors)
	}
	if fmt.Sprint(signups) != "[idea/b idea/b]" {
		t.Errorf("SignupStored calls = %v, want two (the duplicate is not stored)", signups)
	}
}

func TestAFullQueueMakesSendersWaitNotDrop(t *testing.T) {
	t.Parallel()
	gate := newWriterGate()
	s, path := openStore(t, store.Options{QueueSize: 4, Hooks: gate.hooks()})
	p := mustPhase(t, s, "idea")
	gate.hold(t, s)

	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for i := range 100 {
			s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: fmt.Sprint("v", i), Variant: "a"})
		}
	}()
	waitForQueue(t, s, 4) // full: the sender is now blocked
	close(gate.release)
	<-sent
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM visitors"); n != 100 || s.Dropped() != 0 {
		t.Errorf("%d visitors stored and %d dropped, want 100 and 0", n, s.Dropped())
	}
}

func TestInvalidExposuresAreDroppedAndCounted(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	p := mustPhase(t, s, "idea")
	for _, e := range []store.Exposure{
		{PhaseID: p.ID, Page: "idea", VisitorID: "", Variant: "a"},                            // no visitor
		{PhaseID: p.ID, Page: "idea", VisitorID: string(make([]byte, 65)), Variant: "a"},      // oversized id
		{PhaseID: 0, Page: "idea", VisitorID: "v", Variant: "a"},                              // no phase
		{PhaseID: 999, Page: "idea", VisitorID: "v", Variant: "a"},                            // unknown phase: refused by the database
		{PhaseID: p.ID, Page: "idea", VisitorID: "ok", Variant: "a"},                          // the one to keep
		{PhaseID: p.ID, Page: "idea", VisitorID: "long-utm", Variant: "a", Source: longUTM()}, // kept, cut to size
	} {
		s.RecordExposure(e)
	}
	s.RecordFiltered("idea", "Not A Class!", "curl", time.Now())
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.Dropped(); got != 5 {
		t.Errorf("Dropped = %d, want 5", got)
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, "SELECT count(*) FROM visitors"); n != 2 {
		t.Errorf("%d visitors stored, want 2", n)
	}
	if n := queryInt(t, db, "SELECT length(utm_campaign) FROM visitors WHERE visitor_id = 'long-utm'"); n != 200 {
		t.Errorf("a 5000-byte utm_campaign was stored as %d bytes, want 200", n)
	}
}

func longUTM() store.Source {
	b := make([]byte, 5000)
	for i := range b {
		b[i] = 'x'
	}
	return store.Source{UTMCampaign: string(b)}
}
