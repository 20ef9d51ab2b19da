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
	deleteByEmail    *sql.Stmt
	savepoint        *sql.Stmt
	release          *sql.Stmt
	rollbackTo       *sql.Stmt
	insertDecision   *sql.Stmt
	decisionOf       *sql.Stmt
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
}

const sourceColumns = `referrer_host, utm_source, utm_medium, utm_campaign, utm_term, utm_content`

const signupColumns = `id, phase_id, created_at, page, email, variant, fields, counted, ` + sourceColumns

func (w *writeStmts) list() []stmtSQL {
	return []stmtSQL{
		{&w.insertVisitor, `INSERT INTO visitors (phase_id, visitor_id, variant, first_seen, ` + sourceColumns + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, visitor_id) DO NOTHING`},
		{&w.upsertDaily, `INSERT INTO daily_counts (phase_id, variant, day, visitors, signups)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, variant, day) DO UPDATE SET
				visitors = visitors + excluded.visitors,
				signups = signups + excluded.signups`},
		{&w.upsertSource, `INSERT INTO source_counts (phase_id, utm_source, utm_campaign, referrer_host, visitors, signups)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, utm_source, utm_campaign, referrer_host) DO UPDATE SET
				visitors = visitors + excluded.visitors,
				signups = signups + excluded.signups`},
		{&w.upsertFiltered, `INSERT INTO filtered (page, day, class, agent, requests)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (page, day, class, agent) DO UPDATE SET requests = requests + excluded.requests`},
		{&w.phasePage, `SELECT page FROM phases WHERE id = ?`},
		{&w.visitorOfSignup, `SELECT variant, converted_at IS NULL, ` + sourceColumns + `
			FROM visitors WHERE phase_id = ? AND visitor_id = ?`},
		{&w.insertSignup, `INSERT INTO signups (phase_id, page, email, visitor_id, variant, fields, created_at, counted, ` + sourceColumns + `)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (page, email) DO NOTHING`},
		{&w.signupID, `SELECT id, variant FROM signups WHERE page = ? AND email = ?`},
		{&w.markConverted, `UPDATE visitors SET converted_at = ?
			WHERE phase_id = ? AND visitor_id = ? AND converted_at IS NULL`},
		{&w.latestPhase, `SELECT id, hash, definition, started_at FROM phases
			WHERE page = ? ORDER BY id DESC LIMIT 1`},
		{&w.insertPhase, `INSERT INTO phases (page, hash, definition, started_at) VALUES (?, ?, ?, ?)`},
		{&w.updatePhase, `UPDATE phases SET hash = ?, definition = ?, started_at = ? WHERE id = ?`},
		{&w.phaseHasVisitors, `SELECT EXISTS (SELECT 1 FROM visitors WHERE phase_id = ?)`},
		{&w.deleteByEmail, `DELETE FROM signups WHERE email = ?`},
		{&w.savepoint, `SAVEPOINT request`},
		{&w.release, `RELEASE request`},
		{&w.rollbackTo, `ROLLBACK TO request`},
		{&w.insertDecision, `INSERT INTO decisions (phase_id, what, kind, decided_at, visitors, signups, ci_low, ci_high)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (phase_id, what) DO NOTHING`},
		{&w.decisionOf, `SELECT kind, decided_at, visitors, signups, ci_low, ci_high FROM decisions
			WHERE phase_id = ? AND what = ?`},
	}
}

func (r *readStmts) list() []stmtSQL {
	return []stmtSQL{
		{&r.ping, `SELECT count(*) FROM settings`},
		{&r.phases, `SELECT id, page, hash, definition, started_at FROM phases
			WHERE page = ? ORDER BY id DESC`},
		{&r.counts, `SELECT variant, sum(visitors), sum(signups) FROM daily_counts
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
		{&r.filteredTotal, `SELECT coalesce(sum(requests), 0) FROM filtered WHERE page = ? AND day >= ?`},
		{&r.filteredTop, `SELECT class, agent, sum(requests) AS n FROM filtered
			WHERE page = ? AND day >= ?
			GROUP BY class, agent ORDER BY n DESC, class, agent LIMIT ?`},
		{&r.decisions, `SELECT what, kind, decided_at, visitors, signups, ci_low, ci_high FROM decisions
			WHERE phase_id = ? ORDER BY what DESC`},
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
