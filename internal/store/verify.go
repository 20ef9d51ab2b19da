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

	"github.com/litmuslabs/litmus/internal/problem"
)

// Info describes a database file, for the messages of `litmus backup` and `litmus restore`.
type Info struct {
	Schema  int   // PRAGMA user_version: how many migrations the file has
	Signups int64 // signup rows
}

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
		return Info{}, problem.Wrap(err, "%s could not be checked: %v", path, unwrapPath(err))
	}
	if err := checkHeader(abs, path); err != nil {
		return Info{}, err
	}
	if fi, err := os.Stat(abs + "-wal"); err == nil && fi.Size() > 0 {
		return Info{}, problem.New("%s has a write-ahead log beside it (%s-wal) holding changes the file itself lacks: "+
			"it is a live database or a copy taken while Litmus was running; make a copy with `litmus backup` instead", path, path)
	}

	db, err := sql.Open("sqlite3", fileURI(abs, "mode=ro&immutable=1"))
	if err != nil {
		return Info{}, problem.Wrap(err, "%s could not be checked: %v", path, unwrapPath(err))
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	problems, err := integrityProblems(ctx, db)
	if err != nil {
		if hasCode(err, sqlite3.ErrNotADB) || hasCode(err, sqlite3.ErrCorrupt) {
			return Info{}, problem.Wrap(err, "%s is damaged (%v): use another backup", path, err)
		}
		return Info{}, problem.Wrap(err, "%s could not be checked: %v", path, unwrapPath(err))
	}
	if len(problems) > 0 {
		return Info{}, problem.New("%s is damaged: SQLite's integrity check found: %s: use another backup",
			path, strings.Join(problems, "; "))
	}

	var info Info
	if info.Schema, err = schemaVersion(ctx, db); err != nil {
		return Info{}, problem.Wrap(err, "%s could not be checked: %v", path, unwrapPath(err))
	}
	list, err := loadMigrations()
	if err != nil {
		return Info{}, err
	}
	switch latest := len(list); {
	case info.Schema == 0:
		return Info{}, problem.New("%s is a SQLite database but not a Litmus one (it has no Litmus schema)", path)
	case info.Schema > latest:
		return Info{}, problem.New("%s was made by a newer Litmus (schema version %d; this one knows up to %d): "+
			"use that version or a newer one", path, info.Schema, latest)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM signups").Scan(&info.Signups); err != nil {
		return Info{}, problem.Wrap(err, "%s has schema version %d but no readable signups table (%v): it is not a Litmus database", path, info.Schema, err)
	}
	return info, nil
}

// checkHeader refuses a missing, empty or non-SQLite file with a message naming it as given.
func checkHeader(abs, name string) error {
	f, err := os.Open(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return problem.Wrap(err, "there is no file %s", name)
	}
	if err != nil {
		return problem.Wrap(err, "%s cannot be read: %v", name, unwrapPath(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return problem.Wrap(err, "%s cannot be read: %v", name, unwrapPath(err))
	} else if fi.IsDir() {
		return problem.New("%s is a directory; give the database file inside it", name)
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return problem.New("%s is not a SQLite database file (a Litmus backup is one, made by `litmus backup`)", name)
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

// unwrapPath drops the operation and path from an *fs.PathError ("permission denied"
// rather than "open /abs/path: permission denied"): the message names the file as given.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
