package pages

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Draft is a page as the editor's form holds it: every value a founder can change there,
// as text and numbers, before it is checked. Encode writes it as a page file, and the file
// is then loaded by the same rules as any other, so the form can never produce something a
// hand-written file could not.
//
// Encode writes Litmus's standard layout: comments and key order of the file the page was
// loaded from are not kept (the editor says so, and the history keeps the earlier text).
type Draft struct {
	Slug, Title, Description      string
	SocialImage, BrandColor, Logo string
	Default                       bool
	Variants                      []DraftVariant
	Fields                        []DraftField
	ThanksHeadline, ThanksBody    string
	ThanksShare                   string
	Target                        string // "5%"
	MinVisitors, MinDays          int
	Counts                        string // "" (every signup) or CountsConfirmed
	IfValidated, IfInvalidated    string // the promises; "" when not written

	// The demand signals: a confirmation mail, share links, questions after the signup.
	DoubleOptIn, Referrals bool
	Confirmation           DraftConfirmation
	Questions              []DraftQuestion
}

// DraftConfirmation is [confirmation], the copy of the confirmation mail and pages. An
// empty value is the default, so it is not written and a default that follows the title
// keeps following it.
type DraftConfirmation struct {
	Subject, Body, Button, Headline, Confirmed string
}

// DraftQuestion is one question on the thank-you page in a Draft.
type DraftQuestion struct {
	Name, Kind, Label string
	Options           []string // choice only
	MaxLength         int      // text only
}

// MaxQuestions is how many questions a page may ask after the signup.
const MaxQuestions = maxQuestions

// DraftVariant is one variant in a Draft.
type DraftVariant struct {
	ID, Headline, Subheadline, Body, CTA, Price string
	Weight                                      int
}

// DraftField is one form field in a Draft.
type DraftField struct {
	Name, Kind, Label, Placeholder string
	Required                       bool
	Options                        []string
	MaxLength                      int
}

// DraftOf is the draft of a loaded page: encoding it gives a file that loads as the same page.
func DraftOf(p *Page) Draft {
	d := Draft{
		Slug: p.Slug, Title: p.Title, Description: p.Description,
		SocialImage: p.SocialImage, BrandColor: p.BrandColor, Logo: p.Logo, Default: p.Default,
		ThanksHeadline: p.Thanks.Headline, ThanksBody: p.Thanks.Body, ThanksShare: p.Thanks.ShareText,
		Target: FormatPercent(p.PassBar.TargetRate), MinVisitors: p.PassBar.MinVisitors, MinDays: p.PassBar.MinDays,
		Counts: p.PassBar.Counts, IfValidated: p.PassBar.IfValidated, IfInvalidated: p.PassBar.IfInvalidated,
		DoubleOptIn: p.DoubleOptIn, Referrals: p.Referrals,
	}
	if p.DoubleOptIn { // [confirmation] is only read with double_opt_in
		unlessDefault := func(value, def string) string {
			if value == def {
				return ""
			}
			return value
		}
		// The page's language's defaults (internal/i18n) stay out of the file, so they keep
		// following the title and the language.
		c, def := p.Confirmation, defaultConfirmation(p)
		d.Confirmation = DraftConfirmation{
			Subject: unlessDefault(c.Subject, def.Subject), Body: unlessDefault(c.Body, def.Body),
			Button: unlessDefault(c.Button, def.Button), Headline: unlessDefault(c.Headline, def.Headline),
			Confirmed: unlessDefault(c.Confirmed, def.Confirmed),
		}
	}
	for _, q := range p.Questions {
		d.Questions = append(d.Questions, DraftQuestion{Name: q.Name, Kind: string(q.Kind), Label: q.Label,
			Options: append([]string(nil), q.Options...), MaxLength: q.MaxLength})
	}
	for _, v := range p.Variants {
		d.Variants = append(d.Variants, DraftVariant{ID: v.ID, Headline: v.Headline, Subheadline: v.Subheadline, Body: v.Body, CTA: v.CTA, Price: v.Price, Weight: v.Weight})
	}
	for _, f := range p.Fields {
		d.Fields = append(d.Fields, DraftField{Name: f.Name, Kind: string(f.Kind), Label: f.Label, Placeholder: f.Placeholder,
			Required: f.Required, Options: append([]string(nil), f.Options...), MaxLength: f.MaxLength})
	}
	return d
}

// FormatPercent writes a pass-bar rate as a page file does: 0.05 → "5%", 0.025 → "2.5%".
func FormatPercent(rate float64) string {
	bp := int(math.Round(rate * 10000))
	s := strconv.Itoa(bp / 100)
	if frac := bp % 100; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", frac), "0")
	}
	return s + "%"
}

// Encode writes the draft as a page file. lines maps each value's form name
// ("title", "variants.1.headline", "fields.0.label", "thanks.body", "pass_bar.target",
// "questions.0.label", "confirmation.subject") and each section ("variants.1", "fields.0",
// "thanks", "pass_bar", "questions.0", "confirmation") to its line, so a problem the loader
// reports on a line can be shown next to the form field it concerns.
func (d Draft) Encode() (text []byte, lines map[string]int) {
	e := &draftEncoder{lines: map[string]int{}, line: 1}
	e.comment("Page file written by the editor in the Litmus admin; docs/page-files.md describes every key.")
	e.str("", "slug", d.Slug)
	e.str("", "title", d.Title)
	e.str("", "description", d.Description)
	e.optional("", "social_image", d.SocialImage)
	e.optional("", "brand_color", d.BrandColor)
	e.optional("", "logo", d.Logo)
	if d.Default {
		e.raw("", "default", "true")
	}
	if d.DoubleOptIn {
		e.raw("", "double_opt_in", "true")
	}
	if d.Referrals {
		e.raw("", "referrals", "true")
	}
	e.section("pass_bar", "[pass_bar]")
	e.str("pass_bar.", "target", d.Target)
	e.raw("pass_bar.", "min_visitors", strconv.Itoa(d.MinVisitors))
	e.raw("pass_bar.", "min_days", strconv.Itoa(d.MinDays))
	e.optional("pass_bar.", "counts", d.Counts)
	e.optional("pass_bar.", "if_validated", d.IfValidated)
	e.optional("pass_bar.", "if_invalidated", d.IfInvalidated)
	for i, v := range d.Variants {
		p := fmt.Sprintf("variants.%d", i)
		e.section(p, "[[variants]]")
		e.str(p+".", "id", v.ID)
		e.raw(p+".", "weight", strconv.Itoa(v.Weight))
		e.str(p+".", "headline", v.Headline)
		e.str(p+".", "subheadline", v.Subheadline)
		e.multiline(p+".", "body", v.Body)
		e.str(p+".", "cta", v.CTA)
		e.str(p+".", "price", v.Price)
	}
	for i, f := range d.Fields {
		p := fmt.Sprintf("fields.%d", i)
		e.section(p, "[[fields]]")
		e.str(p+".", "name", f.Name)
		e.str(p+".", "kind", f.Kind)
		e.str(p+".", "label", f.Label)
		e.optional(p+".", "placeholder", f.Placeholder)
		e.raw(p+".", "required", strconv.FormatBool(f.Required))
		if FieldKind(f.Kind) == FieldSelect {
			e.list(p+".", "options", f.Options)
		}
		switch FieldKind(f.Kind) {
		case FieldEmail, FieldText, FieldTextarea:
			if f.MaxLength > 0 {
				e.raw(p+".", "max_length", strconv.Itoa(f.MaxLength))
			}
		}
	}
	e.section("thanks", "[thanks]")
	e.str("thanks.", "headline", d.ThanksHeadline)
	e.multiline("thanks.", "body", d.ThanksBody)
	e.optional("thanks.", "share_text", d.ThanksShare)
	for i, q := range d.Questions {
		p := fmt.Sprintf("questions.%d", i)
		e.section(p, "[[questions]]")
		e.str(p+".", "name", q.Name)
		e.str(p+".", "kind", q.Kind)
		e.str(p+".", "label", q.Label)
		switch QuestionKind(q.Kind) {
		case QuestionChoice:
			e.list(p+".", "options", q.Options)
		case QuestionText:
			if q.MaxLength > 0 {
				e.raw(p+".", "max_length", strconv.Itoa(q.MaxLength))
			}
		}
	}
	if c := d.Confirmation; c != (DraftConfirmation{}) {
		e.section("confirmation", "[confirmation]")
		e.optional("confirmation.", "subject", c.Subject)
		if c.Body != "" {
			e.multiline("confirmation.", "body", c.Body)
		}
		e.optional("confirmation.", "button", c.Button)
		e.optional("confirmation.", "headline", c.Headline)
		if c.Confirmed != "" {
			e.multiline("confirmation.", "confirmed", c.Confirmed)
		}
	}
	return []byte(e.b.String()), e.lines
}

type draftEncoder struct {
	b     strings.Builder
	lines map[string]int
	line  int
}

func (e *draftEncoder) write(s string) {
	e.b.WriteString(s)
	e.line += strings.Count(s, "\n")
}

func (e *draftEncoder) comment(s string) { e.write("# " + s + "\n") }

func (e *draftEncoder) section(path, header string) {
	e.write("\n")
	e.lines[path] = e.line
	e.write(header + "\n")
}

func (e *draftEncoder) raw(prefix, key, value string) {
	e.lines[prefix+key] = e.line
	e.write(key + " = " + value + "\n")
}

func (e *draftEncoder) str(prefix, key, value string) { e.raw(prefix, key, quoteTOML(value)) }

// list writes a TOML array of strings.
func (e *draftEncoder) list(prefix, key string, values []string) {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = quoteTOML(v)
	}
	e.raw(prefix, key, "["+strings.Join(quoted, ", ")+"]")
}

func (e *draftEncoder) optional(prefix, key, value string) {
	if value != "" {
		e.str(prefix, key, value)
	}
}

// multiline writes Markdown as a TOML multi-line string, one text line per file line.
func (e *draftEncoder) multiline(prefix, key, value string) {
	if !strings.ContainsAny(value, "\n\r") {
		e.str(prefix, key, value)
		return
	}
	e.lines[prefix+key] = e.line
	var b strings.Builder
	b.WriteString(key + " = \"\"\"\n")
	for _, r := range strings.ReplaceAll(value, "\r\n", "\n") {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		default:
			b.WriteString(escapeRune(r))
		}
	}
	b.WriteString("\n\"\"\"\n")
	e.write(b.String())
}

// quoteTOML writes s as a TOML basic string.
func quoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		b.WriteString(escapeRune(r))
	}
	b.WriteByte('"')
	return b.String()
}

// escapeRune is r as it may appear inside a TOML basic string (single- or multi-line).
func escapeRune(r rune) string {
	switch r {
	case '"':
		return `\"`
	case '\\':
		return `\\`
	case '\b':
		return `\b`
	case '\t':
		return `\t`
	case '\n':
		return `\n`
	case '\f':
		return `\f`
	case '\r':
		return `\r`
	}
	if r < 0x20 || r == 0x7f {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return string(r)
}

// The keys Encode writes, section by section. A page file may hold keys the form does not
// know (added to the format after the form was written, or by a newer Litmus); saving such
// a page from the form would silently drop them, so the editor refuses (DraftMisses).
var draftKeys = map[string][]string{
	"": {"slug", "title", "description", "social_image", "brand_color", "logo", "default", "variants", "fields", "thanks", "pass_bar",
		"double_opt_in", "referrals", "questions", "confirmation"},
	"variants":     {"id", "weight", "headline", "subheadline", "body", "cta", "price"},
	"fields":       {"name", "kind", "label", "placeholder", "required", "options", "max_length"},
	"thanks":       {"headline", "body", "share_text"},
	"pass_bar":     {"target", "min_visitors", "min_days", "counts", "if_validated", "if_invalidated"},
	"questions":    questionKeys,
	"confirmation": confirmationKeys,
}

// DraftMisses lists the keys of a page file's text that a Draft cannot hold ("lang",
// "[[webhooks]]", "variants.image"), so the form editor can say to use the Source tab
// instead of dropping them. Text that is not valid TOML misses nothing (the loader says why).
func DraftMisses(src []byte) []string {
	var values map[string]any
	if err := toml.Unmarshal(bytes.TrimPrefix(src, []byte("\uFEFF")), &values); err != nil {
		return nil
	}
	var out []string
	for key, v := range values {
		if !slices.Contains(draftKeys[""], key) {
			out = append(out, key)
			continue
		}
		var tables []map[string]any
		switch v := v.(type) {
		case map[string]any:
			tables = append(tables, v)
		case []any:
			for _, el := range v {
				if m, ok := el.(map[string]any); ok {
					tables = append(tables, m)
				}
			}
		}
		for _, t := range tables {
			for k := range t {
				if allowed, known := draftKeys[key]; known && !slices.Contains(allowed, k) && !slices.Contains(out, key+"."+k) {
					out = append(out, key+"."+k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
