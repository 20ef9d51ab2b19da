package results

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// testPage is a small page with a control and one variant weighted twice as heavily.
func testPage(targetRate float64) *pages.Page {
	return &pages.Page{
		Slug: "idea", Title: "An idea", File: "idea.toml",
		Variants: []pages.Variant{{ID: "a", Weight: 1, Headline: "A", CTA: "Go"}, {ID: "b", Weight: 2, Headline: "B", CTA: "Go"}},
		Fields:   []pages.Field{{Name: "email", Kind: pages.FieldEmail, Required: true}, {Name: "role", Kind: pages.FieldText}},
		PassBar:  pages.PassBar{TargetRate: targetRate, MinVisitors: 10},
	}
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func serve(t *testing.T, st *store.Store, p *pages.Page) *site.Entry {
	t.Helper()
	hash, def := p.Definition()
	ph, err := st.EnsurePhase(context.Background(), p.Slug, hash, def)
	if err != nil {
		t.Fatal(err)
	}
	return &site.Entry{Page: p, Phase: ph, Weights: p.Weights()}
}

func visit(t *testing.T, st *store.Store, e *site.Entry, id, variant string, at time.Time) {
	st.RecordExposure(store.Exposure{PhaseID: e.Phase.ID, Page: e.Page.Slug, VisitorID: id, Variant: variant, At: at})
}

func TestPageFillsEveryDayAndEveryVariant(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	e := serve(t, st, testPage(0.05))
	start := e.Phase.StartedAt
	for i := range 3 {
		visit(t, st, e, fmt.Sprintf("first-day-%d", i), "b", start)
	}
	visit(t, st, e, "third-day", "b", start.Add(48*time.Hour))
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.InsertSignup(ctx, store.Signup{PhaseID: e.Phase.ID, Page: "idea", Email: "x@example.com", VisitorID: "third-day", Variant: "b", At: start.Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	now := start.Add(72 * time.Hour)
	r, err := Page(ctx, st, e, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Variants) != 2 || r.Variants[0].ID != "a" || r.Variants[0].Visitors != 0 || r.Variants[1].Visitors != 4 || r.Variants[1].Signups != 1 {
		t.Errorf("variants %+v: want a with zeros (nobody saw it) and b with 4 visitors, 1 signup", r.Variants)
	}
	if len(r.Daily) != 4 {
		t.Fatalf("%d days, want 4 (start to now, quiet days included)", len(r.Daily))
	}
	wantVisitors := []int64{3, 0, 1, 0}
	for i, d := range r.Daily {
		if want := start.UTC().AddDate(0, 0, i).Format(time.DateOnly); d.Date != want {
			t.Errorf("day %d is %s, want %s", i, d.Date, want)
		}
		if len(d.Variants) != 2 || d.Variants[0].ID != "a" || d.Variants[1].Visitors != wantVisitors[i] {
			t.Errorf("day %s: %+v, want b with %d visitors", d.Date, d.Variants, wantVisitors[i])
		}
	}
	if r.Phase.Days != 3 || r.Verdict.Kind != stats.NotEnoughData || r.PassBar.MinVisitors != 10 {
		t.Errorf("phase %+v verdict %s", r.Phase, r.Verdict.Kind)
	}
	if len(r.LatestSignups) != 1 || r.LatestSignups[0].Email != "x@example.com" {
		t.Errorf("latest signups %+v", r.LatestSignups)
	}
	if len(r.EarlierPhases) != 0 || r.Sources.Campaigns == nil || r.Filtered.Top == nil {
		t.Errorf("empty lists must be [] in JSON, not null: %+v %+v", r.Sources, r.Filtered)
	}
}

func TestPageBeforeThePhaseStartedIsDayZero(t *testing.T) {
	st := openStore(t)
	e := serve(t, st, testPage(0.05))
	r, err := Page(context.Background(), st, e, e.Phase.StartedAt.Add(-time.Hour)) // a clock set back
	if err != nil || r.Phase.Days != 0 {
		t.Errorf("days %v, err %v; want 0 and no error", r.Phase.Days, err)
	}
}

func TestEarlierPhasesKeepTheirOwnTotals(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := testPage(0.05)
	first := serve(t, st, p)
	for i := range 5 {
		visit(t, st, first, fmt.Sprintf("old-%d", i), "a", time.Now())
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	second := serve(t, st, testPage(0.08)) // the bar moved after visitors came: a new phase
	if second.Phase.ID == first.Phase.ID {
		t.Fatal("changing the bar did not start a new phase")
	}
	r, err := Page(ctx, st, second, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.EarlierPhases) != 1 {
		t.Fatalf("earlier phases %+v", r.EarlierPhases)
	}
	old := r.EarlierPhases[0]
	if old.ID != first.Phase.ID || old.Visitors != 5 || !old.EndedAt.Equal(second.Phase.StartedAt.UTC()) {
		t.Errorf("earlier phase %+v", old)
	}
	if r.Verdict.Visitors != 0 {
		t.Errorf("the new phase counts %d visitors of the old one", r.Verdict.Visitors)
	}

	// Offline, the first page file finds its own phase and says a newer one runs.
	e, newer, err := OfflineEntry(ctx, st, p)
	if err != nil || e.Phase.ID != first.Phase.ID || !newer {
		t.Errorf("offline entry of the old file: %+v newer %v err %v", e, newer, err)
	}
	r, err = Page(ctx, st, e, time.Now())
	if err != nil || len(r.EarlierPhases) != 0 || r.Verdict.Visitors != 5 {
		t.Errorf("old phase's results: %d visitors, earlier %+v, err %v", r.Verdict.Visitors, r.EarlierPhases, err)
	}
}

func TestOfflineEntryNeverStartsAPhase(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := testPage(0.05)
	if _, _, err := OfflineEntry(ctx, st, p); !errors.Is(err, ErrNotServed) {
		t.Errorf("a page never served: %v, want ErrNotServed", err)
	}
	serve(t, st, p)
	if _, _, err := OfflineEntry(ctx, st, testPage(0.2)); !errors.Is(err, ErrNotServed) {
		t.Errorf("an edited page file: %v, want ErrNotServed", err)
	}
	if phases, _ := st.Phases(ctx, "idea"); len(phases) != 1 {
		t.Errorf("%d phases after offline reads, want 1", len(phases))
	}
}

func TestSummarize(t *testing.T) {
	st := openStore(t)
	e := serve(t, st, testPage(0.05))
	for i := range 12 {
		visit(t, st, e, fmt.Sprintf("v%d", i), []string{"a", "b", "b"}[i%3], time.Now())
	}
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := Summarize(context.Background(), st, e, time.Now())
	if err != nil || s.Page != "idea" || s.Visitors != 12 || s.Verdict != stats.KeepRunning || s.TargetRate != 0.05 {
		t.Errorf("summary %+v err %v", s, err)
	}
}
