package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// recentDeliveries is how many messages /admin/webhooks lists.
const recentDeliveries = 50

// handleWebhooks serves GET /admin/webhooks: where messages go, and the newest deliveries
// with their status, attempts, last answer and next try.
func (a *admin) handleWebhooks(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	msgs, err := a.Store.RecentMessages(ctx, recentDeliveries)
	if err != nil {
		return err
	}
	pending, err := a.Store.OutboxBacklog(ctx)
	if err != nil {
		return err
	}
	o := a.Outbox
	v := views.Webhooks{Layout: a.layout("Webhooks"), Receivers: a.receivers(), NewSecret: o.NewSecret,
		SecretSet: o.SecretSet, Pending: pending, Messages: msgs}
	if o.NotifyURL != "" {
		v.Founder = append(v.Founder, "your chat webhook (LITMUS_NOTIFY_URL)")
	}
	if o.Email != "" {
		v.Founder = append(v.Founder, o.Email)
	}
	return a.render(c, fiber.StatusOK, "webhooks.html", v)
}

func (a *admin) receivers() []string {
	if a.Outbox.Receivers == nil {
		return nil
	}
	return a.Outbox.Receivers()
}

// handleWebhookResend serves POST /admin/webhooks/{id}/resend: the message goes out again
// now, with the same webhook-id, and is retried for another day if it fails.
func (a *admin) handleWebhookResend(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return fiber.NewError(fiber.StatusNotFound, "There is no such delivery. Open /admin/webhooks and pick one from the list.")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	switch err := a.Store.Resend(ctx, id); {
	case errors.Is(err, store.ErrNoMessage):
		return fiber.NewError(fiber.StatusNotFound, "There is no such delivery (old ones are deleted after 30 days). Open /admin/webhooks and pick one from the list.")
	case err != nil:
		return err
	}
	return c.Redirect("/admin/webhooks", fiber.StatusSeeOther)
}

// handleWebhookTest serves POST /admin/webhooks/test: a webhook.test event to every
// receiver and a test message to the founder's destinations, through the outbox like any
// other message, so the list shows what each answered.
func (a *admin) handleWebhookTest(c *fiber.Ctx) error {
	now := a.Now().UTC()
	body, err := json.Marshal(store.Envelope{Type: webhook.Test, Timestamp: now, Data: map[string]string{
		"message": "A test event from Litmus. Your receiver works if this arrived and its signature verified.",
	}})
	if err != nil {
		return err
	}
	var msgs []store.NewMessage
	for _, u := range a.receivers() {
		msgs = append(msgs, store.NewMessage{Kind: store.KindWebhook, Target: u, Event: webhook.Test, Payload: body})
	}
	note, _ := json.Marshal(delivery.NotifyPayload{Subject: "Litmus test notification",
		Text: "A test notification from Litmus: verdicts, split mismatches and quiet days will arrive here."})
	if a.Outbox.NotifyURL != "" {
		msgs = append(msgs, store.NewMessage{Kind: store.KindNotifyURL, Target: a.Outbox.NotifyURL, Event: webhook.Test, Payload: note})
	}
	if a.Outbox.Email != "" {
		msgs = append(msgs, store.NewMessage{Kind: store.KindNotifyEmail, Target: a.Outbox.Email, Event: webhook.Test, Payload: note})
	}
	if len(msgs) == 0 {
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Nowhere to send a test",
			"No webhook receiver or notification is configured. Set LITMUS_WEBHOOK_URL or LITMUS_NOTIFY_URL, or add [[webhooks]] to a page file, then try again.", nil)
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	if _, err := a.Store.EnqueueMessages(ctx, msgs); err != nil {
		return err
	}
	a.Logger.Info("test webhook queued", "messages", len(msgs))
	return c.Redirect("/admin/webhooks", fiber.StatusSeeOther)
}
