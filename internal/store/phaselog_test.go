package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestPhaseNoteRoundTrips(t *testing.T) {
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	first, err := s.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	s.RecordExposure(store.Exposure{PhaseID: first.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	if _, err := s.EnsurePhase(ctx, "idea", "h2", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	const note = "priced variant won; next: test €9 vs €19 <b>"
	got, err := s.SetPhaseNote(ctx, "idea", 1, note)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != first.ID || got.Number != 1 || got.Note != note || got.NoteAt.IsZero() {
		t.Errorf("SetPhaseNote = %+v, want phase 1 with the note", got)
	}
	phases, err := s.Phases(ctx, "idea")
	if err != nil {
		t.Fatal(err)
	}
	if len(phases) != 2 || phases[1].Note != note || phases[0].Note != "" {
		t.Errorf("Phases = %+v, want the note on phase 1 only", phases)
	}
	if queryInt(t, rawDB(t, path), "SELECT count(*) FROM phases WHERE note = '"+note+"'") != 1 {
		t.Error("the note is not in the database file")
	}
	if p, err := s.SetPhaseNote(ctx, "idea", 1, ""); err != nil || p.Note != "" || !p.NoteAt.IsZero() {
		t.Errorf("clearing the note: %+v, %v", p, err)
	}

	for _, tt := range []struct {
		name, page string
		n          int
		note       string
		want       error
	}{
		{"no such phase", "idea", 3, "x", store.ErrNotFound},
		{"phase zero", "idea", 0, "x", store.ErrNotFound},
		{"no such page", "other", 1, "x", store.ErrNotFound},
		{"too long", "idea", 1, strings.Repeat("é", store.MaxNoteLen+1), store.ErrInvalid},
		{"not text", "idea", 1, "a\x00b", store.ErrInvalid},
	} {
		if _, err := s.SetPhaseNote(ctx, tt.page, tt.n, tt.note); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestRepeatSignerCountsInTheLaterPhaseAndIsStoredOnce: a person who signed up in phase 1
// and again in phase 2 is a conversion of each phase's variant, while the page keeps one
// contact with the first signup's fields.
func TestRepeatSignerCountsInTheLaterPhaseAndIsStoredOnce(t *testing.T) {
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p1, err := s.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	s.RecordExposure(store.Exposure{PhaseID: p1.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	first, err := s.InsertSignup(ctx, store.Signup{PhaseID: p1.ID, Page: "idea", Email: "Ann@example.com", VisitorID: "v1", Variant: "a",
		Fields: map[string]string{"name": "Ann"}})
	if err != nil || !first.Counted || first.Repeat || first.Duplicate {
		t.Fatalf("first signup = %+v, %v", first, err)
	}
	p2, err := s.EnsurePhase(ctx, "idea", "h2", []byte(`{}`))
	if err != nil || p2.ID == p1.ID {
		t.Fatalf("phase 2 = %+v, %v", p2, err)
	}
	s.RecordExposure(store.Exposure{PhaseID: p2.ID, Page: "idea", VisitorID: "v1", Variant: "b"})
	// Another spelling of the same address (email.Key) is the same person.
	again, err := s.InsertSignup(ctx, store.Signup{PhaseID: p2.ID, Page: "idea", Email: "ANN@example.com", VisitorID: "v1", Variant: "b",
		Fields: map[string]string{"name": "Ann B."}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.SignupResult{ID: first.ID, Repeat: true, Counted: true, Variant: "b"}); again != want {
		t.Errorf("repeat signup = %+v, want %+v", again, want)
	}
	// The same phase again is a duplicate: nothing stored, nothing counted.
	dup, err := s.InsertSignup(ctx, store.Signup{PhaseID: p2.ID, Page: "idea", Email: "ann@example.com", VisitorID: "v1", Variant: "b"})
	if err != nil || !dup.Duplicate || dup.Counted {
		t.Errorf("second signup in phase 2 = %+v, %v; want a duplicate", dup, err)
	}

	for _, tc := range []struct {
		phase int64
		want  store.VariantCount
	}{{p1.ID, store.VariantCount{Variant: "a", Visitors: 1, Signups: 1}}, {p2.ID, store.VariantCount{Variant: "b", Visitors: 1, Signups: 1}}} {
		counts, err := s.Counts(ctx, tc.phase)
		if err != nil || len(counts) != 1 || counts[0] != tc.want {
			t.Errorf("phase %d counts = %+v, %v; want %+v", tc.phase, counts, err, tc.want)
		}
	}
	rows, err := s.LatestSignups(ctx, "idea", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].PhaseID != p1.ID || rows[0].Fields["name"] != "Ann" || rows[0].Variant != "a" ||
		len(rows[0].Repeats) != 1 || rows[0].Repeats[0].PhaseID != p2.ID || rows[0].Repeats[0].Variant != "b" || !rows[0].Repeats[0].Counted {
		t.Errorf("stored signups = %+v, want one contact from phase 1 with phase 2 as a repeat", rows)
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, "SELECT count(*) FROM signups"); n != 1 {
		t.Errorf("%d signup rows, want 1", n)
	}

	// Erasing the person (store.Forget, as `litmus forget` and the admin form do, in any
	// spelling) erases the repeat too.
	if e, err := s.Forget(ctx, " Ann@Example.com "); err != nil || e.Signups != 1 {
		t.Fatalf("Forget = %+v, %v", e, err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM repeat_signups"); n != 0 {
		t.Errorf("%d repeat rows left after erasure, want 0", n)
	}
}
