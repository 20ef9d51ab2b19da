package store

import (
	"fmt"
	"os"
)

// syncPaths flushes each file or directory to disk, in order: a file's contents, or the
// entries of a directory (which is what makes a file created or renamed in it durable).
// Backup syncs the copy and then its directory; Restore the directory after its rename.
func syncPaths(paths ...string) error {
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("sync %s: %w", p, err)
		}
	}
	return nil
}
