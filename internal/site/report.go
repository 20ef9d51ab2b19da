package site

import (
	"fmt"
	"strings"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// PageReport says what loading the page files did to one page's test, in the words the
// admin's notice and the log use: "no change", "same phase (title changed)" or "new phase 3
// started because: …". A founder must know whether an edit restarted the count.
type PageReport struct {
	Page    string
	Phase   int                // the page's current phase number after the load
	Outcome store.PhaseOutcome // what the store did with the page's definition
	Removed bool               // the page was served before and is no longer
	New     bool               // the page was not served before (or the server just started)
	Changes []pages.Change     // what differs from before: the definition's changes first
	Planned bool               // a preview (Preview): nothing has changed yet
}

// Compare reports, page by page, what changed from prev (nil at start) to cur: which pages'
// tests continue, which started a new phase and why, and which pages are gone. The
// definition's changes come from the definition the phase replaced, so they are right even
// at start after the files were edited while the server was stopped; the title, form and
// thank-you changes need prev.
func Compare(prev, cur *Site) []PageReport {
	var out []PageReport
	for _, e := range cur.Entries {
		r := PageReport{Page: e.Page.Slug, Phase: e.Phase.Number, Outcome: e.Phase.Outcome}
		var old *Entry
		if prev != nil {
			old = prev.Lookup(e.Page.Slug)
		}
		r.New = old == nil
		if len(e.Phase.Replaced) > 0 {
			if before, err := pages.ParseDefinition(e.Phase.Replaced); err == nil {
				r.Changes = pages.DiffDefinitions(before, e.Page.ExperimentDefinition())
			}
		}
		if old != nil {
			for _, c := range pages.DiffPages(old.Page, e.Page) {
				if !c.NewPhase {
					r.Changes = append(r.Changes, c)
				}
			}
		}
		out = append(out, r)
	}
	if prev != nil {
		for _, e := range prev.Entries {
			if cur.Lookup(e.Page.Slug) == nil {
				out = append(out, PageReport{Page: e.Page.Slug, Phase: e.Phase.Number, Removed: true})
			}
		}
	}
	return out
}

// String is the one-line report, e.g. `chaser: new phase 3 started because: variant
// "tired" re-worded: headline "…" → "…"`.
func (r PageReport) String() string {
	return "/" + r.Page + ": " + r.Summary()
}

// Summary is the report without the page's name.
func (r PageReport) Summary() string {
	texts := func(newPhase bool) string {
		var list []string
		for _, c := range r.Changes {
			if c.NewPhase == newPhase {
				list = append(list, c.Text)
			}
		}
		return strings.Join(list, "; ")
	}
	why := texts(true)
	if why == "" {
		why = "its pitch, weights or pass bar changed"
	}
	if other := texts(false); other != "" {
		why += " (also: " + other + ")"
	}
	switch {
	case r.Removed && r.Planned:
		return fmt.Sprintf("would no longer be served (its results, up to phase %d, stay in the database)", r.Phase)
	case r.Removed:
		return fmt.Sprintf("no longer served (its results, up to phase %d, stay in the database)", r.Phase)
	case r.Outcome == store.PhaseFirst && r.Planned:
		return "new page: its first phase would start"
	case r.Outcome == store.PhaseFirst:
		return "new page: phase 1 started"
	case r.Outcome == store.PhaseStarted && r.Planned:
		return fmt.Sprintf("would start new phase %d because: %s", r.Phase, why)
	case r.Outcome == store.PhaseStarted:
		return fmt.Sprintf("new phase %d started because: %s", r.Phase, why)
	case r.Outcome == store.PhaseRedefined && r.Planned:
		return fmt.Sprintf("phase %d has no visitors yet, so it would test the new version: %s", r.Phase, why)
	case r.Outcome == store.PhaseRedefined:
		return fmt.Sprintf("phase %d had no visitors yet, so it now tests the new version: %s", r.Phase, why)
	}
	if other := texts(false); other != "" {
		return fmt.Sprintf("same phase %d (%s)", r.Phase, other)
	}
	if r.New {
		return fmt.Sprintf("phase %d continues", r.Phase)
	}
	return "no change"
}

// Swap makes s the current site and returns what changed from the one it replaces.
func (h *Holder) Swap(s *Site) []PageReport {
	s.Report = Compare(h.Load(), s)
	h.Store(s)
	return s.Report
}

// Preview reports what serving ps instead of cur would do to each page's test, without
// changing anything: the admin's "check what a reload would do". hasVisitors says whether a
// phase has had a visitor (a changed definition then starts a new phase rather than
// replacing the empty one's). A page cur does not serve is reported as new even if the
// database holds earlier phases of it.
func Preview(cur *Site, ps []*pages.Page, hasVisitors func(phaseID int64) (bool, error)) ([]PageReport, error) {
	next := make(map[string]bool, len(ps))
	var out []PageReport
	for _, p := range ps {
		next[p.Slug] = true
		old := cur.Lookup(p.Slug)
		if old == nil {
			out = append(out, PageReport{Page: p.Slug, Outcome: store.PhaseFirst, New: true, Planned: true})
			continue
		}
		r := PageReport{Page: p.Slug, Phase: old.Phase.Number, Planned: true, Changes: pages.DiffPages(old.Page, p)}
		if hash, _ := p.Definition(); hash != old.Phase.Hash {
			seen, err := hasVisitors(old.Phase.ID)
			if err != nil {
				return nil, err
			}
			r.Outcome = store.PhaseRedefined
			if seen {
				r.Outcome, r.Phase = store.PhaseStarted, old.Phase.Number+1
			}
		}
		out = append(out, r)
	}
	for _, e := range cur.Entries {
		if !next[e.Page.Slug] {
			out = append(out, PageReport{Page: e.Page.Slug, Phase: e.Phase.Number, Removed: true, Planned: true})
		}
	}
	return out, nil
}
