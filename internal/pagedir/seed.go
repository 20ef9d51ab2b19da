package pagedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/litmuslabs/litmus/pages"
)

// DefaultPath is where pages live when LITMUS_PAGES is unset: a folder named pages beside
// the database file (data/pages on a laptop, /data/pages on the Fly volume), so the pages
// and their results are kept, backed up and moved together.
func DefaultPath(db string) string {
	return filepath.Join(filepath.Dir(db), "pages")
}

// Seed creates dir and copies the built-in example pages into it, if dir does not exist
// yet. created is false when it already existed (its files are left alone, even if there
// are none: a founder may have archived them all on purpose).
func Seed(dir string) (created bool, err error) {
	if _, err := os.Stat(dir); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	// Fill a temporary folder and rename it into place, so a crash never leaves a half-seeded
	// directory that would then be taken as the founder's own.
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp(parent, ".pages-seed-*")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	examples := pages.Examples()
	entries, err := fs.ReadDir(examples, ".")
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		data, err := fs.ReadFile(examples, e.Name())
		if err != nil {
			return false, err
		}
		if err := writeAtomic(filepath.Join(tmp, e.Name()), data); err != nil {
			return false, fmt.Errorf("copy example %s: %w", e.Name(), err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return false, err
	}
	return true, nil
}
