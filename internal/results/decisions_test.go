package results

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
)

// TestDecisionIsRecordedOnceAndKept drives a real store: the verdict is reached, recorded,
// shown with the numbers since, kept when today's numbers turn, kept across a restart, and
// a new phase starts without it.
func TestDecisionIsRecordedOnceAndKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "litmus.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := testPage(0.1)
	e := serve(t, st, p)
	start := e.Phase.StartedAt
	add := func(st *store.Store, from, visitors, signups int) {
		t.Helper()
		for i := from; i < from+visitors; i++ {
			id := fmt.Sprintf("v%d", i)
			variant := []string{"a", "b", "b"}[i%3] // the 1:2 split the page asks for
			visit(t, st, e, id, variant, start)
			if i-from < signups {
				if err := st.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := st.InsertSignup(ctx, store.Signup{PhaseID: e.Phase.ID, Page: p.Slug, Email: id + "@example.com", VisitorID: id, Variant: variant, At: start}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := st.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	decidedAt := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)

	add(st, 0, 5, 0)
	if err := Record(ctx, st, e, decidedAt.Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, err := Page(ctx, st, e, decidedAt.Add(-48*time.Hour)); err != nil || r.Verdict.Kind != stats.NotEnoughData || r.Decision != nil {
		t.Fatalf("before the minimum: %+v, %v", r.Decision, err)
	}
	add(st, 5, 145, 3)
	if err := Record(ctx, st, e, decidedAt); err != nil {
		t.Fatal(err)
	}
	r, err := Page(ctx, st, e, decidedAt)
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision == nil || r.Decision.Kind != "invalidated" || r.Decision.Visitors != r.Verdict.Visitors || !r.Decision.DecidedAt.Equal(decidedAt) {
		t.Fatalf("verdict %s at %d visitors; decision %+v", r.Verdict.Kind, r.Verdict.Visitors, r.Decision)
	}
	decidedVisitors := r.Decision.Visitors
	want := fmt.Sprintf("Invalidated on 3 Dec at %s visitors (3 signups, likely between", Count(decidedVisitors))
	if !strings.HasPrefix(r.Decision.Sentence, want) {
		t.Errorf("sentence %q, want it to start %q", r.Decision.Sentence, want)
	}

	// A run of signups turns today's numbers; the decision stays, and says so.
	add(st, 1000, 400, 200)
	later := decidedAt.Add(72 * time.Hour)
	if err := Record(ctx, st, e, later); err != nil {
		t.Fatal(err)
	}
	r, err = Page(ctx, st, e, later)
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict.Kind == stats.Invalidated || r.Decision == nil || r.Decision.Kind != "invalidated" || r.Decision.Visitors != decidedVisitors {
		t.Fatalf("verdict today %s; decision %+v", r.Verdict.Kind, r.Decision)
	}
	if r.Decision.VisitorsSince != 400 || r.Decision.SignupsSince != 200 ||
		!strings.Contains(r.Decision.Sentence, "Since then: 400 more visitors and 200 more signups.") ||
		!strings.Contains(r.Decision.Sentence, "The decision stands") {
		t.Errorf("decision %+v", r.Decision)
	}
	sum, err := Summarize(ctx, st, e, later)
	if err != nil || sum.Decided != stats.Invalidated || sum.DecidedAt == nil || !sum.DecidedAt.Equal(decidedAt) {
		t.Errorf("summary %+v, %v", sum, err)
	}

	// A restart keeps it.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err = Page(ctx, st, e, later)
	if err != nil || r.Decision == nil || r.Decision.Visitors != decidedVisitors {
		t.Fatalf("after a restart: decision %+v, %v", r.Decision, err)
	}

	// A new phase (the pass bar changed) starts fresh.
	p2 := testPage(0.2)
	e2 := serve(t, st, p2)
	if e2.Phase.ID == e.Phase.ID {
		t.Fatal("changing the bar did not start a new phase")
	}
	r, err = Page(ctx, st, e2, later)
	if err != nil || r.Decision != nil || r.SRMAlarm != nil {
		t.Errorf("new phase: decision %+v, alarm %+v, %v", r.Decision, r.SRMAlarm, err)
	}

	// The ended phase keeps its decision: in its own report, in the timeline, and as the
	// page's latest decision, though its final numbers alone say otherwise.
	if len(r.EarlierPhases) != 1 || r.EarlierPhases[0].Decision == nil || r.EarlierPhases[0].Decision.Kind != "invalidated" {
		t.Errorf("timeline of the new phase: %+v", r.EarlierPhases)
	}
	old, ok, err := PhaseResults(ctx, st, p2, 1, later)
	if err != nil || !ok || old.Phase.Current || old.Decision == nil || old.Decision.Visitors != decidedVisitors {
		t.Fatalf("phase 1 reopened: ok %v, decision %+v, %v", ok, old.Decision, err)
	}
	if s := old.Decision.Sentence; !strings.Contains(s, "Since then, until the phase ended: 400 more visitors and 200 more signups.") ||
		!strings.Contains(s, "Its final numbers on their own would say") {
		t.Errorf("phase 1's decision reads %q", s)
	}
	hist, err := History(ctx, st, p2.Slug, later)
	if err != nil || len(hist) != 2 || hist[0].Decision != nil || hist[1].Decision == nil || hist[1].Decision.Kind != "invalidated" {
		t.Errorf("history %+v, %v", hist, err)
	}
	sum, err = Summarize(ctx, st, e2, later)
	if err != nil || sum.Decided != "" || sum.Decision == nil || sum.Decision.Phase != 1 || sum.Decision.Verdict != stats.Invalidated {
		t.Errorf("summary after the new phase: %+v (latest %+v), %v", sum, sum.Decision, err)
	}
}

func TestDecisionDate(t *testing.T) {
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	if got := DecisionDate(time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC), now); got != "3 Dec" {
		t.Errorf("got %q", got)
	}
	if got := DecisionDate(time.Date(2025, 11, 30, 1, 0, 0, 0, time.UTC), now); got != "30 Nov 2025" {
		t.Errorf("got %q", got)
	}
}

// TestWatchDecisionsRecordsWithoutAnyoneLooking: the server's watcher writes the verdict
// down on its own; the test waits for the row (up to a generous deadline, no timing claim).
func TestWatchDecisionsRecordsWithoutAnyoneLooking(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := openStore(t)
	e := serve(t, st, testPage(0.5))
	for i := range 60 {
		id := fmt.Sprintf("w%d", i)
		visit(t, st, e, id, []string{"a", "b", "b"}[i%3], e.Phase.StartedAt)
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var holder site.Holder
	holder.Store(&site.Site{Entries: []*site.Entry{e}, Default: e})
	done := make(chan struct{})
	go func() {
		WatchDecisions(ctx, st, &holder, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := st.Decisions(ctx, e.Phase.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 && list[0].Kind == "invalidated" && list[0].Visitors == 60 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no decision recorded for 0 of 60 against a 50%% bar: %+v", list)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done // the watcher stops with its context
}

// TestSplitAlarmIsRecordedAndTheVerdictIsNot: a broken split is recorded the first time it
// is seen; the withheld verdict is not.
func TestSplitAlarmIsRecordedAndTheVerdictIsNot(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	e := serve(t, st, testPage(0.5)) // weights 1:2
	for i := range 300 {
		visit(t, st, e, fmt.Sprintf("s%d", i), "a", e.Phase.StartedAt) // everyone in "a"
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	now := e.Phase.StartedAt.Add(time.Hour)
	if err := Record(ctx, st, e, now); err != nil {
		t.Fatal(err)
	}
	r, err := Page(ctx, st, e, now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Trustworthy || r.SRMAlarm == nil || r.SRMAlarm.Visitors != 300 || r.Decision != nil {
		t.Fatalf("trustworthy %v, alarm %+v, decision %+v", r.Trustworthy, r.SRMAlarm, r.Decision)
	}
	if !strings.HasPrefix(r.SRMAlarm.Sentence, "The split check first raised its alarm on ") {
		t.Errorf("alarm sentence %q", r.SRMAlarm.Sentence)
	}
}

// TestRecordOnAReplicaWritesNothing: on a LiteFS replica (a read-only store) a look records
// nothing and is not an error; the primary records, and the replica shows its record.
func TestRecordOnAReplicaWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "litmus.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := serve(t, st, testPage(0.5))
	for i := range 60 {
		id := fmt.Sprintf("r%d", i)
		visit(t, st, e, id, []string{"a", "b", "b"}[i%3], e.Phase.StartedAt)
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	replica, err := store.Open(path, store.Options{Replica: true})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	now := e.Phase.StartedAt.Add(time.Hour)
	if err := Record(ctx, replica, e, now); err != nil {
		t.Fatalf("Record on a replica: %v, want nil (the primary records)", err)
	}
	if list, err := st.Decisions(ctx, e.Phase.ID); err != nil || len(list) != 0 {
		t.Fatalf("a look on the replica recorded %+v, %v", list, err)
	}
	if err := Record(ctx, st, e, now); err != nil {
		t.Fatal(err)
	}
	r, err := Page(ctx, replica, e, now.Add(time.Hour))
	if err != nil || r.Decision == nil || r.Decision.Kind != "invalidated" {
		t.Fatalf("the replica shows decision %+v, %v; want the primary's invalidated", r.Decision, err)
	}
}
