package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/litmuslabs/litmus/internal/problem"
)

// ErrInUse is returned by LockForRestore while another process, normally `litmus serve`,
// has the database open: replacing the file under it would lose what it writes next.
var ErrInUse = errors.New("the database is in use by another program (is litmus serve running?)")

// Restore puts a copy of the backup src at db (`litmus restore`; call Verify on src first).
// The current database, if any, is first locked (which fails while a server has it open)
// and settled into one file; the copy is written to a temporary file beside db, synced,
// checked again, and renamed over db, so db is at every moment either the old database or
// the whole new one. The old file stays as a hard link named db.before-restore-<time>;
// Restore returns that name ("" when there was no database).
func Restore(ctx context.Context, src, db string) (aside string, err error) {
	r, err := restoreFile(ctx, src, db)
	return r.aside, err
}

// restored says where restoreFile put things.
type restored struct{ aside string } // the previous database, "" when there was none

func restoreFile(ctx context.Context, src, db string) (restored, error) {
	var r restored
	old, err := os.Stat(db)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil:
		return r, err
	}
	if old != nil {
		lock, err := LockForRestore(ctx, db)
		if errors.Is(err, ErrInUse) {
			return r, problem.Wrap(err, "%s is in use, most likely by litmus serve: stop the server first, then run restore again; nothing was changed", db)
		}
		if err != nil {
			return r, problem.Wrap(err, "the current database cannot be opened, so restore cannot make sure no server uses it (%s); "+
				"nothing was changed. If it is damaged: stop the server, move %s (and any -wal and -shm file beside it) "+
				"somewhere else yourself, then run restore again", problem.Message(err), db)
		}
		defer lock.Release()
		if _, err := os.Stat(db + "-wal"); err == nil {
			return r, problem.New("%s-wal is still there after settling the database; nothing was changed", db)
		}
	}

	dir := filepath.Dir(db)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return r, problem.Wrap(err, "cannot create the folder %s: %v", dir, unwrapPath(err))
	}
	tmp, err := copyToTemp(src, dir, old)
	if err != nil {
		return r, problem.Wrap(err, "cannot copy %s: %v; nothing was changed", src, unwrapPath(err))
	}
	defer os.Remove(tmp) // a no-op once it has been renamed
	if _, err := Verify(ctx, tmp); err != nil {
		return r, problem.Wrap(err, "the copy of %s does not check out (%s); nothing was changed", src, problem.Message(err))
	}

	if old != nil {
		r.aside = db + ".before-restore-" + time.Now().UTC().Format("20060102-150405")
		if err := keepAside(db, r.aside); err != nil {
			return r, err
		}
	}
	if err := os.Rename(tmp, db); err != nil {
		safe := db
		if r.aside != "" {
			safe = r.aside
		}
		return r, problem.Wrap(err, "cannot put the copy in place: %v (the previous database is safe at %s)", unwrapPath(err), safe)
	}
	if err := syncPaths(dir); err != nil {
		return r, err
	}
	return r, nil
}

// keepAside gives the database a second name, aside, and never replaces a file there. A hard
// link keeps db in place until the rename that replaces it; on a file system without hard
// links it is renamed instead (the lock still keeps a server off the old file).
func keepAside(db, aside string) error {
	if _, err := os.Lstat(aside); err == nil {
		return problem.New("%s already exists: wait a second and run restore again; nothing was changed", aside)
	}
	if err := os.Link(db, aside); err == nil {
		return nil
	} else if errors.Is(err, fs.ErrExist) {
		return problem.New("%s already exists: wait a second and run restore again; nothing was changed", aside)
	}
	if err := os.Rename(db, aside); err != nil {
		return problem.Wrap(err, "cannot keep the current database as %s: %v; nothing was changed", aside, unwrapPath(err))
	}
	return nil
}

// copyToTemp copies src into a new private file in dir, synced to disk, owned like the file
// it will replace (or like dir): restore often runs as root (`fly ssh console`) while the
// server runs as its own user, which must be able to write the file.
func copyToTemp(src, dir string, like os.FileInfo) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, ".litmus-restore-*.db")
	if err != nil {
		return "", err
	}
	name := out.Name()
	fail := func(err error) (string, error) {
		out.Close()
		os.Remove(name)
		return "", err
	}
	if err := out.Chmod(0o640); err != nil { // it holds email addresses
		return fail(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		return fail(err)
	}
	if err := out.Sync(); err != nil {
		return fail(err)
	}
	if err := out.Close(); err != nil {
		return fail(err)
	}
	if like == nil {
		like, _ = os.Stat(dir) // nil on error: then nobody's ownership is copied
	}
	if err := chownLike(name, like); err != nil {
		os.Remove(name)
		return "", problem.Wrap(err, "cannot give %s the owner of %s: %v", name, dir, unwrapPath(err))
	}
	return name, nil
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
		return nil, problem.Wrap(err, "%s: %v", path, err)
	}
	if _, err := os.Stat(abs); err != nil { // SQLite would create a missing file
		return nil, problem.Wrap(err, "%s cannot be read: %v", path, unwrapPath(err))
	}
	db, err := sql.Open("sqlite3", fileURI(abs, "_locking_mode=EXCLUSIVE&_busy_timeout=1000"))
	if err != nil {
		return nil, problem.Wrap(err, "%s cannot be opened: %v", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	fail := func(err error) (*RestoreLock, error) {
		db.Close()
		if hasCode(err, sqlite3.ErrBusy) || hasCode(err, sqlite3.ErrLocked) {
			return nil, problem.Wrap(ErrInUse, "%s is in use by another program (is litmus serve running?)", path)
		}
		return nil, problem.Wrap(err, "%s cannot be locked: %v", path, err)
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
