package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Info describes a database file, for the messages of `litmus backup` and `litmus restore`.
type Info struct {
	Schema  int   // PRAGMA user_version: how many migrations the file has
	Signups int64 // signup rows
}

// ErrInUse is returned by LockForRestore while another process, normally `litmus serve`,
// has the database open: replacing the file under it would lose what it writes next.
var ErrInUse = errors.New("the database is in use by another program (is litmus serve running?)")

// sqliteHeader is how every SQLite 3 database file begins.
var sqliteHeader = []byte("SQLite format 3\x00")

// maxIntegrityLines bounds the problems integrity_check reports (and a message repeats).
const maxIntegrityLines = 3

// Verify checks that the file at path is a whole Litmus database on its own, before it is
// trusted as a backup or restored: a SQLite file (not some other file given by mistake),
// with no write-ahead log beside it holding changes the file lacks, that passes SQLite's
// integrity check and carries a Litmus schema this build can open. It only reads, and
// leaves no -wal or -shm beside the file: it opens it immutable, which is right because the
// file alone is the whole database once a non-empty -wal is refused. So it is for files no
// server is writing: backups, and a restore's new file before it is put in place.
func Verify(ctx context.Context, path string) (Info, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Info{}, fmt.Errorf("store: verify %s: %w", path, err)
	}
	if err := checkHeader(abs, path); err != nil {
		return Info{}, err
	}
	if fi, err := os.Stat(abs + "-wal"); err == nil && fi.Size() > 0 {
		return Info{}, fmt.Errorf("store: %s has a write-ahead log beside it (%s-wal) holding changes the file itself lacks: "+
			"it is a live database or a copy taken while Litmus was running; make a copy with `litmus backup` instead", path, path)
	}

	db, err := sql.Open("sqlite3", fileURI(abs, "mode=ro&immutable=1"))
	if err != nil {
		return Info{}, fmt.Errorf("store: verify %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	problems, err := integrityProblems(ctx, db)
	if err != nil {
		if hasCode(err, sqlite3.ErrNotADB) || hasCode(err, sqlite3.ErrCorrupt) {
			return Info{}, fmt.Errorf("store: %s is damaged (%v): use another backup", path, err)
		}
		return Info{}, fmt.Errorf("store: verify %s: %w", path, err)
	}
	if len(problems) > 0 {
		return Info{}, fmt.Errorf("store: %s is damaged: SQLite's integrity check found: %s: use another backup",
			path, strings.Join(problems, "; "))
	}

	var info Info
	if info.Schema, err = schemaVersion(ctx, db); err != nil {
		return Info{}, fmt.Errorf("store: verify %s: %w", path, err)
	}
	list, err := loadMigrations()
	if err != nil {
		return Info{}, err
	}
	switch latest := len(list); {
	case info.Schema == 0:
		return Info{}, fmt.Errorf("store: %s is a SQLite database but not a Litmus one (it has no Litmus schema)", path)
	case info.Schema > latest:
		return Info{}, fmt.Errorf("store: %s was made by a newer Litmus (schema version %d; this one knows up to %d): "+
			"use that version or a newer one", path, info.Schema, latest)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM signups").Scan(&info.Signups); err != nil {
		return Info{}, fmt.Errorf("store: %s has schema version %d but no readable signups table (%v): it is not a Litmus database", path, info.Schema, err)
	}
	return info, nil
}

// checkHeader refuses a missing, empty or non-SQLite file with a message naming it as given.
func checkHeader(abs, name string) error {
	f, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("store: there is no file %s", name)
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return fmt.Errorf("store: %w", err)
	} else if fi.IsDir() {
		return fmt.Errorf("store: %s is a directory; give the database file inside it", name)
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("store: %s is not a SQLite database file (a Litmus backup is one, made by `litmus backup`)", name)
	}
	return nil
}

// integrityProblems runs PRAGMA integrity_check and returns what it found wrong (nil: ok).
func integrityProblems(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("PRAGMA integrity_check(%d)", maxIntegrityLines))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		for _, l := range strings.Split(line, "\n") {
			if l = strings.TrimSpace(l); l != "ok" && l != "" && !strings.HasPrefix(l, "***") && len(problems) < maxIntegrityLines {
				problems = append(problems, l)
			}
		}
	}
	return problems, rows.Err()
}

// RestoreLock keeps every other process out of a database file while `litmus restore`
// replaces it. Release it once the new file is in place.
type RestoreLock struct{ db *sql.DB }

// LockForRestore proves that no other process has the database at path open and keeps it
// that way until Release. It opens the file with SQLite's exclusive locking mode and
// switches it out of WAL mode: SQLite allows that only when no other connection has the
// file open (every connection to a WAL database holds a shared lock on it for as long as it
// is open, idle or not), so a running server makes it fail with ErrInUse within a second.
// It also folds the write-ahead log into the file, so the file alone is the whole
// database and can be moved aside without a -wal beside it. The exclusive lock it then
// holds makes a server started meanwhile wait, and fail, rather than write to the old file.
// A server opening the file later switches it back to WAL mode.
func LockForRestore(ctx context.Context, path string) (*RestoreLock, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil { // SQLite would create a missing file
		return nil, fmt.Errorf("store: %w", err)
	}
	db, err := sql.Open("sqlite3", fileURI(abs, "_locking_mode=EXCLUSIVE&_busy_timeout=1000"))
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	fail := func(err error) (*RestoreLock, error) {
		db.Close()
		if hasCode(err, sqlite3.ErrBusy) || hasCode(err, sqlite3.ErrLocked) {
			return nil, fmt.Errorf("store: %s: %w", path, ErrInUse)
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode); err != nil {
		return fail(err)
	}
	if mode != "delete" {
		return fail(fmt.Errorf("could not leave %s journal mode", mode))
	}
	// A write transaction takes the exclusive lock, which exclusive locking mode then keeps.
	if _, err := db.ExecContext(ctx, "BEGIN EXCLUSIVE; COMMIT"); err != nil {
		return fail(err)
	}
	return &RestoreLock{db: db}, nil
}

// Release lets other processes open the database again.
func (l *RestoreLock) Release() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("store: release lock: %w", err)
	}
	return nil
}
