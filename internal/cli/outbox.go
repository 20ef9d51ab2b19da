package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/notify"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// checkInterval is how often the pages' results are looked at for verdicts, split
// mismatches and quiet days. A verdict is news on the day, not the second.
const checkInterval = time.Minute

// pruneAfter is how long delivered and failed messages stay listed (and hold a signup's
// address in their payload) before they are deleted.
const pruneAfter = 30 * 24 * time.Hour

// outbox runs the delivery worker and the notification checker beside the server.
type outbox struct {
	worker  atomic.Pointer[delivery.Worker] // set once started; Wake is safe before
	admin   handlers.Outbox
	cancel  context.CancelFunc
	running sync.WaitGroup
}

// wake is the store's Outboxed hook: it runs on the writer goroutine, so it never blocks.
func (o *outbox) wake() {
	if w := o.worker.Load(); w != nil {
		w.Wake()
	}
}

// signupStored is called from the store's SignupStored hook: delivery yields to signups.
func (o *outbox) signupStored() {
	if w := o.worker.Load(); w != nil {
		w.SignupArrived()
	}
}

// anyReceivers reports whether a webhook receiver is configured now.
func anyReceivers(cfg *config.Config, holder *site.Holder) bool {
	if cfg.WebhookURL != "" {
		return true
	}
	if s := holder.Load(); s != nil {
		for _, e := range s.Entries {
			if len(e.Page.Webhooks) > 0 {
				return true
			}
		}
	}
	return false
}

// start prepares the secret and mail sender and starts the worker and the checker.
func (o *outbox) start(ctx context.Context, cfg *config.Config, st *store.Store, holder *site.Holder, m *metrics.Metrics, logger *slog.Logger, stdout io.Writer) error {
	secret := cfg.WebhookSecret
	if secret == "" && anyReceivers(cfg, holder) {
		stored, created, err := st.WebhookSecret(ctx, webhook.NewSecret())
		if err != nil {
			return fmt.Errorf("webhook secret: %w", err)
		}
		secret = stored
		if created {
			o.admin.NewSecret = stored
			logger.Warn("webhook secret generated because LITMUS_WEBHOOK_SECRET is not set; receivers need it to verify signatures (also shown in /admin/webhooks until restart)", "secret", stored)
			fmt.Fprintf(stdout, "\n  Webhook secret (generated, shown once): %s\n  Receivers use it to verify signatures (docs/webhooks.md). Set LITMUS_WEBHOOK_SECRET to choose your own.\n\n", stored)
		}
	}
	var key []byte
	if secret != "" {
		k, err := webhook.SecretKey(secret)
		if err != nil {
			return err
		}
		key = k
	}
	var sender *mail.Sender
	if cfg.SMTPURL != "" && cfg.MailFrom != "" {
		s, err := mail.NewFromURL(cfg.SMTPURL, cfg.MailFrom)
		if err != nil {
			return err
		}
		sender = s
	}
	o.admin.NotifyURL, o.admin.Email, o.admin.SecretSet = cfg.NotifyURL, cfg.NotifyEmail, key != nil
	o.admin.Receivers = func() []string { return configuredReceivers(cfg.WebhookURL, holder) }

	w := delivery.New(delivery.Config{
		Store: st, Key: key, Mail: sender, Logger: logger,
		Observe: func(result string) { m.WebhookDeliveries.WithLabelValues(result).Inc() },
	})
	o.worker.Store(w)
	checker := &notify.Checker{Store: st, Site: holder, WebhookURL: cfg.WebhookURL,
		NotifyURL: cfg.NotifyURL, NotifyEmail: cfg.NotifyEmail, BaseURL: cfg.BaseURL, Logger: logger}

	ctx, o.cancel = context.WithCancel(ctx)
	o.running.Add(3)
	go func() { defer o.running.Done(); w.Run(ctx) }()
	go func() { defer o.running.Done(); checker.Run(ctx, checkInterval) }()
	go func() { defer o.running.Done(); prune(ctx, st, logger) }()
	return nil
}

// stop ends the worker and the checker and waits for them (a round in flight records what
// it sent), before the store closes.
func (o *outbox) stop() {
	if o.cancel != nil {
		o.cancel()
		o.running.Wait()
	}
}

// configuredReceivers lists every distinct webhook URL: the global one and the pages'.
func configuredReceivers(global string, holder *site.Holder) []string {
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	add(global)
	if s := holder.Load(); s != nil {
		for _, e := range s.Entries {
			for _, h := range e.Page.Webhooks {
				add(h.URL)
			}
		}
	}
	return out
}

// prune deletes old delivered and failed messages once an hour.
func prune(ctx context.Context, st *store.Store, logger *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := st.PruneOutbox(ctx, time.Now().Add(-pruneAfter)); err != nil && ctx.Err() == nil {
			logger.Error("webhooks: pruning old deliveries failed", "err", err)
		} else if n > 0 {
			logger.Info("webhooks: old deliveries deleted", "messages", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
