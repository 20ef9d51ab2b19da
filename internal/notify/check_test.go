package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
	"github.com/litmuslabs/litmus/internal/notify"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
	"github.com/litmuslabs/litmus/pages"
)

// validatedSite is one page whose test is clearly decided: 60 of 100 visitors signed up
// against a 5% bar (any sound verdict method validates it).
func validatedSite(t *testing.T, st *store.Store) *site.Holder {
	t.Helper()
	ctx := context.Background()
	p := &pages.Page{Slug: "idea", Title: "Chaser", File: "idea.toml",
		Variants: []pages.Variant{{ID: "a", Weight: 1, Headline: "A", CTA: "Go"}},
		Fields:   []pages.Field{{Name: "email", Kind: pages.FieldEmail, Required: true}},
		PassBar:  pages.PassBar{TargetRate: 0.05, MinVisitors: 10}}
	hash, def := p.Definition()
	ph, err := st.EnsurePhase(ctx, p.Slug, hash, def)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		st.RecordExposure(store.Exposure{PhaseID: ph.ID, Page: "idea", VisitorID: fmt.Sprintf("v%03d", i), Variant: "a"})
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		if _, err := st.InsertSignup(ctx, store.Signup{PhaseID: ph.ID, Page: "idea", Email: fmt.Sprintf("visitor%d@example.com", i),
			VisitorID: fmt.Sprintf("v%03d", i), Variant: "a"}); err != nil {
			t.Fatal(err)
		}
	}
	var h site.Holder
	h.Store(&site.Site{Entries: []*site.Entry{{Page: p, Phase: ph, Weights: p.Weights()}}})
	return &h
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

type inbox struct {
	mu     sync.Mutex
	bodies []string
	heads  []http.Header
}

func (b *inbox) server(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		b.mu.Lock()
		b.bodies = append(b.bodies, string(body))
		b.heads = append(b.heads, r.Header.Clone())
		b.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func drain(t *testing.T, st *store.Store, w *delivery.Worker) {
	t.Helper()
	for range 100 {
		if n, _ := st.OutboxBacklog(context.Background()); n == 0 {
			return
		}
		if _, err := w.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the outbox did not drain")
}

// TestVerdictIsAnnouncedOncePerPhase: the checker looks five times; the founder's hook and
// the webhook receiver each get the verdict once.
func TestVerdictIsAnnouncedOncePerPhase(t *testing.T) {
	st := openStore(t)
	holder := validatedSite(t, st)
	var slack, hooks inbox
	slackSrv, hookSrv := slack.server(t), hooks.server(t)
	c := &notify.Checker{Store: st, Site: holder, WebhookURL: hookSrv.URL, NotifyURL: slackSrv.URL, BaseURL: "https://try.example.com"}
	ctx := context.Background()
	for look := range 5 {
		n, err := c.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{true: 2, false: 0}[look == 0]; n != want {
			t.Errorf("look %d stored %d messages, want %d", look+1, n, want)
		}
	}
	secret := webhook.NewSecret()
	key, _ := webhook.SecretKey(secret)
	drain(t, st, delivery.New(delivery.Config{Store: st, Key: key}))

	if len(slack.bodies) != 1 {
		t.Fatalf("the notify URL got %d messages, want 1: %q", len(slack.bodies), slack.bodies)
	}
	var msg struct{ Text string }
	if err := json.Unmarshal([]byte(slack.bodies[0]), &msg); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Verdict reached on Chaser: validated", "100 visitors, 60 signups", "https://try.example.com/admin/pages/idea"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("notification %q does not say %q", msg.Text, want)
		}
	}
	if strings.Contains(msg.Text, "@") {
		t.Errorf("a founder notification must not hold an email address: %q", msg.Text)
	}
	if len(hooks.bodies) != 1 {
		t.Fatalf("the webhook receiver got %d messages, want 1", len(hooks.bodies))
	}
	if err := webhook.Verify(secret, hooks.heads[0], []byte(hooks.bodies[0]), time.Now()); err != nil {
		t.Errorf("verdict webhook does not verify: %v", err)
	}
	var env struct {
		Type string
		Data notify.VerdictData
	}
	json.Unmarshal([]byte(hooks.bodies[0]), &env)
	if env.Type != "verdict.reached" || env.Data.Verdict != "validated" || env.Data.Visitors != 100 || env.Data.Signups != 60 || env.Data.Sentence == "" {
		t.Errorf("verdict webhook %s", hooks.bodies[0])
	}
}

// TestVerdictMailThroughRealSMTP sends the founder's mail through mailpit and reads it back.
func TestVerdictMailThroughRealSMTP(t *testing.T) {
	mp := mailpittest.Start(t)
	st := openStore(t)
	holder := validatedSite(t, st)
	c := &notify.Checker{Store: st, Site: holder, NotifyEmail: "founder@example.com"}
	for range 3 {
		if _, err := c.Check(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	sender, err := mail.NewFromURL(mp.SMTPURL(), "Litmus <litmus@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	drain(t, st, delivery.New(delivery.Config{Store: st, Mail: sender}))
	msgs := mp.WaitMessages(t, 1)
	if len(msgs) != 1 {
		t.Fatalf("mailpit got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "Verdict reached on Chaser: validated" || len(m.To) != 1 || m.To[0] != "founder@example.com" ||
		!strings.Contains(m.Text, "100 visitors, 60 signups") {
		t.Errorf("mail %+v", m)
	}
	if strings.Contains(m.Text, "visitor") && strings.Contains(m.Text, "@example.com") {
		t.Errorf("the founder's mail holds a visitor's address: %q", m.Text)
	}
}

// TestQuietDayIsAnnounced: a whole day of visitors and no signup tells the founder once.
func TestQuietDayIsAnnounced(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	p := &pages.Page{Slug: "quiet", Title: "Quiet", File: "q.toml",
		Variants: []pages.Variant{{ID: "a", Weight: 1, Headline: "A", CTA: "Go"}},
		Fields:   []pages.Field{{Name: "email", Kind: pages.FieldEmail, Required: true}},
		PassBar:  pages.PassBar{TargetRate: 0.05, MinVisitors: 1000}}
	hash, def := p.Definition()
	ph, _ := st.EnsurePhase(ctx, p.Slug, hash, def)
	yesterday := time.Now().UTC().AddDate(0, 0, -1)
	for i := range 30 {
		st.RecordExposure(store.Exposure{PhaseID: ph.ID, Page: "quiet", VisitorID: fmt.Sprintf("v%d", i), Variant: "a", At: yesterday})
	}
	st.Flush(ctx)
	var h site.Holder
	h.Store(&site.Site{Entries: []*site.Entry{{Page: p, Phase: ph, Weights: p.Weights()}}})
	var slack inbox
	srv := slack.server(t)
	c := &notify.Checker{Store: st, Site: &h, NotifyURL: srv.URL}
	for range 3 {
		c.Check(ctx)
	}
	drain(t, st, delivery.New(delivery.Config{Store: st}))
	if len(slack.bodies) != 1 || !strings.Contains(slack.bodies[0], "30 visitors saw Quiet") {
		t.Errorf("notify URL got %q, want one 'no signups' message", slack.bodies)
	}
}
