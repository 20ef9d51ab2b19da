// Package confirmmail sends the confirmation mails of double opt-in from the store's
// durable outbox (table confirmation_mails). A signup and its mail are written in one
// transaction, so a crash between the signup's commit and the send loses nothing: the
// worker finds the mail still unsent after a restart and sends it then.
//
// Delivery is at least once: a crash after the SMTP server accepted a mail but before it
// was marked sent sends it again. A second copy of the same link is harmless (confirming
// twice changes nothing); a lost confirmation would not be.
package confirmmail

import (
	"context"
	"log/slog"
	"time"

	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Sender sends one mail; *mail.Sender is the one Litmus uses.
type Sender interface {
	Send(ctx context.Context, m mail.Message) error
}

// Worker sends due confirmation mails: when woken after a signup, and every PollInterval
// (mails retried after a failure, mails left by a crash).
type Worker struct {
	Store  *store.Store
	Site   *site.Holder
	Links  *linktoken.Signer
	Sender Sender
	Logger *slog.Logger
	Now    func() time.Time // nil = time.Now
	// Sent, if set, is called after each attempt with its result (for metrics).
	Sent func(err error)

	wake chan struct{}
}

// PollInterval is how often the outbox is read without a wake-up.
const PollInterval = 10 * time.Second

// batchSize bounds the mails sent per round, so a backlog does not hold a round for long.
const batchSize = 20

// New returns a Worker ready to Run.
func New(st *store.Store, s *site.Holder, links *linktoken.Signer, sender Sender, logger *slog.Logger) *Worker {
	return &Worker{Store: st, Site: s, Links: links, Sender: sender, Logger: logger, wake: make(chan struct{}, 1)}
}

// Wake asks the worker to look at the outbox now; it never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends mails until ctx ends. It reads the outbox once at start: mails a crash left
// unsent go out right after a restart.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		w.Round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-t.C:
		}
	}
}

// Round sends every mail that is due now (in batches) and returns how many it sent.
func (w *Worker) Round(ctx context.Context) int {
	sent := 0
	for ctx.Err() == nil {
		due, err := w.Store.DueConfirmationMails(ctx, w.now(), batchSize)
		if err != nil {
			w.Logger.Error("confirmation mails not read", "err", err)
			return sent
		}
		progress := 0
		for _, m := range due {
			if w.send(ctx, m) {
				sent++
				progress++
			}
		}
		if len(due) < batchSize || progress == 0 {
			return sent
		}
	}
	return sent
}

// send sends one mail and records the result; it reports whether the mail went out.
func (w *Worker) send(ctx context.Context, m store.PendingMail) bool {
	now := w.now()
	msg, ok := w.message(m, now)
	var err error
	if !ok {
		// The page is gone or no longer asks for confirmation: keep the mail for later
		// (the page may come back), without hammering the log.
		return w.fail(ctx, m, now, "its page is not served with double_opt_in now", time.Hour)
	}
	sctx, cancel := context.WithTimeout(ctx, mail.DefaultTimeout+5*time.Second)
	err = w.Sender.Send(sctx, msg)
	cancel()
	if w.Sent != nil {
		w.Sent(err)
	}
	if err != nil {
		return w.fail(ctx, m, now, err.Error(), backoff(m.Attempts))
	}
	if err := w.Store.MarkMailSent(ctx, m.SignupID, now); err != nil {
		w.Logger.Error("confirmation mail sent but not marked; it may be sent twice", "signup", m.SignupID, "err", err)
	}
	w.Logger.Info("confirmation mail sent", "page", m.Page, "signup", m.SignupID)
	return true
}

func (w *Worker) fail(ctx context.Context, m store.PendingMail, now time.Time, reason string, wait time.Duration) bool {
	w.Logger.Warn("confirmation mail not sent; will retry", "page", m.Page, "signup", m.SignupID,
		"attempt", m.Attempts+1, "retry_in", wait.String(), "err", reason)
	if err := w.Store.MarkMailFailed(ctx, m.SignupID, now.Add(wait), reason); err != nil {
		w.Logger.Error("confirmation mail failure not recorded", "signup", m.SignupID, "err", err)
	}
	return false
}

// message builds the mail of m from its page's copy: a signed, single-purpose, expiring
// link that carries the signup's id and never the address.
func (w *Worker) message(m store.PendingMail, now time.Time) (mail.Message, bool) {
	e := w.Site.Load().Lookup(m.Page)
	if e == nil || !e.Page.DoubleOptIn {
		return mail.Message{}, false
	}
	tok := w.Links.Sign(linktoken.Token{Purpose: linktoken.Confirm, Page: m.Page, Signup: m.SignupID, Issued: now})
	u := pages.URLsOf(e.Page, m.LinkBase) // a page with domains: its first domain, whatever LinkBase says
	link := u.Origin + u.Confirm + "?" + pages.ConfirmTokenField + "=" + tok
	subject, text := pages.ConfirmMail(e.Page, link)
	return mail.Message{
		To: m.Email, Subject: subject, Text: text,
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}, true
}

// backoff is the wait after the attempts-th failure: 1, 2, 4 ... minutes, at most 6 hours.
func backoff(attempts int) time.Duration {
	d := time.Minute << min(attempts, 9)
	return min(d, 6*time.Hour)
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}
