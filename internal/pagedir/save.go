package pagedir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Save is one change to a page file.
type Save struct {
	File    string // plain file name in the directory, e.g. "chaser.toml"
	Slug    string // the page being edited: the new text must keep it
	Data    []byte
	IfMatch string // the ETag the editor read; "*" for whatever is on disk
	Author  string // who, for the history: "admin (editor)", "admin (API)"
	Note    string // why, for the history: "restored version 3"
}

// Saved is the outcome of a successful save.
type Saved struct {
	Page *pages.Page
	ETag string
}

// Save replaces a page file, if its text on disk still has the ETag the editor read and
// the directory with the new text passes every check `litmus check` makes; then reloads.
// Errors: ErrReadOnly, ErrNotFound, ErrConflict, pages.Errors (the problems, by line), or
// an error from writing or reloading (the old file is then back in place and served).
func (d *Dir) Save(ctx context.Context, s Save) (Saved, error) {
	if d.ReadOnly != "" {
		return Saved{}, ErrReadOnly
	}
	if !validName(s.File) {
		return Saved{}, ErrNotFound
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old, err := d.readFile(s.File)
	if err != nil {
		return Saved{}, err
	}
	if s.IfMatch != "*" && s.IfMatch != ETag(old) {
		return Saved{}, ErrConflict
	}
	p, err := d.check(s.File, s.Data)
	if err != nil {
		return Saved{}, err
	}
	if p.Slug != s.Slug {
		return Saved{}, pages.Errors{{File: s.File, Line: slugLine(s.Data), Msg: fmt.Sprintf(
			"the slug can't change here: it is the page's address, and its results are kept under /%s. "+
				"Keep slug = %q, or create a new page from this one.", s.Slug, s.Slug)}}
	}
	if err := d.replace(ctx, s.File, old, s.Data, store.PageVersion{Author: s.Author, Note: s.Note}); err != nil {
		return Saved{}, err
	}
	return Saved{Page: p, ETag: ETag(s.Data)}, nil
}

// check validates the directory with file's text replaced and returns the page in file.
func (d *Dir) check(file string, data []byte) (*pages.Page, error) {
	ps, err := d.Check(file, data)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if p.File == file {
			return p, nil
		}
	}
	return nil, fmt.Errorf("pagedir: %s loaded but no page came from it", file) // LoadSources loads every file
}

// replace writes data as file (old is its current text; nil when new), reloads, and puts
// old back if the reload fails. Must hold d.mu.
func (d *Dir) replace(ctx context.Context, file string, old, data []byte, who store.PageVersion) error {
	target := filepath.Join(d.Path, file)
	if err := writeAtomic(target, data); err != nil {
		return fmt.Errorf("write %s: %w", target, err)
	}
	d.pending[file] = who
	err := d.reload(ctx)
	delete(d.pending, file)
	if err == nil {
		return nil
	}
	undo := func() error { return writeAtomic(target, old) }
	if old == nil {
		undo = func() error { return os.Remove(target) }
	}
	if uerr := undo(); uerr != nil {
		d.logger.Error("could not put the previous page file back after a failed reload", "file", target, "err", uerr)
		return errors.Join(err, uerr)
	}
	return err
}

// Create adds a new page file; it fails with ErrExists rather than replace one.
func (d *Dir) Create(ctx context.Context, file string, data []byte, author, note string) (Saved, error) {
	if d.ReadOnly != "" {
		return Saved{}, ErrReadOnly
	}
	if !validName(file) {
		return Saved{}, fmt.Errorf("pagedir: %q is not a page file name", file)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, err := os.Lstat(filepath.Join(d.Path, file)); err == nil {
		return Saved{}, ErrExists
	}
	p, err := d.check(file, data)
	if err != nil {
		return Saved{}, err
	}
	if err := d.replace(ctx, file, nil, data, store.PageVersion{Author: author, Note: note}); err != nil {
		return Saved{}, err
	}
	return Saved{Page: p, ETag: ETag(data)}, nil
}

// ArchiveDir is the folder inside the page directory where archived page files go. The
// loader reads only files directly in the page directory, so an archived page is not
// served; its phases, visitors and signups stay in the database.
const ArchiveDir = "archived"

// Archive moves a page file into ArchiveDir and reloads, if the remaining pages are a valid
// set (one of them must still be the default page). It returns where the file went.
func (d *Dir) Archive(ctx context.Context, file string, now time.Time) (string, error) {
	if d.ReadOnly != "" {
		return "", ErrReadOnly
	}
	if !validName(file) {
		return "", ErrNotFound
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	files, err := d.readAll()
	if err != nil {
		return "", err
	}
	if _, ok := files[file]; !ok {
		return "", ErrNotFound
	}
	delete(files, file)
	if _, err := pages.LoadSources(files); err != nil {
		return "", err
	}
	from := filepath.Join(d.Path, file)
	dest := filepath.Join(d.Path, ArchiveDir, now.UTC().Format("20060102-150405-")+file)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(from, dest); err != nil {
		return "", err
	}
	if err := d.reload(ctx); err != nil {
		if uerr := os.Rename(dest, from); uerr != nil {
			return "", errors.Join(err, uerr)
		}
		return "", err
	}
	return dest, nil
}

// writeAtomic replaces path with data so that a reader sees the old file or the new one,
// never a mix, and a crash leaves one of the two: write a temporary file in the same
// directory, sync it, rename it over the old one, sync the directory.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".litmus-save-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	if df, err := os.Open(dir); err == nil {
		_ = df.Sync() // not every file system syncs directories; the rename is done either way
		df.Close()
	}
	return nil
}

var slugLineRE = regexp.MustCompile(`(?m)^[ \t]*slug[ \t]*=`)

// slugLine is the line of the top-level slug key, for a message about it (1 if not found).
func slugLine(data []byte) int {
	loc := slugLineRE.FindIndex(data)
	if loc == nil {
		return 1
	}
	n := 1
	for _, b := range data[:loc[0]] {
		if b == '\n' {
			n++
		}
	}
	return n
}
