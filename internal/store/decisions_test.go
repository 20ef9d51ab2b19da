package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestRecordDecisionKeepsTheFirstAndSurvivesARestart(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p, err := s.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	first := store.Decision{PhaseID: p.ID, What: store.DecisionVerdict, Kind: "validated",
		DecidedAt: time.UnixMilli(1_764_720_000_000), Visitors: 612, Signups: 44, CILow: 0.0501, CIHigh: 0.11}
	got, err := s.RecordDecision(ctx, first)
	if err != nil || got != first {
		t.Fatalf("RecordDecision = %+v, %v; want %+v", got, err, first)
	}
	later := first
	later.Kind, later.Visitors, later.Signups, later.DecidedAt = "invalidated", 5000, 200, first.DecidedAt.Add(72*time.Hour)
	if got, err := s.RecordDecision(ctx, later); err != nil || got != first {
		t.Errorf("a later decision replaced the first: %+v, %v", got, err)
	}
	alarm := store.Decision{PhaseID: p.ID, What: store.DecisionSRM, Kind: "srm", DecidedAt: first.DecidedAt.Add(time.Hour), Visitors: 700, Signups: 50, CILow: 0.0004, CIHigh: 0.0004}
	if _, err := s.RecordDecision(ctx, alarm); err != nil {
		t.Fatal(err)
	}

	// A restart: close and open the same file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	list, err := s2.Decisions(ctx, p.ID)
	if err != nil || len(list) != 2 || list[0] != first || list[1] != alarm {
		t.Fatalf("after a restart: %+v, %v; want the verdict %+v and the alarm %+v", list, err, first, alarm)
	}

	// A new phase starts with no decision.
	s2.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	if err := s2.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	next, err := s2.EnsurePhase(ctx, "idea", "h2", []byte(`{}`))
	if err != nil || next.ID == p.ID {
		t.Fatalf("new phase %+v, %v", next, err)
	}
	if list, err := s2.Decisions(ctx, next.ID); err != nil || len(list) != 0 {
		t.Errorf("a new phase has decisions %+v, %v", list, err)
	}
}

func TestRecordDecisionRefusesWhatItCannotMean(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p, err := s.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []store.Decision{
		{PhaseID: p.ID, What: store.DecisionVerdict, Kind: "keep_running"},
		{PhaseID: p.ID, What: store.DecisionSRM, Kind: "validated"},
		{PhaseID: 0, What: store.DecisionVerdict, Kind: "validated"},
		{PhaseID: p.ID, What: store.DecisionVerdict, Kind: "validated", Visitors: 3, Signups: 4},
	} {
		if _, err := s.RecordDecision(ctx, d); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("RecordDecision(%+v) = %v, want ErrInvalid", d, err)
		}
	}
}
