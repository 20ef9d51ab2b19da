package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// Reapplied says what ReapplyErasures did.
type Reapplied struct {
	Erasures int   // erasure records carried over from the previous database
	Signups  int64 // signups in the restored database they erased again
}

// ReapplyErasures carries the erasure record of the database a restore replaced (previous,
// kept aside by restore) into the restored database at path, and erases again every signup
// it matches: a backup made before someone asked to be forgotten must not bring them back.
// The record holds keyed hashes, never addresses (see erasureHash); the key comes from the
// installation secret, which a backup of the same installation shares, so a backup of
// another installation simply matches nothing. Neither server may be running.
func ReapplyErasures(ctx context.Context, path, previous string) (Reapplied, error) {
	var r Reapplied
	hashes, err := erasureRecord(ctx, previous)
	if err != nil || len(hashes) == 0 {
		return r, err
	}
	s, err := Open(path, Options{})
	if err != nil {
		return r, err
	}
	defer s.Close()
	erased := make(map[string]bool, len(hashes))
	for h := range hashes {
		erased[h] = true
	}
	var ids []int64
	rows, err := s.read.QueryContext(ctx, `SELECT id, email_key FROM signups`)
	if err != nil {
		return r, fmt.Errorf("store: read signups of %s: %w", path, err)
	}
	for rows.Next() {
		var id int64
		var key string
		if err := rows.Scan(&id, &key); err != nil {
			rows.Close()
			return r, err
		}
		if erased[string(erasureHash(s.secret, key))] {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return r, err
	}
	n, err := submit(ctx, s, "reapply erasures", func(b *batch) (int64, error) {
		var n int64
		for _, id := range ids {
			res, err := b.tx.ExecContext(b.ctx, `DELETE FROM signups WHERE id = ?`, id)
			if err != nil {
				return 0, err
			}
			k, _ := res.RowsAffected()
			n += k
		}
		for h, at := range hashes {
			if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO erasures (key_hash, erased_at) VALUES (?, ?)
				ON CONFLICT (key_hash) DO NOTHING`, []byte(h), at); err != nil {
				return 0, err
			}
		}
		return n, nil
	})
	if err != nil {
		return r, fmt.Errorf("store: re-apply erasures: %w", err)
	}
	if err := s.Close(); err != nil {
		return r, err
	}
	return Reapplied{Erasures: len(hashes), Signups: n}, nil
}

// erasureRecord reads the erasure record of a database no server uses: hash -> erased_at.
// A database from before the record existed has none.
func erasureRecord(ctx context.Context, path string) (map[string]int64, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, fileURI(abs, "mode=ro&immutable=1"))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'erasures'`).Scan(&n); err != nil {
		return nil, fmt.Errorf("store: read the erasure record of %s: %w", path, err)
	}
	if n == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT key_hash, erased_at FROM erasures`)
	if err != nil {
		return nil, fmt.Errorf("store: read the erasure record of %s: %w", path, err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var h []byte
		var at int64
		if err := rows.Scan(&h, &at); err != nil {
			return nil, err
		}
		out[string(h)] = at
	}
	return out, rows.Err()
}
