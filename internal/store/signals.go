package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// The deeper demand signals of issue 17: confirmed signups (double opt-in, with a durable
// outbox of confirmation mails), answers to the thank-you page's questions, and referrals.

const (
	maxRefCodeLen  = 32
	maxURLLen      = 2048
	maxAnswers     = 8    // answers in one SaveAnswers
	maxAnswerBytes = 2048 // one answer, as UTF-8
	maxMailError   = 500  // the last send error kept for the admin and the log
)

// refCodeEncoding spells share codes in lowercase letters and digits 2-7: easy to read
// aloud, safe in a URL, no padding.
var refCodeEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRefCode returns a fresh share code: 80 random bits (16 characters), so codes cannot
// be guessed or enumerated, and nothing in them comes from the email.
func newRefCode() string {
	var b [10]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return short)
	return refCodeEncoding.EncodeToString(b[:])
}

// ConfirmResult says what ConfirmSignup found.
type ConfirmResult struct {
	Found     bool // the signup exists on the page (it was not forgotten)
	Confirmed bool // it is confirmed now
	Already   bool // it was confirmed before this call: nothing changed
}

// ConfirmSignup marks signup id of page confirmed at at, once: confirming again changes
// nothing (Already). A counted signup adds one to its variant's confirmed count, on the
// day of the signup, in the same transaction.
func (s *Store) ConfirmSignup(ctx context.Context, page string, id int64, at time.Time) (ConfirmResult, error) {
	if err := checkID("page", page); err != nil {
		return ConfirmResult{}, err
	}
	at = orNow(at)
	return submit(ctx, s, "confirm signup", func(b *batch) (ConfirmResult, error) {
		ws := b.w.ws
		var (
			phase    int64
			variant  string
			counted  bool
			created  int64
			referred bool
		)
		err := b.stmt(ws.confirmSignup).QueryRow(at.UnixMilli(), id, page).Scan(&phase, &variant, &counted, &created, &referred)
		if errors.Is(err, sql.ErrNoRows) {
			var confirmed bool
			switch err := b.stmt(ws.signupOnPage).QueryRow(id, page).Scan(&confirmed); {
			case errors.Is(err, sql.ErrNoRows):
				return ConfirmResult{}, nil
			case err != nil:
				return ConfirmResult{}, fmt.Errorf("store: confirm signup: %w", err)
			}
			return ConfirmResult{Found: true, Confirmed: confirmed, Already: confirmed}, nil
		}
		if err != nil {
			return ConfirmResult{}, fmt.Errorf("store: confirm signup: %w", err)
		}
		if counted {
			add := tally{confirmed: 1}
			if referred {
				add.referredConfirmed = 1
			}
			b.count(phase, variant, dayOf(time.UnixMilli(created)), Source{}, add)
		}
		return ConfirmResult{Found: true, Confirmed: true}, nil
	})
}

// SaveAnswers keeps a signup's answers to the thank-you page's questions (question name →
// answer), replacing earlier answers to the same questions. It reports false, storing
// nothing, when the signup is not on page (forgotten since, or never stored). The caller
// validates the answers against the page's questions; the store only bounds them.
func (s *Store) SaveAnswers(ctx context.Context, page string, id int64, answers map[string]string, at time.Time) (bool, error) {
	if err := checkID("page", page); err != nil {
		return false, err
	}
	if len(answers) > maxAnswers {
		return false, invalid("%d answers; at most %d are kept", len(answers), maxAnswers)
	}
	for q, a := range answers {
		if q == "" || len(q) > maxFieldNameLen || !utf8.ValidString(q) || len(a) > maxAnswerBytes || !utf8.ValidString(a) {
			return false, invalid("answer to %q must be at most %d bytes of text", Clip(q, maxFieldNameLen), maxAnswerBytes)
		}
	}
	at = orNow(at)
	return submit(ctx, s, "save answers", func(b *batch) (bool, error) {
		var confirmed bool
		switch err := b.stmt(b.w.ws.signupOnPage).QueryRow(id, page).Scan(&confirmed); {
		case errors.Is(err, sql.ErrNoRows):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("store: save answers: %w", err)
		}
		for q, a := range answers {
			if _, err := b.stmt(b.w.ws.upsertAnswer).Exec(id, q, a, at.UnixMilli()); err != nil {
				return false, fmt.Errorf("store: save answers: %w", err)
			}
		}
		return true, nil
	})
}

// ShareCode returns the share code of signup id on page, and false when there is no such
// signup (it was forgotten).
func (s *Store) ShareCode(ctx context.Context, page string, id int64) (string, bool, error) {
	var (
		code  sql.NullString
		phase int64
	)
	switch err := s.rs.signupLink.QueryRowContext(ctx, id, page).Scan(&code, &phase); {
	case errors.Is(err, sql.ErrNoRows):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("store: share code: %w", err)
	}
	return code.String, true, nil
}

// AnswerCount is how many signups of one variant gave one answer to one question.
type AnswerCount struct {
	Variant, Question, Answer string
	Count                     int64
}

// AnswerCounts returns, for a phase, the number of signups per variant, question and
// answer (unordered). Answers are few (one row per answering signup and question).
func (s *Store) AnswerCounts(ctx context.Context, phaseID int64) ([]AnswerCount, error) {
	rows, err := s.rs.choiceCounts.QueryContext(ctx, phaseID)
	if err != nil {
		return nil, fmt.Errorf("store: answers of phase %d: %w", phaseID, err)
	}
	defer rows.Close()
	var list []AnswerCount
	for rows.Next() {
		var c AnswerCount
		if err := rows.Scan(&c.Variant, &c.Question, &c.Answer, &c.Count); err != nil {
			return nil, fmt.Errorf("store: answers of phase %d: %w", phaseID, err)
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// Answer is one stored answer to a question, for the admin's "latest answers".
type Answer struct {
	Variant string
	Text    string
	At      time.Time
}

// LatestAnswers returns the newest answers to question in a phase, newest first, at most
// limit (0 means 50, at most 1000).
func (s *Store) LatestAnswers(ctx context.Context, phaseID int64, question string, limit int) ([]Answer, error) {
	rows, err := s.rs.latestAnswers.QueryContext(ctx, phaseID, question, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: answers of phase %d: %w", phaseID, err)
	}
	defer rows.Close()
	var list []Answer
	for rows.Next() {
		var (
			a  Answer
			at int64
		)
		if err := rows.Scan(&a.Variant, &a.Text, &at); err != nil {
			return nil, fmt.Errorf("store: answers of phase %d: %w", phaseID, err)
		}
		a.At = time.UnixMilli(at).UTC()
		list = append(list, a)
	}
	return list, rows.Err()
}

// PendingMail is a confirmation mail still to send.
type PendingMail struct {
	SignupID  int64
	Page      string
	Email     string
	LinkBase  string // scheme://host of the link
	Attempts  int
	CreatedAt time.Time
}

// DueConfirmationMails returns up to limit unsent confirmation mails whose time has come,
// oldest first. A mail whose signup was forgotten is gone with it.
func (s *Store) DueConfirmationMails(ctx context.Context, now time.Time, limit int) ([]PendingMail, error) {
	rows, err := s.rs.dueMails.QueryContext(ctx, now.UnixMilli(), listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: confirmation mails: %w", err)
	}
	defer rows.Close()
	var list []PendingMail
	for rows.Next() {
		var (
			m       PendingMail
			created int64
		)
		if err := rows.Scan(&m.SignupID, &m.Page, &m.Email, &m.LinkBase, &m.Attempts, &created); err != nil {
			return nil, fmt.Errorf("store: confirmation mails: %w", err)
		}
		m.CreatedAt = time.UnixMilli(created).UTC()
		list = append(list, m)
	}
	return list, rows.Err()
}

// MarkMailSent records that the confirmation mail of signup id was handed to the SMTP
// server at at: it is never sent again.
func (s *Store) MarkMailSent(ctx context.Context, id int64, at time.Time) error {
	_, err := submit(ctx, s, "mark mail sent", func(b *batch) (struct{}, error) {
		_, err := b.stmt(b.w.ws.mailSent).Exec(orNow(at).UnixMilli(), id)
		return struct{}{}, err
	})
	return err
}

// MarkMailFailed records a failed attempt to send signup id's confirmation mail; it is
// due again at next.
func (s *Store) MarkMailFailed(ctx context.Context, id int64, next time.Time, reason string) error {
	_, err := submit(ctx, s, "mark mail failed", func(b *batch) (struct{}, error) {
		_, err := b.stmt(b.w.ws.mailFailed).Exec(next.UnixMilli(), Clip(reason, maxMailError), id)
		return struct{}{}, err
	})
	return err
}
