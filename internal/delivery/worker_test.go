package delivery_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// receiver is a real HTTP server that verifies every message the way docs/webhooks.md tells
// receivers to (written out here, not through package webhook) and records what it accepted.
type receiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu       sync.Mutex
	answer   func(n int) int // status to answer the nth request (1-based); nil: 204
	requests int
	accepted []received // 2xx answers, in order
	badSigs  int
}

type received struct {
	id    string
	typ   string
	page  string
	email string
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{t: t, secret: secret}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

// verify is the documented recipe: HMAC-SHA256 keyed with the base64 part of the secret,
// over "id.timestamp.body", compared with each "v1,..." signature.
func verify(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%s.%s", h.Get("webhook-id"), h.Get("webhook-timestamp"), body)
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if !verify(r.secret, req.Header, body) {
		r.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	status := http.StatusNoContent
	if r.answer != nil {
		status = r.answer(r.requests)
	}
	if status >= 300 {
		http.Error(w, "not now", status)
		return
	}
	var env struct {
		Type string
		Data struct {
			Page  string
			Email string
		}
	}
	if err := json.Unmarshal(body, &env); err != nil {
		r.t.Errorf("receiver: body %s: %v", body, err)
	}
	r.accepted = append(r.accepted, received{req.Header.Get("webhook-id"), env.Type, env.Data.Page, env.Data.Email})
	w.WriteHeader(status)
}

func (r *receiver) got() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.accepted...)
}

func openStore(t *testing.T, route store.Route, hooks store.Hooks) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{Route: route, Hooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func signups(t *testing.T, s *store.Store, page string, emails ...string) {
	t.Helper()
	ctx := context.Background()
	p, err := s.EnsurePhase(ctx, page, "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: page, Email: e, Variant: "a"}); err != nil {
			t.Fatal(err)
		}
	}
}

func key(t *testing.T, secret string) []byte {
	k, err := webhook.SecretKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// drain runs rounds until nothing is pending or 2000 rounds passed, sleeping a little when
// a round had nothing due (retries use a millisecond base delay in these tests).
func drain(t *testing.T, s *store.Store, w *delivery.Worker) {
	t.Helper()
	ctx := context.Background()
	for range 2000 {
		n, err := s.OutboxBacklog(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		tried, err := w.Round(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if tried == 0 {
			time.Sleep(2 * time.Millisecond)
		}
	}
	t.Fatal("the outbox did not drain")
}

func TestSignedWebhooksArriveInOrderAndVerify(t *testing.T) {
	secret := webhook.NewSecret()
	rcv := newReceiver(t, secret)
	s := openStore(t, func(page, event string) []string { return []string{rcv.srv.URL} }, store.Hooks{})
	signups(t, s, "idea", "a@example.com", "b@example.com", "c@example.com")
	w := delivery.New(delivery.Config{Store: s, Key: key(t, secret)})
	drain(t, s, w)
	got := rcv.got()
	if len(got) != 3 || rcv.badSigs != 0 {
		t.Fatalf("receiver accepted %+v, %d bad signatures", got, rcv.badSigs)
	}
	emails := map[string]bool{}
	for _, g := range got {
		emails[g.email] = true
		if g.typ != "signup.created" || g.page != "idea" || !strings.HasPrefix(g.id, "msg_") {
			t.Errorf("message %+v, want signup.created on idea with a msg_ id", g)
		}
	}
	if len(emails) != 3 {
		t.Errorf("emails %v, want a, b and c", emails)
	}
	recent, _ := s.RecentMessages(context.Background(), 10)
	for _, m := range recent {
		if m.Status != store.StatusDelivered || m.Attempts != 1 || m.LastStatus != 204 {
			t.Errorf("recorded %+v", m)
		}
	}
}

// TestReceiverDownThenUp: the receiver answers 503 to its first 25 requests; every event is
// delivered in the end, none accepted twice under the same webhook-id. Ten people are
// forgotten while the receiver is down: the receiver gets their signup.erased, and their
// signup.created only if it went out before (never after the erasure).
func TestReceiverDownThenUp(t *testing.T) {
	secret := webhook.NewSecret()
	rcv := newReceiver(t, secret)
	rcv.answer = func(n int) int {
		if n <= 25 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
	s := openStore(t, func(page, event string) []string { return []string{rcv.srv.URL} }, store.Hooks{})
	var emails []string
	for i := range 30 {
		emails = append(emails, fmt.Sprintf("p%02d@example.com", i))
	}
	signups(t, s, "one", emails[:15]...)
	signups(t, s, "two", emails[15:]...)
	for _, e := range emails[10:20] { // five people of each page ask to be forgotten
		if _, err := s.ForgetEmail(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	results := map[string]int{}
	var mu sync.Mutex
	w := delivery.New(delivery.Config{Store: s, Key: key(t, secret), BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond,
		Observe: func(r string) { mu.Lock(); results[r]++; mu.Unlock() }})
	drain(t, s, w)

	got := rcv.got()
	ids := map[string]bool{}
	perPerson := map[string][]string{}
	for _, g := range got {
		if ids[g.id] {
			t.Errorf("webhook-id %s accepted twice", g.id)
		}
		ids[g.id] = true
		perPerson[g.email] = append(perPerson[g.email], g.typ+" "+g.page)
	}
	for i, e := range emails {
		page := map[bool]string{true: "one", false: "two"}[i < 15]
		want := "signup.created " + page
		if i >= 10 && i < 20 {
			want = "signup.erased " + page // forgotten before the receiver was up
		}
		if strings.Join(perPerson[e], ",") != want {
			t.Errorf("%s: arrived %v, want %s", e, perPerson[e], want)
		}
	}
	if len(got) != 30 || results["delivered"] != 30 || results["retrying"] != 25 || results["failed"] != 0 {
		t.Errorf("accepted %d, observed %v; want 30 delivered, 25 retrying", len(got), results)
	}
	recent, _ := s.RecentMessages(context.Background(), 100)
	skipped := 0
	for _, m := range recent {
		if m.Status == store.StatusSkipped {
			skipped++
		}
	}
	if skipped != 10 {
		t.Errorf("%d messages skipped, want the 10 signup.created of forgotten people", skipped)
	}
}

// TestBadAnswersAreRecordedAndBounded: what the admin shows for each way a receiver fails.
func TestBadAnswersAreRecordedAndBounded(t *testing.T) {
	huge := strings.Repeat("x", 10<<20)
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		status    int
		wantErr   string
		wantState string
	}{
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example.com/hook", http.StatusMovedPermanently)
		}, 301, "redirects to https://elsewhere.example.com/hook; Litmus does not follow redirects", store.StatusPending},
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no such hook", 404) }, 404, "HTTP 404: no such hook", store.StatusPending},
		{"server error with a huge body", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, "<html>\x00\x1b[31m"+huge)
		}, 500, "HTTP 500: <html>", store.StatusPending},
		{"gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(410) }, 410, "HTTP 410: the receiver says this hook is gone", store.StatusFailed},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, 0, "no answer within 50ms", store.StatusPending},
		{"huge success", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, huge) }, 200, "", store.StatusDelivered},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			s := openStore(t, func(page, event string) []string { return []string{srv.URL} }, store.Hooks{})
			signups(t, s, "idea", "a@example.com")
			timeout := 10 * time.Second // a loaded machine must not turn an answer into a timeout
			if tc.name == "timeout" {
				timeout = 50 * time.Millisecond
			}
			w := delivery.New(delivery.Config{Store: s, Key: key(t, webhook.NewSecret()), Timeout: timeout})
			if _, err := w.Round(context.Background()); err != nil {
				t.Fatal(err)
			}
			recent, _ := s.RecentMessages(context.Background(), 1)
			m := recent[0]
			if m.Status != tc.wantState || m.Attempts != 1 || m.LastStatus != tc.status {
				t.Errorf("recorded status %s, attempts %d, HTTP %d; want %s, 1, %d", m.Status, m.Attempts, m.LastStatus, tc.wantState, tc.status)
			}
			if !strings.Contains(m.LastError, tc.wantErr) || (tc.wantErr == "" && m.LastError != "") {
				t.Errorf("last error %q, want it to contain %q", m.LastError, tc.wantErr)
			}
			if len(m.LastError) > 300 || strings.ContainsAny(m.LastError, "\x00\x1b\n") {
				t.Errorf("last error is %d bytes or has control characters: %q", len(m.LastError), m.LastError)
			}
			if tc.wantState == store.StatusPending && !m.NextAt.After(m.LastAt) {
				t.Errorf("next try %v is not after the attempt %v", m.NextAt, m.LastAt)
			}
		})
	}
}

func TestGivesUpAfterTheRetryWindow(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	s := openStore(t, func(page, event string) []string { return []string{srv.URL} }, store.Hooks{})
	signups(t, s, "idea", "a@example.com")
	clock := time.Now()
	w := delivery.New(delivery.Config{Store: s, Key: key(t, webhook.NewSecret()), Now: func() time.Time { return clock }})
	ctx := context.Background()
	w.Round(ctx)
	// 24 hours later it is still retried; past 25 hours the next failure gives up.
	for _, tc := range []struct {
		after time.Duration
		want  string
	}{{24 * time.Hour, store.StatusPending}, {25*time.Hour + time.Minute, store.StatusFailed}} {
		clock = time.Now().Add(tc.after)
		if n, _ := w.Round(ctx); n != 1 {
			t.Fatalf("after %s: %d messages tried, want 1", tc.after, n)
		}
		recent, _ := s.RecentMessages(ctx, 1)
		if recent[0].Status != tc.want {
			t.Errorf("after %s: status %s, want %s", tc.after, recent[0].Status, tc.want)
		}
	}
	if n, _ := s.OutboxBacklog(ctx); n != 0 {
		t.Errorf("backlog %d after giving up, want 0", n)
	}
}

func TestBackoffGrowsWithJitterAndCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	s := openStore(t, func(page, event string) []string { return []string{srv.URL} }, store.Hooks{})
	signups(t, s, "idea", "a@example.com")
	clock := time.Now()
	w := delivery.New(delivery.Config{Store: s, Key: key(t, webhook.NewSecret()), Now: func() time.Time { return clock }})
	ctx := context.Background()
	for n := range 9 {
		w.Round(ctx)
		m, _ := s.RecentMessages(ctx, 1)
		wait := m[0].NextAt.Sub(clock)
		full := min(delivery.DefaultBaseDelay<<n, delivery.DefaultMaxDelay)
		if wait < full/2-time.Millisecond || wait > full+time.Millisecond {
			t.Errorf("after failure %d the wait is %s, want between %s and %s", n+1, wait, full/2, full)
		}
		clock = m[0].NextAt
	}
}

func TestNotifyURLGetsSlackText(t *testing.T) {
	var body []byte
	var sig string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		sig = r.Header.Get("webhook-signature")
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	s := openStore(t, nil, store.Hooks{})
	payload, _ := json.Marshal(delivery.NotifyPayload{Subject: "s", Text: "Verdict reached on idea"})
	if _, err := s.EnqueueMessages(context.Background(), []store.NewMessage{{Kind: store.KindNotifyURL, Target: srv.URL, Page: "idea", Event: "verdict.reached", Payload: payload}}); err != nil {
		t.Fatal(err)
	}
	w := delivery.New(delivery.Config{Store: s})
	drain(t, s, w)
	if string(body) != `{"text":"Verdict reached on idea"}` || sig != "" {
		t.Errorf("Slack-compatible hook got %s (signature %q)", body, sig)
	}
}

// TestFailingReceiverIsNotAskedAgainInTheSameRound: once a receiver failed, its other
// messages wait for the same retry time without a request (a hung receiver would otherwise
// cost a timeout per message).
func TestFailingReceiverIsNotAskedAgainInTheSameRound(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	s := openStore(t, func(page, event string) []string { return []string{srv.URL} }, store.Hooks{})
	var emails []string
	for i := range 10 {
		emails = append(emails, fmt.Sprintf("p%d@example.com", i))
	}
	signups(t, s, "idea", emails...)
	w := delivery.New(delivery.Config{Store: s, Key: key(t, webhook.NewSecret()), Parallel: 1})
	if n, err := w.Round(context.Background()); err != nil || n != 1 {
		t.Fatalf("Round tried %d messages (%v), want 1", n, err)
	}
	if requests.Load() != 1 {
		t.Errorf("the receiver got %d requests, want 1", requests.Load())
	}
	msgs, _ := s.RecentMessages(context.Background(), 20)
	var failed store.OutboxMessage
	for _, m := range msgs {
		if m.Attempts == 1 {
			failed = m
		}
	}
	for _, m := range msgs {
		if m.ID != failed.ID && (m.Attempts != 0 || !m.NextAt.Equal(failed.NextAt) || m.Status != store.StatusPending) {
			t.Errorf("message %d: attempts %d, next %v; want 0 attempts, put off to %v", m.ID, m.Attempts, m.NextAt, failed.NextAt)
		}
	}
}
