package pages

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// minimalPage is the smallest page file that loads: everything else has a default.
const minimalPage = `
slug = "SLUG"
title = "Chaser"

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Get paid on time"
cta = "Join the waitlist"
`

// pageFile is minimalPage with the given slug; extra is appended to its only variant.
func pageFile(slug, extra string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte(strings.Replace(minimalPage, "SLUG", slug, 1) + extra)}
}

// defaultPageFile is pageFile with default = true.
func defaultPageFile(slug string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("default = true\n" + string(pageFile(slug, "").Data))}
}

func mustLoad(t *testing.T, fsys fstest.MapFS, dir string) []*Page {
	t.Helper()
	pages, err := LoadDir(fsys, dir)
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	return pages
}

func TestSinglePageIsTheDefaultWithSensibleDefaults(t *testing.T) {
	pages := mustLoad(t, fstest.MapFS{"p/chaser.toml": pageFile("chaser", "")}, "p")
	if len(pages) != 1 {
		t.Fatalf("got %d pages, want 1", len(pages))
	}
	p := pages[0]
	if !p.Default {
		t.Error("the only page must be the default")
	}
	if p.File != "p/chaser.toml" {
		t.Errorf("File = %q, want p/chaser.toml", p.File)
	}
	if p.PassBar != (PassBar{TargetRate: 0.05, MinVisitors: 400}) {
		t.Errorf("PassBar = %+v", p.PassBar)
	}
	if p.Variants[0].Weight != 1 {
		t.Errorf("weight without a value = %d, want 1", p.Variants[0].Weight)
	}
	wantEmail := Field{Name: "email", Kind: FieldEmail, Label: "Your email", Placeholder: "you@example.com", Required: true, MaxLength: 254}
	if len(p.Fields) != 1 || !fieldsEqual(p.Fields[0], wantEmail) {
		t.Errorf("Fields = %+v, want only the default email field %+v", p.Fields, wantEmail)
	}
	if p.Thanks.Headline != "You're on the list" || !strings.HasPrefix(p.Thanks.Body, "We're not ready yet") || p.Thanks.ShareText != "" {
		t.Errorf("Thanks = %+v, want the honest default", p.Thanks)
	}
}

func TestPagesComeDefaultFirstThenBySlug(t *testing.T) {
	fsys := fstest.MapFS{
		"p/1.toml": pageFile("zebra", ""),
		"p/2.toml": defaultPageFile("middle"),
		"p/3.toml": pageFile("apple", ""),
	}
	var slugs []string
	for _, p := range mustLoad(t, fsys, "p") {
		slugs = append(slugs, p.Slug)
	}
	if want := []string{"middle", "apple", "zebra"}; !slices.Equal(slugs, want) {
		t.Errorf("order = %v, want %v", slugs, want)
	}
}

func TestOnlyTopLevelTomlFilesAreRead(t *testing.T) {
	fsys := fstest.MapFS{
		"p/page.TOML":            pageFile("upper", ""),
		"p/notes.md":             {Data: []byte("not a page")},
		"p/.page.toml.swp":       {Data: []byte("\x00\x01")},
		"p/.hidden.toml":         {Data: []byte("not = [valid")},
		"p/drafts/draft.toml":    {Data: []byte("not = [valid")},
		"p/backup.toml~":         {Data: []byte("not = [valid")},
		"p/directory.toml/x.txt": {Data: []byte("a directory named like a page")},
	}
	pages := mustLoad(t, fsys, "p")
	if len(pages) != 1 || pages[0].Slug != "upper" {
		t.Fatalf("want only upper from page.TOML, got %d pages", len(pages))
	}
}

func TestByteOrderMarkAndWindowsLineEndingsAreFine(t *testing.T) {
	src := "\uFEFF" + strings.ReplaceAll(string(pageFile("bom", "body = \"\"\"\nOne\nTwo\n\"\"\"\nweight = 0\n").Data), "\n", "\r\n")
	_, err := LoadDir(fstest.MapFS{"bom.toml": {Data: []byte(src)}}, ".")
	// The only problem is the weight, on line 17 of the file: the mark and the \r do not shift lines.
	if err == nil || !strings.HasPrefix(err.Error(), "bom.toml:17: weight must be between 1 and 1,000") {
		t.Fatalf("got %v", err)
	}
	src = strings.Replace(src, "weight = 0", "weight = 2", 1)
	p := mustLoad(t, fstest.MapFS{"bom.toml": {Data: []byte(src)}}, ".")[0]
	if p.Slug != "bom" || p.Variants[0].Body != "One\nTwo" {
		t.Errorf("slug %q, body %q", p.Slug, p.Variants[0].Body)
	}
}

func TestMissingDirectoryIsOneClearError(t *testing.T) {
	_, err := LoadDir(fstest.MapFS{}, "nowhere")
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 {
		t.Fatalf("want one Error, got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "nowhere: cannot read the page directory") {
		t.Errorf("message = %q", err)
	}
}

func TestBodyIsDedentedAndTrimmed(t *testing.T) {
	extra := `body = """
    Indented to line up with the file.

        A line indented further stays indented.
    Last line.   
    """
subheadline = "   padded   "
`
	p := mustLoad(t, fstest.MapFS{"a.toml": pageFile("a", extra)}, ".")[0]
	wantBody := "Indented to line up with the file.\n\n    A line indented further stays indented.\nLast line.   "
	if got := p.Variants[0].Body; got != wantBody {
		t.Errorf("body = %q, want %q", got, wantBody)
	}
	if got := p.Variants[0].Subheadline; got != "padded" {
		t.Errorf("subheadline = %q, want it trimmed to %q", got, "padded")
	}
}

func TestFieldDefaults(t *testing.T) {
	extra := `
[[fields]]
name = "email"
label = "Work email"

[[fields]]
name = "name"
label = "Name"

[[fields]]
name = "about"
kind = "textarea"
label = "About you"

[[fields]]
name = "size"
kind = "select"
label = "Team size"
options = ["Just me", "2–10", "More than ten"]

[[fields]]
name = "ok"
kind = "checkbox"
label = "You may email me"
required = true
`
	p := mustLoad(t, fstest.MapFS{"a.toml": pageFile("a", extra)}, ".")[0]
	want := []Field{
		{Name: "email", Kind: FieldEmail, Label: "Work email", Placeholder: "you@example.com", Required: true, MaxLength: 254},
		{Name: "name", Kind: FieldText, Label: "Name", MaxLength: 200},
		{Name: "about", Kind: FieldTextarea, Label: "About you", MaxLength: 2000},
		{Name: "size", Kind: FieldSelect, Label: "Team size", Options: []string{"Just me", "2–10", "More than ten"}, MaxLength: 13},
		{Name: "ok", Kind: FieldCheckbox, Label: "You may email me", Required: true, MaxLength: 2},
	}
	if len(p.Fields) != len(want) {
		t.Fatalf("got %d fields, want %d: %+v", len(p.Fields), len(want), p.Fields)
	}
	for i := range want {
		if !fieldsEqual(p.Fields[i], want[i]) {
			t.Errorf("field %d = %+v, want %+v", i, p.Fields[i], want[i])
		}
	}
}

func TestInlineTablesAndDottedKeysAreTheSameFormat(t *testing.T) {
	// The same page written with TOML's other spellings must load identically, and errors
	// inside them must still point at the right line.
	src := `slug = "inline"
title = "Inline"
pass_bar = { target = "5%", min_visitors = 400 }
thanks.headline = "Thanks!"
variants = [
  { id = "a", headline = "A", cta = "Go" },
  { id = "b", headline = "B", cta = "Go", weight = 0 },
]
`
	_, err := LoadDir(fstest.MapFS{"i.toml": {Data: []byte(src)}}, ".")
	want := "i.toml:7: weight must be between 1 and 1,000 (found 0); weights are relative: 1 and 1 split visitors evenly, 3 and 1 send three quarters to the first"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	fixed := strings.Replace(src, ", weight = 0", "", 1)
	p := mustLoad(t, fstest.MapFS{"i.toml": {Data: []byte(fixed)}}, ".")[0]
	if p.Thanks.Headline != "Thanks!" || p.PassBar.MinVisitors != 400 || len(p.Variants) != 2 {
		t.Errorf("inline page loaded as %+v", p)
	}
}

func TestErrorFormat(t *testing.T) {
	errs := Errors{
		{File: "b.toml", Line: 2, Msg: "second file"},
		{File: "a.toml", Line: 10, Msg: "later line"},
		{File: "a.toml", Line: 9, Msg: "earlier line"},
		{File: "a.toml", Line: 9, Msg: "earlier line"},
		{File: "pages/*.toml", Msg: "about the directory"},
	}
	want := "a.toml:9: earlier line\na.toml:10: later line\nb.toml:2: second file\npages/*.toml: about the directory"
	if got := errs.sorted().Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func fieldsEqual(a, b Field) bool {
	return a.Name == b.Name && a.Kind == b.Kind && a.Label == b.Label && a.Placeholder == b.Placeholder &&
		a.Required == b.Required && a.MaxLength == b.MaxLength && slices.Equal(a.Options, b.Options)
}
