// Package mailpittest starts a real SMTP server (mailpit) for tests and reads the messages it
// received back through mailpit's HTTP API. A test calling Start skips when mailpit is not
// installed, except when LITMUS_REQUIRE_SMTP=1 (set by .ci/run), where it fails.
package mailpittest

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Server is a running mailpit.
type Server struct {
	SMTPAddr string // host:port of the SMTP listener
	APIURL   string // base URL of the HTTP API, no trailing slash
}

// SMTPURL is the LITMUS_SMTP_URL for this server: plain SMTP without credentials.
func (s *Server) SMTPURL() string { return "smtp://" + s.SMTPAddr }

// Start runs mailpit on two free loopback ports until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("mailpit")
	if err != nil {
		if gobin := filepath.Join(os.Getenv("HOME"), "go", "bin", "mailpit"); fileExists(gobin) {
			bin = gobin
		} else {
			msg := "mailpit is not installed (go install github.com/axllent/mailpit@v1.33.1), so the real-SMTP test cannot run"
			if os.Getenv("LITMUS_REQUIRE_SMTP") == "1" {
				t.Fatal(msg + " (LITMUS_REQUIRE_SMTP=1: it must run here)")
			}
			t.Skip(msg)
		}
	}
	smtpAddr, apiAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin,
		"--smtp", smtpAddr, "--listen", apiAddr,
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--quiet")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	s := &Server{SMTPAddr: smtpAddr, APIURL: "http://" + apiAddr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", smtpAddr, time.Second)
		if err == nil {
			c.Close()
			if resp, err := http.Get(s.APIURL + "/api/v1/messages"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return s
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit did not start on %s / %s", smtpAddr, apiAddr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Message is what mailpit reports about one received mail.
type Message struct {
	ID      string
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	Headers map[string][]string
}

// Messages returns every message received so far, newest first, with bodies.
func (s *Server) Messages(t testing.TB) []Message {
	t.Helper()
	var list struct {
		Messages []struct {
			ID      string
			Subject string
			From    struct{ Address string }
			To      []struct{ Address string }
		} `json:"messages"`
	}
	s.getJSON(t, "/api/v1/messages?limit=500", &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full struct {
			Text string
			HTML string
		}
		s.getJSON(t, "/api/v1/message/"+m.ID, &full)
		var headers map[string][]string
		s.getJSON(t, "/api/v1/message/"+m.ID+"/headers", &headers)
		msg := Message{ID: m.ID, From: m.From.Address, Subject: m.Subject, Text: full.Text, HTML: full.HTML, Headers: headers}
		for _, to := range m.To {
			msg.To = append(msg.To, to.Address)
		}
		out = append(out, msg)
	}
	return out
}

// WaitMessages polls until at least n messages arrived or 20 s passed, and returns them.
func (s *Server) WaitMessages(t testing.TB, n int) []Message {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msgs := s.Messages(t)
		if len(msgs) >= n || time.Now().After(deadline) {
			return msgs
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(s.APIURL + path)
	if err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit API %s: status %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
