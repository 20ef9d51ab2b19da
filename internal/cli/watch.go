package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// watchInterval is how often --watch looks at the page files. Half a second feels instant
// when you save a file and switch to the browser, and costs a directory read and a stat of a
// few files.
const watchInterval = 500 * time.Millisecond

// watchPages implements --watch for local editing: it polls the page directory (and the
// template directory, if set) and sends on the returned channel when a page file changed;
// serve then reloads exactly as on SIGHUP, keeping the old pages if the new ones are
// invalid. It returns nil (a channel that never fires) when there is nothing to watch.
//
// Polling names, sizes and modification times, rather than fsnotify, because: it needs no
// dependency; it sees the rename-into-place most editors save with, which would otherwise
// need directory watches and event bookkeeping; it works on bind mounts and network file
// systems where change events do not arrive; and a page directory holds a handful of files,
// so a look every 500 ms costs nothing. The limit: an edit that keeps the size and lands in
// the same modification-time tick is missed (SIGHUP forces a reload).
//
// A change is reported once it has stayed the same for one more interval, so an editor
// that writes a file in several steps causes one reload of the finished file.
//
// Templates are read once at start: a change to them is logged with a reminder to restart.
func watchPages(ctx context.Context, pagesDir, templatesDir string, logger *slog.Logger) <-chan struct{} {
	if pagesDir == "" {
		logger.Warn("--watch does nothing without a page directory: set LITMUS_PAGES (or --pages) to the folder you edit")
		return nil
	}
	changed := make(chan struct{}, 1)
	pages := &dirWatch{dir: pagesDir, keep: isPageFile}
	pages.served = pages.look()
	var templates *dirWatch
	if templatesDir != "" {
		templates = &dirWatch{dir: templatesDir, keep: func(name string) bool { return filepath.Ext(name) == ".html" }}
		templates.served = templates.look()
	}
	logger.Info("watching page files for changes", "dir", pagesDir, "every", watchInterval.String())
	go func() {
		tick := time.NewTicker(watchInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if pages.settled() {
				select {
				case changed <- struct{}{}:
				default: // a reload is already due
				}
			}
			if templates != nil && templates.settled() {
				logger.Warn("templates changed: restart litmus to use them (--watch reloads page files only)", "dir", templatesDir)
			}
		}
	}()
	return changed
}

// isPageFile reports the files pages.LoadDir reads, so editor backups and swap files
// (chaser.toml~, .chaser.toml.swp) do not cause reloads.
func isPageFile(name string) bool {
	return !strings.HasPrefix(name, ".") && strings.EqualFold(filepath.Ext(name), ".toml")
}

// dirWatch tracks one directory's state between looks.
type dirWatch struct {
	dir     string
	keep    func(name string) bool
	served  string // the state last reported (or seen at start)
	pending string // a new state seen once, waiting to be seen again
}

// settled reports whether the directory changed since the state last reported and has
// stayed the same since the previous look.
func (w *dirWatch) settled() bool {
	now := w.look()
	switch {
	case now == w.served:
		w.pending = ""
		return false
	case now != w.pending:
		w.pending = now
		return false
	}
	w.served, w.pending = now, ""
	return true
}

// look describes the watched files of the directory as one comparable string: name, size
// and modification time of each. An unreadable directory is a state too, so its return is
// noticed.
func (w *dirWatch) look() string {
	entries, err := os.ReadDir(w.dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, e := range entries { // sorted by name
		if e.IsDir() || !w.keep(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			fmt.Fprintf(&b, "%s gone\n", e.Name())
			continue
		}
		fmt.Fprintf(&b, "%s %d %d\n", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return b.String()
}
