package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"time"
)

// MinFreeBytes is the free space the database's file system must have for Ping to call the
// store healthy. A signup commit appends a few 4 KiB frames to the -wal file, and the
// checkpoint that follows may grow the database file; with less than this left, the next
// commits fail with "database or disk is full". 1 MiB is a few hundred commits of margin,
// small next to any real volume (the Fly volume in fly.toml is 1 GB).
const MinFreeBytes = 1 << 20

// ErrDiskFull is Ping's answer when the file system holding the database has less than
// MinFreeBytes free: signups would fail.
var ErrDiskFull = errors.New("the disk holding the database is full: signups cannot be stored; free some space or grow the volume")

// DiskFree returns the bytes free to Litmus on the file system holding the database (what
// an unprivileged writer may use; the blocks reserved for root are not counted).
func (s *Store) DiskFree() (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &st); err != nil {
		return 0, fmt.Errorf("store: free space of %s: %w", filepath.Dir(s.path), err)
	}
	return st.Bavail * uint64(st.Bsize), nil
}

// healthKey names the settings row Ping writes: a real commit, so a health check passes only
// if the writer can change the file (not just take the lock, as an empty transaction does).
const healthKey = "health_checked_at"

// heartbeat commits one changed row through the writer.
func (s *Store) heartbeat(ctx context.Context) error {
	now := []byte(time.Now().UTC().Format(time.RFC3339Nano))
	_, err := submit(ctx, s, "health check", func(b *batch) (struct{}, error) {
		_, err := b.stmt(b.w.ws.heartbeat).Exec(healthKey, now)
		return struct{}{}, err
	})
	return err
}
