package pages

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
)

// fuzzCorpusDir is FuzzLoad's seed corpus: the examples and every bad case, so fuzzing
// starts from files that reach deep into the checks. `go test -update` rewrites it.
const fuzzCorpusDir = "testdata/fuzz/FuzzLoad"

// FuzzLoad feeds arbitrary bytes to the loader as a page file. It must never panic; a page
// it accepts must satisfy everything the rest of Litmus relies on; a page it refuses must
// get one-line messages on lines that exist.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		pages, err := LoadDir(fstest.MapFS{"f.toml": {Data: data}}, ".")
		if err != nil {
			checkRefusal(t, data, err)
			return
		}
		if len(pages) != 1 {
			t.Fatalf("one file gave %d pages", len(pages))
		}
		checkPageInvariants(t, pages[0])
	})
}

func checkRefusal(t *testing.T, data []byte, err error) {
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("want Errors, got %T %v", err, err)
	}
	lines := bytes.Count(data, []byte("\n")) + 1
	for _, e := range errs {
		if e.File != "f.toml" || e.Msg == "" || strings.Contains(e.Msg, "\n") || e.Line < 0 || e.Line > lines {
			t.Fatalf("bad error %#v for a %d-line file", e, lines)
		}
	}
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// checkPageInvariants is what handlers, the store and the renderer may assume of a page.
func checkPageInvariants(t *testing.T, p *Page) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("accepted page breaks an invariant: "+format, args...)
	}
	if !p.Default {
		fail("the only page must be the default")
	}
	if checkSlug(p.Slug) != "" || p.Slug == "" {
		fail("slug %q", p.Slug)
	}
	for _, s := range []struct {
		name, value string
		max         int
		required    bool
	}{
		{"title", p.Title, maxTitleLen, true},
		{"description", p.Description, maxDescriptionLen, false},
		{"thanks headline", p.Thanks.Headline, maxThanksHeadlineLen, true},
		{"share text", p.Thanks.ShareText, maxShareTextLen, false},
	} {
		checkLine(t, s.name, s.value, s.max, s.required)
	}
	if p.BrandColor != "" && !colorPattern.MatchString(p.BrandColor) {
		fail("brand colour %q", p.BrandColor)
	}
	for _, u := range []string{p.Logo, p.SocialImage} {
		if u != "" && checkURL(u) != "" {
			fail("url %q", u)
		}
	}
	if n := len(p.Variants); n < minVariants || n > maxVariants {
		fail("%d variants", n)
	}
	ids := map[string]bool{}
	for _, v := range p.Variants {
		if checkVariantID(v.ID) != "" || ids[v.ID] {
			fail("variant id %q", v.ID)
		}
		ids[v.ID] = true
		if v.Weight < minWeight || v.Weight > maxWeight {
			fail("weight %d", v.Weight)
		}
		checkLine(t, "headline", v.Headline, maxHeadlineLen, true)
		checkLine(t, "cta", v.CTA, maxCTALen, true)
		checkLine(t, "price", v.Price, maxPriceLen, false)
		if len([]rune(v.Body)) > maxBodyLen {
			fail("body of %d characters", len([]rune(v.Body)))
		}
	}
	if len(p.Fields) == 0 || p.Fields[0].Name != "email" || p.Fields[0].Kind != FieldEmail || !p.Fields[0].Required {
		fail("the email field must come first, required: %+v", p.Fields)
	}
	if len(p.Fields) > maxFields {
		fail("%d fields", len(p.Fields))
	}
	names := map[string]bool{}
	for i, fl := range p.Fields {
		if names[fl.Name] || checkFieldName(fl.Name) != "" || (i > 0 && fl.Kind == FieldEmail) {
			fail("field %+v", fl)
		}
		names[fl.Name] = true
		checkLine(t, "label", fl.Label, maxLabelLen, true)
		if fl.MaxLength < 1 {
			fail("field %q has no length bound", fl.Name)
		}
		if (fl.Kind == FieldSelect) != (len(fl.Options) >= minOptions) {
			fail("field %q of kind %s has options %q", fl.Name, fl.Kind, fl.Options)
		}
	}
	bar := p.PassBar
	if !(bar.TargetRate > 0 && bar.TargetRate < 1) || bar.MinVisitors < 1 || bar.MinVisitors > maxMinVisitors || bar.MinDays < 0 || bar.MinDays > maxMinDays {
		fail("pass bar %+v", bar)
	}
	if hash, canonical := p.Definition(); !hexHash.MatchString(hash) || len(canonical) == 0 {
		fail("definition %q", hash)
	}
}

// checkLine asserts a single-line text value is present when required, short enough, and
// free of control characters and surrounding space.
func checkLine(t *testing.T, name, s string, max int, required bool) {
	t.Helper()
	if (required && s == "") || len([]rune(s)) > max || s != strings.TrimSpace(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		t.Fatalf("accepted page breaks an invariant: %s %q", name, s)
	}
}

// TestFuzzSeedCorpusIsCurrent keeps the seed corpus equal to the examples and bad cases.
func TestFuzzSeedCorpusIsCurrent(t *testing.T) {
	seeds := map[string][]byte{}
	examples, err := fs.Glob(Examples(), "*.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range examples {
		data, err := fs.ReadFile(Examples(), name)
		if err != nil {
			t.Fatal(err)
		}
		seeds["example-"+strings.TrimSuffix(name, ".toml")] = data
	}
	bad, err := filepath.Glob(filepath.Join(errorCasesDir, "*", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	single, _ := filepath.Glob(filepath.Join(errorCasesDir, "*.toml"))
	for _, path := range append(bad, single...) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(errorCasesDir, path)
		seeds["bad-"+strings.NewReplacer("/", "-", `\`, "-", ".toml", "").Replace(rel)] = data
	}
	if updateGolden() {
		if err := os.MkdirAll(fuzzCorpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range seeds {
		want := []byte("go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n")
		path := filepath.Join(fuzzCorpusDir, name)
		if updateGolden() {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
			t.Errorf("seed %s is missing or stale (go test -update rewrites the corpus)", path)
		}
	}
}
