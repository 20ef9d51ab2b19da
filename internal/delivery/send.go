package delivery

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// maxAnswer bounds what is read of a receiver's answer: enough to reuse the connection
// after a normal reply, never a huge body held in memory.
const maxAnswer = 64 << 10

// maxSnippet bounds how much of a failed answer's body goes into the recorded error.
const maxSnippet = 120

// UserAgent names Litmus to receivers.
const UserAgent = "Litmus-Webhooks/1 (+https://github.com/litmuslabs/litmus)"

// result is one attempt's outcome: err is "" when delivered.
type result struct {
	status    int
	err       string
	permanent bool // retrying cannot help (410 Gone, a message that cannot be built)
}

// NotifyPayload is the stored payload of a founder notification.
type NotifyPayload struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

func (w *Worker) send(ctx context.Context, m store.OutboxMessage) result {
	switch m.Kind {
	case store.KindWebhook:
		if len(w.cfg.Key) == 0 {
			return result{err: "no webhook secret is configured, so nothing is sent unsigned"}
		}
		return w.post(ctx, m, m.Payload, true)
	case store.KindNotifyURL:
		var n NotifyPayload
		if err := json.Unmarshal(m.Payload, &n); err != nil {
			return result{err: "the stored notification is not readable", permanent: true}
		}
		body, _ := json.Marshal(map[string]string{"text": n.Text})
		return w.post(ctx, m, body, false)
	case store.KindNotifyEmail:
		if w.cfg.Mail == nil {
			return result{err: "LITMUS_SMTP_URL or LITMUS_MAIL_FROM is not set, so the mail cannot be sent"}
		}
		var n NotifyPayload
		if err := json.Unmarshal(m.Payload, &n); err != nil {
			return result{err: "the stored notification is not readable", permanent: true}
		}
		if err := w.cfg.Mail.Send(ctx, mail.Message{To: m.Target, Subject: n.Subject, Text: n.Text}); err != nil {
			w.cfg.Logger.Warn("webhooks: a notification mail was not sent", "err", err)
			return result{err: clip("mail not sent: "+err.Error(), 200)}
		}
		return result{}
	default:
		return result{err: fmt.Sprintf("unknown message kind %q", m.Kind), permanent: true}
	}
}

// post sends body to m.Target, signed when sign is set, and reads a bounded answer.
func (w *Worker) post(ctx context.Context, m store.OutboxMessage, body []byte, sign bool) result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.Target, bytes.NewReader(body))
	if err != nil {
		return result{err: "the receiver's address is not usable: " + clip(err.Error(), 120), permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	if sign {
		webhook.Sign(req.Header, w.cfg.Key, m.MsgID, w.cfg.Now(), body)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		var msg string
		switch {
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			msg = fmt.Sprintf("no answer within %s", w.cfg.Timeout)
		default:
			msg = "could not reach the receiver: " + clip(err.Error(), 160)
		}
		return result{err: msg}
	}
	defer resp.Body.Close()
	head := make([]byte, maxSnippet)
	n, _ := io.ReadFull(resp.Body, head)
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	r := result{status: resp.StatusCode}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return r
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.err = fmt.Sprintf("HTTP %d: the receiver redirects to %s; Litmus does not follow redirects, so set its final address", resp.StatusCode, clip(resp.Header.Get("Location"), 120))
	case resp.StatusCode == http.StatusGone:
		r.err, r.permanent = "HTTP 410: the receiver says this hook is gone; no more retries", true
	default:
		r.err = fmt.Sprintf("HTTP %d", resp.StatusCode)
		if s := printable(head[:n]); s != "" {
			r.err += ": " + s
		}
	}
	return r
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// printable keeps a short, single-line, valid UTF-8 piece of a receiver's answer.
func printable(b []byte) string {
	s := strings.ToValidUTF8(string(b), "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return clip(strings.Join(strings.Fields(s), " "), maxSnippet)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
