package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// ErrReplica is returned by every write on a store opened with Options.Replica: on a
// LiteFS replica only the primary may write the file (docs/high-availability.md).
var ErrReplica = errors.New("store: this node is a read-only LiteFS replica; the primary writes")

// ErrNotReplicated is returned on a replica when the primary has not yet written what the
// replica needs (the database itself, the secret, a page's current phase): wait and retry.
var ErrNotReplicated = errors.New("store: the primary has not written this yet")

// openReplica opens the file read-only: no migrations, no writer, no secret created. The
// file, its schema and its secret come from the primary through LiteFS.
func (s *Store) openReplica(ctx context.Context) error {
	if _, err := os.Stat(s.path); err != nil {
		return fmt.Errorf("store: open replica %s: %w: %w", s.path, ErrNotReplicated, err)
	}
	var err error
	s.read, err = sql.Open(driverName, fileURI(s.path, "mode=ro&_busy_timeout=5000&_txlock=deferred"))
	if err != nil {
		return err
	}
	s.read.SetMaxOpenConns(readConns)
	s.read.SetMaxIdleConns(readConns)
	fail := func(err error) error {
		s.closeDBs()
		return fmt.Errorf("store: open replica %s: %w", s.path, err)
	}
	v, err := schemaVersion(ctx, s.read)
	if err != nil || v < SchemaVersion() {
		return fail(fmt.Errorf("%w: schema version %d, want %d (%v)", ErrNotReplicated, v, SchemaVersion(), err))
	}
	if err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, secretKey).Scan(&s.secret); err != nil {
		return fail(fmt.Errorf("%w: the secret: %w", ErrNotReplicated, err))
	}
	if err := prepare(ctx, s.read, s.rs.list()); err != nil {
		return fail(err)
	}
	return nil
}

// Replica reports whether the store was opened read-only on a LiteFS replica.
func (s *Store) Replica() bool { return s.replica }

// pingReplica is Ping on a replica: a real read, there is no writer to round-trip.
func (s *Store) pingReplica(ctx context.Context) error {
	var n int
	if err := s.rs.ping.QueryRowContext(ctx).Scan(&n); err != nil {
		return fmt.Errorf("store: cannot read the database: %w", err)
	}
	return nil
}

// ensurePhaseReplica is EnsurePhase on a replica: the primary loads the same page files and
// starts phases; the replica finds the phase whose definition has this hash.
func (s *Store) ensurePhaseReplica(ctx context.Context, page, hash string) (Phase, error) {
	ps, err := s.Phases(ctx, page)
	if err != nil {
		return Phase{}, err
	}
	if len(ps) == 0 || ps[len(ps)-1].Hash != hash {
		return Phase{}, fmt.Errorf("store: page %s: %w: its current phase (are the page files the same on every node?)", page, ErrNotReplicated)
	}
	p := ps[len(ps)-1]
	p.Outcome = PhaseUnchanged
	return p, nil
}

// primaryKey names the settings row where the primary says how other nodes reach it.
const primaryKey = "litefs_primary"

// SetPrimaryAddress records, on the primary, how the other nodes reach it (a small JSON
// document, see internal/litefs); replicas read it from their copy.
func (s *Store) SetPrimaryAddress(ctx context.Context, value string) error {
	_, err := submit(ctx, s, "record the primary's address", func(b *batch) (struct{}, error) {
		_, err := b.tx.ExecContext(b.ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, primaryKey, []byte(value))
		return struct{}{}, err
	})
	return err
}

// PrimaryAddress returns what the primary recorded with SetPrimaryAddress ("" if nothing).
func (s *Store) PrimaryAddress(ctx context.Context) (string, error) {
	var v []byte
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, primaryKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return string(v), err
}
