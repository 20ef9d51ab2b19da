package store

import (
	"context"
	"database/sql"
	"fmt"
)

// batch is one write transaction of the writer: it applies jobs in queue order, sums the
// counters they bump, and writes those sums once just before COMMIT (1000 exposures of one
// variant on one day are one upsert of daily_counts, not 1000).
type batch struct {
	w     *writer
	ctx   context.Context
	tx    *sql.Tx
	bound map[*sql.Stmt]*sql.Stmt // statements bound to tx

	daily    map[dailyKey]tally
	sources  map[sourceKey]tally
	filtered map[filteredKey]int64

	events    []event    // hooks to call after the commit
	exposed   []uint64   // fingerprints of the exposures in this batch, for the seen table
	succeeded []*request // requests to answer after the commit
	dropped   int64      // fire-and-forget writes the database refused
	dropErr   error      // why, for the log
}

type dailyKey struct {
	phase        int64
	variant, day string
}

type sourceKey struct {
	phase                            int64
	utmSource, utmCampaign, referrer string
}

type filteredKey struct{ page, day, class, agent string }

// tally is what one write adds to a daily_counts row (and, for visitors and signups, to
// source_counts).
type tally struct {
	visitors, signups, confirmed                         int64
	referredVisitors, referredSignups, referredConfirmed int64
}

func (t tally) plus(u tally) tally {
	return tally{t.visitors + u.visitors, t.signups + u.signups, t.confirmed + u.confirmed,
		t.referredVisitors + u.referredVisitors, t.referredSignups + u.referredSignups,
		t.referredConfirmed + u.referredConfirmed}
}

type event struct {
	signup        bool // SignupStored, else NewVisitor
	page, variant string
}

func (b *batch) init(w *writer) {
	b.w = w
	b.ctx = context.Background() // a commit is never cut short by a caller leaving
	b.bound = make(map[*sql.Stmt]*sql.Stmt)
	b.daily = make(map[dailyKey]tally)
	b.sources = make(map[sourceKey]tally)
	b.filtered = make(map[filteredKey]int64)
}

// run applies jobs in one transaction and commits it. On error the transaction is rolled
// back and nothing of it is kept.
func (b *batch) run(jobs []job) error {
	b.reset()
	tx, err := b.w.db.BeginTx(b.ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	b.tx = tx
	if err := b.applyAll(jobs); err != nil {
		tx.Rollback() //nolint:errcheck // the apply error is the one to report
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func (b *batch) reset() {
	b.tx = nil
	clear(b.bound)
	clear(b.daily)
	clear(b.sources)
	clear(b.filtered)
	clear(b.events) // drop string references before reuse
	b.events = b.events[:0]
	clear(b.succeeded)
	b.succeeded = b.succeeded[:0]
	b.exposed = b.exposed[:0]
	b.dropped, b.dropErr = 0, nil
}

func (b *batch) applyAll(jobs []job) error {
	for _, j := range jobs {
		var err error
		switch j := j.(type) {
		case *exposureJob:
			err = b.applyExposure(j)
		case *filteredJob:
			b.filtered[j.key]++
		case *request:
			err = b.applyRequest(j)
		default:
			err = fmt.Errorf("unknown job %T", j)
		}
		if err != nil {
			return err
		}
	}
	return b.writeCounters()
}

// applyRequest runs r inside a savepoint, so a row the database refuses fails only r: its
// caller gets the error at once and the rest of the batch goes on.
func (b *batch) applyRequest(r *request) error {
	ws := b.w.ws
	if _, err := b.stmt(ws.savepoint).Exec(); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	mark := len(b.events)
	applyErr := r.apply(b)
	if applyErr == nil {
		if _, err := b.stmt(ws.release).Exec(); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		b.succeeded = append(b.succeeded, r)
		return nil
	}
	b.events = b.events[:mark]
	if _, err := b.stmt(ws.rollbackTo).Exec(); err != nil {
		return fmt.Errorf("%w (and undoing it failed: %w)", applyErr, err)
	}
	if _, err := b.stmt(ws.release).Exec(); err != nil {
		return fmt.Errorf("%w (and releasing its savepoint failed: %w)", applyErr, err)
	}
	r.answer(applyErr)
	return nil
}

// writeCounters adds the batch's sums to the counter tables.
func (b *batch) writeCounters() error {
	ws := b.w.ws
	for k, t := range b.daily {
		if _, err := b.stmt(ws.upsertDaily).Exec(k.phase, k.variant, k.day, t.visitors, t.signups,
			t.confirmed, t.referredVisitors, t.referredSignups, t.referredConfirmed); err != nil {
			return fmt.Errorf("update daily counts: %w", err)
		}
	}
	for k, t := range b.sources {
		if t.visitors == 0 && t.signups == 0 {
			continue // only confirmations: nothing per source
		}
		if _, err := b.stmt(ws.upsertSource).Exec(k.phase, k.utmSource, k.utmCampaign, k.referrer, t.visitors, t.signups); err != nil {
			return fmt.Errorf("update source counts: %w", err)
		}
	}
	for k, n := range b.filtered {
		if _, err := b.stmt(ws.upsertFiltered).Exec(k.page, k.day, k.class, k.agent, n); err != nil {
			return fmt.Errorf("update filtered counts: %w", err)
		}
	}
	return nil
}

// count adds a visitor or a counted signup to the daily and per-source sums.
func (b *batch) count(phase int64, variant, day string, src Source, add tally) {
	dk := dailyKey{phase, variant, day}
	b.daily[dk] = b.daily[dk].plus(add)

	if add.visitors == 0 && add.signups == 0 {
		return
	}
	sk := sourceKey{phase, src.UTMSource, src.UTMCampaign, src.ReferrerHost}
	t := b.sources[sk]
	t.visitors += add.visitors
	t.signups += add.signups
	b.sources[sk] = t
}

// stmt returns s bound to the batch transaction, binding it once per transaction.
func (b *batch) stmt(s *sql.Stmt) *sql.Stmt {
	if t, ok := b.bound[s]; ok {
		return t
	}
	t := b.tx.StmtContext(b.ctx, s)
	b.bound[s] = t
	return t
}

// deliver reports a committed batch: dropped writes, then the hooks, then the waiting
// callers, so that when InsertSignup returns its hooks have run (metrics are current).
func (b *batch) deliver() {
	if b.dropped > 0 {
		b.w.drops.add(b.dropped, "the database refused them", b.dropErr)
	}
	for _, fp := range b.exposed {
		b.w.seen.add(fp)
	}
	hooks := b.w.hooks
	for _, e := range b.events {
		switch {
		case e.signup && hooks.SignupStored != nil:
			hooks.SignupStored(e.page, e.variant)
		case !e.signup && hooks.NewVisitor != nil:
			hooks.NewVisitor(e.page, e.variant)
		}
	}
	for _, r := range b.succeeded {
		r.answer(nil)
	}
}
