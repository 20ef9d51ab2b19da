package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// routeAll sends every event of every page to one receiver.
func routeAll(url string) store.Route {
	return func(page, event string) []string { return []string{url} }
}

func TestSignupWritesItsWebhookInTheSameCommit(t *testing.T) {
	woken := 0
	s, path := openStore(t, store.Options{Route: routeAll("https://hooks.example.com/a"),
		Hooks: store.Hooks{Outboxed: func() { woken++ }}})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "ada@example.com",
		Variant: "a", Fields: map[string]string{"company": "Engines"}, Source: store.Source{UTMSource: "hn"}})
	if err != nil {
		t.Fatal(err)
	}
	// Acknowledged: the message is in the file already, with the signup. It refers to the
	// signup rather than copying the address.
	db := rawDB(t, path)
	var event, target, status string
	var signupID int64
	var stored []byte
	if err := db.QueryRow("SELECT event, target, status, signup_id, payload FROM outbox").Scan(&event, &target, &status, &signupID, &stored); err != nil {
		t.Fatalf("no outbox row after an acknowledged signup: %v", err)
	}
	db.Close()
	if event != "signup.created" || target != "https://hooks.example.com/a" || status != "pending" || signupID != res.ID || stored != nil {
		t.Errorf("outbox row: %s %s %s signup %d payload %q", event, target, status, signupID, stored)
	}
	due, err := s.DueMessages(ctx, time.Now(), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("DueMessages = %d, %v", len(due), err)
	}
	payload := string(due[0].Payload)
	var env struct {
		Type string
		Data store.SignupData
	}
	if err := json.Unmarshal([]byte(payload), &env); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	d := env.Data
	if env.Type != "signup.created" || d.Email != "ada@example.com" || d.SignupID != res.ID || d.Page != "idea" ||
		string(d.Fields) != `{"company":"Engines"}` || d.Source.UTMSource != "hn" {
		t.Errorf("payload %s", payload)
	}
	if woken != 1 {
		t.Errorf("Outboxed hook called %d times, want 1", woken)
	}

	// The same email again is a duplicate: nothing new to send.
	if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "ADA@example.com", Variant: "a"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.OutboxBacklog(ctx); n != 1 {
		t.Errorf("backlog after a duplicate signup = %d, want 1", n)
	}
}

// TestForgetSkipsTheUnsentAndSendsErased: store.Forget, in its own transaction, marks the
// person's unsent signup events skipped (never sent) and queues one signup.erased per page,
// finding every spelling of the address by its email.Key.
func TestForgetSkipsTheUnsentAndSendsErased(t *testing.T) {
	s, _ := openStore(t, store.Options{Route: routeAll("https://hooks.example.com/a")})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	q := mustPhase(t, s, "other")
	var ada int64
	for _, su := range []store.Signup{
		{PhaseID: p.ID, Page: "idea", Email: "émile@example.com", Variant: "a"},
		{PhaseID: q.ID, Page: "other", Email: "Émile@example.com", Variant: "a"},
		{PhaseID: p.ID, Page: "idea", Email: "bob@example.com", Variant: "a"},
	} {
		res, err := s.InsertSignup(ctx, su)
		if err != nil {
			t.Fatal(err)
		}
		if ada == 0 {
			ada = res.ID
		}
	}
	if res, err := s.ConfirmSignup(ctx, "idea", ada, time.Now()); err != nil || !res.Confirmed {
		t.Fatalf("ConfirmSignup = %+v, %v", res, err)
	}
	if e, err := s.Forget(ctx, " ÉMILE@example.com "); err != nil || e.Signups != 2 {
		t.Fatalf("Forget = %+v, %v; want 2 signups", e, err)
	}
	msgs, err := s.DueMessages(ctx, time.Now(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Page+" "+m.Event)
		if m.Event == "signup.erased" {
			var env struct{ Data store.ErasedData }
			if err := json.Unmarshal(m.Payload, &env); err != nil || env.Data.Email == "" {
				t.Errorf("erased payload %s: %v", m.Payload, err)
			}
		}
	}
	want := []string{"idea signup.created", "idea signup.erased", "other signup.erased"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Fatalf("due messages %v, want %v (bob's created, then the erasures)", got, want)
	}
	recent, err := s.RecentMessages(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, m := range recent {
		if m.Status == store.StatusSkipped {
			skipped++
			if m.Event != "signup.created" && m.Event != "signup.confirmed" || m.Payload != nil {
				t.Errorf("skipped %s with payload %q", m.Event, m.Payload)
			}
		}
	}
	if skipped != 3 {
		t.Errorf("%d messages skipped, want 3 (two created, one confirmed)", skipped)
	}
}

// TestConfirmationWritesItsWebhookOnce: the first confirmation queues signup.confirmed in its
// own transaction; its body is built from the signup when sent; confirming again adds nothing.
func TestConfirmationWritesItsWebhookOnce(t *testing.T) {
	s, _ := openStore(t, store.Options{Route: routeAll("https://hooks.example.com/a")})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "ada@example.com", Variant: "a"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 14, 9, 40, 70e6, time.UTC)
	for range 2 {
		if _, err := s.ConfirmSignup(ctx, "idea", res.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	due, err := s.DueMessages(ctx, time.Now(), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("DueMessages = %d, %v; want created and one confirmed", len(due), err)
	}
	m := due[1]
	var env struct {
		Type      string
		Timestamp time.Time
		Data      store.ConfirmedData
	}
	if err := json.Unmarshal(m.Payload, &env); err != nil {
		t.Fatalf("payload %s: %v", m.Payload, err)
	}
	d := env.Data
	if m.Event != "signup.confirmed" || env.Type != "signup.confirmed" || !env.Timestamp.Equal(at) || !d.ConfirmedAt.Equal(at) ||
		d.Email != "ada@example.com" || d.SignupID != res.ID || d.Page != "idea" || d.Variant != "a" {
		t.Errorf("signup.confirmed payload %s", m.Payload)
	}
	if due[0].OrderKey != m.OrderKey {
		t.Errorf("created and confirmed of one person have different order keys %q, %q", due[0].OrderKey, m.OrderKey)
	}
}

// TestDueMessagesKeepOrderPerReceiverAndPage covers messages about a page (no person): they
// wait for each other per receiver and page.
func TestDueMessagesKeepOrderPerReceiverAndPage(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	var msgs []store.NewMessage
	for _, m := range []struct{ target, page string }{{"u1", "a"}, {"u1", "a"}, {"u1", "b"}, {"u2", "a"}} {
		msgs = append(msgs, store.NewMessage{Kind: store.KindWebhook, Target: m.target, Page: m.page, Event: "signup.created", Payload: []byte("{}")})
	}
	if n, err := s.EnqueueMessages(ctx, msgs); err != nil || n != 4 {
		t.Fatalf("EnqueueMessages = %d, %v", n, err)
	}
	due, _ := s.DueMessages(ctx, time.Now(), 100)
	first := due[0]
	// The first (u1, a) fails and waits an hour: the second (u1, a) must wait behind it; the
	// other page and the other receiver go on.
	if err := s.RecordAttempts(ctx, []store.Attempt{{ID: first.ID, At: time.Now(), NextAt: time.Now().Add(time.Hour), Status: 503, Error: "503"}}); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueMessages(ctx, time.Now(), 100)
	if len(due) != 2 || due[0].Target != "u1" || due[0].Page != "b" || due[1].Target != "u2" {
		t.Fatalf("due after a failure = %+v", due)
	}
	recent, _ := s.RecentMessages(ctx, 10)
	last := recent[len(recent)-1]
	if last.ID != first.ID || last.Attempts != 1 || last.LastStatus != 503 || last.Status != store.StatusPending {
		t.Errorf("recorded attempt: %+v", last)
	}
	// Send again makes it due now.
	if err := s.Resend(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueMessages(ctx, time.Now(), 100)
	if len(due) != 4 || due[0].ID != first.ID {
		t.Errorf("after Resend, due = %d messages starting %d", len(due), due[0].ID)
	}
}

func TestOnceKeyStoresOneMessage(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	m := store.NewMessage{Kind: store.KindNotifyURL, Target: "https://hooks.slack.com/x", Page: "idea", Event: "verdict.reached", Payload: []byte("{}"), OnceKey: "idea/1/verdict.reached/notify_url"}
	for i := range 3 {
		n, err := s.EnqueueMessages(ctx, []store.NewMessage{m})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 1, false: 0}[i == 0]; n != want {
			t.Errorf("look %d stored %d messages, want %d", i+1, n, want)
		}
	}
	if n, _ := s.OutboxBacklog(ctx); n != 1 {
		t.Errorf("backlog = %d, want 1", n)
	}
}

func TestWebhookSecretIsStoredOnce(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	a, created, err := s.WebhookSecret(ctx, "whsec_first")
	if err != nil || !created || a != "whsec_first" {
		t.Fatalf("first WebhookSecret = %q %v %v", a, created, err)
	}
	b, created, err := s.WebhookSecret(ctx, "whsec_second")
	if err != nil || created || b != "whsec_first" {
		t.Fatalf("second WebhookSecret = %q %v %v, want the first one kept", b, created, err)
	}
}
