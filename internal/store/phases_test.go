package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestEnsurePhaseStartsANewPhaseOnlyWhenVisitorsWouldBeMixed(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	ensure := func(hash, def string) store.Phase {
		t.Helper()
		p, err := s.EnsurePhase(ctx, "idea", hash, []byte(def))
		if err != nil {
			t.Fatalf("EnsurePhase(%s): %v", hash, err)
		}
		return p
	}

	first := ensure("h1", `{"w":[50,50]}`)
	if first.ID == 0 || first.Hash != "h1" || string(first.Definition) != `{"w":[50,50]}` || first.StartedAt.IsZero() ||
		first.Number != 1 || first.Outcome != store.PhaseFirst {
		t.Fatalf("first phase = %+v", first)
	}
	again := ensure("h1", `{"w":[50,50]}`)
	if again.Outcome != store.PhaseUnchanged {
		t.Errorf("same hash: outcome %v, want PhaseUnchanged", again.Outcome)
	}
	again.Outcome = first.Outcome
	if !reflect.DeepEqual(again, first) {
		t.Errorf("same hash: %+v, want the same phase %+v", again, first)
	}

	edited := ensure("h2", `{"w":[70,30]}`)
	if edited.ID != first.ID || edited.Hash != "h2" || string(edited.Definition) != `{"w":[70,30]}` ||
		edited.Number != 1 || edited.Outcome != store.PhaseRedefined || string(edited.Replaced) != `{"w":[50,50]}` {
		t.Errorf("new hash before any visitor: %+v, want phase %d updated in place", edited, first.ID)
	}
	if edited.StartedAt.Before(first.StartedAt) {
		t.Errorf("StartedAt went back from %v to %v", first.StartedAt, edited.StartedAt)
	}

	s.RecordExposure(store.Exposure{PhaseID: edited.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: edited.ID, Page: "idea", Email: "a@example.com", VisitorID: "v1", Variant: "a"}); err != nil {
		t.Fatal(err)
	}
	second := ensure("h3", `{"w":[60,40]}`)
	if second.ID == edited.ID {
		t.Fatalf("new hash after a visitor reused phase %d", edited.ID)
	}
	if second.Number != 2 || second.Outcome != store.PhaseStarted || string(second.Replaced) != `{"w":[70,30]}` {
		t.Errorf("second phase = %+v, want number 2, PhaseStarted, replacing the 70/30 definition", second)
	}
	if again := ensure("h3", `{"w":[60,40]}`); again.ID != second.ID {
		t.Errorf("same hash again: phase %d, want %d", again.ID, second.ID)
	}

	counts, err := s.Counts(ctx, edited.ID)
	if err != nil || len(counts) != 1 || counts[0] != (store.VariantCount{Variant: "a", Visitors: 1, Signups: 1}) {
		t.Errorf("old phase counts = %+v, %v; want its visitor and signup intact", counts, err)
	}
	if counts, err := s.Counts(ctx, second.ID); err != nil || len(counts) != 0 {
		t.Errorf("new phase counts = %+v, %v; want none yet", counts, err)
	}

	phases, err := s.Phases(ctx, "idea")
	if err != nil {
		t.Fatal(err)
	}
	if len(phases) != 2 || phases[0].ID != second.ID || phases[1].ID != edited.ID || phases[1].Hash != "h2" ||
		phases[0].Number != 2 || phases[1].Number != 1 {
		t.Errorf("Phases = %+v, want [%d %d], newest first", phases, second.ID, edited.ID)
	}
	if other, err := s.Phases(ctx, "other"); err != nil || len(other) != 0 {
		t.Errorf("Phases of a page never seen = %v, %v; want none", other, err)
	}
}

func TestEnsurePhaseRefusesBadInput(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	tests := []struct {
		name, page, hash, def, want string
	}{
		{"no page", "", "h", `{}`, "page is empty"},
		{"no hash", "idea", "", `{}`, "phase hash is empty"},
		{"definition not JSON", "idea", "h", `{"w":`, "not valid JSON"},
		{"definition too large", "idea", "h", `"` + strings.Repeat("x", 1<<20) + `"`, "at most 1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.EnsurePhase(context.Background(), tt.page, tt.hash, []byte(tt.def))
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrInvalid saying %q", err, tt.want)
			}
		})
	}
}
