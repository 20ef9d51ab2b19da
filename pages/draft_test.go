package pages

import (
	"bufio"
	"os"
	"reflect"
	"slices"
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
	if got := strings.Join(DraftMisses([]byte(src)), ","); got != "lang,questions.text,variants.image" {
		t.Errorf("DraftMisses = %s", got)
	}
	signals, err := os.ReadFile(signalsExample)
	if err != nil {
		t.Fatal(err)
	}
	if got := DraftMisses(signals); len(got) != 0 {
		t.Errorf("%s: the form misses %v", signalsExample, got)
	}
}

// signalsExample uses every key of the demand signals (double_opt_in, referrals, counts,
// [confirmation], [[questions]]).
const signalsExample = "../docs/examples/signals.toml"

// TestDraftHoldsTheDemandSignalsAndPromises: a page with double opt-in, a confirmation
// copy, share links, both kinds of question, counts = "confirmed" and the promises goes
// through the form unchanged; a default confirmation text is not written, so it keeps
// following the title.
func TestDraftHoldsTheDemandSignalsAndPromises(t *testing.T) {
	src, err := os.ReadFile(signalsExample)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(src), "min_days = 7\n", "min_days = 7\nif_validated = \"build it\"\nif_invalidated = \"try agencies\"\n", 1)
	text = strings.Replace(text, "[confirmation]\n", "[confirmation]\nconfirmed = \"\"\"\nYou're in.\n\nWe'll **write** soon.\"\"\"\n", 1)
	ps, err := LoadSources(map[string][]byte{"signals.toml": []byte(text)})
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	if p.PassBar.IfValidated != "build it" || p.PassBar.Counts != CountsConfirmed || len(p.Questions) != 2 || !p.Referrals || !strings.Contains(p.Confirmation.Confirmed, "**write**") {
		t.Fatalf("the test page did not load as meant: %+v", p)
	}
	d := DraftOf(p)
	if d.Confirmation.Body != "" || d.Confirmation.Subject == "" {
		t.Errorf("confirmation in the draft: %+v (the default body is left out, the written subject kept)", d.Confirmation)
	}
	got, _, err := loadDraft(t, d)
	if err != nil {
		t.Fatalf("the encoded draft does not load: %v", err)
	}
	got.File = p.File
	if !reflect.DeepEqual(got, p) {
		t.Errorf("round trip changed the page:\n got %+v\nwant %+v", got, p)
	}
	if h1, _ := got.Definition(); h1 != mustHash(p) {
		t.Error("definition hash changed")
	}
	d.Title = "Chaser, renamed"
	renamed, _, err := loadDraft(t, d)
	if err != nil || !strings.Contains(renamed.Confirmation.Body, "Chaser, renamed") {
		t.Errorf("the default confirmation body does not follow the new title: %v %q", err, renamed.Confirmation.Body)
	}

	// Mistakes in the new keys are on the lines of their form fields.
	d = DraftOf(p)
	d.Questions[1].MaxLength = 5000
	d.DoubleOptIn = false
	_, lines, err := loadDraft(t, d)
	errs, _ := err.(Errors)
	for key, msg := range map[string]string{"questions.1.max_length": "max_length", "pass_bar.counts": "double_opt_in"} {
		if !slices.ContainsFunc(errs, func(e Error) bool { return e.Line == lines[key] && strings.Contains(e.Msg, msg) }) {
			t.Errorf("no %q on line %d (%s): %v", msg, lines[key], key, errs)
		}
	}
}

func mustHash(p *Page) string {
	h, _ := p.Definition()
	return h
}
