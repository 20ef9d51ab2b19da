package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// The outbox holds webhooks and founder notifications until the delivery worker (package
// delivery) has sent them. Rows about a signup or an erasure are written inside that write's
// own savepoint, so they commit with it or not at all: a signup acknowledged is a webhook
// that will be sent, and a crash before the commit loses both.

// Message kinds: where a message goes and how.
const (
	KindWebhook     = "webhook"      // a signed POST of the payload to a receiver's URL
	KindNotifyURL   = "notify_url"   // a Slack-compatible {"text": ...} POST (LITMUS_NOTIFY_URL)
	KindNotifyEmail = "notify_email" // a mail to the founder (LITMUS_NOTIFY_EMAIL)
)

// Message statuses.
const (
	StatusPending   = "pending"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"  // given up after retrying for the worker's retry window
	StatusSkipped   = "skipped" // not sent: the person was forgotten before it went out
)

// Outbox events written by the store itself; the others come from EnqueueMessages.
const (
	eventSignupCreated   = "signup.created"
	eventSignupConfirmed = "signup.confirmed"
	eventSignupErased    = "signup.erased"
)

// builtWhenSent reports whether event's body is built from the signups row when it is sent
// rather than stored: the outbox then holds no second copy of the address, and a person
// forgotten before it went out is never sent.
func builtWhenSent(event string) bool {
	return event == eventSignupCreated || event == eventSignupConfirmed
}

// Route returns the webhook URLs that want event on page. The store calls it inside the
// writer for every signup, confirmation and erasure, so it must be fast and must not call the Store.
type Route func(page, event string) []string

// NewMessage is a message to put in the outbox.
type NewMessage struct {
	Kind    string
	Target  string // URL, or the mail address for KindNotifyEmail
	Page    string // "" for messages about no page (a test event)
	Event   string
	Payload []byte // what is sent: the JSON body, or for notifications the text
	// OnceKey, when set, makes the message unique: a second message with the same key is
	// not stored. Verdicts use page, phase, event and destination.
	OnceKey string
}

// OutboxMessage is a stored message and the state of its delivery.
type OutboxMessage struct {
	ID         int64
	MsgID      string // the stable webhook-id
	Kind       string
	Target     string
	Page       string
	Event      string
	Payload    []byte
	CreatedAt  time.Time
	Status     string
	Attempts   int
	NextAt     time.Time // the next try, while pending
	RetryFrom  time.Time
	LastAt     time.Time // zero before the first attempt
	LastStatus int       // the HTTP status of the last attempt; 0 when there was none
	LastError  string
	// Skip, when set, says why there is nothing to send (the signup was erased before its
	// signup.created or signup.confirmed went out); Payload is then nil.
	Skip     string
	signupID int64 // the signup of a signup.* event, else 0

	// OrderKey groups the messages that must arrive in order: those to one target about one
	// page and, for signup events, one person (signup.created, then signup.confirmed, then
	// signup.erased).
	// Messages about different people do not wait for each other.
	OrderKey string
}

// Attempt is the outcome of one delivery attempt, recorded by RecordAttempts.
type Attempt struct {
	ID        int64
	At        time.Time
	Delivered bool
	GiveUp    bool      // failed and out of retries: the message is marked failed
	Skipped   bool      // nothing to send (OutboxMessage.Skip): the message is marked skipped
	Deferred  bool      // not tried (its receiver just failed): only NextAt is stored
	NextAt    time.Time // when to try again (not Delivered, not GiveUp)
	Status    int       // HTTP status, 0 if none
	Error     string    // short, for the admin; "" when delivered
}

// maxLastError bounds what an attempt records of a receiver's answer.
const maxLastError = 300

// notSentForgotten is the last_error of a signup.created or signup.confirmed never sent
// because its person was forgotten first.
const notSentForgotten = "not sent: the person was forgotten before it went out"

// newMsgID returns a fresh webhook-id: "msg_" and 26 random base32 characters.
func newMsgID() string { return "msg_" + rand.Text() }

// Envelope is the JSON body of every webhook: the Standard Webhooks shape.
type Envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// SignupData is the data of signup.created.
type SignupData struct {
	Page      string          `json:"page"`
	SignupID  int64           `json:"signup_id"`
	PhaseID   int64           `json:"phase_id"`
	Email     string          `json:"email"`
	Variant   string          `json:"variant"`
	Counted   bool            `json:"counted"`
	Fields    json.RawMessage `json:"fields"`
	Source    SourceData      `json:"source"`
	CreatedAt time.Time       `json:"created_at"`
}

// SourceData is a signup's first-touch source in a payload.
type SourceData struct {
	Referrer    string `json:"referrer"`
	UTMSource   string `json:"utm_source"`
	UTMMedium   string `json:"utm_medium"`
	UTMCampaign string `json:"utm_campaign"`
	UTMTerm     string `json:"utm_term"`
	UTMContent  string `json:"utm_content"`
}

// ConfirmedData is the data of signup.confirmed: the signup, and when its person confirmed
// the address through the mailed link (double opt-in, issue 17).
type ConfirmedData struct {
	Page        string    `json:"page"`
	SignupID    int64     `json:"signup_id"`
	PhaseID     int64     `json:"phase_id"`
	Email       string    `json:"email"`
	Variant     string    `json:"variant"`
	Counted     bool      `json:"counted"`
	CreatedAt   time.Time `json:"created_at"`
	ConfirmedAt time.Time `json:"confirmed_at"`
}

// ErasedData is the data of signup.erased: enough for a receiver to find and delete the
// contact it was sent.
type ErasedData struct {
	Page     string    `json:"page"`
	SignupID int64     `json:"signup_id"`
	Email    string    `json:"email"`
	ErasedAt time.Time `json:"erased_at"`
}

// outbox writes one webhook message per receiver that wants event on page, inside the
// current savepoint. A signup.created or signup.confirmed row stores only signupID (its body
// is built when sent, see DueMessages); other events store their body, and erasures the
// person's email.Key.
func (b *batch) outbox(page, event string, at time.Time, signupID int64, data any, emailKey string) error {
	route := b.w.route
	if route == nil {
		return nil
	}
	urls := route(page, event)
	if len(urls) == 0 {
		return nil
	}
	var body []byte
	if !builtWhenSent(event) {
		var err error
		if body, err = json.Marshal(Envelope{Type: event, Timestamp: at.UTC(), Data: data}); err != nil {
			return fmt.Errorf("encode %s payload: %w", event, err)
		}
	}
	for _, u := range urls {
		if err := b.insertMessage(NewMessage{Kind: KindWebhook, Target: u, Page: page, Event: event, Payload: body}, signupID, emailKey, at); err != nil {
			return err
		}
	}
	return nil
}

// insertMessage stores m; a message whose OnceKey is already stored is skipped.
func (b *batch) insertMessage(m NewMessage, signupID int64, emailKey string, at time.Time) error {
	var once, key, ref any
	if m.OnceKey != "" {
		once = m.OnceKey
	}
	if emailKey != "" {
		key = emailKey
	}
	if signupID != 0 {
		ref = signupID
	}
	var payload any
	if m.Payload != nil {
		payload = m.Payload
	}
	ms := at.UnixMilli()
	st := b.w.ws.insertOutbox
	if m.OnceKey != "" {
		st = b.w.ws.insertOutboxOnce
	}
	res, err := b.stmt(st).Exec(newMsgID(), m.Kind, m.Target, m.Page, m.Event, payload, ref, once, key, ms, ms, ms)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		b.outboxed = true
	}
	return nil
}

// EnqueueMessages stores messages in the outbox and returns how many were new (a message
// whose OnceKey is already there is not stored again).
func (s *Store) EnqueueMessages(ctx context.Context, msgs []NewMessage) (int, error) {
	for _, m := range msgs {
		switch {
		case m.Kind != KindWebhook && m.Kind != KindNotifyURL && m.Kind != KindNotifyEmail:
			return 0, invalid("message kind %q is not one of webhook, notify_url, notify_email", m.Kind)
		case m.Target == "" || m.Event == "" || m.Payload == nil:
			return 0, invalid("a message needs a target, an event and a payload")
		case len(m.Payload) > maxPayload:
			return 0, invalid("a message payload is %d bytes; at most %d", len(m.Payload), maxPayload)
		}
	}
	return submit(ctx, s, "enqueue messages", func(b *batch) (int, error) {
		n := 0
		now := time.Now()
		for _, m := range msgs {
			before := b.outboxed
			b.outboxed = false
			if err := b.insertMessage(m, 0, "", now); err != nil {
				return 0, fmt.Errorf("store: %w", err)
			}
			if b.outboxed {
				n++
			}
			b.outboxed = b.outboxed || before
		}
		return n, nil
	})
}

// maxPayload bounds one message's payload.
const maxPayload = 256 << 10

// dueScan bounds how many pending rows one DueMessages call reads.
const dueScan = 2000

// DueMessages returns up to limit pending messages that may be tried at now, oldest first,
// keeping order per OrderKey: a message waits while an older pending message with the same
// key (same target, page and person) is waiting for its retry.
func (s *Store) DueMessages(ctx context.Context, now time.Time, limit int) ([]OutboxMessage, error) {
	rows, err := s.rs.pendingOutbox.QueryContext(ctx, dueScan)
	if err != nil {
		return nil, fmt.Errorf("store: due messages: %w", err)
	}
	defer rows.Close()
	blocked := map[string]bool{}
	var out []OutboxMessage
	for rows.Next() && len(out) < limit {
		m, su, err := scanDue(rows)
		if err != nil {
			return nil, fmt.Errorf("store: due messages: %w", err)
		}
		g := m.OrderKey
		if blocked[g] {
			continue
		}
		if m.NextAt.After(now) {
			blocked[g] = true
			continue
		}
		if m.Payload == nil && builtWhenSent(m.Event) {
			if err := su.payload(&m); err != nil {
				return nil, fmt.Errorf("store: due messages: %w", err)
			}
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due messages: %w", err)
	}
	return out, nil
}

// dueSignup is the signups row joined to a pending message; id is NULL when there is none
// (not a signup event, or the signup was erased).
type dueSignup struct {
	id, phase, created, counted, confirmed                           sql.NullInt64
	page, email, variant, fields                                     sql.NullString
	referrer, utmSource, utmMedium, utmCampaign, utmTerm, utmContent sql.NullString
}

// scanDue scans a pendingOutbox row: the message and its signup.
func scanDue(rows *sql.Rows) (OutboxMessage, dueSignup, error) {
	var m OutboxMessage
	var su dueSignup
	var created, next, retry, last int64
	err := rows.Scan(&m.ID, &m.MsgID, &m.Kind, &m.Target, &m.Page, &m.Event, &m.Payload, &m.signupID, &created,
		&m.Status, &m.Attempts, &next, &retry, &last, &m.LastStatus, &m.LastError,
		&su.id, &su.phase, &su.created, &su.page, &su.email, &su.variant, &su.fields, &su.counted, &su.confirmed,
		&su.referrer, &su.utmSource, &su.utmMedium, &su.utmCampaign, &su.utmTerm, &su.utmContent)
	m.fill(created, next, retry, last)
	return m, su, err
}

// payload builds the body of a signup.created or signup.confirmed from the signups row, the
// same at every try (its timestamp is the signup's, or its confirmation's). A signup erased
// before it went out leaves m.Skip set.
func (su dueSignup) payload(m *OutboxMessage) error {
	if !su.id.Valid { // erased some other way than Forget (restore's ReapplyErasures)
		m.Skip = notSentForgotten
		return nil
	}
	created := time.UnixMilli(su.created.Int64).UTC()
	var env Envelope
	switch m.Event {
	case eventSignupConfirmed:
		at := time.UnixMilli(su.confirmed.Int64).UTC()
		env = Envelope{Type: m.Event, Timestamp: at, Data: ConfirmedData{
			Page: su.page.String, SignupID: su.id.Int64, PhaseID: su.phase.Int64, Email: su.email.String,
			Variant: su.variant.String, Counted: su.counted.Int64 == 1, CreatedAt: created, ConfirmedAt: at,
		}}
	default:
		env = Envelope{Type: eventSignupCreated, Timestamp: created, Data: SignupData{
			Page: su.page.String, SignupID: su.id.Int64, PhaseID: su.phase.Int64, Email: su.email.String,
			Variant: su.variant.String, Counted: su.counted.Int64 == 1, Fields: json.RawMessage(su.fields.String), CreatedAt: created,
			Source: SourceData{Referrer: su.referrer.String, UTMSource: su.utmSource.String, UTMMedium: su.utmMedium.String,
				UTMCampaign: su.utmCampaign.String, UTMTerm: su.utmTerm.String, UTMContent: su.utmContent.String},
		}}
	}
	var err error
	m.Payload, err = json.Marshal(env)
	return err
}

// NextDue returns when the earliest pending message is due; ok is false when none is pending.
func (s *Store) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	var ms sql.NullInt64
	if err := s.read.QueryRowContext(ctx, `SELECT min(next_at) FROM outbox INDEXED BY outbox_pending WHERE status = 'pending'`).Scan(&ms); err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due message: %w", err)
	}
	if !ms.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(ms.Int64), true, nil
}

// RecordAttempts stores the outcomes of delivery attempts, all in one transaction.
func (s *Store) RecordAttempts(ctx context.Context, attempts []Attempt) error {
	_, err := submit(ctx, s, "record deliveries", func(b *batch) (struct{}, error) {
		for _, a := range attempts {
			if a.Deferred {
				if _, err := b.tx.ExecContext(b.ctx, `UPDATE outbox SET next_at = ? WHERE id = ? AND status = 'pending'`, a.NextAt.UnixMilli(), a.ID); err != nil {
					return struct{}{}, fmt.Errorf("store: put off delivery %d: %w", a.ID, err)
				}
				continue
			}
			status, next := StatusPending, a.NextAt.UnixMilli()
			switch {
			case a.Skipped:
				status = StatusSkipped
			case a.Delivered:
				status = StatusDelivered
			case a.GiveUp:
				status = StatusFailed
			}
			if _, err := b.stmt(b.w.ws.recordAttempt).Exec(status, next, a.At.UnixMilli(), a.Status, Clip(a.Error, maxLastError), a.ID); err != nil {
				return struct{}{}, fmt.Errorf("store: record delivery %d: %w", a.ID, err)
			}
		}
		return struct{}{}, nil
	})
	return err
}

// ErrNoMessage is returned by Resend for an id that is not in the outbox.
var ErrNoMessage = errors.New("store: no such message in the outbox")

// Resend makes message id pending again, due now, with a fresh retry window and the same
// webhook-id (it is the same message: a receiver that already has it can drop it).
func (s *Store) Resend(ctx context.Context, id int64) error {
	_, err := submit(ctx, s, "resend message", func(b *batch) (struct{}, error) {
		now := time.Now().UnixMilli()
		res, err := b.tx.ExecContext(b.ctx, `UPDATE outbox SET status = 'pending', next_at = ?, retry_from = ?, attempts = 0 WHERE id = ?`, now, now, id)
		if err != nil {
			return struct{}{}, fmt.Errorf("store: resend message %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return struct{}{}, ErrNoMessage
		}
		b.outboxed = true
		return struct{}{}, nil
	})
	return err
}

// RecentMessages returns the newest messages, newest first, at most limit (0 means 50).
func (s *Store) RecentMessages(ctx context.Context, limit int) ([]OutboxMessage, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox o ORDER BY o.id DESC LIMIT ?`, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: recent messages: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: recent messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxBacklog returns how many messages are pending, for the backlog gauge.
func (s *Store) OutboxBacklog(ctx context.Context) (int64, error) {
	n, _, err := s.OutboxState(ctx)
	return n, err
}

// OutboxState returns how many messages are pending and when the oldest of them was
// created (zero when none is pending): a backlog that only grows, or a message waiting for
// hours, is a receiver that is down.
func (s *Store) OutboxState(ctx context.Context) (pending int64, oldest time.Time, err error) {
	var ms sql.NullInt64
	err = s.read.QueryRowContext(ctx, `SELECT count(*),
		(SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1)
		FROM outbox WHERE status = 'pending'`).Scan(&pending, &ms)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: outbox backlog: %w", err)
	}
	if ms.Valid {
		oldest = time.UnixMilli(ms.Int64)
	}
	return pending, oldest, nil
}

// PruneOutbox deletes delivered, failed and skipped messages created before before, so the
// outbox does not grow for ever.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int64, error) {
	return submit(ctx, s, "prune outbox", func(b *batch) (int64, error) {
		res, err := b.tx.ExecContext(b.ctx, `DELETE FROM outbox WHERE status != 'pending' AND created_at < ?`, before.UnixMilli())
		if err != nil {
			return 0, fmt.Errorf("store: prune outbox: %w", err)
		}
		return res.RowsAffected()
	})
}

const outboxColumns = `o.id, o.msg_id, o.kind, o.target, o.page, o.event, o.payload, coalesce(o.signup_id, 0),
	o.created_at, o.status, o.attempts, o.next_at, o.retry_from, coalesce(o.last_at, 0), o.last_status, o.last_error`

func scanMessage(rows *sql.Rows) (OutboxMessage, error) {
	var m OutboxMessage
	var created, next, retry, last int64
	err := rows.Scan(&m.ID, &m.MsgID, &m.Kind, &m.Target, &m.Page, &m.Event, &m.Payload, &m.signupID, &created,
		&m.Status, &m.Attempts, &next, &retry, &last, &m.LastStatus, &m.LastError)
	m.fill(created, next, retry, last)
	return m, err
}

// fill sets the times and the order key of a scanned message.
func (m *OutboxMessage) fill(created, next, retry, last int64) {
	// A signup's events share a key (its signup.created goes before its signup.erased);
	// a page's other events share the key with signup_id 0.
	m.OrderKey = m.Kind + "\x00" + m.Target + "\x00" + m.Page + "\x00" + strconv.FormatInt(m.signupID, 10)
	m.CreatedAt, m.NextAt, m.RetryFrom = time.UnixMilli(created), time.UnixMilli(next), time.UnixMilli(retry)
	if last != 0 {
		m.LastAt = time.UnixMilli(last)
	}
}

// settingWebhookSecret names the generated webhook secret in settings.
const settingWebhookSecret = "webhook_secret"

// WebhookSecret returns the stored webhook secret, storing fresh first if there is none;
// created reports that fresh was stored now (show it once to the founder).
func (s *Store) WebhookSecret(ctx context.Context, fresh string) (secret string, created bool, err error) {
	type result struct {
		secret  string
		created bool
	}
	r, err := submit(ctx, s, "webhook secret", func(b *batch) (result, error) {
		res, err := b.tx.ExecContext(b.ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, settingWebhookSecret, []byte(fresh))
		if err != nil {
			return result{}, fmt.Errorf("store: save webhook secret: %w", err)
		}
		n, _ := res.RowsAffected()
		var v []byte
		if err := b.tx.QueryRowContext(b.ctx, `SELECT value FROM settings WHERE key = ?`, settingWebhookSecret).Scan(&v); err != nil {
			return result{}, fmt.Errorf("store: load webhook secret: %w", err)
		}
		return result{string(v), n > 0}, nil
	})
	return r.secret, r.created, err
}
