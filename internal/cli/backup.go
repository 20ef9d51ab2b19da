package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/store"
)

// runBackup implements `litmus backup FILE`: a consistent copy of the database, taken while
// the server keeps running, that never overwrites a file.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlagSet("backup", " FILE", `Copy the database to FILE while Litmus keeps serving. The copy holds every signup
stored before the backup started, is a single SQLite file and is checked before
this command says it is done. FILE must not exist yet: backups never overwrite.
Put it back with "litmus restore FILE" (with the server stopped).`, stderr)
	cfg, err := config.Register(flags, config.ScopeDB, getenv)
	if err != nil {
		return err
	}
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		fmt.Fprintln(stderr, "litmus backup: give the name of the copy to write, e.g. litmus backup backups/litmus-"+time.Now().Format(time.DateOnly)+".db")
		return errUsage
	}
	if err := cfg.Validate(config.ScopeDB); err != nil {
		return err
	}
	dest := flags.Arg(0)
	if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("there is no database at %s to back up: set LITMUS_DB (or --db) to the file litmus serve uses", cfg.DB)
	}

	st, err := store.Open(cfg.DB, store.Options{})
	if err != nil {
		return err
	}
	err = st.Backup(ctx, dest)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	info, err := store.Verify(ctx, dest)
	if err != nil {
		return fmt.Errorf("the copy was written but does not check out, so do not rely on it: %w", err)
	}
	size := "?"
	if fi, err := os.Stat(dest); err == nil {
		size = formatBytes(fi.Size())
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (%s, %s).\n", cfg.DB, dest, size, signupCount(info.Signups))
	return nil
}

// runRestore implements `litmus restore FILE`: put a backup back in place of the database,
// keeping the current one beside it.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := newFlagSet("restore", " FILE", `Put the backup FILE back as the database. Stop litmus serve first: restore refuses
to run while the database is in use. FILE is checked before anything changes (it
must be a whole, undamaged Litmus database). The current database is never deleted:
it is kept beside the new one as <database>.before-restore-<date>-<time>. People it
records as erased (litmus forget, the admin's "Forget a person") are erased again in the
restored database, so a backup made before their request does not bring them back.`, stderr)
	cfg, err := config.Register(flags, config.ScopeDB, getenv)
	if err != nil {
		return err
	}
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		fmt.Fprintln(stderr, "litmus restore: give the backup file to restore, e.g. litmus restore backups/litmus-2024-06-01.db")
		return errUsage
	}
	if err := cfg.Validate(config.ScopeDB); err != nil {
		return err
	}
	src := flags.Arg(0)
	db, err := filepath.Abs(cfg.DB)
	if err != nil {
		return err
	}
	if a, b := statOrNil(src), statOrNil(db); a != nil && b != nil && os.SameFile(a, b) {
		return fmt.Errorf("%s is the database itself (LITMUS_DB): give a backup file", src)
	}
	info, err := store.Verify(ctx, src)
	if err != nil {
		return fmt.Errorf("nothing was changed: %w", err)
	}

	r, err := restoreFile(ctx, src, db)
	if err != nil {
		return err
	}
	if r.aside != "" {
		fmt.Fprintf(stdout, "The previous database is kept as %s.\n", r.aside)
		if err := reportReapplied(ctx, db, r.aside, stdout); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "Restored %s into %s (%s). Start litmus serve to use it.\n", src, cfg.DB, signupCount(info.Signups))
	return nil
}

// reportReapplied erases again, in the restored database, the people the previous database
// records as erased (an erasure made after the backup must stand), and says what it did.
func reportReapplied(ctx context.Context, db, previous string, stdout io.Writer) error {
	re, err := store.ReapplyErasures(ctx, db, previous)
	if err != nil {
		return fmt.Errorf("the backup is in place, but the erasures recorded in %s could not be re-applied (%w): "+
			"run `litmus forget` again for the people who asked to be forgotten", previous, err)
	}
	if re.Erasures > 0 {
		fmt.Fprintf(stdout, "Re-applied %d recorded erasure requests: %s of people who asked to be forgotten erased again.\n",
			re.Erasures, signupCount(re.Signups))
	}
	return nil
}

// restored says where restoreFile put things.
type restored struct{ aside string } // the previous database, "" when there was none

// restoreFile puts a verified copy of src at db. The current database, if any, is first
// locked (which fails while a server has it open) and settled into one file; the copy is
// written to a temporary file beside db, synced, checked again, and renamed over db, so db
// is at every moment either the old database or the whole new one. The old file stays as a
// hard link named db.before-restore-<time>.
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
		lock, err := store.LockForRestore(ctx, db)
		if errors.Is(err, store.ErrInUse) {
			return r, fmt.Errorf("%s is in use, most likely by litmus serve: stop the server first, then run restore again; nothing was changed", db)
		}
		if err != nil {
			return r, fmt.Errorf("the current database cannot be opened, so restore cannot make sure no server uses it (%w); "+
				"nothing was changed. If it is damaged: stop the server, move %s (and any -wal and -shm file beside it) "+
				"somewhere else yourself, then run restore again", err, db)
		}
		defer lock.Release()
		if _, err := os.Stat(db + "-wal"); err == nil {
			return r, fmt.Errorf("%s-wal is still there after settling the database; nothing was changed", db)
		}
	}

	dir := filepath.Dir(db)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return r, fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := copyToTemp(src, dir, old)
	if err != nil {
		return r, fmt.Errorf("copy %s: %w; nothing was changed", src, err)
	}
	defer os.Remove(tmp) // a no-op once it has been renamed
	if _, err := store.Verify(ctx, tmp); err != nil {
		return r, fmt.Errorf("the copy of %s does not check out (%w); nothing was changed", src, err)
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
		return r, fmt.Errorf("put the copy in place: %w (the previous database is safe at %s)", err, safe)
	}
	if err := syncDir(dir); err != nil {
		return r, err
	}
	return r, nil
}

// keepAside gives the database a second name, aside, and never replaces a file there. A hard
// link keeps db in place until the rename that replaces it; on a file system without hard
// links it is renamed instead (the lock still keeps a server off the old file).
func keepAside(db, aside string) error {
	if _, err := os.Lstat(aside); err == nil {
		return fmt.Errorf("%s already exists: wait a second and run restore again; nothing was changed", aside)
	}
	if err := os.Link(db, aside); err == nil {
		return nil
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: wait a second and run restore again; nothing was changed", aside)
	}
	if err := os.Rename(db, aside); err != nil {
		return fmt.Errorf("keep the current database as %s: %w; nothing was changed", aside, err)
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
		like = statOrNil(dir)
	}
	if err := chownLike(name, like); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("give %s the owner of %s: %w", name, dir, err)
	}
	return name, nil
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

func statOrNil(path string) os.FileInfo {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	return fi
}

// formatBytes writes a size the way a file manager does: 532 B, 1.2 MB.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// signupCount says "1 signup" or "n signups".
func signupCount(n int64) string {
	if n == 1 {
		return "1 signup"
	}
	return fmt.Sprintf("%d signups", n)
}
