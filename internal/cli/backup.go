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
	"github.com/litmuslabs/litmus/internal/problem"
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
		return problem.Wrap(err, "the copy was written but does not check out, so do not rely on it: %s", say(err))
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
		return problem.Wrap(err, "%s; nothing was changed", say(err))
	}

	aside, err := store.Restore(ctx, src, db)
	if err != nil {
		return err
	}
	if aside != "" {
		fmt.Fprintf(stdout, "The previous database is kept as %s.\n", aside)
		if err := reportReapplied(ctx, db, aside, stdout); err != nil {
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
		return problem.Wrap(err, "the backup is in place, but the erasures recorded in %s could not be re-applied (%s): "+
			"run `litmus forget` again for the people who asked to be forgotten", previous, say(err))
	}
	if re.Erasures > 0 {
		fmt.Fprintf(stdout, "Re-applied %d recorded erasure requests: %s of people who asked to be forgotten erased again.\n",
			re.Erasures, signupCount(re.Signups))
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
