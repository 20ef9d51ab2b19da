package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
)

// hookReceiver is a real HTTP receiver that verifies each webhook with the recipe in
// docs/webhooks.md and keeps what it accepted. While hold is set it keeps every request
// open (a receiver that hangs) until release is closed.
type hookReceiver struct {
	secret string
	srv    *httptest.Server

	mu       sync.Mutex
	hold     bool
	release  chan struct{}
	inFlight chan struct{} // gets a value when a held request arrives
	accepted []hookMsg
	ids      map[string]int // 2xx answers per webhook-id
	badSigs  int
}

type hookMsg struct {
	ID, Type, Email, Page string
}

func newHookReceiver(t *testing.T) *hookReceiver {
	key := make([]byte, 32)
	rand.Read(key)
	r := &hookReceiver{secret: "whsec_" + base64.StdEncoding.EncodeToString(key), release: make(chan struct{}),
		inFlight: make(chan struct{}, 1), ids: map[string]int{}}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		r.mu.Lock()
		if r.hold {
			r.hold = false
			close(r.release)
		}
		r.mu.Unlock()
		r.srv.Close()
	})
	return r
}

// verifyRecipe is docs/webhooks.md's Go recipe.
func verifyRecipe(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	expected := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		if hmac.Equal([]byte(sig), []byte(expected)) {
			return true
		}
	}
	return false
}

func (r *hookReceiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	hold, release := r.hold, r.release
	r.mu.Unlock()
	if hold {
		select {
		case r.inFlight <- struct{}{}:
		default:
		}
		select {
		case <-release:
		case <-req.Context().Done():
		}
		http.Error(w, "was holding", http.StatusServiceUnavailable)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !verifyRecipe(r.secret, req.Header, body) {
		r.badSigs++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var env struct {
		Type string
		Data struct{ Email, Page string }
	}
	json.Unmarshal(body, &env)
	id := req.Header.Get("webhook-id")
	r.ids[id]++
	r.accepted = append(r.accepted, hookMsg{id, env.Type, env.Data.Email, env.Data.Page})
	w.WriteHeader(http.StatusNoContent)
}

func (r *hookReceiver) emails(typ string) map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, m := range r.accepted {
		if m.Type == typ {
			out[m.Email] = true
		}
	}
	return out
}

func (r *hookReceiver) env() []ServerOption {
	return []ServerOption{WithEnv("LITMUS_WEBHOOK_URL", r.srv.URL), WithEnv("LITMUS_WEBHOOK_SECRET", r.secret),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0")}
}

// TestWebhooksSurviveAHungReceiverAndSIGKILL: the receiver hangs on the first webhook; every
// signup is still answered at once; the server is SIGKILLed mid-delivery; after a restart
// every signup.created arrives, verified, and a forget sends signup.erased.
func TestWebhooksSurviveAHungReceiverAndSIGKILL(t *testing.T) {
	t.Parallel()
	rcv := newHookReceiver(t)
	rcv.hold = true
	s := StartServer(t, rcv.env()...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	const n = 6
	visitors := make([]*Visitor, n)
	tokens := make([]string, n)
	for i := range visitors {
		visitors[i] = s.NewVisitor()
		_, _, tokens[i], _ = visitors[i].Open(ctx, "/")
	}
	var want []string
	for i, v := range visitors {
		addr := fmt.Sprintf("hook%d@example.com", i)
		status, loc, err := v.SignUp(ctx, tokens[i], addr, nil)
		if err != nil || status != 303 || loc != "/chaser/thanks" {
			t.Fatalf("signup %d with the receiver hung: %d %q %v", i, status, loc, err)
		}
		want = append(want, addr)
	}
	select {
	case <-rcv.inFlight:
	case <-ctx.Done():
		t.Fatal("no webhook reached the receiver")
	}
	s.Kill(t) // in the middle of a delivery the receiver never answered

	rcv.mu.Lock()
	rcv.hold = false
	close(rcv.release)
	rcv.mu.Unlock()

	s2 := StartServer(t, append(rcv.env(), WithEnv("LITMUS_DB", s.DB))...)
	if !waitFor(30*time.Second, func() bool { return len(rcv.emails("signup.created")) == n }) {
		t.Fatalf("after the restart the receiver has %v, want all of %v\n%s", rcv.emails("signup.created"), want, s2.Output())
	}
	for _, e := range want {
		if !rcv.emails("signup.created")[e] {
			t.Errorf("signup.created for %s never arrived", e)
		}
	}
	rcv.mu.Lock()
	for id, k := range rcv.ids {
		if k > 1 {
			t.Errorf("webhook-id %s accepted %d times", id, k)
		}
	}
	if rcv.badSigs > 0 {
		t.Errorf("%d webhooks failed the documented signature check", rcv.badSigs)
	}
	rcv.mu.Unlock()

	// Forget the first person through the admin: the erasure reaches the receiver.
	adminPost(t, s2, "/admin", "/admin/forget", url.Values{"email": {want[0]}})
	if !waitFor(30*time.Second, func() bool { return rcv.emails("signup.erased")[want[0]] }) {
		t.Fatalf("signup.erased for %s never arrived\n%s", want[0], s2.Output())
	}

	// The admin lists the deliveries; the metrics count them.
	page := adminPage(t, s2, "/admin/webhooks")
	for _, w := range []string{"signup.created", "signup.erased", "delivered", rcv.srv.URL} {
		if !strings.Contains(page, w) {
			t.Errorf("/admin/webhooks does not show %q", w)
		}
	}
	if strings.Contains(page, rcv.secret) {
		t.Error("/admin/webhooks shows a secret the founder set themselves")
	}
	var metrics string
	waitFor(10*time.Second, func() bool {
		_, metrics = get(t, s2.MetricsURL+"/metrics")
		return strings.Contains(metrics, "litmus_outbox_pending_messages 0")
	})
	if !regexp.MustCompile(`litmus_webhook_deliveries_total\{result="delivered"\} [1-9]`).MatchString(metrics) ||
		!strings.Contains(metrics, "litmus_outbox_pending_messages 0") {
		t.Errorf("metrics do not show the deliveries:\n%s", grepLines(metrics, "_webhook_")+"\n"+grepLines(metrics, "_outbox_"))
	}
}

// TestFounderMailThroughRealSMTP: a verdict reached sends the founder one mail through a real
// SMTP server (mailpit), however many times the server restarts and looks again.
func TestFounderMailThroughRealSMTP(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	dir := t.TempDir()
	page := `slug = "idea"
title = "Sharp idea"
default = true

[pass_bar]
target = "5%"
min_visitors = 4

[[variants]]
id = "a"
headline = "A sharp idea"
cta = "Join"
`
	if err := os.WriteFile(filepath.Join(dir, "idea.toml"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := StartServer(t, WithEnv("LITMUS_PAGES", dir), WithEnv("LITMUS_SIGNUP_LIMIT", "0"))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	visitors := make([]*Visitor, 5)
	tokens := make([]string, 5)
	for i := range visitors {
		visitors[i] = s.NewVisitor()
		_, _, tokens[i], _ = visitors[i].Open(ctx, "/")
	}
	for i, v := range visitors {
		form := url.Values{"_token": {tokens[i]}, "email": {fmt.Sprintf("secret-visitor%d@example.com", i)}, "website": {""}}
		req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/idea/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", v.UA)
		req.Header.Set("Origin", s.URL)
		resp, err := v.Client.Do(req)
		if err != nil || resp.StatusCode != 303 {
			t.Fatalf("signup %d: %v %v", i, resp, err)
		}
		resp.Body.Close()
	}
	s.Stop(t, 10*time.Second)

	mailEnv := []ServerOption{WithEnv("LITMUS_DB", s.DB), WithEnv("LITMUS_PAGES", dir),
		WithEnv("LITMUS_NOTIFY_EMAIL", "founder@example.com"), WithEnv("LITMUS_SMTP_URL", mp.SMTPURL()),
		WithEnv("LITMUS_MAIL_FROM", "Litmus <litmus@example.com>"), WithEnv("LITMUS_BASE_URL", "https://try.example.com")}
	for round := 1; round <= 2; round++ {
		s := StartServer(t, mailEnv...)
		// A test notification, sent after the server's first look at the results.
		adminPost(t, s, "/admin/webhooks", "/admin/webhooks/test", nil)
		// Round 1: the verdict and the test; round 2: only the test, the verdict was told.
		if msgs := mp.WaitMessages(t, round+1); len(msgs) < round+1 {
			t.Fatalf("round %d: mailpit has %d messages, want %d\n%s", round, len(msgs), round+1, s.Output())
		}
		s.Stop(t, 10*time.Second)
	}
	var verdicts []mailpittest.Message
	for _, m := range mp.Messages(t) {
		if strings.HasPrefix(m.Subject, "Verdict reached") {
			verdicts = append(verdicts, m)
		}
	}
	if len(verdicts) != 1 {
		t.Fatalf("%d verdict mails, want exactly 1", len(verdicts))
	}
	m := verdicts[0]
	if m.Subject != "Verdict reached on Sharp idea: validated" || m.To[0] != "founder@example.com" ||
		!strings.Contains(m.Text, "5 visitors, 5 signups") || !strings.Contains(m.Text, "https://try.example.com/admin/pages/idea") {
		t.Errorf("verdict mail: %q\n%s", m.Subject, m.Text)
	}
	if strings.Contains(m.Text, "secret-visitor") || strings.Contains(m.Text, "127.0.0.1") {
		t.Errorf("the founder's mail holds a visitor's address or IP:\n%s", m.Text)
	}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// adminPage fetches an admin page with the admin's credentials (adminGet) and fails the test
// unless it answers 200.
func adminPage(t *testing.T, s *Server, path string) string {
	t.Helper()
	status, body := adminGet(t, s, path)
	if status != 200 {
		t.Fatalf("GET %s: %d\n%s", path, status, body)
	}
	return body
}

// adminPost sends an admin form from formPage, as the founder's browser would.
func adminPost(t *testing.T, s *Server, formPage, action string, form url.Values) {
	t.Helper()
	m := csrfRE.FindStringSubmatch(adminPage(t, s, formPage))
	if m == nil {
		t.Fatalf("no admin form token on %s", formPage)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", m[1])
	req, _ := http.NewRequest("POST", s.URL+action, strings.NewReader(form.Encode()))
	req.SetBasicAuth("admin", s.Password)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 303 {
		t.Fatalf("POST %s: %d\n%s", action, resp.StatusCode, b)
	}
}
