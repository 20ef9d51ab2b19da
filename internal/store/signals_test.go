package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestReferralsConfirmationsAndAnswersAreCountedExactly drives a phase through the real
// writer: 10 visitors on variant a, 3 of them brought by a share link; 4 signups, 2 of them
// referred; 3 confirmations (one twice); answers. Every count is checked exactly.
func TestReferralsConfirmationsAndAnswersAreCountedExactly(t *testing.T) {
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	day := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

	// The first signup (no exposure needed for its code to work).
	s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "v0", Variant: "a", At: day})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	first, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "ada@example.com",
		VisitorID: "v0", Variant: "a", At: day, ConfirmLinkBase: "https://try.example.com"})
	if err != nil || !first.Counted || first.Referred {
		t.Fatalf("first signup: %+v, %v", first, err)
	}
	code, ok, err := s.ShareCode(ctx, "idea", first.ID)
	if err != nil || !ok || len(code) != 16 {
		t.Fatalf("share code %q, %v, %v; want 16 characters", code, ok, err)
	}
	if _, ok, _ := s.ShareCode(ctx, "other", first.ID); ok {
		t.Error("the share code of a signup was found under another page")
	}

	// v1..v3 come through the link (v3 twice: first touch only), v4..v9 directly, and
	// v10 with an unknown code (an ordinary visitor).
	for i := 1; i <= 10; i++ {
		e := store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: fmt.Sprintf("v%d", i), Variant: "a", At: day}
		switch {
		case i <= 3:
			e.RefCode = code
		case i == 10:
			e.RefCode = "notacodeanyonehas"
		}
		s.RecordExposure(e)
	}
	s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "v4", Variant: "a", At: day, RefCode: code})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, v := range []string{"v1", "v2", "v5"} {
		res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: v + "@example.com",
			VisitorID: v, Variant: "a", At: day.Add(time.Hour), ConfirmLinkBase: "https://try.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Referred != (v != "v5") {
			t.Errorf("%s: Referred = %v", v, res.Referred)
		}
		ids = append(ids, res.ID)
	}

	// Confirm the first signup twice, and two more; a made-up id finds nothing.
	for _, id := range []int64{first.ID, first.ID, ids[0], ids[2]} {
		if r, err := s.ConfirmSignup(ctx, "idea", id, day.Add(2*time.Hour)); err != nil || !r.Found || !r.Confirmed {
			t.Fatalf("confirm %d: %+v, %v", id, r, err)
		}
	}
	if r, _ := s.ConfirmSignup(ctx, "idea", first.ID, day); !r.Already {
		t.Errorf("a third confirmation: %+v, want Already", r)
	}
	if r, err := s.ConfirmSignup(ctx, "idea", 9999, day); err != nil || r.Found {
		t.Errorf("confirm an unknown id: %+v, %v", r, err)
	}
	if r, _ := s.ConfirmSignup(ctx, "other", ids[1], day); r.Found {
		t.Errorf("confirmed a signup through another page's link: %+v", r)
	}

	counts, err := s.Counts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := store.VariantCount{Variant: "a", Visitors: 11, Signups: 4, Confirmed: 3, ReferredVisitors: 3, ReferredSignups: 2, ReferredConfirmed: 1}
	if len(counts) != 1 || counts[0] != want {
		t.Errorf("Counts = %+v, want [%+v]", counts, want)
	}

	// Answers: replaced on a second answer, refused for an unknown signup.
	for _, a := range []struct {
		id     int64
		answer string
	}{{first.ID, "$5"}, {ids[0], "$20"}, {ids[1], "$5"}, {ids[0], "$5"}} {
		if ok, err := s.SaveAnswers(ctx, "idea", a.id, map[string]string{"pay": a.answer}, day.Add(3*time.Hour)); err != nil || !ok {
			t.Fatalf("answer: %v, %v", ok, err)
		}
	}
	if ok, err := s.SaveAnswers(ctx, "idea", 9999, map[string]string{"pay": "$5"}, day); ok || err != nil {
		t.Errorf("answers for an unknown signup: %v, %v", ok, err)
	}
	ac, err := s.AnswerCounts(ctx, p.ID)
	if err != nil || len(ac) != 1 || ac[0] != (store.AnswerCount{Variant: "a", Question: "pay", Answer: "$5", Count: 3}) {
		t.Errorf("AnswerCounts = %+v, %v; want 3 × $5", ac, err)
	}

	// The outbox holds one mail per signup; sent ones are not due again.
	due, err := s.DueConfirmationMails(ctx, day.Add(time.Hour), 10)
	if err != nil || len(due) != 4 || due[0].Email != "ada@example.com" || due[0].LinkBase != "https://try.example.com" {
		t.Fatalf("due = %+v, %v", due, err)
	}
	if err := s.MarkMailSent(ctx, first.ID, day); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkMailFailed(ctx, ids[0], day.Add(24*time.Hour), "connection refused"); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueConfirmationMails(ctx, day.Add(time.Hour), 10); len(due) != 2 {
		t.Errorf("after one sent and one failed: %d due, want 2", len(due))
	}

	// Forgetting an address removes its answers, code and mail; the counts stay.
	if n, err := s.ForgetEmail(ctx, "v1@example.com"); err != nil || n != 1 {
		t.Fatalf("forget: %d, %v", n, err)
	}
	if n, err := s.ForgetEmail(ctx, "ada@example.com"); err != nil || n != 1 {
		t.Fatalf("forget: %d, %v", n, err)
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, "SELECT count(*) FROM answers WHERE signup_id IN (?, ?)", first.ID, ids[0]); n != 0 {
		t.Errorf("%d answers left after forget", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM confirmation_mails WHERE signup_id IN (?, ?)", first.ID, ids[0]); n != 0 {
		t.Errorf("%d mails left after forget", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM signups WHERE ref_code = ?", code); n != 0 {
		t.Errorf("the share code is still stored after forget")
	}
	// A visitor arriving with the forgotten code is an ordinary visitor.
	s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "v11", Variant: "a", At: day, RefCode: code})
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	counts, _ = s.Counts(ctx, p.ID)
	want.Visitors = 12
	if counts[0] != want {
		t.Errorf("after forget: %+v, want %+v (aggregates kept)", counts[0], want)
	}
}
