package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
	"github.com/litmuslabs/litmus/internal/results"
)

// confirmPage has double opt-in judged on confirmed signups.
const confirmPage = `slug = "idea"
title = "Idea"
default = true
double_opt_in = true

[[variants]]
id = "a"
headline = "A better idea"
cta = "Join"

[pass_bar]
target = "10%"
min_visitors = 100
min_days = 0
counts = "confirmed"

[confirmation]
subject = "Confirm your place on the Idea list"
`

var confirmLinkRE = regexp.MustCompile(`http://127\.0\.0\.1:\d+/idea/confirm\?t=[A-Za-z0-9_.-]+`)

func confirmServer(t *testing.T, smtpURL, db string) *Server {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "idea.toml"), []byte(confirmPage), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := []ServerOption{
		WithEnv("LITMUS_PAGES", dir), WithEnv("LITMUS_SMTP_URL", smtpURL),
		WithEnv("LITMUS_MAIL_FROM", "Idea <hello@example.com>"),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0"),
	}
	if db != "" {
		opts = append(opts, WithEnv("LITMUS_DB", db))
	}
	return StartServer(t, opts...)
}

// signUpIdea opens the page, waits out the form's time trap and signs up.
func signUpIdea(t *testing.T, s *Server, email string) {
	t.Helper()
	ctx := context.Background()
	v := s.NewVisitor()
	status, _, token, err := v.Open(ctx, "/idea")
	if err != nil || status != 200 {
		t.Fatalf("open: %d %v", status, err)
	}
	req, _ := http.NewRequest("POST", s.URL+"/idea/signup", strings.NewReader(url.Values{"_token": {token}, "email": {email}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", v.UA)
	req.Header.Set("Origin", s.URL)
	resp, err := v.Client.Do(req)
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("signup: %v %v", resp, err)
	}
	resp.Body.Close()
}

func ideaResults(t *testing.T, s *Server) results.Results {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/pages/idea/results", nil)
	req.SetBasicAuth("admin", s.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r results.Results
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func fetchPage(t *testing.T, method, link string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, link, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestConfirmationMailThroughRealSMTP: a signup on a double opt-in page sends a mail
// through a real SMTP server (mailpit); its link opens a page with a button, which alone
// confirms; the API then counts the confirmed signup, and the verdict judges it.
func TestConfirmationMailThroughRealSMTP(t *testing.T) {
	mp := mailpittest.Start(t)
	s := confirmServer(t, mp.SMTPURL(), "")
	signUpIdea(t, s, "ada@example.com")

	msgs := mp.WaitMessages(t, 1)
	if len(msgs) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "Confirm your place on the Idea list" || len(m.To) != 1 || m.To[0] != "ada@example.com" || m.From != "hello@example.com" {
		t.Errorf("message %q from %s to %v", m.Subject, m.From, m.To)
	}
	link := confirmLinkRE.FindString(m.Text)
	if link == "" {
		t.Fatalf("no confirmation link in the mail:\n%s", m.Text)
	}
	if strings.Contains(link, "ada") {
		t.Errorf("the link %s carries the address", link)
	}

	// A mail scanner's GET does not confirm.
	status, body := fetchPage(t, "GET", link, nil)
	if status != 200 || !strings.Contains(body, "Confirm my email") {
		t.Fatalf("GET link: %d\n%s", status, body)
	}
	if r := ideaResults(t, s); r.Confirmation == nil || r.Confirmation.Confirmed != 0 || r.Verdict.Signups != 0 {
		t.Fatalf("after a GET: %+v, verdict signups %d", r.Confirmation, r.Verdict.Signups)
	}
	// The button does, and pressing it again is harmless.
	tok := strings.TrimPrefix(link[strings.Index(link, "?"):], "?t=")
	for range 2 {
		status, body = fetchPage(t, "POST", s.URL+"/idea/confirm", url.Values{"t": {tok}})
		if status != 200 || !strings.Contains(body, "your email is confirmed") {
			t.Fatalf("POST confirm: %d\n%s", status, body)
		}
	}
	r := ideaResults(t, s)
	if r.Confirmation.Signups != 1 || r.Confirmation.Confirmed != 1 || r.Counts != "confirmed" || r.Verdict.Signups != 1 || r.Verdict.Visitors != 1 {
		t.Errorf("after confirming: %+v, counts %q, verdict %d/%d", r.Confirmation, r.Counts, r.Verdict.Signups, r.Verdict.Visitors)
	}
	// A changed link gets a clear page.
	status, body = fetchPage(t, "GET", link[:len(link)-3]+"xyz", nil)
	if status != 400 || !strings.Contains(body, "This confirmation link doesn") {
		t.Errorf("tampered link: %d\n%s", status, body)
	}
	s.Stop(t, 10*time.Second)
}

// TestConfirmationMailSurvivesSIGKILL: the SMTP server hangs, so the mail cannot leave;
// the server is SIGKILLed with the mail still unsent; restarted with a working SMTP
// server, it sends the mail.
func TestConfirmationMailSurvivesSIGKILL(t *testing.T) {
	mp := mailpittest.Start(t)
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hang.Close()
	accepted := make(chan net.Conn, 4)
	go func() {
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			accepted <- c // never answers: the send waits for a greeting
		}
	}()

	s := confirmServer(t, "smtp://"+hang.Addr().String(), "")
	signUpIdea(t, s, "bo@example.com")
	select {
	case c := <-accepted:
		defer c.Close()
	case <-time.After(20 * time.Second):
		t.Fatal("the mail worker never connected to the SMTP server")
	}
	s.Kill(t)
	if n := unsentMails(t, s.DB); n != 1 {
		t.Fatalf("%d unsent mails in the outbox after SIGKILL, want 1", n)
	}

	s2 := confirmServer(t, mp.SMTPURL(), s.DB)
	msgs := mp.WaitMessages(t, 1)
	if len(msgs) != 1 || msgs[0].To[0] != "bo@example.com" || confirmLinkRE.FindString(msgs[0].Text) == "" {
		t.Fatalf("after restart: %d messages %+v", len(msgs), msgs)
	}
	s2.Stop(t, 10*time.Second)
	if n := unsentMails(t, s.DB); n != 0 {
		t.Errorf("%d mails still unsent after they were delivered", n)
	}
}

func unsentMails(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM confirmation_mails WHERE sent_at IS NULL").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
