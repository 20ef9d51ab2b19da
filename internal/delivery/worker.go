// Package delivery sends what the outbox holds: signed webhooks, and the founder's
// notifications (a Slack-compatible POST or a mail). It runs beside the server and never in
// a request: a signup is answered once its transaction (and its outbox rows) committed, and
// a slow or dead receiver only makes the outbox wait.
//
// Delivery is at least once. A message is marked delivered only after the receiver answered
// 2xx and that was committed; a crash in between sends it again after restart, with the same
// webhook-id, so receivers drop what they already have. Messages go in order where order
// matters: to one receiver, about one page and one person (a signup.created before its
// signup.confirmed and signup.erased; a page's verdict events in turn). A message waits
// while an older one with the same order key waits for its retry; messages about different people go in parallel,
// so a receiver 100 ms away still takes many signups a second.
package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/store"
)

// Defaults for Config fields left at zero.
const (
	DefaultTimeout   = 10 * time.Second // one HTTP attempt, answer included
	DefaultBaseDelay = 30 * time.Second // the first retry; doubled after each failure
	DefaultMaxDelay  = time.Hour        // the longest wait between tries
	DefaultRetryFor  = 25 * time.Hour   // give up after the first failure past this: "at least 24 hours"
	DefaultPoll      = 5 * time.Second  // look again at least this often, even without a wake-up
	DefaultBatch     = 500              // messages tried per round, recorded in one commit
	DefaultParallel  = 16               // order keys tried at once
	// DefaultGather is the least time between two rounds that were not full. The first
	// signup after a quiet spell goes out at once; during a flood, each round takes what
	// came in meanwhile, so the due scan and the commit recording the attempts are paid
	// per few hundred messages instead of per batch of signups.
	DefaultGather = 200 * time.Millisecond
	// DefaultShare is the share of the time delivery may take while signups are arriving:
	// sending shares the CPU with the signups, so during a flood it takes a tenth of the
	// time, lets the outbox grow, and catches up at full speed once the flood is over.
	DefaultShare = 0.1
)

// Config is what a Worker needs. Store is required.
type Config struct {
	Store *store.Store
	// Key is the HMAC key of LITMUS_WEBHOOK_SECRET (webhook.SecretKey). Without one,
	// webhooks are recorded as failed attempts rather than sent unsigned.
	Key []byte
	// Mail sends notify_email messages; nil records them as failed attempts.
	Mail *mail.Sender

	Timeout   time.Duration
	BaseDelay time.Duration
	MaxDelay  time.Duration
	RetryFor  time.Duration
	Poll      time.Duration
	Batch     int
	Parallel  int
	Gather    time.Duration // negative: no pause
	Share     float64       // 0 < Share <= 1; 1: never yield to signups

	// Client overrides the HTTP client (tests); its redirect policy is replaced.
	Client *http.Client
	// Observe is told each attempt's result: "delivered", "retrying" or "failed".
	Observe func(result string)
	Logger  *slog.Logger
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// Worker delivers outbox messages. Run it once per process.
type Worker struct {
	cfg        Config
	client     *http.Client
	wake       chan struct{}
	lastSignup atomic.Int64 // unix nanoseconds of the last SignupArrived
}

// SignupArrived tells the worker a signup was just stored (store.Hooks.SignupStored): while
// signups keep arriving, delivery yields most of the time to them. It never blocks.
func (w *Worker) SignupArrived() { w.lastSignup.Store(time.Now().UnixNano()) }

// flooding reports whether a signup arrived in the last second.
func (w *Worker) flooding() bool {
	return time.Since(time.Unix(0, w.lastSignup.Load())) < time.Second
}

// New returns a Worker with defaults filled in.
func New(cfg Config) *Worker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay <= 0 {
		cfg.MaxDelay = DefaultMaxDelay
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Batch <= 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = DefaultParallel
	}
	if cfg.Gather == 0 {
		cfg.Gather = DefaultGather
	}
	if cfg.Share <= 0 || cfg.Share > 1 {
		cfg.Share = DefaultShare
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Observe == nil {
		cfg.Observe = func(string) {}
	}
	// Keep a connection per parallel sender to a receiver (the default keeps 2, so most
	// requests would open a new one) and bound what a receiver's headers may cost.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Parallel
	transport.MaxResponseHeaderBytes = 64 << 10
	transport.ResponseHeaderTimeout = cfg.Timeout
	client := &http.Client{Transport: transport}
	if cfg.Client != nil {
		c := *cfg.Client
		client = &c
	}
	client.Timeout = cfg.Timeout
	// A redirect is recorded, not followed: a receiver that moved must be reconfigured, and
	// following would POST signups wherever a compromised receiver points.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Worker{cfg: cfg, client: client, wake: make(chan struct{}, 1)}
}

// Wake makes a sleeping Run look at the outbox now. It never blocks: it is called from the
// store's writer (store.Hooks.Outboxed).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends. Messages in flight when ctx ends are finished or abandoned
// (an abandoned one is still pending and goes out after the next start).
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.wake:
		}
		start := time.Now()
		tried, err := w.Round(ctx)
		if err != nil && ctx.Err() == nil {
			w.cfg.Logger.Error("webhooks: a delivery round failed; trying again shortly", "err", err)
		}
		var pause time.Duration
		if tried > 0 && tried < w.cfg.Batch {
			pause = w.cfg.Gather
		}
		if tried > 0 && w.cfg.Share < 1 && w.flooding() {
			busy := time.Since(start)
			pause = max(pause, min(time.Duration(float64(busy)*(1/w.cfg.Share-1)), 5*time.Second))
		}
		if pause > 0 {
			select { // wake-ups meanwhile are kept in w.wake
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
		}
		timer.Stop()
		select { // drop a stale timer tick
		case <-timer.C:
		default:
		}
		timer.Reset(w.sleep(ctx, tried))
	}
}

// sleep is how long Run waits before the next round: none while there is more to send,
// else until the next message is due, at most Poll.
func (w *Worker) sleep(ctx context.Context, tried int) time.Duration {
	if tried >= w.cfg.Batch {
		return 0
	}
	d := w.cfg.Poll
	if at, ok, err := w.cfg.Store.NextDue(ctx); err == nil && ok {
		if until := at.Sub(w.cfg.Now()); until < d {
			d = max(until, 0)
		}
	}
	return d
}

// Round tries the messages due now, at most Batch of them, and records the outcomes in one
// commit. It returns how many it tried.
func (w *Worker) Round(ctx context.Context) (int, error) {
	msgs, err := w.cfg.Store.DueMessages(ctx, w.cfg.Now(), w.cfg.Batch)
	if err != nil || len(msgs) == 0 {
		return 0, err
	}
	// One queue per order key, in order; a failure stops its queue for this round (the rest
	// wait behind it, as DueMessages will make them next round too).
	var order []string
	queues := map[string][]store.OutboxMessage{}
	for _, m := range msgs {
		k := m.OrderKey
		if _, ok := queues[k]; !ok {
			order = append(order, k)
		}
		queues[k] = append(queues[k], m)
	}
	var (
		mu       sync.Mutex
		attempts []store.Attempt
		tried    int
		// down holds the receivers that failed in this round, with the retry time: their
		// other messages are put off to then without a request, so a receiver that hangs
		// costs one timeout per sender, not one per message.
		down  = map[string]time.Time{}
		wg    sync.WaitGroup
		slots = make(chan struct{}, w.cfg.Parallel)
	)
	for _, k := range order {
		wg.Add(1)
		slots <- struct{}{}
		go func(q []store.OutboxMessage) {
			defer func() { <-slots; wg.Done() }()
			for _, m := range q {
				mu.Lock()
				until, isDown := down[m.Target]
				if isDown {
					attempts = append(attempts, store.Attempt{ID: m.ID, Deferred: true, NextAt: until})
				}
				mu.Unlock()
				if isDown {
					return
				}
				a, ok := w.attempt(ctx, m)
				if !ok {
					return // shutting down: not tried, still due after the restart
				}
				mu.Lock()
				attempts = append(attempts, a)
				tried++
				if !a.Delivered && !a.GiveUp && !a.Skipped {
					if _, seen := down[m.Target]; !seen {
						down[m.Target] = a.NextAt
					}
				}
				mu.Unlock()
				if !a.Delivered && !a.GiveUp && !a.Skipped {
					return
				}
			}
		}(queues[k])
	}
	wg.Wait()
	if len(attempts) == 0 {
		return 0, nil
	}
	// Record with a fresh context: what was sent must be recorded even when shutting down,
	// or it is sent again after the restart (harmless with webhook-id, but avoidable).
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.cfg.Store.RecordAttempts(rec, attempts); err != nil {
		return tried, err
	}
	for _, a := range attempts {
		switch {
		case a.Deferred, a.Skipped:
		case a.Delivered:
			w.cfg.Observe("delivered")
		case a.GiveUp:
			w.cfg.Observe("failed")
		default:
			w.cfg.Observe("retrying")
		}
	}
	return tried, nil
}

// attempt sends m once and says what to record; ok is false when ctx ended during the
// attempt (a shutdown), which is not the receiver's failure and is not recorded.
func (w *Worker) attempt(ctx context.Context, m store.OutboxMessage) (a store.Attempt, ok bool) {
	if m.Skip != "" {
		return store.Attempt{ID: m.ID, At: w.cfg.Now(), Skipped: true, Error: m.Skip}, true
	}
	res := w.send(ctx, m)
	if res.err != "" && ctx.Err() != nil {
		return store.Attempt{}, false
	}
	now := w.cfg.Now()
	a = store.Attempt{ID: m.ID, At: now, Status: res.status, Error: res.err}
	switch {
	case res.err == "":
		a.Delivered = true
	case res.permanent || now.Sub(m.RetryFrom) >= w.cfg.RetryFor:
		a.GiveUp = true
		w.cfg.Logger.Warn("webhooks: gave up on a message", "msg_id", m.MsgID, "kind", m.Kind, "event", m.Event,
			"page", m.Page, "attempts", m.Attempts+1, "last_error", res.err)
	default:
		a.NextAt = now.Add(w.backoff(m.Attempts))
	}
	return a, true
}

// backoff is the wait after the (n+1)th failed attempt: BaseDelay doubled n times, at most
// MaxDelay, with "equal jitter" (between half and all of it) so that messages that failed
// together do not all come back at the same instant.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.MaxDelay
	if n < 30 {
		if e := w.cfg.BaseDelay << n; e > 0 && e < d {
			d = e
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}
