// Package signup turns what a visitor submitted into a clean signup, or into a message per
// field that says what to fix. It knows the page's form (from pages) and the rules for email
// addresses (from internal/email); it knows nothing of HTTP, so the same rules serve the HTML
// form, the JSON answer and the fuzz tests.
package signup

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/i18n"
	"github.com/litmuslabs/litmus/pages"
)

// Form is a validated submission: the normalised email and the other fields, trimmed.
type Form struct {
	Email  string
	Fields map[string]string // every non-email field the page declares that has a value
}

// FieldErrors maps a field name to the message shown next to it.
type FieldErrors map[string]string

// Values is what the visitor typed, kept as typed (but bounded) so the form can be shown
// again with their input in place.
type Values map[string]string

// maxKeepBytes bounds how much of one submitted value is kept for re-display: enough to
// show any legitimate input, small enough that a hostile body cannot be echoed back whole.
const maxKeepBytes = 8 << 10

// Read collects the page's fields from get (a form lookup), validates them and returns the
// clean form, the values to re-display, and the errors (nil when the form is valid). get is
// only asked for field names the page declares, so extra keys in a body are ignored.
func Read(p *pages.Page, get func(name string) string) (Form, Values, FieldErrors) {
	form := Form{Fields: map[string]string{}}
	values := Values{}
	errs := FieldErrors{}
	for i := range p.Fields {
		f := &p.Fields[i]
		raw := get(f.Name)
		values[f.Name] = keep(raw)
		clean, msg := field(p.Msg(), f, raw)
		if msg != "" {
			errs[f.Name] = msg
			continue
		}
		if f.Kind == pages.FieldEmail {
			form.Email = clean
		} else if clean != "" {
			form.Fields[f.Name] = clean
		}
	}
	if len(errs) == 0 {
		errs = nil
	}
	return form, values, errs
}

// field validates one value and returns it cleaned, or a message for the visitor in the
// page's language (m).
func field(m *i18n.Messages, f *pages.Field, raw string) (string, string) {
	label := f.Label
	if label == "" {
		label = f.Name
	}
	if f.Kind == pages.FieldEmail {
		addr, err := email.Normalize(raw)
		var e *email.Error
		if errors.As(err, &e) {
			return "", m.Text("email."+string(e.Rule), "max", e.Rule.Limit())
		}
		return addr, ""
	}
	if !utf8.ValidString(raw) {
		return "", m.Text("field.unreadable", "label", label)
	}
	v := strings.TrimSpace(raw)
	if f.Kind == pages.FieldCheckbox {
		switch v {
		case "":
			if f.Required {
				return "", m.Text("field.tick_required", "label", label)
			}
			return "", ""
		case "on", "yes", "true", "1":
			return "yes", ""
		default:
			return "", m.Text("field.tick_only", "label", label)
		}
	}
	if v == "" {
		switch {
		case !f.Required:
			return "", ""
		case f.Kind == pages.FieldSelect:
			return "", m.Text("field.choose_required", "label", label)
		default:
			return "", m.Text("field.fill_required", "label", label)
		}
	}
	if n := utf8.RuneCountInString(v); f.Kind != pages.FieldSelect && f.MaxLength > 0 && n > f.MaxLength {
		return "", m.Text("field.too_long", "label", label, "n", n, "max", f.MaxLength)
	}
	for _, r := range v {
		if bad(r, f.Kind == pages.FieldTextarea) {
			return "", m.Text("field.invisible", "label", label)
		}
	}
	if f.Kind == pages.FieldSelect {
		for _, o := range f.Options {
			if v == o {
				return v, ""
			}
		}
		return "", m.Text("field.choose_option", "label", label)
	}
	if f.Kind == pages.FieldTextarea {
		v = strings.ReplaceAll(v, "\r\n", "\n")
	}
	return v, ""
}

// bad reports characters no form value should carry: control characters (line breaks and
// tabs are allowed in a text area), and the bidirectional overrides that make text display
// differently from what it is (Trojan Source, CVE-2021-42574).
func bad(r rune, multiline bool) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return !multiline
	case unicode.IsControl(r):
		return true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

// keep bounds a value for re-display, cutting at a rune boundary.
func keep(s string) string {
	if len(s) <= maxKeepBytes {
		return s
	}
	s = s[:maxKeepBytes]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
