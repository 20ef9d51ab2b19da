package store

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Decision is a phase's first verdict ("validated" or "invalidated") or its first
// sample-ratio alarm, with the numbers at that moment. It is kept once written: the
// founder acted on it, and a later look must not silently take it back.
type Decision struct {
	PhaseID   int64
	What      string // DecisionVerdict or DecisionSRM
	Kind      string // "validated", "invalidated", or "srm"
	DecidedAt time.Time
	Visitors  int64   // all variants together, at the decision
	Signups   int64   //
	CILow     float64 // the verdict's bounds at the decision (for SRM: the split's p-value, twice)
	CIHigh    float64
}

// What a decision is about: each phase has at most one of each.
const (
	DecisionVerdict = "verdict"
	DecisionSRM     = "srm"
)

// RecordDecision stores d unless its phase already has a decision about the same thing, and
// returns the decision that is stored: d, or the earlier one that wins. It goes through the
// writer, so it is ordered with the counts committed before it.
func (s *Store) RecordDecision(ctx context.Context, d Decision) (Decision, error) {
	switch {
	case d.PhaseID <= 0:
		return Decision{}, invalid("a decision needs a phase")
	case !(d.What == DecisionVerdict && (d.Kind == "validated" || d.Kind == "invalidated")) && !(d.What == DecisionSRM && d.Kind == "srm"):
		return Decision{}, invalid("decision %q/%q is not one Litmus records", d.What, d.Kind)
	case d.Visitors < 0 || d.Signups < 0 || d.Signups > d.Visitors:
		return Decision{}, invalid("decision with %d signups of %d visitors", d.Signups, d.Visitors)
	case math.IsNaN(d.CILow) || math.IsNaN(d.CIHigh):
		return Decision{}, invalid("decision bounds are not numbers")
	}
	at := d.DecidedAt.UnixMilli()
	return submit(ctx, s, "record decision", func(b *batch) (Decision, error) {
		ws := b.w.ws
		if _, err := b.stmt(ws.insertDecision).Exec(d.PhaseID, d.What, d.Kind, at, d.Visitors, d.Signups, d.CILow, d.CIHigh); err != nil {
			return Decision{}, fmt.Errorf("store: record decision of phase %d: %w", d.PhaseID, err)
		}
		stored := Decision{PhaseID: d.PhaseID, What: d.What}
		var decided int64
		err := b.stmt(ws.decisionOf).QueryRow(d.PhaseID, d.What).Scan(&stored.Kind, &decided, &stored.Visitors, &stored.Signups, &stored.CILow, &stored.CIHigh)
		if err != nil {
			return Decision{}, fmt.Errorf("store: read back decision of phase %d: %w", d.PhaseID, err)
		}
		stored.DecidedAt = time.UnixMilli(decided)
		return stored, nil
	})
}

// Decisions returns the decisions recorded for a phase, the verdict's first.
func (s *Store) Decisions(ctx context.Context, phaseID int64) ([]Decision, error) {
	rows, err := s.rs.decisions.QueryContext(ctx, phaseID)
	if err != nil {
		return nil, fmt.Errorf("store: decisions of phase %d: %w", phaseID, err)
	}
	defer rows.Close()
	var list []Decision
	for rows.Next() {
		d := Decision{PhaseID: phaseID}
		var decided int64
		if err := rows.Scan(&d.What, &d.Kind, &decided, &d.Visitors, &d.Signups, &d.CILow, &d.CIHigh); err != nil {
			return nil, fmt.Errorf("store: decisions of phase %d: %w", phaseID, err)
		}
		d.DecidedAt = time.UnixMilli(decided)
		list = append(list, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: decisions of phase %d: %w", phaseID, err)
	}
	return list, nil
}
