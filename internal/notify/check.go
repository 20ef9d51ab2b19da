// Package notify looks at every page's results on a timer and puts what the founder (and the
// page's webhook receivers) should hear about in the outbox: a verdict reached, a split
// mismatch, a day with visitors and no signups. Each is stored with a once-key (page, phase,
// event, destination), so a checker that looks every minute sends one message per phase, not
// one per look. The verdict itself comes from internal/results, the same entry point the
// admin uses; this package computes no statistics.
//
// Founder messages carry counts, rates, sentences and links, never a visitor's email or IP.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// Event names for founder-only messages (never sent to webhook receivers).
const eventNoSignups = "signups.none"

// quietMinVisitors is how many visitors a whole UTC day needs, with no signup at all, before
// the founder hears "visitors but no signups": below it, zero signups is ordinary luck.
const quietMinVisitors = 20

// Checker finds what to announce. Store and Site are required.
type Checker struct {
	Store *store.Store
	Site  *site.Holder
	// WebhookURL is LITMUS_WEBHOOK_URL ("" for none); pages add their own [[webhooks]].
	WebhookURL string
	// NotifyURL is LITMUS_NOTIFY_URL, NotifyEmail LITMUS_NOTIFY_EMAIL ("" for none).
	NotifyURL   string
	NotifyEmail string
	// BaseURL (LITMUS_BASE_URL) makes the links in messages absolute.
	BaseURL string
	Logger  *slog.Logger
	Now     func() time.Time
}

// Run checks every interval until ctx ends, first right away.
func (c *Checker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := c.Check(ctx); err != nil && ctx.Err() == nil {
			c.logger().Error("notifications: checking the pages failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Check looks at every page once and returns how many new messages it stored.
func (c *Checker) Check(ctx context.Context) (int, error) {
	s := c.Site.Load()
	if s == nil {
		return 0, nil
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	var msgs []store.NewMessage
	var errs []error
	for _, e := range s.Entries {
		r, err := results.Page(ctx, c.Store, e, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msgs = append(msgs, c.messages(e, r, now)...)
	}
	if len(msgs) == 0 {
		return 0, errors.Join(errs...)
	}
	n, err := c.Store.EnqueueMessages(ctx, msgs)
	return n, errors.Join(append(errs, err)...)
}

// VerdictData is the data of verdict.reached.
type VerdictData struct {
	Page        string            `json:"page"`
	PhaseID     int64             `json:"phase_id"`
	Verdict     stats.VerdictKind `json:"verdict"`
	Sentence    string            `json:"sentence"`
	Visitors    int64             `json:"visitors"`
	Signups     int64             `json:"signups"`
	Rate        float64           `json:"rate"`
	TargetRate  float64           `json:"target_rate"`
	BestVariant string            `json:"best_variant,omitempty"`
	ResultsURL  string            `json:"results_url"`
}

// MismatchData is the data of split.mismatch.
type MismatchData struct {
	Page       string          `json:"page"`
	PhaseID    int64           `json:"phase_id"`
	Message    string          `json:"message"`
	PValue     float64         `json:"p_value"`
	Variants   []VariantVisits `json:"variants"`
	ResultsURL string          `json:"results_url"`
}

// VariantVisits is one variant's visitors in split.mismatch.
type VariantVisits struct {
	ID       string `json:"id"`
	Visitors int64  `json:"visitors"`
}

// messages turns one page's results into the messages it calls for.
func (c *Checker) messages(e *site.Entry, r results.Results, now time.Time) []store.NewMessage {
	var out []store.NewMessage
	link := c.BaseURL + "/admin/pages/" + r.Page
	v := r.Verdict
	if (v.Kind == stats.Validated || v.Kind == stats.Invalidated) && !v.Withheld {
		d := VerdictData{Page: r.Page, PhaseID: r.Phase.ID, Verdict: v.Kind, Sentence: v.Sentence,
			Visitors: v.Visitors, Signups: v.Signups, Rate: v.Rate, TargetRate: v.TargetRate, ResultsURL: link}
		if v.Best != nil {
			d.BestVariant = v.Best.ID
		}
		subject := fmt.Sprintf("Verdict reached on %s: %s", r.Title, strings.ReplaceAll(string(v.Kind), "_", " "))
		text := fmt.Sprintf("%s\n\n%s\n\n%d visitors, %d signups (%.1f%%; the bar is %.1f%%).\nResults: %s",
			subject, v.Sentence, v.Visitors, v.Signups, 100*v.Rate, 100*v.TargetRate, link)
		out = append(out, c.event(e, r.Phase.ID, webhook.VerdictReached, now, d, subject, text)...)
	}
	if r.SRM.Mismatch {
		d := MismatchData{Page: r.Page, PhaseID: r.Phase.ID, Message: r.SRM.Message, PValue: r.SRM.PValue, ResultsURL: link}
		for _, vr := range r.Variants {
			d.Variants = append(d.Variants, VariantVisits{ID: vr.ID, Visitors: vr.Visitors})
		}
		subject := fmt.Sprintf("Split mismatch on %s: the verdict is withheld", r.Title)
		text := fmt.Sprintf("%s\n\n%s\n\nResults: %s", subject, r.SRM.Message, link)
		out = append(out, c.event(e, r.Phase.ID, webhook.SplitMismatch, now, d, subject, text)...)
	}
	if day, visitors, ok := quietDay(r, now); ok {
		subject := fmt.Sprintf("No signups on %s for a whole day", r.Title)
		text := fmt.Sprintf("%s\n\n%d visitors saw %s on %s (UTC) and nobody signed up, not even a test of your own. "+
			"Is the form working? Open the page and sign up once to check.\nResults: %s", subject, visitors, r.Title, day, link)
		out = append(out, c.founder(r.Page, fmt.Sprintf("%s/%d/%s/%s", r.Page, r.Phase.ID, eventNoSignups, day), eventNoSignups, subject, text)...)
	}
	return out
}

// quietDay reports the last full UTC day (yesterday) if it had at least quietMinVisitors
// visitors and no signup, and none came since.
func quietDay(r results.Results, now time.Time) (string, int64, bool) {
	yesterday := now.UTC().AddDate(0, 0, -1).Format("2006-01-02")
	today := now.UTC().Format("2006-01-02")
	var visitors, signups int64
	found := false
	for _, d := range r.Daily {
		for _, v := range d.Variants {
			switch d.Date {
			case yesterday:
				found = true
				visitors += v.Visitors
				signups += v.Signups
			case today:
				signups += v.Signups
			}
		}
	}
	return yesterday, visitors, found && visitors >= quietMinVisitors && signups == 0
}

// event is one phase event for every destination: the webhook receivers that want it, and
// the founder.
func (c *Checker) event(e *site.Entry, phase int64, event string, now time.Time, data any, subject, text string) []store.NewMessage {
	page := e.Page.Slug
	body, err := json.Marshal(store.Envelope{Type: event, Timestamp: now.UTC(), Data: data})
	if err != nil {
		c.logger().Error("notifications: encode event", "event", event, "err", err)
		return nil
	}
	var out []store.NewMessage
	for _, u := range Receivers(c.WebhookURL, e.Page.Webhooks, event) {
		out = append(out, store.NewMessage{Kind: store.KindWebhook, Target: u, Page: page, Event: event, Payload: body,
			OnceKey: fmt.Sprintf("%s/%d/%s/%s/%s", page, phase, event, store.KindWebhook, u)})
	}
	return append(out, c.founder(page, fmt.Sprintf("%s/%d/%s", page, phase, event), event, subject, text)...)
}

// founder is one message to each founder destination, unique per once-key.
func (c *Checker) founder(page, once, event, subject, text string) []store.NewMessage {
	payload, _ := json.Marshal(delivery.NotifyPayload{Subject: subject, Text: text})
	var out []store.NewMessage
	if c.NotifyURL != "" {
		out = append(out, store.NewMessage{Kind: store.KindNotifyURL, Target: c.NotifyURL, Page: page, Event: event, Payload: payload, OnceKey: once + "/" + store.KindNotifyURL})
	}
	if c.NotifyEmail != "" {
		out = append(out, store.NewMessage{Kind: store.KindNotifyEmail, Target: c.NotifyEmail, Page: page, Event: event, Payload: payload, OnceKey: once + "/" + store.KindNotifyEmail})
	}
	return out
}

func (c *Checker) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}
