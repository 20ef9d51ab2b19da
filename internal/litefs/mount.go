package litefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Mount is a LiteFS FUSE mount and the database Litmus keeps in it.
type Mount struct {
	Dir string // the mount directory (LITMUS_LITEFS_DIR)
	DB  string // the database file, inside Dir
}

// NewMount checks that db lies directly in dir, as LiteFS requires.
func NewMount(dir, db string) (Mount, error) {
	ad, err := filepath.Abs(dir)
	if err != nil {
		return Mount{}, err
	}
	adb, err := filepath.Abs(db)
	if err != nil {
		return Mount{}, err
	}
	if filepath.Dir(adb) != ad {
		return Mount{}, fmt.Errorf("the database %s must be directly in the LiteFS mount %s (LITMUS_DB, LITMUS_LITEFS_DIR)", db, dir)
	}
	return Mount{Dir: ad, DB: adb}, nil
}

// Primary returns the name of the primary when this node is a replica connected to one,
// and "" when it is the primary. LiteFS shows the .primary file only on a connected
// replica; a replica cut off from the primary also shows none, but LiteFS refuses its
// writes, so Litmus cannot take it for a primary for long (its first write fails).
func (m Mount) Primary() (string, error) {
	b, err := os.ReadFile(filepath.Join(m.Dir, ".primary"))
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s/.primary: %w", m.Dir, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// TXID returns the LiteFS position of the database on this node: the ID of the last
// transaction it holds (0 before the database exists). The -pos file reads
// "TXID/CHECKSUM" in hexadecimal.
func (m Mount) TXID() (uint64, error) {
	b, err := os.ReadFile(m.DB + "-pos")
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the LiteFS position: %w", err)
	}
	tx, _, _ := strings.Cut(strings.TrimSpace(string(b)), "/")
	n, err := strconv.ParseUint(tx, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("read the LiteFS position %q: %w", b, err)
	}
	return n, nil
}

// LagMillis returns how far this replica is behind the primary, in milliseconds, from
// LiteFS's .lag file ("+000000587"): the age of the last transaction it received. It is 0
// on the primary.
func (m Mount) LagMillis() (int64, error) {
	b, err := os.ReadFile(filepath.Join(m.Dir, ".lag"))
	if err != nil {
		return 0, fmt.Errorf("read the LiteFS lag: %w", err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the LiteFS lag %q: %w", b, err)
	}
	return n, nil
}

// IsPrimary reports whether this node is the primary. LiteFS makes the mount's root
// directory writable on the primary only, which also tells a replica cut off from its
// primary (no .primary file either) from a primary. The kernel may cache the directory's
// mode for up to a minute, which bounds how late a running node notices a role change.
func (m Mount) IsPrimary() (bool, error) {
	fi, err := os.Stat(m.Dir)
	if err != nil {
		return false, fmt.Errorf("the LiteFS mount %s: %w (is LiteFS running?)", m.Dir, err)
	}
	return fi.Mode().Perm()&0o222 != 0, nil
}
