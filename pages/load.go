package pages

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
)

// LoadDir loads every page file (*.toml) directly inside dir of fsys and checks each one and
// the set as a whole. On any problem it returns no pages and an Errors listing every
// problem as "file:line: message", sorted by file and line, so a founder sees all of them in
// one run. Pages come back in a fixed order: the default page first, then by slug.
//
// Messages and Page.File name each file as path.Join(dir, name), so pass the directory a
// founder knows (os.DirFS("."), "pages") rather than os.DirFS("pages"), "." when the
// messages should show it.
func LoadDir(fsys fs.FS, dir string) ([]*Page, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, Errors{{File: dir, Msg: fmt.Sprintf("cannot read the page directory: %v", err)}}
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && !strings.HasPrefix(name, ".") && strings.EqualFold(path.Ext(name), ".toml") {
			files = append(files, path.Join(dir, name))
		}
	}
	pattern := path.Join(dir, "*.toml")
	switch {
	case len(files) == 0:
		return nil, Errors{{File: pattern, Msg: "no page files found: add one .toml file per landing page (docs/page-files.md describes the format; the built-in examples are a good start)"}}
	case len(files) > maxPageFiles:
		return nil, Errors{{File: pattern, Msg: fmt.Sprintf("%d page files found, the limit is %d", len(files), maxPageFiles)}}
	}

	var all []loadedFile
	var errs Errors
	for _, name := range files {
		lf := loadFile(fsys, name)
		errs = append(errs, lf.errs...)
		all = append(all, lf)
	}
	errs = append(errs, checkSlugsUnique(all)...)
	errs = append(errs, checkDomainsUnique(all)...)
	errs = append(errs, chooseDefault(all, pattern)...)
	if len(errs) > 0 {
		return nil, errs.sorted()
	}

	pages := make([]*Page, len(all))
	for i, lf := range all {
		pages[i] = lf.page
	}
	slices.SortFunc(pages, func(a, b *Page) int {
		if a.Default != b.Default {
			if a.Default {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Slug, b.Slug)
	})
	return pages, nil
}

// loadedFile is one page file after loading, with what the checks across files need.
type loadedFile struct {
	name  string
	page  *Page // nil when the file could not be read or parsed
	errs  Errors
	lines lineIndex
	// defaultKnown is false when the file's default setting could not be read, so a
	// "no default page" message would only add noise to the error already shown.
	defaultKnown bool
}

// loadFile reads, parses and checks one page file.
func loadFile(fsys fs.FS, name string) loadedFile {
	lf := loadedFile{name: name}
	fail := func(line int, format string, args ...any) loadedFile {
		lf.errs = append(lf.errs, Error{File: name, Line: line, Msg: fmt.Sprintf(format, args...)})
		return lf
	}
	data, err := readBounded(fsys, name)
	if err != nil {
		return fail(0, "%v", err)
	}
	// Some editors start UTF-8 files with a byte-order mark; TOML does not allow one.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return fail(invalidUTF8Line(data), "this line is not valid UTF-8 text; save the file as UTF-8 in your editor")
	}
	var values map[string]any
	if err := toml.Unmarshal(data, &values); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			msg := strings.TrimPrefix(de.Error(), "toml: ")
			if strings.Contains(msg, "start of value") {
				msg += "; text needs double quotes, like title = \"My idea\""
			}
			return fail(row, "not valid TOML: %s", msg)
		}
		return fail(1, "not valid TOML: %v", err)
	}
	d := &fileDecoder{file: name, lines: indexLines(data)}
	lf.page = d.decodePage(values)
	lf.errs = d.errs
	lf.lines = d.lines
	_, defaultWritten := values["default"]
	_, isBool := values["default"].(bool)
	lf.defaultKnown = !defaultWritten || isBool
	return lf
}

// readBounded reads a page file, refusing anything over maxFileBytes: a page file is text a
// person wrote, and a huge one is a mistake (a wrong file, a pasted image) to say so about.
func readBounded(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("cannot open: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("the file is larger than %d KiB, the limit for a page file; is it the right file?", maxFileBytes>>10)
	}
	return data, nil
}

// invalidUTF8Line is the line of the first byte that is not UTF-8.
func invalidUTF8Line(data []byte) int {
	good := data
	for len(good) > 0 {
		r, size := utf8.DecodeRune(good)
		if r == utf8.RuneError && size <= 1 {
			break
		}
		good = good[size:]
	}
	return bytes.Count(data[:len(data)-len(good)], []byte("\n")) + 1
}

// checkSlugsUnique reports every page whose slug an earlier file already uses: two pages
// at one address would hide one of them and mix their results.
func checkSlugsUnique(all []loadedFile) Errors {
	var errs Errors
	first := map[string]string{}
	for _, lf := range all {
		if lf.page == nil || lf.page.Slug == "" {
			continue
		}
		if other, dup := first[lf.page.Slug]; dup {
			errs = append(errs, Error{File: lf.name, Line: lf.lines.line("slug"),
				Msg: fmt.Sprintf("slug %q is already used by %s; each page needs its own slug", lf.page.Slug, other)})
			continue
		}
		first[lf.page.Slug] = lf.name
	}
	return errs
}

// chooseDefault decides which page GET / of the main site serves: the only page without
// domains, or the one page with default = true. Guessing among several would send the
// founder's traffic to the wrong page. Pages with domains are served at / on their own hosts
// and take no part; with none left, the main site's root has no page.
func chooseDefault(every []loadedFile, pattern string) Errors {
	var all []loadedFile
	for _, lf := range every {
		if lf.page == nil || len(lf.page.Domains) == 0 {
			all = append(all, lf)
		}
	}
	if len(all) <= 1 {
		if len(all) == 1 && all[0].page != nil {
			all[0].page.Default = true
		}
		return nil
	}
	var defaults, names []string
	known := true
	for _, lf := range all {
		names = append(names, path.Base(lf.name))
		known = known && lf.page != nil && lf.defaultKnown
		if lf.page != nil && lf.page.Default {
			defaults = append(defaults, lf.name)
		}
	}
	switch {
	case len(defaults) > 1:
		var errs Errors
		for _, lf := range all {
			if lf.page != nil && lf.page.Default {
				errs = append(errs, Error{File: lf.name, Line: lf.lines.line("default"),
					Msg: fmt.Sprintf("default = true is set on %d pages (%s); set it on exactly one, the page served at /", len(defaults), strings.Join(defaults, ", "))})
			}
		}
		return errs
	case len(defaults) == 0 && known:
		return Errors{{File: pattern, Msg: fmt.Sprintf("none of the %d pages is the default, the page served at /; add default = true to one of %s", len(all), strings.Join(names, ", "))}}
	}
	return nil
}
