package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"
)

// job is one write queued for the writer: *exposureJob, *filteredJob or *request.
type job interface {
	// waits reports whether a caller is blocked until the job commits; such a batch commits
	// at once instead of lingering for more work.
	waits() bool
}

// request is a write whose caller waits for the commit (a signup, a phase, an erasure).
type request struct {
	name     string             // for messages: "insert signup"
	apply    func(*batch) error // runs inside its own savepoint in the batch transaction
	state    atomic.Int32       // requestQueued, then requestTaken by the writer or requestAbandoned by the caller
	done     chan error         // buffered: the writer never blocks on a caller
	answered bool               // writer goroutine only
}

const (
	requestQueued int32 = iota
	requestTaken
	requestAbandoned
)

func (*request) waits() bool { return true }

func (r *request) answer(err error) {
	if !r.answered {
		r.answered = true
		r.done <- err
	}
}

// submit queues apply for the writer and waits for its transaction to commit.
//
// If ctx ends while the request is still queued, it is withdrawn and submit returns ctx's
// error: nothing was written. If the writer has already started on it, submit waits for the
// commit (a bounded wait: one transaction) and returns the real outcome, so an error from
// submit always means nothing was stored.
func submit[T any](ctx context.Context, s *Store, name string, apply func(*batch) (T, error)) (T, error) {
	var result, zero T
	r := &request{name: name, done: make(chan error, 1)}
	r.apply = func(b *batch) error {
		v, err := apply(b)
		if err == nil {
			result = v // read by the caller after done: the channel orders it
		}
		return err
	}
	switch err := s.enqueue(ctx, r); {
	case errors.Is(err, ErrClosed):
		return zero, err
	case err != nil:
		return zero, fmt.Errorf("store: %s: gave up waiting for room in the queue, nothing was stored: %w", name, err)
	}
	select {
	case err := <-r.done:
		if err != nil {
			return zero, err
		}
		return result, nil
	case <-ctx.Done():
		if r.state.CompareAndSwap(requestQueued, requestAbandoned) {
			return zero, fmt.Errorf("store: %s: gave up waiting, nothing was stored: %w", name, ctx.Err())
		}
		if err := <-r.done; err != nil {
			return zero, err
		}
		return result, nil
	}
}

// writer is the goroutine that owns the write connection and commits queued jobs in batches.
type writer struct {
	db            *sql.DB
	ws            *writeStmts
	queue         <-chan job
	drops         *dropCounter
	flushInterval time.Duration
	maxBatch      int
	hooks         Hooks
	route         Route
	log           *slog.Logger
	seen          *seenExposures // filled after each commit, read by RecordExposure
	done          chan struct{}  // closed when run returns
	b             batch          // reused by every transaction
}

func newWriter(db *sql.DB, ws *writeStmts, queue <-chan job, drops *dropCounter, seen *seenExposures, opts Options) *writer {
	w := &writer{
		seen: seen,
		db:   db, ws: ws, queue: queue, drops: drops,
		flushInterval: opts.FlushInterval, maxBatch: opts.MaxBatch,
		hooks: opts.Hooks, route: opts.Route, log: opts.Logger,
		done: make(chan struct{}),
	}
	w.b.init(w)
	return w
}

// run commits batches until the queue is closed and drained.
func (w *writer) run() {
	defer close(w.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	jobs := make([]job, 0, w.maxBatch)
	for {
		first, ok := <-w.queue
		if !ok {
			return
		}
		var open bool
		jobs, open = w.gather(append(jobs[:0], first), timer)
		w.commit(jobs)
		clear(jobs) // let the committed jobs be collected
		if !open {
			return
		}
	}
}

// gather adds to jobs whatever else is queued, up to maxBatch. A batch nobody waits for may
// linger up to flushInterval for more; one with a waiting caller stops at an empty queue.
// It reports false when the queue was closed.
func (w *writer) gather(jobs []job, timer *time.Timer) ([]job, bool) {
	urgent := jobs[0].waits()
	lingering := false
	defer func() {
		if lingering {
			timer.Stop()
		}
	}()
	for len(jobs) < w.maxBatch {
		var j job
		var ok bool
		select {
		case j, ok = <-w.queue:
		default:
			if urgent || w.flushInterval < 0 {
				return jobs, true
			}
			if !lingering {
				timer.Reset(w.flushInterval)
				lingering = true
			}
			select {
			case j, ok = <-w.queue:
			case <-timer.C:
				return jobs, true
			}
		}
		if !ok {
			return jobs, false
		}
		jobs = append(jobs, j)
		urgent = urgent || j.waits()
	}
	return jobs, true
}

// commit writes jobs in one transaction and reports the outcome to the hooks and callers.
func (w *writer) commit(jobs []job) {
	jobs = takeRequests(jobs)
	if len(jobs) == 0 {
		return
	}
	start := time.Now()
	err := w.b.run(jobs)
	if w.hooks.Committed != nil {
		w.hooks.Committed(time.Since(start), len(jobs), err)
	}
	if err != nil {
		w.fail(jobs, err)
		return
	}
	w.b.deliver()
}

// takeRequests claims the requests of jobs for this batch and removes those whose callers
// gave up while they were queued.
func takeRequests(jobs []job) []job {
	kept := jobs[:0]
	for _, j := range jobs {
		if r, ok := j.(*request); ok && !r.state.CompareAndSwap(requestQueued, requestTaken) {
			continue // abandoned: the caller was told nothing was stored
		}
		kept = append(kept, j)
	}
	return kept
}

// fail reports a transaction that did not commit: every waiting caller not yet answered gets
// the error, and the fire-and-forget writes are counted as dropped.
func (w *writer) fail(jobs []job, err error) {
	var lost int64
	waiting := 0
	for _, j := range jobs {
		r, ok := j.(*request)
		if !ok {
			lost++
			continue
		}
		if !r.answered {
			waiting++
			r.answer(fmt.Errorf("store: %s: nothing was stored, the transaction failed: %w", r.name, err))
		}
	}
	w.log.Error("store: a transaction failed and was rolled back",
		"writes", len(jobs), "callers_told", waiting, "err", err)
	if lost > 0 {
		w.drops.add(lost, "the transaction failed", err)
	}
}

// dropCounter counts fire-and-forget writes that were not stored, logging at the first and
// then each time the total reaches the next power of ten, so a flood cannot flood the log.
type dropCounter struct {
	n   atomic.Int64
	log *slog.Logger
}

func (d *dropCounter) add(n int64, reason string, err error) {
	after := d.n.Add(n)
	before := after - n
	if before == 0 || magnitude(before) != magnitude(after) {
		d.log.Warn("store: writes dropped (exposures or filtered counts)",
			"reason", reason, "dropped_total", after, "err", err)
	}
}

func magnitude(n int64) int {
	m := 0
	for ; n >= 10; n /= 10 {
		m++
	}
	return m
}

// isConstraint reports whether err is the database refusing a row (a foreign key, a CHECK),
// which concerns that row only: SQLite undid the statement and the transaction goes on.
func isConstraint(err error) bool { return hasCode(err, sqlite3.ErrConstraint) }

// hasCode reports whether err is a SQLite error with the given primary code.
func hasCode(err error, code sqlite3.ErrNo) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.Code == code
}
