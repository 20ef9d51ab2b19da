package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		raw      string
		host     string
		port     int
		user     string
		pass     string
		implicit bool
		wantErr  string
	}{
		{raw: "smtp://user:p%40ss@mail.example.com:587", host: "mail.example.com", port: 587, user: "user", pass: "p@ss"},
		{raw: "smtp://mail.example.com", host: "mail.example.com", port: 587},
		{raw: "smtps://u:p@mail.example.com", host: "mail.example.com", port: 465, user: "u", pass: "p", implicit: true},
		{raw: "smtp://127.0.0.1:1025", host: "127.0.0.1", port: 1025},
		{raw: "http://mail.example.com", wantErr: "must start with smtp://"},
		{raw: "smtp://:25", wantErr: "no host"},
		{raw: "smtp://mail.example.com:99999", wantErr: "bad port"},
		{raw: "smtp://mail.example.com/x", wantErr: "must not have a path"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			c, err := mail.ParseURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseURL(%q) error = %v, want one containing %q", tt.raw, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.raw, err)
			}
			if c.Host != tt.host || c.Port != tt.port || c.Username != tt.user || c.Password != tt.pass || c.ImplicitTLS != tt.implicit {
				t.Errorf("ParseURL(%q) = %+v", tt.raw, c)
			}
		})
	}
}

func TestNewRejectsBadFrom(t *testing.T) {
	for _, from := range []string{"", "not an address"} {
		if _, err := mail.NewFromURL("smtp://127.0.0.1:25", from); err == nil || !strings.Contains(err.Error(), "LITMUS_MAIL_FROM") {
			t.Errorf("NewFromURL with from %q: error = %v, want one naming LITMUS_MAIL_FROM", from, err)
		}
	}
}

// TestSendThroughRealServer sends a text+HTML message to mailpit and reads it back.
func TestSendThroughRealServer(t *testing.T) {
	srv := mailpittest.Start(t)
	s, err := mail.NewFromURL(srv.SMTPURL(), "Litmus <litmus@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{
		To:      "founder@example.com",
		Subject: "Verdict reached: waitlist — validated",
		Text:    "Plain body ünïcode",
		HTML:    "<p>HTML body</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://example.com/u/1>"},
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.WaitMessages(t, 1)
	if len(msgs) != 1 {
		t.Fatalf("mailpit received %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "Verdict reached: waitlist — validated" || m.From != "litmus@example.com" ||
		len(m.To) != 1 || m.To[0] != "founder@example.com" {
		t.Errorf("received %+v", m)
	}
	if !strings.Contains(m.Text, "Plain body ünïcode") || !strings.Contains(m.HTML, "<p>HTML body</p>") {
		t.Errorf("bodies: text %q html %q", m.Text, m.HTML)
	}
	if got := m.Headers["List-Unsubscribe"]; len(got) != 1 || got[0] != "<https://example.com/u/1>" {
		t.Errorf("List-Unsubscribe = %v", got)
	}
}

// TestCredentialsNeverInClear: the server offers no STARTTLS, so a URL with credentials must
// refuse to send rather than put the password on the wire.
func TestCredentialsNeverInClear(t *testing.T) {
	srv := mailpittest.Start(t)
	s, err := mail.NewFromURL("smtp://user:secret@"+srv.SMTPAddr, "litmus@example.com")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "founder@example.com", Subject: "x", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("Send with credentials to a server without STARTTLS: error = %v, want a STARTTLS refusal", err)
	}
	if n := len(srv.Messages(t)); n != 0 {
		t.Errorf("mailpit received %d messages, want none", n)
	}
}
