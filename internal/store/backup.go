package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/litmuslabs/litmus/internal/problem"
)

// Backup writes a consistent copy of the database to dest while the server keeps running:
// VACUUM INTO on a read connection, so writers are not blocked and the copy holds every
// signup acknowledged before Backup started. It never overwrites: dest must not exist.
// The copy is a plain SQLite file (no -wal needed), created 0640 because it holds emails,
// and synced to disk before Backup returns.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if dest == "" {
		return invalid("backup needs a file name, such as backups/litmus-2024-06-01.db")
	}
	abs, err := filepath.Abs(dest) // also keeps a "file:..." name from being read as a URI
	if err != nil {
		return problem.Wrap(err, "the backup to %s failed: %v", dest, unwrapPath(err))
	}
	if abs == s.path {
		return invalid("backup to %s: that is the database itself; choose another file", dest)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return problem.Wrap(err, "the backup to %s failed: %v", dest, unwrapPath(err))
	}
	// Creating the file ourselves, exclusively, is the no-overwrite check without a race;
	// VACUUM INTO accepts an empty file.
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if errors.Is(err, fs.ErrExist) {
		return problem.Wrap(err, "%s already exists; backups never overwrite, choose a new name", dest)
	}
	if err != nil {
		return problem.Wrap(err, "the backup to %s failed: %v", dest, unwrapPath(err))
	}
	if err := f.Close(); err != nil {
		os.Remove(abs)
		return problem.Wrap(err, "the backup to %s failed: %v", dest, unwrapPath(err))
	}
	if err := s.vacuumInto(ctx, abs); err != nil {
		os.Remove(abs) // ours, and incomplete
		return problem.Wrap(err, "the backup to %s failed: %v", dest, unwrapPath(err))
	}
	return nil
}

func (s *Store) vacuumInto(ctx context.Context, abs string) error {
	if _, err := s.read.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return err
	}
	return syncPaths(abs, filepath.Dir(abs))
}
