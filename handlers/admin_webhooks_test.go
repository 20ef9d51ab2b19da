package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

func withOutbox(o Outbox) envOption { return func(d *Deps) { d.Outbox = o } }

func TestAdminWebhooksListsSendsAgainAndTests(t *testing.T) {
	e := newEnv(t, withOutbox(Outbox{
		Receivers: func() []string { return []string{"https://hooks.example.com/litmus"} },
		NotifyURL: "https://hooks.slack.com/services/T/B/X", Email: "founder@example.com",
		NewSecret: "whsec_c2hvd24tb25jZS1zZWNyZXQtZm9yLXRoZS10ZXN0", SecretSet: true,
	}))
	page := visibleText(e.adminGet("/admin/webhooks"))
	for _, want := range []string{"Your webhook secret (shown once)", "whsec_c2hvd24tb25jZS1zZWNyZXQtZm9yLXRoZS10ZXN0",
		"https://hooks.example.com/litmus", "founder@example.com", "Nothing sent yet", "0 waiting to be sent"} {
		if !strings.Contains(page, want) {
			t.Errorf("/admin/webhooks does not show %q:\n%s", want, page)
		}
	}

	resp, _ := e.adminPost("/admin/webhooks/test", url.Values{})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/webhooks" {
		t.Fatalf("send a test event = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	msgs, _ := e.store.RecentMessages(context.Background(), 10)
	if len(msgs) != 3 {
		t.Fatalf("a test event queued %d messages, want 3 (webhook, chat, mail)", len(msgs))
	}
	// A receiver's answer is shown escaped, whatever it contains.
	hook := msgs[2]
	if hook.Kind != store.KindWebhook || hook.Event != "webhook.test" {
		t.Fatalf("first message %+v", hook)
	}
	if err := e.store.RecordAttempts(context.Background(), []store.Attempt{{ID: hook.ID, At: e.clock(), GiveUp: true,
		Status: 500, Error: `HTTP 500: <script>alert(1)</script>`}}); err != nil {
		t.Fatal(err)
	}
	body := e.adminGet("/admin/webhooks")
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;alert(1)") {
		t.Errorf("the receiver's answer is not escaped")
	}
	text := visibleText(body)
	for _, want := range []string{"webhook.test", "failed", "2 waiting to be sent", "Send again"} {
		if !strings.Contains(text, want) {
			t.Errorf("after the test the page does not show %q:\n%s", want, text)
		}
	}

	resp, _ = e.adminPost(fmt.Sprintf("/admin/webhooks/%d/resend", hook.ID), url.Values{})
	if resp.StatusCode != 303 {
		t.Fatalf("send again = %d", resp.StatusCode)
	}
	msgs, _ = e.store.RecentMessages(context.Background(), 10)
	if m := msgs[2]; m.Status != store.StatusPending || m.Attempts != 0 || m.MsgID != hook.MsgID {
		t.Errorf("after send again: %+v, want pending with the same webhook-id", m)
	}
	if resp, body := e.adminPost("/admin/webhooks/999999/resend", url.Values{}); resp.StatusCode != 404 || !strings.Contains(visibleText(body), "no such delivery") {
		t.Errorf("send again of an unknown id = %d %s", resp.StatusCode, visibleText(body))
	}
	// Forged: no token, another site.
	if resp, _ := e.adminReq("POST", "/admin/webhooks/test", testPassword, url.Values{}, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Errorf("a cross-site test event = %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.adminReq("POST", fmt.Sprintf("/admin/webhooks/%d/resend", hook.ID), testPassword, url.Values{}); resp.StatusCode != 403 {
		t.Errorf("send again without the form token = %d, want 403", resp.StatusCode)
	}
}

func TestAdminWebhooksWithNothingConfigured(t *testing.T) {
	e := newEnv(t)
	text := visibleText(e.adminGet("/admin/webhooks"))
	if !strings.Contains(text, "No webhook receiver is configured") || strings.Contains(text, "shown once") {
		t.Errorf("/admin/webhooks without receivers:\n%s", text)
	}
	resp, body := e.adminPost("/admin/webhooks/test", url.Values{})
	if resp.StatusCode != 422 || !strings.Contains(visibleText(body), "Nowhere to send a test") {
		t.Errorf("test event with nothing configured = %d %s", resp.StatusCode, visibleText(body))
	}
}
