package results

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
)

// The decision record. The verdict is a pure function of today's counts, so on its own it
// could say "validated" on Tuesday and "keep running" on Friday. A founder acts on the
// first verdict, and the always-valid test allows exactly that: stopping at the first
// verdict keeps its 5% error rate. So the first verdict of a phase (and its first
// sample-ratio alarm) is written down with the numbers of that moment, and the dashboard,
// the API and the CLI show it from then on, with what came in since. This file is the
// only part of the package that writes, and only through Record.

// Decision is a recorded decision as the founder reads it.
type Decision struct {
	Kind      string    `json:"kind"` // "validated", "invalidated", or "srm" (the split check's alarm)
	DecidedAt time.Time `json:"decided_at"`
	Visitors  int64     `json:"visitors"` // all variants together, when it was decided
	Signups   int64     `json:"signups"`
	// CILow and CIHigh are the verdict's always-valid bounds when it was decided; for the
	// split check's alarm both hold its p-value.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	// VisitorsSince and SignupsSince are what the phase has gained since.
	VisitorsSince int64  `json:"visitors_since"`
	SignupsSince  int64  `json:"signups_since"`
	Sentence      string `json:"sentence"`
}

// Record writes down the first verdict ("validated" or "invalidated") of e's current
// phase and its first sample-ratio alarm, if today's numbers reach them and they are not
// recorded yet. A verdict withheld by the split check is not recorded. The server calls it
// before showing results and every minute (WatchDecisions), so a decision is recorded
// within a minute of being reached even if nobody looks.
//
// On a LiteFS replica (a read-only store) Record writes nothing and returns nil: the
// primary records, at its looks and every minute, and the record replicates here.
func Record(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) error {
	if st.Replica() {
		return nil
	}
	recorded, err := st.Decisions(ctx, e.Phase.ID)
	if err != nil {
		return fmt.Errorf("results: %w", err)
	}
	have := map[string]bool{}
	for _, d := range recorded {
		have[d.What] = true
	}
	if have[store.DecisionVerdict] && have[store.DecisionSRM] {
		return nil
	}
	h, err := loadHistory(ctx, st, e.Page.Slug, now)
	if err != nil {
		return err
	}
	i := h.index(e.Phase.ID)
	if i != 0 {
		// Only the current phase can reach a decision; a served entry's phase is the newest.
		return nil
	}
	a, err := h.analyze(ctx, st, i)
	if err != nil {
		return err
	}
	report := a.report
	v := report.Verdict
	base := store.Decision{PhaseID: e.Phase.ID, DecidedAt: now, Visitors: v.Visitors, Signups: v.Signups}
	if !have[store.DecisionSRM] && report.SRM.Mismatch {
		d := base
		d.What, d.Kind, d.CILow, d.CIHigh = store.DecisionSRM, "srm", report.SRM.PValue, report.SRM.PValue
		if _, err := st.RecordDecision(ctx, d); err != nil {
			return fmt.Errorf("results: %w", err)
		}
	}
	if !have[store.DecisionVerdict] && !v.Withheld && (v.Kind == stats.Validated || v.Kind == stats.Invalidated) {
		d := base
		d.What, d.Kind, d.CILow, d.CIHigh = store.DecisionVerdict, string(v.Kind), v.CILow, v.CIHigh
		if _, err := st.RecordDecision(ctx, d); err != nil {
			return fmt.Errorf("results: %w", err)
		}
	}
	return nil
}

// WatchDecisions calls Record for every page being served, every interval, until ctx ends.
// Errors are logged: a missed round is retried at the next.
func WatchDecisions(ctx context.Context, st *store.Store, pages *site.Holder, interval time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s := pages.Load()
		if s == nil {
			continue
		}
		for _, e := range s.Entries {
			if err := Record(ctx, st, e, time.Now()); err != nil && ctx.Err() == nil {
				logger.Error("recording the decision failed; trying again in a minute", "page", e.Page.Slug, "err", err)
			}
		}
	}
}

// decisions reads the phase's recorded decisions and words them against the phase's verdict
// now: today's numbers for the current phase (current true), the final ones for an ended phase.
func decisions(ctx context.Context, st *store.Store, phaseID int64, now time.Time, latest stats.Verdict, current bool) (verdict, alarm *Decision, err error) {
	list, err := st.Decisions(ctx, phaseID)
	if err != nil {
		return nil, nil, fmt.Errorf("results: %w", err)
	}
	for _, d := range list {
		out := &Decision{
			Kind: d.Kind, DecidedAt: d.DecidedAt.UTC(), Visitors: d.Visitors, Signups: d.Signups, CILow: d.CILow, CIHigh: d.CIHigh,
			VisitorsSince: max(latest.Visitors-d.Visitors, 0), SignupsSince: max(latest.Signups-d.Signups, 0),
		}
		out.Sentence = decisionSentence(out, now, latest, current)
		if d.What == store.DecisionSRM {
			alarm = out
		} else {
			verdict = out
		}
	}
	return verdict, alarm, nil
}

// decisionSentence is "Validated on 3 Dec at 612 visitors (44 signups, likely between 5.1%
// and 11%). Since then: 388 more visitors and 30 more signups." For an ended phase (current
// false) "since then" runs until the phase ended, and its final numbers stand for today's.
func decisionSentence(d *Decision, now time.Time, latest stats.Verdict, current bool) string {
	day := DecisionDate(d.DecidedAt, now)
	var s string
	switch d.Kind {
	case "srm":
		return fmt.Sprintf("The split check first raised its alarm on %s at %s visitors.", day, Count(d.Visitors))
	case string(stats.Validated):
		s = "Validated"
	default:
		s = "Invalidated"
	}
	s += fmt.Sprintf(" on %s at %s visitors (%s, likely between %s and %s).", day, Count(d.Visitors),
		countWord(d.Signups, "signup", "signups"), Percent(d.CILow), Percent(d.CIHigh))
	since, numbers := "Since then", "Today's numbers"
	if !current {
		since, numbers = "Since then, until the phase ended", "Its final numbers"
	}
	if d.VisitorsSince > 0 {
		s += fmt.Sprintf(" %s: %s and %s.", since, countWord(d.VisitorsSince, "more visitor", "more visitors"), countWord(d.SignupsSince, "more signup", "more signups"))
	}
	if string(latest.Kind) != d.Kind && !latest.Withheld {
		s += fmt.Sprintf(" The decision stands: it was reached with its 5%% error rate, and stopping at the first verdict keeps it. "+
			"(%s on their own would say \"%s\".)", numbers, VerdictLabel(latest.Kind, false))
	}
	return s
}

// DecisionDate writes a decision's day as "3 Dec", with the year when it is not now's.
func DecisionDate(t, now time.Time) string {
	t = t.UTC()
	if t.Year() != now.UTC().Year() {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2 Jan")
}

func countWord(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return Count(n) + " " + many
}
