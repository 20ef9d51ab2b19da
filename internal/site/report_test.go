package site_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

func examples(t *testing.T) []*pages.Page {
	t.Helper()
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestReportsSayWhatEachLoadDid builds sites the way serve does (a real store) and checks
// the sentence for each outcome: first load, no change, same phase, a phase redefined before
// its first visitor, a new phase after visitors, a page gone; and that Preview predicts them
// without changing anything.
func TestReportsSayWhatEachLoadDid(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	theme := pages.DefaultTheme()
	var h site.Holder
	load := func(ps []*pages.Page) []string {
		t.Helper()
		s, err := site.Build(ctx, ps, theme, pages.Options{}, st)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range h.Swap(s) {
			out = append(out, r.String())
		}
		return out
	}
	preview := func(ps []*pages.Page) []string {
		t.Helper()
		reports, err := site.Preview(h.Load(), ps, func(id int64) (bool, error) {
			c, err := st.Counts(ctx, id)
			return len(c) > 0, err
		})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range reports {
			out = append(out, r.String())
		}
		return out
	}
	check := func(what string, got []string, want ...string) {
		t.Helper()
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", what, got, want)
		}
	}

	check("first load", load(examples(t)), "/chaser: new page: phase 1 started", "/taxpot: new page: phase 1 started")
	check("same files", load(examples(t)), "/chaser: no change", "/taxpot: no change")

	ps := examples(t)
	ps[0].Title = "Chaser"
	check("title only", load(ps), `/chaser: same phase 1 (title "Chaser — invoices that chase themselves" → "Chaser")`, "/taxpot: no change")

	ps = examples(t)
	ps[0].Variants[1].Weight = 2
	check("preview before any visitor", preview(ps),
		`/chaser: phase 1 has no visitors yet, so it would test the new version: weight of "paid-on-time" 1 → 2 (also: title "Chaser" → "Chaser — invoices that chase themselves")`,
		"/taxpot: no change")
	check("weight before any visitor", load(ps),
		`/chaser: phase 1 had no visitors yet, so it now tests the new version: weight of "paid-on-time" 1 → 2 (also: title "Chaser" → "Chaser — invoices that chase themselves")`,
		"/taxpot: no change")

	chaser := h.Load().Lookup("chaser")
	st.RecordExposure(store.Exposure{PhaseID: chaser.Phase.ID, Page: "chaser", VisitorID: "v1", Variant: "paid-on-time"})
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ps = examples(t)[:1]
	ps[0].PassBar.TargetRate = 0.04
	check("preview after a visitor", preview(ps),
		`/chaser: would start new phase 2 because: pass bar: target 5% → 4%; weight of "paid-on-time" 2 → 1`,
		"/taxpot: would no longer be served (its results, up to phase 1, stay in the database)")
	if h.Load().Lookup("chaser").Phase.Number != 1 {
		t.Error("the preview changed the phase")
	}
	check("bar after a visitor", load(ps),
		`/chaser: new phase 2 started because: pass bar: target 5% → 4%; weight of "paid-on-time" 2 → 1`,
		"/taxpot: no longer served (its results, up to phase 1, stay in the database)")

	// At start (no previous site) the definition's changes still come from the store
	// (phase 2 has had no visitor, so it is redefined).
	var fresh site.Holder
	ps = examples(t)[:1]
	s, err := site.Build(ctx, ps, theme, pages.Options{}, st)
	if err != nil {
		t.Fatal(err)
	}
	got := fresh.Swap(s)
	if len(got) != 1 || got[0].String() != "/chaser: phase 2 had no visitors yet, so it now tests the new version: pass bar: target 4% → 5%" {
		t.Errorf("at start: %v", got)
	}
}
