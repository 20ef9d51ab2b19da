package confirmmail_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/litmuslabs/litmus/internal/confirmmail"
	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

const page = `slug = "idea"
title = "Idea"
double_opt_in = true

[[variants]]
id = "a"
headline = "H"
cta = "Join"

[pass_bar]
target = "5%"
min_visitors = 400

[confirmation]
subject = "Confirm, please"
body = "Hello from the Idea page."
`

// TestFailedMailIsRetriedAfterItsBackoff: with the SMTP server down the mail is kept and
// not retried at once; once its time comes it goes out through a real SMTP server with
// the page's copy and a link that confirms this signup only.
func TestFailedMailIsRetriedAfterItsBackoff(t *testing.T) {
	mp := mailpittest.Start(t)
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := pages.LoadDir(fstest.MapFS{"idea.toml": {Data: []byte(page)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.Build(ctx, ps, pages.DefaultTheme(), pages.Options{}, st)
	if err != nil {
		t.Fatal(err)
	}
	var holder site.Holder
	holder.Store(s)
	res, err := st.InsertSignup(ctx, store.Signup{PhaseID: s.Lookup("idea").Phase.ID, Page: "idea", Email: "ada@example.com",
		Variant: "a", ConfirmLinkBase: "https://try.example.com"})
	if err != nil {
		t.Fatal(err)
	}

	// A port nobody listens on: the send fails at once.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	down, err := mail.NewFromURL("smtp://"+closed, "Idea <hello@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	links := linktoken.NewSigner(st.Secret())
	now := time.Now()
	w := confirmmail.New(st, &holder, links, down, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w.Now = func() time.Time { return now }
	if n := w.Round(ctx); n != 0 {
		t.Fatalf("sent %d mails through a server that is down", n)
	}
	if n := w.Round(ctx); n != 0 {
		t.Fatal("retried at once")
	}
	due, _ := st.DueConfirmationMails(ctx, now.Add(time.Minute), 10)
	if len(due) != 1 || due[0].Attempts != 1 {
		t.Fatalf("after one failure: %+v, want the mail due again after a minute with 1 attempt", due)
	}

	up, err := mail.NewFromURL(mp.SMTPURL(), "Idea <hello@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	w.Sender = up
	now = now.Add(time.Minute)
	if n := w.Round(ctx); n != 1 {
		t.Fatalf("sent %d mails once due, want 1", n)
	}
	msgs := mp.WaitMessages(t, 1)
	if len(msgs) != 1 || msgs[0].Subject != "Confirm, please" || !strings.HasPrefix(msgs[0].Text, "Hello from the Idea page.") {
		t.Fatalf("messages %+v", msgs)
	}
	i := strings.Index(msgs[0].Text, "https://try.example.com/idea/confirm?t=")
	if i < 0 {
		t.Fatalf("no link in %q", msgs[0].Text)
	}
	raw := strings.TrimSpace(msgs[0].Text[i+len("https://try.example.com/idea/confirm?t="):])
	tok, err := links.Check(raw, linktoken.Confirm, now, 7*24*time.Hour)
	if err != nil || tok.Signup != res.ID || tok.Page != "idea" {
		t.Errorf("link token %+v, %v; want signup %d", tok, err, res.ID)
	}
	if n := w.Round(ctx); n != 0 {
		t.Error("a sent mail was sent again")
	}
}

// TestMailOfADomainPageInItsLanguage: a page on its own domain, in German, without
// [confirmation]: the mail's subject and text are the German defaults naming the page, and
// its link goes to https:// + the page's first domain + /confirm, whatever host the signup
// was sent to.
func TestMailOfADomainPageInItsLanguage(t *testing.T) {
	mp := mailpittest.Start(t)
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := "lang = \"de\"\ndomains = [\"idee.test\", \"www.idee.test\"]\n" + strings.Split(page, "[confirmation]")[0]
	ps, err := pages.LoadDir(fstest.MapFS{"idea.toml": {Data: []byte(src)}}, ".")
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.Build(ctx, ps, pages.DefaultTheme(), pages.Options{BaseURL: "https://try.example.com"}, st)
	if err != nil {
		t.Fatal(err)
	}
	var holder site.Holder
	holder.Store(s)
	res, err := st.InsertSignup(ctx, store.Signup{PhaseID: s.Lookup("idea").Phase.ID, Page: "idea", Email: "ada@example.com",
		Variant: "a", ConfirmLinkBase: "https://try.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	up, err := mail.NewFromURL(mp.SMTPURL(), "Idee <hallo@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	links := linktoken.NewSigner(st.Secret())
	w := confirmmail.New(st, &holder, links, up, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if n := w.Round(ctx); n != 1 {
		t.Fatalf("sent %d mails, want 1", n)
	}
	msgs := mp.WaitMessages(t, 1)
	const prefix = "https://idee.test/confirm?t="
	if len(msgs) != 1 || msgs[0].Subject != "Bitte bestätigen Sie Ihre E-Mail-Adresse" ||
		!strings.HasPrefix(msgs[0].Text, "Sie haben sich angemeldet, um Neuigkeiten zu Idea zu erhalten.") {
		t.Fatalf("messages %+v", msgs)
	}
	i := strings.Index(msgs[0].Text, prefix)
	if i < 0 {
		t.Fatalf("no link to the page's own domain in %q", msgs[0].Text)
	}
	tok, err := links.Check(strings.TrimSpace(msgs[0].Text[i+len(prefix):]), linktoken.Confirm, time.Now(), 7*24*time.Hour)
	if err != nil || tok.Signup != res.ID || tok.Page != "idea" {
		t.Errorf("link token %+v, %v; want signup %d", tok, err, res.ID)
	}
}
