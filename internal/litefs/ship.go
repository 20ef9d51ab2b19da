package litefs

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// Shipping bounds. A batch is sent every shipEvery (or sooner when shipBatch are waiting);
// while the primary cannot be reached (a failover takes seconds) up to shipBuffer wait,
// then new ones are dropped and counted: a failover costs some visitors' exposures, never
// a page view.
const (
	shipEvery  = 200 * time.Millisecond
	shipBatch  = 500
	shipBuffer = 50_000
)

// Shipper runs on a replica: it buffers the exposures of the pages it serves and posts
// them to the primary, which records them like its own.
type Shipper struct {
	peer *Peer
	log  *slog.Logger

	mu      sync.Mutex
	buf     []store.Exposure
	full    chan struct{} // signalled when a batch is ready
	dropped atomic.Int64
	shipped atomic.Int64
}

// NewShipper returns a Shipper posting to p; run it with Run.
func NewShipper(p *Peer, log *slog.Logger) *Shipper {
	return &Shipper{peer: p, log: log, full: make(chan struct{}, 1)}
}

// Add queues e for the primary without blocking; store.Options.Ship on a replica.
func (s *Shipper) Add(e store.Exposure) {
	s.mu.Lock()
	if len(s.buf) >= shipBuffer {
		s.mu.Unlock()
		if s.dropped.Add(1) == 1 {
			s.log.Warn("litefs: the exposure buffer is full (the primary is unreachable); dropping exposures, counted in litmus_litefs_exposures_dropped_total")
		}
		return
	}
	s.buf = append(s.buf, e)
	n := len(s.buf)
	s.mu.Unlock()
	if n >= shipBatch {
		select {
		case s.full <- struct{}{}:
		default:
		}
	}
}

// Dropped is how many exposures were lost because the buffer was full.
func (s *Shipper) Dropped() int64 { return s.dropped.Load() }

// Shipped is how many exposures the primary accepted.
func (s *Shipper) Shipped() int64 { return s.shipped.Load() }

// Buffered is how many exposures wait to be shipped.
func (s *Shipper) Buffered() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf)
}

// Run ships until ctx ends, then tries once more (for a second at most) to ship what is
// left, so a clean stop of a replica loses nothing while the primary is up.
func (s *Shipper) Run(ctx context.Context) {
	t := time.NewTicker(shipEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), time.Second)
			for s.Buffered() > 0 && s.shipOnce(fctx) == nil {
			}
			cancel()
			if n := s.Buffered(); n > 0 {
				s.dropped.Add(int64(n))
				s.log.Warn("litefs: exposures not shipped at shutdown", "dropped", n)
			}
			return
		case <-t.C:
		case <-s.full:
		}
		for s.Buffered() > 0 {
			if err := s.shipOnce(ctx); err != nil {
				s.log.Warn("litefs: cannot ship exposures to the primary; keeping them", "buffered", s.Buffered(), "err", err)
				break
			}
		}
	}
}

// shipOnce posts the oldest batch; on failure the batch stays at the head of the buffer.
func (s *Shipper) shipOnce(ctx context.Context) error {
	s.mu.Lock()
	n := min(len(s.buf), shipBatch)
	batch := append([]store.Exposure(nil), s.buf[:n]...)
	s.mu.Unlock()
	body, err := json.Marshal(batch)
	if err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.peer.post(pctx, ExposuresPath, body); err != nil {
		return err
	}
	s.mu.Lock()
	s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	s.mu.Unlock()
	s.shipped.Add(int64(n))
	return nil
}
