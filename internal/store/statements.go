package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// writeStmts are the writer's statements, prepared at Open on the single write connection so
// a typo fails at boot, and bound to each batch transaction with tx.Stmt (no re-preparing).
type writeStmts struct {
	insertVisitor    *sql.Stmt
	upsertDaily      *sql.Stmt
	upsertSource     *sql.Stmt
	upsertFiltered   *sql.Stmt
	phasePage        *sql.Stmt
	visitorOfSignup  *sql.Stmt
	insertSignup     *sql.Stmt
	signupID         *sql.Stmt
	markConverted    *sql.Stmt
	latestPhase      *sql.Stmt
	insertPhase      *sql.Stmt
	updatePhase      *sql.Stmt
	phaseHasVisitors *sql.Stmt
	phaseNumber      *sql.Stmt
	phaseByNumber    *sql.Stmt
	setNote          *sql.Stmt
	signupOfEmail    *sql.Stmt
	insertRepeat     *sql.Stmt
	deleteByEmail    *sql.Stmt
	recordErasure    *sql.Stmt
	heartbeat        *sql.Stmt
	savepoint        *sql.Stmt
	release          *sql.Stmt
	rollbackTo       *sql.Stmt
	insertDecision   *sql.Stmt
	decisionOf       *sql.Stmt
	// Demand signals (issue 17).
	refCodeSignup *sql.Stmt
	setReferredBy *sql.Stmt
	enqueueMail   *sql.Stmt
	confirmSignup *sql.Stmt
	signupOnPage  *sql.Stmt
	upsertAnswer  *sql.Stmt
	mailSent      *sql.Stmt
	mailFailed    *sql.Stmt
}

// readStmts are the queries, prepared at Open on the read pool.
type readStmts struct {
	ping          *sql.Stmt
	phases        *sql.Stmt
	counts        *sql.Stmt
	daily         *sql.Stmt
	campaigns     *sql.Stmt
	referrers     *sql.Stmt
	latestSignups *sql.Stmt
	signupsAfter  *sql.Stmt
	filteredTotal *sql.Stmt
	filteredTop   *sql.Stmt
	decisions     *sql.Stmt
	dueMails      *sql.Stmt
	choiceCounts  *sql.Stmt
	latestAnswers *sql.Stmt
	signupLink    *sql.Stmt
}

const sourceColumns = `referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content`

const signupColumns = `id, phase_id, created_at, page, email, variant, fields, counted, ` + sourceColumns +
	`, confirmed_at, referred_by IS NOT NULL,
	coalesce((SELECT json_group_object(question, answer) FROM answers WHERE signup_id = signups.id), '{}'),
	(SELECT coalesce(group_concat(phase_id || ':' || counted || ':' || created_at || ':' || variant, ' '), '') FROM
		(SELECT * FROM repeat_signups WHERE signup_id = signups.id ORDER BY phase_id))`

func (w *writeStmts) list() []stmtSQL {
	return []stmtSQL{
		{&w.insertVisitor, `INSERT INTO visitors (phase_id, visitor_id, variant, first_seen, ` + sourceColumns + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, visitor_id) DO NOTHING`},
		{&w.upsertDaily, `INSERT INTO daily_counts (phase_id, variant, day, visitors, signups, confirmed, referred_visitors, referred_signups, referred_confirmed)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, variant, day) DO UPDATE SET
				visitors = visitors + excluded.visitors,
				signups = signups + excluded.signups,
				confirmed = confirmed + excluded.confirmed,
				referred_visitors = referred_visitors + excluded.referred_visitors,
				referred_signups = referred_signups + excluded.referred_signups,
				referred_confirmed = referred_confirmed + excluded.referred_confirmed`},
		{&w.upsertSource, `INSERT INTO source_counts (phase_id, utm_source, utm_campaign, referrer_host, visitors, signups)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, utm_source, utm_campaign, referrer_host) DO UPDATE SET
				visitors = visitors + excluded.visitors,
				signups = signups + excluded.signups`},
		{&w.upsertFiltered, `INSERT INTO filtered (page, day, class, agent, requests)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (page, day, class, agent) DO UPDATE SET requests = requests + excluded.requests`},
		{&w.phasePage, `SELECT page FROM phases WHERE id = ?`},
		{&w.visitorOfSignup, `SELECT variant, converted_at IS NULL, ` + sourceColumns + `, referred_by
			FROM visitors WHERE phase_id = ? AND visitor_id = ?`},
		{&w.insertSignup, `INSERT INTO signups (phase_id, page, email, email_key, visitor_id, variant, fields, created_at, counted, ` + sourceColumns + `, ref_code, referred_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (page, email_key) DO NOTHING
			ON CONFLICT (page, email) DO NOTHING`},
		{&w.signupID, `SELECT id, variant FROM signups WHERE page = ? AND email_key = ?`},
		{&w.markConverted, `UPDATE visitors SET converted_at = ?
			WHERE phase_id = ? AND visitor_id = ? AND converted_at IS NULL`},
		{&w.latestPhase, `SELECT id, hash, definition, started_at FROM phases
			WHERE page = ? ORDER BY id DESC LIMIT 1`},
		{&w.insertPhase, `INSERT INTO phases (page, hash, definition, started_at) VALUES (?, ?, ?, ?)`},
		{&w.updatePhase, `UPDATE phases SET hash = ?, definition = ?, started_at = ? WHERE id = ?`},
		{&w.phaseHasVisitors, `SELECT EXISTS (SELECT 1 FROM visitors WHERE phase_id = ?)`},
		{&w.phaseNumber, `SELECT (SELECT count(*) FROM phases o WHERE o.page = p.page AND o.id <= p.id), note, note_at
			FROM phases p WHERE id = ?`},
		{&w.phaseByNumber, `SELECT id FROM phases WHERE page = ? ORDER BY id LIMIT 1 OFFSET ? - 1`},
		{&w.setNote, `UPDATE phases SET note = ?, note_at = ? WHERE id = ?`},
		{&w.signupOfEmail, `SELECT id, phase_id FROM signups WHERE page = ? AND email_key = ?`},
		{&w.insertRepeat, `INSERT INTO repeat_signups (phase_id, signup_id, visitor_id, variant, created_at, counted)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, signup_id) DO NOTHING`},
		{&w.deleteByEmail, `DELETE FROM signups WHERE email_key = ?`},
		{&w.heartbeat, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`},
		{&w.recordErasure, `INSERT INTO erasures (key_hash, erased_at) VALUES (?, ?)
			ON CONFLICT (key_hash) DO UPDATE SET erased_at = excluded.erased_at`},
		{&w.savepoint, `SAVEPOINT request`},
		{&w.release, `RELEASE request`},
		{&w.rollbackTo, `ROLLBACK TO request`},
		{&w.insertDecision, `INSERT INTO decisions (phase_id, what, kind, decided_at, visitors, signups, ci_low, ci_high)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, what) DO NOTHING`},
		{&w.decisionOf, `SELECT kind, decided_at, visitors, signups, ci_low, ci_high FROM decisions
			WHERE phase_id = ? AND what = ?`},
		{&w.refCodeSignup, `SELECT id FROM signups WHERE page = ? AND ref_code = ?`},
		{&w.setReferredBy, `UPDATE visitors SET referred_by = ? WHERE phase_id = ? AND visitor_id = ?`},
		{&w.enqueueMail, `INSERT INTO confirmation_mails (signup_id, link_base, created_at, next_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (signup_id) DO NOTHING`},
		{&w.confirmSignup, `UPDATE signups SET confirmed_at = ?
			WHERE id = ? AND page = ? AND confirmed_at IS NULL
			RETURNING phase_id, variant, counted, created_at, referred_by IS NOT NULL`},
		{&w.signupOnPage, `SELECT confirmed_at IS NOT NULL FROM signups WHERE id = ? AND page = ?`},
		{&w.upsertAnswer, `INSERT INTO answers (signup_id, question, answer, answered_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (signup_id, question) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at`},
		{&w.mailSent, `UPDATE confirmation_mails SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE signup_id = ?`},
		{&w.mailFailed, `UPDATE confirmation_mails SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE signup_id = ?`},
	}
}

func (r *readStmts) list() []stmtSQL {
	return []stmtSQL{
		{&r.ping, `SELECT count(*) FROM settings`},
		{&r.phases, `SELECT id, page, hash, definition, started_at, note, note_at FROM phases
			WHERE page = ? ORDER BY id DESC`},
		{&r.counts, `SELECT variant, sum(visitors), sum(signups), sum(confirmed), sum(referred_visitors), sum(referred_signups), sum(referred_confirmed) FROM daily_counts
			WHERE phase_id = ? GROUP BY variant ORDER BY variant`},
		{&r.daily, `SELECT day, variant, visitors, signups FROM daily_counts
			WHERE phase_id = ? ORDER BY day, variant`},
		{&r.campaigns, `SELECT utm_source, utm_campaign, sum(visitors) AS v, sum(signups) AS s
			FROM source_counts WHERE phase_id = ?
			GROUP BY utm_source, utm_campaign
			ORDER BY v DESC, s DESC, utm_source, utm_campaign LIMIT ?`},
		{&r.referrers, `SELECT referrer_host, sum(visitors) AS v, sum(signups) AS s
			FROM source_counts WHERE phase_id = ?
			GROUP BY referrer_host
			ORDER BY v DESC, s DESC, referrer_host LIMIT ?`},
		{&r.latestSignups, `SELECT ` + signupColumns + ` FROM signups
			WHERE page = ? ORDER BY id DESC LIMIT ?`},
		{&r.signupsAfter, `SELECT ` + signupColumns + ` FROM signups
			WHERE page = ? AND id > ? ORDER BY id LIMIT ?`},
		{&r.filteredTotal, `SELECT coalesce(sum(requests), 0) FROM filtered WHERE page = ? AND day >= ? AND day <= ?`},
		{&r.filteredTop, `SELECT class, agent, sum(requests) AS n FROM filtered
			WHERE page = ? AND day >= ? AND day <= ?
			GROUP BY class, agent ORDER BY n DESC, class, agent LIMIT ?`},
		{&r.decisions, `SELECT what, kind, decided_at, visitors, signups, ci_low, ci_high FROM decisions
			WHERE phase_id = ? ORDER BY what DESC`},
		{&r.dueMails, `SELECT m.signup_id, s.page, s.email, m.link_base, m.attempts, m.created_at
			FROM confirmation_mails m JOIN signups s ON s.id = m.signup_id
			WHERE m.sent_at IS NULL AND m.next_at <= ? ORDER BY m.next_at, m.signup_id LIMIT ?`},
		{&r.choiceCounts, `SELECT s.variant, a.question, a.answer, count(*) FROM answers a
			JOIN signups s ON s.id = a.signup_id
			WHERE s.phase_id = ? GROUP BY s.variant, a.question, a.answer`},
		{&r.latestAnswers, `SELECT s.variant, a.answer, a.answered_at FROM answers a
			JOIN signups s ON s.id = a.signup_id
			WHERE s.phase_id = ? AND a.question = ? ORDER BY a.answered_at DESC, a.signup_id DESC LIMIT ?`},
		{&r.signupLink, `SELECT ref_code, phase_id FROM signups WHERE id = ? AND page = ?`},
	}
}

type stmtSQL struct {
	dst   **sql.Stmt
	query string
}

// prepare prepares every statement of list on db, or closes those it prepared and fails.
func prepare(ctx context.Context, db *sql.DB, list []stmtSQL) error {
	for i, s := range list {
		st, err := db.PrepareContext(ctx, s.query)
		if err != nil {
			closeStmts(list[:i])
			return fmt.Errorf("prepare %q: %w", s.query, err)
		}
		*s.dst = st
	}
	return nil
}

func closeStmts(list []stmtSQL) error {
	var errs []error
	for _, s := range list {
		if *s.dst != nil {
			errs = append(errs, (*s.dst).Close()) // later use fails with "statement is closed"
		}
	}
	return errors.Join(errs...)
}
