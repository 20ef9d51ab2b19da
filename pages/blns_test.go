package pages

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// blnsPath is the Big List of Naughty Strings, kept beside the checkout (see
// ../shared/testdata/README.md); tests run in this package's directory.
const blnsPath = "../../shared/testdata/blns.txt"

// TestNaughtyStringsLoadOrFailClearly puts every string of the Big List of Naughty Strings
// into a title, a headline and a field label. Each page must either load with the text
// intact or be refused with one-line messages naming the key — never panic, never garble.
func TestNaughtyStringsLoadOrFailClearly(t *testing.T) {
	f, err := os.Open(blnsPath)
	if err != nil {
		t.Skipf("the Big List of Naughty Strings is not at %s (%v); CI provides it", blnsPath, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	loaded, refused := 0, 0
	for n := 1; sc.Scan(); n++ {
		s := sc.Text()
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		src := fmt.Sprintf("slug = \"naughty\"\ntitle = %s\n\n[pass_bar]\ntarget = \"5%%\"\nmin_visitors = 400\n\n"+
			"[[variants]]\nid = \"a\"\nheadline = %s\ncta = \"Go\"\n\n[[fields]]\nname = \"note\"\nlabel = %s\n",
			tomlString(s), tomlString(s), tomlString(s))
		pages, err := LoadDir(fstest.MapFS{"naughty.toml": {Data: []byte(src)}}, ".")
		if err == nil {
			loaded++
			p := pages[0]
			want := strings.TrimSpace(s)
			if p.Title != want || p.Variants[0].Headline != want || p.Fields[1].Label != want {
				t.Errorf("blns line %d: %q came back as title %q, headline %q, label %q", n, s, p.Title, p.Variants[0].Headline, p.Fields[1].Label)
			}
			continue
		}
		refused++
		var errs Errors
		if !errors.As(err, &errs) {
			t.Errorf("blns line %d: want Errors, got %T %v", n, err, err)
			continue
		}
		for _, e := range errs {
			clear := strings.HasPrefix(e.Msg, "title ") || strings.HasPrefix(e.Msg, "headline ") ||
				strings.HasPrefix(e.Msg, "label ") || strings.Contains(e.Msg, "UTF-8")
			if e.Line < 2 || !clear || strings.Contains(e.Msg, "\n") {
				t.Errorf("blns line %d (%q): unclear error %v", n, s, e)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d naughty strings loaded intact, %d refused with clear messages", loaded, refused)
	if loaded == 0 || refused == 0 {
		t.Errorf("loaded %d and refused %d strings; the list has both kinds", loaded, refused)
	}
}

// tomlString writes s as a TOML basic string, escaping what TOML requires. Text that is
// not UTF-8 is written as it is, so the loader's UTF-8 check is exercised too.
func tomlString(s string) string {
	if !utf8.ValidString(s) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
