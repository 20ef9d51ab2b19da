package pages

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
)

// loadDraft encodes d and loads the file as the server would.
func loadDraft(t *testing.T, d Draft) (*Page, map[string]int, error) {
	t.Helper()
	text, lines := d.Encode()
	ps, err := LoadSources(map[string][]byte{"page.toml": text})
	if err != nil {
		return nil, lines, err
	}
	return ps[0], lines, nil
}

// TestDraftOfAPageEncodesTheSamePage: the form editor writes a file that loads as exactly
// the page it was filled from (same definition hash, so a save without changes never
// starts a new phase).
func TestDraftOfAPageEncodesTheSamePage(t *testing.T) {
	ps, err := LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		got, _, err := loadDraft(t, DraftOf(p))
		if err != nil {
			t.Fatalf("%s: the encoded draft does not load: %v", p.Slug, err)
		}
		got.File, got.Default = p.File, p.Default // one file alone is always the default
		if !reflect.DeepEqual(got, p) {
			t.Errorf("%s: round trip changed the page:\n got %+v\nwant %+v", p.Slug, got, p)
		}
		h1, _ := got.Definition()
		h2, _ := p.Definition()
		if h1 != h2 {
			t.Errorf("%s: definition hash changed", p.Slug)
		}
	}
}

// TestDraftProblemsAreOnTheLineOfTheirField maps loader messages back to form fields.
func TestDraftProblemsAreOnTheLineOfTheirField(t *testing.T) {
	ps, _ := LoadExamples()
	d := DraftOf(ps[0])
	d.Variants[1].Headline = ""
	d.Target = "fifty"
	d.Fields[1].Label = strings.Repeat("x", 201)
	_, lines, err := loadDraft(t, d)
	errs, ok := err.(Errors)
	if !ok || len(errs) != 3 {
		t.Fatalf("errors %v, want 3", err)
	}
	want := map[string]string{"pass_bar.target": "target must be a percentage", "variants.1.headline": "headline is empty", "fields.1.label": "label is too long"}
	for key, msg := range want {
		found := false
		for _, e := range errs {
			if e.Line == lines[key] && strings.Contains(e.Msg, msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q on line %d (%s): %v", msg, lines[key], key, errs)
		}
	}
}

// TestDraftKeepsNaughtyStringsIntact: whatever a founder types into the form (every
// string of the Big List of Naughty Strings, in a headline and a Markdown body) is written
// so that it loads back unchanged, or is refused by the same rule a hand-written file
// meets; the text is never garbled on the way.
func TestDraftKeepsNaughtyStringsIntact(t *testing.T) {
	f, err := os.Open(blnsPath)
	if err != nil {
		t.Skipf("the Big List of Naughty Strings is not at %s (%v); CI provides it", blnsPath, err)
	}
	defer f.Close()
	ps, _ := LoadExamples()
	sc := bufio.NewScanner(f)
	loaded := 0
	for sc.Scan() {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		d := DraftOf(ps[0])
		d.Variants[0].Headline = s
		d.Variants[0].Body = s + "\n\n" + s
		p, _, err := loadDraft(t, d)
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Errorf("%q: not a page-file error: %v", s, err)
			}
			continue
		}
		loaded++
		wantHead, _ := cleanLine(s)
		wantBody, _ := cleanMarkdown(s + "\n\n" + s)
		if p.Variants[0].Headline != wantHead || p.Variants[0].Body != wantBody {
			t.Errorf("%q came back as headline %q, body %q", s, p.Variants[0].Headline, p.Variants[0].Body)
		}
	}
	if loaded < 400 {
		t.Errorf("only %d naughty strings loaded", loaded)
	}
}

func TestDraftMissesKeysTheFormCannotHold(t *testing.T) {
	for _, f := range []string{"chaser.toml", "taxpot.toml"} {
		src, _ := exampleFiles.ReadFile("examples/" + f)
		if got := DraftMisses(src); len(got) != 0 {
			t.Errorf("%s: the form misses %v", f, got)
		}
	}
	src := "slug = \"x\"\nlang = \"de\"\n[[variants]]\nid = \"a\"\nimage = \"/static/a.png\"\n[[questions]]\ntext = \"Why?\"\n"
	if got := strings.Join(DraftMisses([]byte(src)), ","); got != "lang,questions,variants.image" {
		t.Errorf("DraftMisses = %s", got)
	}
}
