// Package pagedir owns the directory of page files a running server serves and edits: it
// reads them, checks a change exactly as `litmus check` would, writes it atomically, reloads
// the served pages, and keeps every version in the database. The editor in the admin and
// the page API both go through it, so there is one set of rules for a save.
//
// A save holds one lock from the If-Match comparison to the swapped site, so two saves of
// the same file never both succeed, and the file on disk and the page being served change
// together: if the reload fails, the old file is written back.
package pagedir

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Errors a save can end with besides pages.Errors (the 422 list).
var (
	ErrConflict = errors.New("the page file changed since it was read")
	ErrReadOnly = errors.New("the page directory is read-only")
	ErrNotFound = errors.New("no such page file")
	ErrExists   = errors.New("a page file with that name already exists")
)

// maxFiles and maxFileBytes bound what a reload reads into memory: the same limits the
// page loader reports on (100 files of 256 KiB); one more byte lets it say "too large".
const (
	maxFiles     = 100
	maxFileBytes = 256 << 10
)

// Versions keeps page versions; *store.Store implements it.
type Versions interface {
	RecordPageVersion(ctx context.Context, v store.PageVersion) (bool, error)
}

// Dir is the page directory of a running server.
type Dir struct {
	// Path is the directory on disk; "" when the built-in examples are served.
	Path string
	// ReadOnly says why pages cannot be edited here ("" when they can).
	ReadOnly string

	fsys     fs.FS
	apply    func([]*pages.Page) error
	extra    func([]*pages.Page) error
	versions Versions
	logger   *slog.Logger

	mu      sync.Mutex
	pending map[string]store.PageVersion // file → who is saving it, for the version record
}

// Options are what Open needs besides the path.
type Options struct {
	// Apply serves a freshly loaded, valid set of pages (builds the site, swaps it in). An
	// error leaves the previous pages served.
	Apply func([]*pages.Page) error
	// Check, if set, is what the server asks of a valid set of pages beyond `litmus check`'s
	// rules (a page with double_opt_in needs a mail server); a save it refuses is a problem
	// in the saved file, like the loader's.
	Check    func([]*pages.Page) error
	Versions Versions // nil: no history kept
	Logger   *slog.Logger
	// ReadOnly, if set, keeps pages from being edited here and says why (a LiteFS node,
	// whose page files must match every other node's).
	ReadOnly string
}

// Open returns the page directory at dir ("" for the built-in examples, always read-only).
// It does not load anything; call Reload.
func Open(dir string, o Options) *Dir {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	d := &Dir{Path: dir, apply: o.Apply, extra: o.Check, versions: o.Versions, logger: o.Logger, pending: map[string]store.PageVersion{}}
	if dir == "" {
		d.fsys = pages.Examples()
		d.ReadOnly = cmp.Or(o.ReadOnly, "Litmus is serving the example pages built into the program, which can't be changed. "+
			"Set LITMUS_PAGES to a folder of page files (or leave it unset so Litmus keeps them beside the database) to edit pages here.")
		return d
	}
	d.fsys = os.DirFS(dir)
	d.ReadOnly = o.ReadOnly
	if d.ReadOnly == "" {
		d.ReadOnly = writableProblem(dir)
	}
	return d
}

// writableProblem tries to create a file in dir and says why pages there cannot be edited.
func writableProblem(dir string) string {
	f, err := os.CreateTemp(dir, ".litmus-write-check-*")
	if err != nil {
		return fmt.Sprintf("The page folder %s is read-only here (%v), so pages can only be read. "+
			"Edit the files where they come from (your git checkout or image) and reload, "+
			"or point LITMUS_PAGES at a folder Litmus may write to.", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return ""
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ETag is the entity tag of a page file's text: a strong tag, the first 128 bits of its SHA-256.
func ETag(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// readAll reads every page file directly in the directory into memory.
func (d *Dir) readAll() (map[string][]byte, error) {
	entries, err := fs.ReadDir(d.fsys, ".")
	if err != nil {
		return nil, pages.Errors{{File: d.describe(), Msg: fmt.Sprintf("cannot read the page directory: %v", unwrapPath(err))}}
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !isPageFile(e) {
			continue
		}
		if len(files) > maxFiles {
			break // LoadSources reports "too many"
		}
		data, err := d.readFile(e.Name())
		if err != nil {
			return nil, err
		}
		files[e.Name()] = data
	}
	return files, nil
}

func isPageFile(e fs.DirEntry) bool {
	name := e.Name()
	return !e.IsDir() && !strings.HasPrefix(name, ".") && strings.EqualFold(path.Ext(name), ".toml")
}

func (d *Dir) readFile(name string) ([]byte, error) {
	f, err := d.fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxFileBytes+1))
}

// Read returns the text of one page file.
func (d *Dir) Read(file string) ([]byte, error) {
	if !validName(file) {
		return nil, ErrNotFound
	}
	return d.readFile(file)
}

// validName accepts plain page file names only: never a path.
func validName(file string) bool {
	return file != "" && file == path.Base(file) && file == filepath.Base(file) && !strings.HasPrefix(file, ".") &&
		strings.EqualFold(path.Ext(file), ".toml")
}

func (d *Dir) describe() string {
	if d.Path == "" {
		return "the built-in example pages"
	}
	return d.Path
}

// located names files in messages as the founder sees them (pages/chaser.toml).
func (d *Dir) located(err error) error {
	var perrs pages.Errors
	if !errors.As(err, &perrs) || d.Path == "" {
		return err
	}
	out := make(pages.Errors, len(perrs))
	for i, e := range perrs {
		e.File = filepath.Join(d.Path, e.File)
		out[i] = e
	}
	return out
}

// Check loads the directory as it would be with file's text replaced by data (or added),
// without writing anything: what a save would serve, or every problem.
func (d *Dir) Check(file string, data []byte) ([]*pages.Page, error) {
	files, err := d.readAll()
	if err != nil {
		return nil, err
	}
	files[file] = data
	ps, err := pages.LoadSources(files)
	if err != nil || d.extra == nil {
		return ps, err
	}
	if err := d.extra(ps); err != nil {
		var perrs pages.Errors
		if !errors.As(err, &perrs) {
			err = pages.Errors{{File: file, Msg: err.Error()}}
		}
		return nil, err
	}
	return ps, nil
}

// Reload reads the page files, serves them if they are all valid, and records each file
// whose text changed since its last kept version (edited on disk, or saved through Litmus).
// On any problem the pages being served stay as they are.
func (d *Dir) Reload(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reload(ctx)
}

func (d *Dir) reload(ctx context.Context) error {
	files, err := d.readAll()
	if err != nil {
		return err
	}
	ps, err := pages.LoadSources(files)
	if err != nil {
		return d.located(err)
	}
	if err := d.apply(ps); err != nil {
		return err
	}
	d.recordVersions(ctx, ps, files)
	return nil
}

// recordVersions keeps the text of every served page that changed since its last version.
// A failure is logged, not returned: the pages are already served, and history is a record
// of them, not a condition for serving them.
func (d *Dir) recordVersions(ctx context.Context, ps []*pages.Page, files map[string][]byte) {
	if d.versions == nil {
		return
	}
	for _, p := range ps {
		v, saving := d.pending[p.File]
		if !saving {
			v = store.PageVersion{Author: "file on disk", Note: "found when the page files were loaded"}
		}
		v.Page, v.Source = p.Slug, string(files[p.File])
		if _, err := d.versions.RecordPageVersion(ctx, v); err != nil {
			d.logger.Error("could not keep a version of a page file", "page", p.Slug, "err", err)
		}
	}
}
