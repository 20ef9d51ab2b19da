package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// PageVersion is one kept text of a page file: who saved it, when, and why.
type PageVersion struct {
	ID        int64
	Page      string
	Source    string // the whole file
	Hash      string // SHA-256 of Source, hex
	Author    string // "admin (editor)", "admin (API)", "file on disk"
	Note      string // e.g. "restored version 3", "created from chaser"
	CreatedAt time.Time
}

// maxVersionSource bounds a stored page text; page files are at most 256 KiB.
const maxVersionSource = 256 << 10

// SourceHash is the hash a version of the given text is stored under.
func SourceHash(source []byte) string {
	sum := sha256.Sum256(source)
	return hex.EncodeToString(sum[:])
}

// RecordPageVersion keeps source as the newest version of page, unless the newest version
// already has the same text (a reload of an unchanged file records nothing). recorded says
// whether a row was added. It goes through the writer like every other write.
func (s *Store) RecordPageVersion(ctx context.Context, v PageVersion) (recorded bool, err error) {
	if err := checkID("page", v.Page); err != nil {
		return false, err
	}
	if len(v.Source) > maxVersionSource {
		return false, invalid("the page file of %s is %d bytes; at most %d are kept", v.Page, len(v.Source), maxVersionSource)
	}
	v.Hash = SourceHash([]byte(v.Source))
	v.Author, v.Note = Clip(v.Author, 200), Clip(v.Note, 500)
	now := orNow(v.CreatedAt).UnixMilli()
	return submit(ctx, s, "record page version", func(b *batch) (bool, error) {
		var latest string
		err := b.tx.QueryRowContext(b.ctx, `SELECT hash FROM page_versions WHERE page = ? ORDER BY id DESC LIMIT 1`, v.Page).Scan(&latest)
		switch {
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return false, fmt.Errorf("store: latest version of %s: %w", v.Page, err)
		case err == nil && latest == v.Hash:
			return false, nil
		}
		_, err = b.tx.ExecContext(b.ctx, `INSERT INTO page_versions (page, source, hash, author, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			v.Page, v.Source, v.Hash, v.Author, v.Note, now)
		if err != nil {
			return false, fmt.Errorf("store: record version of %s: %w", v.Page, err)
		}
		return true, nil
	})
}

// PageVersions returns up to limit versions of page, newest first, with their text.
func (s *Store) PageVersions(ctx context.Context, page string, limit int) ([]PageVersion, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, page, source, hash, author, note, created_at
		FROM page_versions WHERE page = ? ORDER BY id DESC LIMIT ?`, page, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", page, err)
	}
	defer rows.Close()
	var list []PageVersion
	for rows.Next() {
		var (
			v  PageVersion
			at int64
		)
		if err := rows.Scan(&v.ID, &v.Page, &v.Source, &v.Hash, &v.Author, &v.Note, &at); err != nil {
			return nil, fmt.Errorf("store: versions of %s: %w", page, err)
		}
		v.CreatedAt = time.UnixMilli(at)
		list = append(list, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", page, err)
	}
	return list, nil
}

// ErrNoVersion is returned by PageVersion when the page has no version with that id.
var ErrNoVersion = errors.New("store: no such page version")

// PageVersion returns version id of page.
func (s *Store) PageVersion(ctx context.Context, page string, id int64) (PageVersion, error) {
	var (
		v  PageVersion
		at int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT id, page, source, hash, author, note, created_at
		FROM page_versions WHERE page = ? AND id = ?`, page, id).Scan(&v.ID, &v.Page, &v.Source, &v.Hash, &v.Author, &v.Note, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return PageVersion{}, ErrNoVersion
	}
	if err != nil {
		return PageVersion{}, fmt.Errorf("store: version %d of %s: %w", id, page, err)
	}
	v.CreatedAt = time.UnixMilli(at)
	return v, nil
}
