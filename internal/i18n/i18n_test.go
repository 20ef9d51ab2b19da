package i18n

import (
	"os"
	"strings"
	"testing"

	"golang.org/x/text/language"
)

// The languages the issue promises; a catalogue going missing fails here.
var promised = []string{"ar", "de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt-BR"}

func TestEveryCatalogueIsComplete(t *testing.T) {
	if got := strings.Join(Languages(), " "); got != strings.Join(promised, " ") {
		t.Fatalf("languages = %s, want %s", got, strings.Join(promised, " "))
	}
	ref := catalogues[language.English].messages
	for tag, c := range catalogues {
		for _, k := range keys {
			e, ok := c.messages[k]
			if !ok {
				t.Errorf("%s: missing message %q", tag, k)
				continue
			}
			if got, want := strings.Join(placeholders(e), " "), strings.Join(placeholders(ref[k]), " "); got != want {
				t.Errorf("%s: %q uses placeholders %q, English uses %q", tag, k, got, want)
			}
			if e.Forms == nil {
				if strings.TrimSpace(e.Text) == "" {
					t.Errorf("%s: %q is empty", tag, k)
				}
				continue
			}
			// Every plural category the language uses for whole numbers needs its form.
			for n := 0; n <= 1200; n++ {
				if _, ok := e.Forms[PluralForm(tag, n)]; !ok {
					t.Errorf("%s: %q has no %q form (needed for %d)", tag, k, PluralForm(tag, n), n)
					break
				}
			}
		}
		for k := range c.messages {
			if _, ok := ref[k]; !ok {
				t.Errorf("%s: message %q is not in en.json", tag, k)
			}
		}
	}
}

func TestLanguageTagsMatchTheirCatalogue(t *testing.T) {
	cases := []struct{ lang, catalogue, dir string }{
		{"", "en", "ltr"}, {"en-GB", "en", "ltr"}, {"de", "de", "ltr"}, {"de-AT", "de", "ltr"},
		{"pt-BR", "pt-BR", "ltr"}, {"pt", "pt-BR", "ltr"}, {"fr-CA", "fr", "ltr"}, {"es-419", "es", "ltr"},
		{"ja", "ja", "ltr"}, {"ar", "ar", "rtl"}, {"ar-EG", "ar", "rtl"}, {"nl-BE", "nl", "ltr"},
	}
	for _, c := range cases {
		m, err := For(c.lang, nil)
		if err != nil {
			t.Errorf("%q: %v", c.lang, err)
			continue
		}
		if m.cat.tag.String() != c.catalogue || m.Dir() != c.dir {
			t.Errorf("%q: catalogue %s dir %s, want %s %s", c.lang, m.cat.tag, m.Dir(), c.catalogue, c.dir)
		}
		want := c.lang
		if want == "" {
			want = "en"
		}
		if m.Lang() != want {
			t.Errorf("%q: Lang() = %q", c.lang, m.Lang())
		}
	}
	for _, bad := range []string{"klingon!", "zh", "he", "tlh", "i-klingon", "sv", "qaa"} {
		if _, err := For(bad, nil); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestPluralFormsAndNumbersFollowTheLanguage(t *testing.T) {
	cases := []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Name is too long: 1 character, the limit is 0."},
		{"en", 1201, "Name is too long: 1,201 characters, the limit is 0."},
		{"de", 1201, "„Name“ ist zu lang: 1.201 Zeichen, erlaubt sind höchstens 0."},
		{"pl", 3, "Pole „Name” jest za długie: 3 znaki, limit to 0."},
		{"pl", 5, "Pole „Name” jest za długie: 5 znaków, limit to 0."},
		{"pl", 22, "Pole „Name” jest za długie: 22 znaki, limit to 0."},
		{"ar", 2, "الحقل «Name» طويل جدًا: حرفان، والحد الأقصى ٠."},
		{"ar", 11, "الحقل «Name» طويل جدًا: ١١ حرفًا، والحد الأقصى ٠."},
		{"ja", 300, "「Name」が長すぎます（300文字）。0文字までで入力してください。"},
	}
	for _, c := range cases {
		if got := MustFor(c.lang).Text("field.too_long", "label", "Name", "n", c.n, "max", 0); got != c.want {
			t.Errorf("%s n=%d:\n got %s\nwant %s", c.lang, c.n, got, c.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	m, err := For("de", map[string]string{"form.optional": "(freiwillig)", "field.fill_required": "{label} fehlt noch."})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Text("form.optional"); got != "(freiwillig)" {
		t.Errorf("override = %q", got)
	}
	if got := m.Text("field.fill_required", "label", "Name"); got != "Name fehlt noch." {
		t.Errorf("override with a placeholder = %q", got)
	}
	if got := m.Text("form.choose_one"); got != "Bitte auswählen" {
		t.Errorf("a message not overridden = %q", got)
	}
	for _, c := range []struct{ key, text, want string }{
		{"form.optionel", "x", `there is no message called "form.optionel"`},
		{"form.optional", "{n}", `message "form.optional" has no placeholders`},
		{"field.fill_required", "{name}", `message "field.fill_required" can use {label}, not {name}`},
	} {
		if _, err := For("en", map[string]string{c.key: c.text}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("override %s=%q: %v, want %s", c.key, c.text, err, c.want)
		}
	}
}

func TestHTMLEscapesEveryPiece(t *testing.T) {
	m, err := For("en", map[string]string{"preview.banner": "<b>Preview</b> of {variant}"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(m.HTML("preview.banner", "variant", `<script>"x"</script>`))
	want := `&lt;b&gt;Preview&lt;/b&gt; of <strong>&lt;script&gt;&#34;x&#34;&lt;/script&gt;</strong>`
	if got != want {
		t.Errorf("HTML = %s\nwant %s", got, want)
	}
}

// docs/page-files.md lists every message a page can change.
func TestEveryMessageIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/page-files.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Keys() {
		if !strings.Contains(string(doc), "| `"+k+"` |") {
			t.Errorf("docs/page-files.md does not list the message %s", k)
		}
	}
}
