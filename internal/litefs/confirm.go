package litefs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrNotConfirmed is returned when no replica reported holding a transaction in time.
var ErrNotConfirmed = errors.New("no replica confirmed the transaction in time")

// Confirmer runs on the primary. Replicas report their LiteFS position (Report); Confirm
// blocks until a candidate for primary holds what was committed. A signup is acknowledged only after
// that, so losing the primary cannot lose it.
type Confirmer struct {
	mount Mount
	bound time.Duration

	mu      sync.Mutex
	best    uint64        // the highest position any replica reported
	changed chan struct{} // closed and replaced when best grows
	at      time.Time     // when best was last reported
}

// NewConfirmer returns a Confirmer that waits at most bound for a replica.
func NewConfirmer(m Mount, bound time.Duration) *Confirmer {
	return &Confirmer{mount: m, bound: bound, changed: make(chan struct{})}
}

// Report records that a replica holds every transaction up to txid. Only a candidate's
// report counts: a signup must be on a node that can become the primary, or a failover to
// another candidate could lose it. A read replica elsewhere is not one.
func (c *Confirmer) Report(txid uint64, candidate bool) {
	if !candidate {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = time.Now()
	if txid > c.best {
		c.best = txid
		close(c.changed)
		c.changed = make(chan struct{})
	}
}

// Behind returns how many transactions the most advanced replica lacks, and how long ago
// a replica last reported (zero if none ever did), for /healthz and the metrics.
func (c *Confirmer) Behind() (txids uint64, since time.Duration, err error) {
	mine, err := c.mount.TXID()
	c.mu.Lock()
	best, at := c.best, c.at
	c.mu.Unlock()
	if mine > best {
		txids = mine - best
	}
	if !at.IsZero() {
		since = time.Since(at)
	}
	return txids, since, err
}

// Confirm waits until a replica holds what this node has committed so far: call it after
// the commit to confirm. It reads the primary's position after the commit, which is at or
// past the commit's own transaction, so the wait is never too short.
func (c *Confirmer) Confirm(ctx context.Context) error {
	want, err := c.mount.TXID()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.bound)
	defer cancel()
	for {
		c.mu.Lock()
		best, changed := c.best, c.changed
		c.mu.Unlock()
		if best >= want {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("%w: the primary is at transaction %d, the best replica at %d after %s: %w",
				ErrNotConfirmed, want, best, c.bound, ctx.Err())
		}
	}
}
