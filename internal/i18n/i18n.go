// Package i18n holds every word Litmus itself writes on a visitor's page — form errors, the
// "(optional)" mark, expired-form and rate-limit messages, the default thank-you page, the
// preview banner, error pages — in each language it ships, one embedded JSON file per
// language (messages/*.json, en.json the reference). A page picks its language with `lang`
// (BCP 47) and may override any single message in its file.
//
// Plural forms follow CLDR's rules for the language (golang.org/x/text/feature/plural) and
// numbers are written the language's way (golang.org/x/text/message); nothing is built by
// concatenating words. The admin stays in English and does not use this package.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed messages/*.json
var files embed.FS

// Default is the language of a page that names none.
const Default = "en"

// entry is one message in one language: a single text, or plural forms chosen by the
// number in the argument named Count ("one", "few", "other", … as CLDR names them).
type entry struct {
	Text  string
	Count string
	Forms map[string]string
}

func (e *entry) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &e.Text); err == nil {
		return nil
	}
	var forms map[string]string
	if err := json.Unmarshal(b, &forms); err != nil {
		return fmt.Errorf("a message is text or an object of plural forms: %w", err)
	}
	e.Count = forms["count"]
	delete(forms, "count")
	e.Forms = forms
	if e.Count == "" || forms["other"] == "" {
		return fmt.Errorf(`plural forms need "count" (the argument that decides) and an "other" form`)
	}
	return nil
}

// catalogue is one language's messages.
type catalogue struct {
	tag      language.Tag
	messages map[string]entry
}

var (
	catalogues = map[language.Tag]*catalogue{}
	supported  []language.Tag // en first: the matcher's fallback
	matcher    language.Matcher
	keys       []string // the reference (English) keys, sorted
)

func init() {
	names, err := files.ReadDir("messages")
	if err != nil {
		panic(err)
	}
	for _, f := range names {
		b, err := files.ReadFile("messages/" + f.Name())
		if err != nil {
			panic(err)
		}
		tag := language.MustParse(strings.TrimSuffix(f.Name(), path.Ext(f.Name())))
		c := &catalogue{tag: tag}
		if err := json.Unmarshal(b, &c.messages); err != nil {
			panic(fmt.Sprintf("i18n: messages/%s: %v", f.Name(), err))
		}
		catalogues[tag] = c
		if tag == language.English {
			supported = append([]language.Tag{tag}, supported...)
		} else {
			supported = append(supported, tag)
		}
	}
	matcher = language.NewMatcher(supported)
	for k := range catalogues[language.English].messages {
		keys = append(keys, k)
	}
	sort.Strings(keys)
}

// Languages lists the languages with a catalogue, as BCP 47 tags ("en", "pt-BR", …).
func Languages() []string {
	out := make([]string, len(supported))
	for i, t := range supported {
		out[i] = t.String()
	}
	sort.Strings(out)
	return out
}

// Keys lists every message key, sorted.
func Keys() []string { return slices.Clone(keys) }

// Messages are one page's messages: its language's catalogue with the page's own overrides.
// A Messages is immutable and safe for concurrent use.
type Messages struct {
	lang      language.Tag // as the page wrote it, for <html lang>
	cat       *catalogue
	overrides map[string]string
	printer   *message.Printer
}

// For returns the messages for a page in lang (a BCP 47 tag; "" means English) with the
// page's overrides (key → text). It refuses a tag that is not BCP 47, a language Litmus has
// no catalogue for, and an override that names no message or uses a placeholder the message
// does not have; each error is a sentence for the founder.
func For(lang string, overrides map[string]string) (*Messages, error) {
	if lang == "" {
		lang = Default
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("%q is not a language tag: use a BCP 47 tag like \"de\", \"pt-BR\" or \"ja\"", lang)
	}
	_, index, conf := matcher.Match(tag)
	want, _ := tag.Base()
	got, _ := supported[index].Base()
	if conf == language.No || want != got { // the matcher falls back to English for some languages
		return nil, fmt.Errorf("Litmus has no messages in %q yet; it has %s", lang, strings.Join(Languages(), ", "))
	}
	cat := catalogues[supported[index]]
	for k, text := range overrides {
		if err := CheckOverride(k, text); err != nil {
			return nil, err
		}
	}
	return &Messages{lang: tag, cat: cat, overrides: overrides, printer: message.NewPrinter(cat.tag)}, nil
}

// MustFor is For for tags and overrides known to be valid (tests, built-in pages).
func MustFor(lang string) *Messages {
	m, err := For(lang, nil)
	if err != nil {
		panic(err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// CheckOverride reports a page-file override that names no message, or that uses a
// placeholder the message does not fill in.
func CheckOverride(key, text string) error {
	ref, ok := catalogues[language.English].messages[key]
	if !ok {
		return fmt.Errorf("there is no message called %q; docs/page-files.md lists them", key)
	}
	allowed := placeholders(ref)
	for _, p := range placeholder.FindAllString(text, -1) {
		if !slices.Contains(allowed, p) {
			if len(allowed) == 0 {
				return fmt.Errorf("message %q has no placeholders, so %s cannot be filled in", key, p)
			}
			return fmt.Errorf("message %q can use %s, not %s", key, strings.Join(allowed, " "), p)
		}
	}
	return nil
}

// placeholders lists the {names} a message uses in any of its forms.
func placeholders(e entry) []string {
	texts := []string{e.Text}
	for _, f := range e.Forms {
		texts = append(texts, f)
	}
	var out []string
	for _, t := range texts {
		for _, p := range placeholder.FindAllString(t, -1) {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Lang is the page's language tag as written, for <html lang>.
func (m *Messages) Lang() string { return m.lang.String() }

// Dir is the text direction of the page's language: "rtl" for scripts written right to
// left (Arabic, Hebrew, …), else "ltr".
func (m *Messages) Dir() string {
	script, _ := m.lang.Script()
	switch script.String() {
	case "Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg", "Mand", "Samr":
		return "rtl"
	}
	return "ltr"
}

// Text returns the message key with its placeholders filled from args, given as name, value
// pairs ("label", "Name", "n", 12). Integers are written the language's way and choose the
// plural form when the message has them. An unknown key returns the key itself, which the
// catalogue test makes impossible for keys Litmus uses.
func (m *Messages) Text(key string, args ...any) string {
	text := m.pick(key, args)
	if !strings.Contains(text, "{") {
		return text
	}
	return placeholder.ReplaceAllStringFunc(text, func(p string) string {
		name := p[1 : len(p)-1]
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == name {
				return m.format(args[i+1])
			}
		}
		return p
	})
}

// HTML is Text for a message shown as HTML, with each filled-in value in <strong>: every
// piece is escaped, so neither the catalogue nor the values can add markup.
func (m *Messages) HTML(key string, args ...any) template.HTML {
	text := m.pick(key, args)
	var b strings.Builder
	last := 0
	for _, loc := range placeholder.FindAllStringIndex(text, -1) {
		b.WriteString(html.EscapeString(text[last:loc[0]]))
		name := text[loc[0]+1 : loc[1]-1]
		value := text[loc[0]:loc[1]]
		for i := 0; i+1 < len(args); i += 2 {
			if args[i] == name {
				value = m.format(args[i+1])
			}
		}
		b.WriteString("<strong>" + html.EscapeString(value) + "</strong>")
		last = loc[1]
	}
	b.WriteString(html.EscapeString(text[last:]))
	return template.HTML(b.String()) //nolint:gosec // every piece escaped above
}

// pick chooses the text: the page's override, else the catalogue's form for the count.
func (m *Messages) pick(key string, args []any) string {
	if t, ok := m.overrides[key]; ok {
		return t
	}
	e, ok := m.cat.messages[key]
	if !ok {
		return key
	}
	if e.Forms == nil {
		return e.Text
	}
	n := 0
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == e.Count {
			n, _ = args[i+1].(int)
		}
	}
	if f, ok := e.Forms[PluralForm(m.cat.tag, n)]; ok {
		return f
	}
	return e.Forms["other"]
}

// PluralForm is the CLDR plural category of the whole number n in the language of tag.
func PluralForm(tag language.Tag, n int) string {
	switch plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0) {
	case plural.Zero:
		return "zero"
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	}
	return "other"
}

func (m *Messages) format(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return m.printer.Sprintf("%d", v)
	}
	return m.printer.Sprint(v)
}
