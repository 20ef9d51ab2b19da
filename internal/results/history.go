package results

import (
	"context"
	"fmt"
	"time"

	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// A page's history is its phases, each analysed with the definition it stored: the pass
// bar, weights and pitch its visitors saw. An earlier phase is therefore reported exactly
// as it stood when the next one started (its days end there), whatever the page file says
// now; the current phase's stored definition is the page file's (equal hashes).

// history is one page's phases, newest first, with their parsed definitions.
type history struct {
	slug   string
	now    time.Time
	phases []store.Phase
	defs   []pages.ExperimentDefinition
}

func loadHistory(ctx context.Context, st *store.Store, slug string, now time.Time) (*history, error) {
	phases, err := st.Phases(ctx, slug)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	h := &history{slug: slug, now: now, phases: phases, defs: make([]pages.ExperimentDefinition, len(phases))}
	for i, ph := range phases {
		if h.defs[i], err = pages.ParseDefinition(ph.Definition); err != nil {
			return nil, fmt.Errorf("results: phase %d of %s: %w", ph.Number, slug, err)
		}
	}
	return h, nil
}

// index returns the position of the phase with the given id, or -1.
func (h *history) index(id int64) int {
	for i, ph := range h.phases {
		if ph.ID == id {
			return i
		}
	}
	return -1
}

// end is when phase i ended (the next one started), or nil for the newest.
func (h *history) end(i int) *time.Time {
	if i == 0 {
		return nil
	}
	t := h.phases[i-1].StartedAt.UTC()
	return &t
}

// days is how long phase i ran: until now, or until the next phase started.
func (h *history) days(i int) float64 {
	if end := h.end(i); end != nil {
		return daysSince(h.phases[i].StartedAt, *end)
	}
	return daysSince(h.phases[i].StartedAt, h.now)
}

// changes is what changed from the phase before i (nil for the first).
func (h *history) changes(i int) []pages.Change {
	if i+1 >= len(h.phases) {
		return []pages.Change{}
	}
	c := pages.DiffDefinitions(h.defs[i+1], h.defs[i])
	if c == nil {
		c = []pages.Change{}
	}
	return c
}

// analysis is a phase's counts and what stats.Analyze made of them.
type analysis struct {
	report stats.Report
	days   float64
	bar    stats.PassBar
	counts []store.VariantCount // in the definition's order, zeros for variants nobody saw
}

// analyze runs stats.Analyze on phase i's counts with its own definition's variants (in
// order, the control first; a variant nobody saw counts as zero) and pass bar. With
// counts = "confirmed" in that pass bar, a signup counts once it is confirmed.
func (h *history) analyze(ctx context.Context, st *store.Store, i int) (analysis, error) {
	ph, def := h.phases[i], h.defs[i]
	counts, err := st.Counts(ctx, ph.ID)
	if err != nil {
		return analysis{}, fmt.Errorf("results: %w", err)
	}
	byID := make(map[string]store.VariantCount, len(counts))
	for _, c := range counts {
		byID[c.Variant] = c
	}
	in := stats.Input{
		PassBar:     stats.PassBar{TargetRate: def.PassBar.TargetRate, MinVisitors: int64(def.PassBar.MinVisitors), MinDays: def.PassBar.MinDays},
		DaysElapsed: h.days(i),
	}
	a := analysis{bar: in.PassBar, days: in.DaysElapsed}
	confirmed := countsOf(def) == pages.CountsConfirmed
	for _, v := range def.Variants {
		c := byID[v.ID]
		c.Variant = v.ID
		a.counts = append(a.counts, c)
		judged := c.Signups
		if confirmed {
			judged = c.Confirmed
		}
		in.Variants = append(in.Variants, stats.Variant{ID: v.ID, Weight: v.Weight, Visitors: c.Visitors, Signups: judged})
	}
	if a.report, err = stats.Analyze(in); err != nil {
		return analysis{}, fmt.Errorf("results of %s phase %d: %w", h.slug, ph.Number, err)
	}
	return a, nil
}

// countsOf is what a definition's verdict counts: "confirmed" or "signups".
func countsOf(def pages.ExperimentDefinition) string {
	if def.PassBar.Counts == pages.CountsConfirmed {
		return pages.CountsConfirmed
	}
	return pages.CountsSignups
}

// decisionOf is the verdict a founder acts on in a phase: its recorded decision when there
// is one (it stands whatever later numbers say), else its numbers' verdict when that is
// "validated" or "invalidated" and not withheld (a phase ended before decisions were
// recorded, or `litmus results` reading a verdict the server has not recorded yet). ok is
// false when the phase reached none.
func decisionOf(v stats.Verdict, rec *Decision) (kind stats.VerdictKind, ok bool) {
	if rec != nil {
		return stats.VerdictKind(rec.Kind), true
	}
	if !v.Withheld && (v.Kind == stats.Validated || v.Kind == stats.Invalidated) {
		return v.Kind, true
	}
	return "", false
}

// promise is the commitment a phase's definition holds for its decision (decisionOf).
func promise(def pages.ExperimentDefinition, v stats.Verdict, rec *Decision) string {
	kind, ok := decisionOf(v, rec)
	if !ok {
		return ""
	}
	switch kind {
	case stats.Validated:
		return def.PassBar.IfValidated
	case stats.Invalidated:
		return def.PassBar.IfInvalidated
	}
	return ""
}

// decided is the verdict a listed phase reached, if any (decisionOf).
func decided(ph PhaseSummary) (stats.VerdictKind, bool) {
	return decisionOf(stats.Verdict{Kind: ph.Verdict, Withheld: ph.Withheld}, ph.Decision)
}

// results is the full report of phase i of page p (its title and the demand signals it
// asks for come from the page file; everything else from the phase).
func (h *history) results(ctx context.Context, st *store.Store, p *pages.Page, i int) (Results, error) {
	a, err := h.analyze(ctx, st, i)
	if err != nil {
		return Results{}, err
	}
	report := a.report
	ph, def := h.phases[i], h.defs[i]
	b := def.PassBar
	decision, alarm, err := decisions(ctx, st, ph.ID, h.now, report.Verdict, i == 0)
	if err != nil {
		return Results{}, err
	}
	r := Results{
		Page:        h.slug,
		Title:       p.Title,
		GeneratedAt: h.now.UTC(),
		Phase: Phase{
			Number: ph.Number, ID: ph.ID, Current: i == 0, StartedAt: ph.StartedAt.UTC(), EndedAt: h.end(i),
			Hash: ph.Hash, Days: h.days(i), Changes: h.changes(i), Note: ph.Note,
		},
		PassBar: PassBar{TargetRate: b.TargetRate, MinVisitors: b.MinVisitors, MinDays: b.MinDays, Counts: countsOf(def),
			IfValidated: b.IfValidated, IfInvalidated: b.IfInvalidated},
		Counts:      countsOf(def),
		Variants:    report.Variants,
		SRM:         report.SRM,
		Verdict:     report.Verdict,
		Trustworthy: report.Trustworthy,
		Decision:    decision,
		SRMAlarm:    alarm,
		Plan:        planFor(a.bar),
		Promise:     promise(def, report.Verdict, decision),
	}
	for _, v := range def.Variants {
		r.Pitch = append(r.Pitch, Pitch{ID: v.ID, Weight: v.Weight, Headline: v.Headline, Subheadline: v.Subheadline, Body: v.Body, CTA: v.CTA, Price: v.Price})
	}
	end := h.now
	if e := h.end(i); e != nil {
		end = *e
	}
	if r.Daily, err = daily(ctx, st, ph, def, end); err != nil {
		return Results{}, err
	}
	if r.Sources, err = sources(ctx, st, ph.ID); err != nil {
		return Results{}, err
	}
	if r.Filtered, err = filtered(ctx, st, h.slug, ph.StartedAt, h.end(i)); err != nil {
		return Results{}, err
	}
	if r.EarlierPhases, err = h.summaries(ctx, st, i+1); err != nil {
		return Results{}, err
	}
	if len(r.EarlierPhases) > MaxEarlierPhases {
		r.EarlierPhases = r.EarlierPhases[:MaxEarlierPhases]
	}
	if r.LatestSignups, err = st.LatestSignups(ctx, h.slug, MaxLatestSignups); err != nil {
		return Results{}, fmt.Errorf("results: %w", err)
	}
	r.PhaseNumbers = h.numbers()
	if err := addSignals(ctx, st, p, ph.ID, a, &r); err != nil {
		return Results{}, err
	}
	return r, nil
}

// summaries lists the phases from position from on (newest first) with their totals,
// verdicts, changes and notes.
func (h *history) summaries(ctx context.Context, st *store.Store, from int) ([]PhaseSummary, error) {
	out := []PhaseSummary{}
	for i := from; i < len(h.phases); i++ {
		a, err := h.analyze(ctx, st, i)
		if err != nil {
			return nil, err
		}
		ph, v := h.phases[i], a.report.Verdict
		decision, _, err := decisions(ctx, st, ph.ID, h.now, v, i == 0)
		if err != nil {
			return nil, err
		}
		out = append(out, PhaseSummary{
			Number: ph.Number, ID: ph.ID, Current: i == 0, StartedAt: ph.StartedAt.UTC(), EndedAt: h.end(i), Hash: ph.Hash,
			Visitors: v.Visitors, Signups: v.Signups, Rate: v.Rate, Verdict: v.Kind, Withheld: v.Withheld,
			Decision: decision, Promise: promise(h.defs[i], v, decision), Changes: h.changes(i), Note: ph.Note,
		})
	}
	return out, nil
}

// numbers maps phase ids to phase numbers.
func (h *history) numbers() map[int64]int {
	m := make(map[int64]int, len(h.phases))
	for _, ph := range h.phases {
		m[ph.ID] = ph.Number
	}
	return m
}
