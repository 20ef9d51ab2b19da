package pages

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/static"
)

func TestBrandTextColourIsChosenForContrast(t *testing.T) {
	cases := []struct {
		name, brand, wantInk string
	}{
		{"default indigo carries white text", "", "#ffffff"},
		{"dark teal carries white text", "#0f766e", "#ffffff"},
		{"black carries white text", "#000", "#ffffff"},
		{"yellow is too light for white: dark text", "#fde047", "#111827"},
		{"orange fails white at 4.5: dark text", "#ff7f00", "#111827"},
		{"white brand: dark text", "#FFFFFF", "#111827"},
		{"mid grey where only pure black reaches 4.5", "#7c7c7c", "#000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := newBrandPalette(c.brand)
			if err != nil {
				t.Fatal(err)
			}
			if p.Ink != c.wantInk {
				t.Errorf("text on %s = %s, want %s", p.Brand, p.Ink, c.wantInk)
			}
		})
	}
}

// Whatever colour a founder picks, every pair the theme draws meets WCAG AA.
func TestEveryBrandColourGivesReadablePairs(t *testing.T) {
	for r := 0; r < 256; r += 15 {
		for g := 0; g < 256; g += 15 {
			for b := 0; b < 256; b += 15 {
				c := rgb{uint8(r), uint8(g), uint8(b)}
				p, err := newBrandPalette(c.hex())
				if err != nil {
					t.Fatal(err)
				}
				brand, ink, hover, text := mustParse(t, p.Brand), mustParse(t, p.Ink), mustParse(t, p.Hover), mustParse(t, p.Text)
				for _, pair := range []struct {
					what string
					a, b rgb
				}{
					{"button text", brand, ink},
					{"button text under the pointer", hover, ink},
					{"links on white", text, white},
				} {
					if got := contrast(pair.a, pair.b); got < 4.5 {
						t.Fatalf("brand %s: %s %s on %s has contrast %.2f, want at least 4.5", c.hex(), pair.what, pair.a.hex(), pair.b.hex(), got)
					}
				}
				if hover == brand {
					t.Fatalf("brand %s: the hover colour is the same as the button", c.hex())
				}
			}
		}
	}
}

func mustParse(t *testing.T, s string) rgb {
	t.Helper()
	c, err := parseHexColor(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestContrastMatchesWCAGExamples(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#ffffff", "#ffffff", 1},
		{"#767676", "#ffffff", 4.54}, // the lightest grey that passes AA on white
		{"#4f46e5", "#ffffff", 6.29},
	} {
		got := contrast(mustParse(t, c.a), mustParse(t, c.b))
		if got < c.want-0.01 || got > c.want+0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

func TestBrandColourParsing(t *testing.T) {
	for in, want := range map[string]string{"#abc": "#aabbcc", "#4F46E5": "#4f46e5"} {
		if got, err := parseHexColor(in); err != nil || got.hex() != want {
			t.Errorf("parseHexColor(%q) = %s, %v; want %s", in, got.hex(), err, want)
		}
	}
	for _, bad := range []string{"", "4f46e5", "#4f46e", "#ggg", "red", "#4f46e5ff", "#+1f46e"} {
		if _, err := parseHexColor(bad); err == nil {
			t.Errorf("parseHexColor(%q) accepted a bad colour", bad)
		}
	}
}

// A page without a brand colour sends no inline style: app.css carries the default palette,
// which must be exactly what the page would get by naming the default colour.
func TestStylesheetDefaultsMatchDefaultPalette(t *testing.T) {
	css, err := fs.ReadFile(static.FS, "app.css")
	if err != nil {
		t.Fatal(err)
	}
	p, err := newBrandPalette("")
	if err != nil {
		t.Fatal(err)
	}
	for prop, want := range map[string]string{
		"--brand": p.Brand, "--brand-ink": p.Ink, "--brand-hover": p.Hover,
		"--brand-text": p.Text, "--brand-soft": p.Soft,
	} {
		m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(prop) + `:\s*(#[0-9a-f]{6});`).FindSubmatch(css)
		if m == nil {
			t.Errorf("app.css does not set %s in :root", prop)
			continue
		}
		if string(m[1]) != want {
			t.Errorf("app.css sets %s: %s, but the default palette has %s", prop, m[1], want)
		}
	}

	page := live(t, prepare(t, func() *Page { p := testPage(); p.BrandColor = ""; return p }()), "control", "t")
	if strings.Contains(string(page), "<style>") {
		t.Error("a page without a brand colour has an inline <style> block")
	}
}
