package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Defaults for Options fields left at zero.
const (
	DefaultFlushInterval = 100 * time.Millisecond
	DefaultMaxBatch      = 1000
	DefaultQueueSize     = 16384
)

// readConns is the size of the read pool: enough for the admin pages and the API to query
// while the writer commits, few enough for a small machine.
const readConns = 4

// Options tunes the writer. The zero value is right for a landing page.
type Options struct {
	// FlushInterval is how long a batch of only exposures and filtered counts may wait to
	// gather more before it commits: the bound on what a crash can lose of them. Zero means
	// DefaultFlushInterval; negative means never wait.
	FlushInterval time.Duration
	// MaxBatch caps the writes committed in one transaction (zero: DefaultMaxBatch).
	MaxBatch int
	// QueueSize is how many writes may wait for the writer before callers block, which is
	// the backpressure when the disk cannot keep up (zero: DefaultQueueSize).
	QueueSize int
	// Hooks are told about commits, for metrics.
	Hooks Hooks
	// Logger receives failed commits and dropped writes; nil discards them.
	Logger *slog.Logger
	// Route names the webhook receivers of a page's signup events; nil sends none. The
	// messages are written to the outbox in the signup's own transaction.
	Route Route
	// Now is the clock phases and notes are stamped with (nil: time.Now), so a test that
	// moves the handlers' clock can keep phase dates on the same clock.
	Now func() time.Time
	// Replica opens the file read-only, as a LiteFS replica must (replica.go): no
	// migrations, no writer, no secret created. Writes fail with ErrReplica, except
	// exposures, which go to Ship.
	Replica bool
	// Ship receives the exposures of a replica, which sends them to the primary. Nil drops
	// them (counted in Dropped).
	Ship func(Exposure)
}

// Hooks let the metrics package count what was stored without the store importing it. Each
// non-nil func is called on the writer goroutine after the commit it reports and before the
// callers waiting on that commit return, so metrics are current when InsertSignup returns.
// They must be fast and must not call back into the Store.
type Hooks struct {
	NewVisitor   func(page, variant string)                  // a first view in a phase was stored
	SignupStored func(page, variant string)                  // a signup was stored (counted or not)
	Committed    func(d time.Duration, items int, err error) // a transaction of items writes took d; err if rolled back
	Outboxed     func()                                      // messages were added to the outbox or made due: wake the delivery worker
}

// Store is the Litmus database. Its methods are safe for concurrent use.
type Store struct {
	path   string
	write  *sql.DB // one connection, owned by the writer goroutine after Open
	read   *sql.DB // read-only pool
	ws     writeStmts
	rs     readStmts
	secret []byte

	// mu guards sending on queue against Close closing it: senders hold it for reading.
	mu     sync.RWMutex
	closed bool
	queue  chan job
	writer *writer
	drops  *dropCounter
	seen   *seenExposures

	closeOnce sync.Once
	closeErr  error
	now       func() time.Time

	replica bool           // opened read-only on a LiteFS replica (replica.go)
	ship    func(Exposure) // where a replica's exposures go
}

// Open opens (creating if needed) the database file at path and its parent directory,
// applies pending migrations, and starts the writer. Open it once per process; Close it on
// shutdown so queued exposures are committed.
func Open(path string, opts Options) (*Store, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if !opts.Replica {
		abs, err = prepareFile(path)
	}
	if err != nil {
		return nil, err
	}
	s := &Store{path: abs, drops: &dropCounter{log: opts.Logger}, now: opts.Now, replica: opts.Replica, ship: opts.Ship}
	if s.replica {
		// No file guard on a replica: the primary checked the file (and LiteFS makes the
		// replica's mount read-only, which the guard would refuse); openReplica only reads.
		s.seen = newSeenExposures()
		if err := s.openReplica(context.Background()); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := checkFile(context.Background(), abs); err != nil {
		return nil, err // already a sentence naming the file and the fix
	}
	strays := absentSidecars(abs)
	if err := s.open(context.Background()); err != nil {
		s.closeDBs()
		strays.remove()
		switch {
		case hasCode(err, sqlite3.ErrNotADB):
			err = fmt.Errorf("%w: it is not a Litmus database; point LITMUS_DB at another file", err)
		case hasCode(err, sqlite3.ErrCorrupt):
			err = fmt.Errorf("%w: the file is damaged; restore your latest backup with `litmus restore BACKUP`, "+
				"or point LITMUS_DB at another file (keep this one aside for recovery)", err)
		case hasCode(err, sqlite3.ErrReadonly):
			err = fmt.Errorf("%w: make the file and its directory writable by the user Litmus runs as, or point LITMUS_DB elsewhere", err)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s.queue = make(chan job, opts.QueueSize)
	s.seen = newSeenExposures()
	s.writer = newWriter(s.write, &s.ws, s.queue, s.drops, s.seen, opts)
	go s.writer.run()
	return s, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.FlushInterval == 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.MaxBatch == 0 {
		o.MaxBatch = DefaultMaxBatch
	}
	if o.QueueSize == 0 {
		o.QueueSize = DefaultQueueSize
	}
	if o.MaxBatch < 1 || o.MaxBatch > 100_000 {
		return o, fmt.Errorf("store: MaxBatch %d is out of range; use 1 to 100000, or 0 for %d", o.MaxBatch, DefaultMaxBatch)
	}
	if o.QueueSize < 1 || o.QueueSize > 1<<20 {
		return o, fmt.Errorf("store: QueueSize %d is out of range; use 1 to %d, or 0 for %d", o.QueueSize, 1<<20, DefaultQueueSize)
	}
	if o.FlushInterval > time.Minute {
		return o, fmt.Errorf("store: FlushInterval %s is too long: it is what a crash can lose; use at most a minute", o.FlushInterval)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// prepareFile checks path, creates its directory (0750) and, when the file is new, creates
// it owner/group-only (0640): it holds email addresses, and SQLite gives its -wal and -shm
// files the same permissions.
func prepareFile(path string) (string, error) {
	if path == "" || path == ":memory:" {
		return "", fmt.Errorf("store: database path %q: give a file path such as data/litmus.db", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("store: database path %q: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return "", fmt.Errorf("store: create the database directory: %w (check permissions, or set LITMUS_DB elsewhere)", err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o640)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return "", fmt.Errorf("store: create %s: %w", path, err)
		}
	case !errors.Is(err, fs.ErrExist):
		return "", fmt.Errorf("store: create %s: %w (check permissions, or set LITMUS_DB elsewhere)", path, err)
	}
	return abs, nil
}

// fileURI turns an absolute path into a SQLite URI, escaping '?', '#' and '%' in it.
func fileURI(abs string, params string) string {
	return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + params
}

func (s *Store) open(ctx context.Context) error {
	var err error
	// Pragmas go in the DSN so every connection gets them, including one the pool reopens.
	// synchronous=FULL: a commit is on disk before InsertSignup returns. txlock=immediate: a
	// write transaction takes the write lock at BEGIN, so it never fails half-way on BUSY.
	// secure_delete: erased emails are overwritten, not left in free space. cache_size: 16 MiB
	// of pages for the writer, which walks the visitors index on every exposure.
	s.write, err = sql.Open(driverName, fileURI(s.path,
		"_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate"+
			"&_foreign_keys=on&_secure_delete=on&_cache_size=-16384"))
	if err != nil {
		return err
	}
	s.write.SetMaxOpenConns(1)
	s.write.SetMaxIdleConns(1)
	if err := migrate(ctx, s.write); err != nil {
		return err
	}
	if s.secret, err = loadSecret(ctx, s.write); err != nil {
		return err
	}
	// mode=ro rather than query_only: it still allows VACUUM INTO for Backup.
	s.read, err = sql.Open(driverName, fileURI(s.path, "mode=ro&_busy_timeout=5000&_txlock=deferred"))
	if err != nil {
		return err
	}
	s.read.SetMaxOpenConns(readConns)
	s.read.SetMaxIdleConns(readConns)
	if err := prepare(ctx, s.write, s.ws.list()); err != nil {
		return err
	}
	return prepare(ctx, s.read, s.rs.list())
}

// secretKey names the HMAC key for form tokens in settings.
const secretKey = "secret"

// loadSecret returns the installation's 32-byte secret, creating it on first Open so form
// tokens stay valid across restarts.
func loadSecret(ctx context.Context, db *sql.DB) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("generate secret: %w", err)
	}
	if _, err := db.ExecContext(ctx,
		`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, secretKey, fresh); err != nil {
		return nil, fmt.Errorf("save secret: %w", err)
	}
	var secret []byte
	if err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&secret); err != nil {
		return nil, fmt.Errorf("load secret: %w", err)
	}
	if len(secret) < 32 {
		return nil, fmt.Errorf("the stored secret is %d bytes, want 32; the file was edited by hand", len(secret))
	}
	return secret, nil
}

// Secret returns the installation's random 32-byte key (a copy), for signing form tokens.
func (s *Store) Secret() []byte { return bytes.Clone(s.secret) }

// Path returns the absolute path of the database file, for messages.
func (s *Store) Path() string { return s.path }

// Dropped returns how many exposures and filtered counts were not stored: sent after Close,
// refused as invalid, or lost with a failed transaction. It should stay at zero.
func (s *Store) Dropped() int64 { return s.drops.n.Load() }

// QueueLen returns how many writes are waiting for the writer, for a saturation gauge.
func (s *Store) QueueLen() int { return len(s.queue) }

// Ping reports whether a signup could be stored now: a real read on the read pool, enough
// free space on the database's file system (MinFreeBytes; else ErrDiskFull), and a real
// write committed through the writer. For /healthz: give ctx a deadline, since a full queue
// (the disk not keeping up) makes the round trip wait; the deadline turns that into a failed
// check.
func (s *Store) Ping(ctx context.Context) error {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if s.replica {
		return s.pingReplica(ctx)
	}
	var n int
	if err := s.rs.ping.QueryRowContext(ctx).Scan(&n); err != nil {
		return fmt.Errorf("store: cannot read the database: %w", err)
	}
	// Space first: on a full disk an update of one row can still succeed (it rewrites
	// -wal frames already allocated), while a signup needing new pages fails.
	free, err := s.DiskFree()
	if err != nil {
		return err
	}
	if free < MinFreeBytes {
		return fmt.Errorf("%w (%d bytes free, at least %d needed)", ErrDiskFull, free, MinFreeBytes)
	}
	if err := s.heartbeat(ctx); err != nil {
		return fmt.Errorf("store: the writer cannot commit: %w", err)
	}
	return nil
}

// Flush waits until every write queued before the call is committed. The queue is first in,
// first out, so this is how a test (or a shutdown step) sees its exposures.
func (s *Store) Flush(ctx context.Context) error {
	_, err := submit(ctx, s, "flush", func(*batch) (struct{}, error) { return struct{}{}, nil })
	return err
}

// Close stops accepting writes, commits everything queued, stops the writer and closes the
// database. Writes sent after Close are dropped (see Dropped). Calling it again returns the
// first result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock() // waits for senders blocked on a full queue; the writer keeps draining
		s.closed = true
		if s.replica {
			s.mu.Unlock()
			s.closeErr = s.closeDBs()
			return
		}
		close(s.queue)
		s.mu.Unlock()
		<-s.writer.done
		s.closeErr = s.closeDBs()
	})
	return s.closeErr
}

func (s *Store) closeDBs() error {
	errs := []error{closeStmts(s.rs.list()), closeStmts(s.ws.list())}
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil {
		errs = append(errs, s.write.Close()) // last: the final checkpoint happens here
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// snapshot runs fn in one read transaction, so the queries in it see the same commit.
func (s *Store) snapshot(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to undo
	return fn(tx)
}

// enqueue hands j to the writer, blocking while the queue is full unless ctx ends first.
func (s *Store) enqueue(ctx context.Context, j job) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	if s.replica {
		return ErrReplica
	}
	select {
	case s.queue <- j:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
