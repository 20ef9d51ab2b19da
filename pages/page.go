// Package pages defines the landing-page file a founder edits, loads and validates a
// directory of them, and turns each variant into ready-to-send HTML at load time.
//
// It imports no web framework and no database: handlers and the store depend on it,
// never the other way round.
package pages

import "github.com/litmuslabs/litmus/internal/i18n"

// Page is one validated landing page: the pitch, its variants, its form and the pass bar
// the founder committed to before the test started.
type Page struct {
	Slug        string // URL path segment: lowercase letters, digits and '-', 1..40 chars
	File        string // the file it was loaded from, for messages
	Title       string // <title> and og:title
	Description string // meta description and og:description
	SocialImage string // og:image URL (absolute, or a /static/ path); optional
	BrandColor  string // CSS hex colour like "#4f46e5"; optional, theme default otherwise
	Logo        string // logo image URL; optional
	Default     bool   // served at GET / of the main site (one page without domains is the default)
	// Domains are the host names that serve this page at / (its form at /signup, its thanks
	// at /thanks), lowercase ASCII as browsers send them; the first is its public address.
	// A page without domains is served at /{slug} on the main site.
	Domains     []string
	domainLines []int // each domain's line in the file, for checks across files
	// Lang is the page's language (BCP 47, "en" by default): <html lang> and dir, and the
	// language of every word Litmus writes on the page, from Messages (see Msg).
	Lang     string
	Messages *i18n.Messages
	Variants []Variant
	Fields   []Field // always starts with the email field
	Thanks   Thanks
	PassBar  PassBar
	// DoubleOptIn: every signup is mailed a confirmation link; the numbers show confirmed
	// signups next to all of them (double_opt_in = true).
	DoubleOptIn  bool
	Confirmation Confirmation // the confirmation mail and page; defaults when not written
	Referrals    bool         // each signup gets a personal share link (referrals = true)
	Questions    []Question   // asked on the thank-you page; at most two
}

// Variant is one version of the pitch. The first variant is the control.
type Variant struct {
	ID          string // lowercase letters, digits, '-' and '_', 1..32 chars, unique in the page
	Weight      int    // relative share of visitors, 1..1000
	Headline    string
	Subheadline string // optional
	Body        string // Markdown; raw HTML in it is escaped, never passed through
	CTA         string // the submit button's text
	Price       string // optional display price, e.g. "$12 / month"
}

// FieldKind is the kind of a form field.
type FieldKind string

// The form field kinds a page file may use.
const (
	FieldEmail    FieldKind = "email"
	FieldText     FieldKind = "text"
	FieldTextarea FieldKind = "textarea"
	FieldSelect   FieldKind = "select"
	FieldCheckbox FieldKind = "checkbox" // e.g. consent; value "on" when ticked
)

// Field is one input of the signup form.
type Field struct {
	Name        string // form name: lowercase letters, digits and '_', 1..32 chars
	Kind        FieldKind
	Label       string
	Placeholder string   // optional
	Required    bool     // email is always required
	Options     []string // select only: the allowed values
	MaxLength   int      // characters; defaults: email 254, text 200, textarea 2000
}

// Thanks is what a visitor sees after signing up.
type Thanks struct {
	Headline  string
	Body      string // Markdown
	ShareText string // optional: text of a share link back to the page
}

// PassBar is the pre-registered success criterion (Savoia's XYZ hypothesis): "validated if
// at least TargetRate of visitors sign up, judged after MinVisitors visitors (and MinDays)".
type PassBar struct {
	TargetRate  float64 // 0 < r < 1, e.g. 0.05 for 5%
	MinVisitors int     // visitors (all variants together) before any verdict
	MinDays     int     // optional: days since the phase started before any verdict
	// Counts is what the bar judges: "" for every counted signup (the default; the file
	// may say "signups") or CountsConfirmed (only those confirmed through the mailed link;
	// needs double_opt_in).
	Counts string
	// IfValidated and IfInvalidated are what the founder promises to do for each outcome,
	// written before the test ("build the invoice importer", "try agencies instead"). They
	// are shown next to the verdict; changing them after the first visitor starts a new
	// phase, so a promise moved after seeing the data is on the record.
	IfValidated   string // optional
	IfInvalidated string // optional
}

// The values of a pass bar's counts key.
const (
	CountsSignups   = "signups"
	CountsConfirmed = "confirmed"
)

// Control returns the page's control variant (the first one).
func (p *Page) Control() *Variant { return &p.Variants[0] }

// Variant returns the variant with the given id, or nil.
func (p *Page) Variant(id string) *Variant {
	for i := range p.Variants {
		if p.Variants[i].ID == id {
			return &p.Variants[i]
		}
	}
	return nil
}

// Weights returns the variants' weights in order, for assignment and the sample-ratio check.
func (p *Page) Weights() []int {
	w := make([]int, len(p.Variants))
	for i, v := range p.Variants {
		w[i] = v.Weight
	}
	return w
}
