package pages

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"
)

// TokenField is the form input that carries the signed form token the handler issues with
// each page; the template and the signup handler share the name. (HoneypotField is the other
// input every form has.)
const TokenField = "_token"

// maxTokenLen bounds the form token written into prepared pages.
const maxTokenLen = 512

// tokenMarker stands in for the form token while a page is prepared; the output is split
// around it. It is letters only, so html/template writes it unchanged.
const tokenMarker = "LitmusFormTokenMarkerQx7Zk"

// Options are the site-wide settings a prepared page depends on.
type Options struct {
	// BaseURL is the public address of the site, like "https://try.example.com". With it the
	// canonical link, og:url and og:image are absolute, as link previews require; without it
	// they are paths and og:url is left out.
	BaseURL string
}

// Rendered is one variant's page, rendered once when pages load and split around the only part
// that changes per request, the form token: a request costs three writes, not a template run.
type Rendered struct {
	Head []byte // the page up to the token's place in the hidden input
	Tail []byte // the rest of the page
}

// WriteWithToken writes the page with token in its form. The token is written as is, so it
// must be made of URL-safe base64 characters (A-Z a-z 0-9 - _, plus . and = as separators and
// padding), at most 512 of them; anything else is refused rather than written unescaped.
func (r *Rendered) WriteWithToken(w io.Writer, token string) error {
	if err := checkToken(token); err != nil {
		return err
	}
	if _, err := w.Write(r.Head); err != nil {
		return err
	}
	if _, err := io.WriteString(w, token); err != nil {
		return err
	}
	_, err := w.Write(r.Tail)
	return err
}

// checkToken enforces the token contract of WriteWithToken.
func checkToken(token string) error {
	if token == "" || len(token) > maxTokenLen {
		return fmt.Errorf("pages: form token must be 1 to %d characters, got %d", maxTokenLen, len(token))
	}
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '=') {
			return fmt.Errorf("pages: form token has the character %q; build it with base64.RawURLEncoding", c)
		}
	}
	return nil
}

// Prepared is one page turned into bytes at load time: everything the public routes send,
// and the Content-Security-Policy those bytes need.
type Prepared struct {
	// Variants holds each variant's live page by variant ID, waiting for a form token.
	Variants map[string]*Rendered
	// Previews holds each variant's preview by variant ID: the same page, marked "not counted",
	// kept out of search engines, with the form switched off, so it needs no token.
	Previews map[string][]byte
	// Thanks is the page shown after a signup.
	Thanks []byte
	// CSP is the Content-Security-Policy header value for every page above and for RenderForm.
	// It allows only this site's files plus the exact sources the pages use (the hash of the
	// brand colour's <style> block, a logo from another site), and no inline script at all.
	CSP string

	theme  *Theme
	page   *Page
	views  map[string]pageView // by variant ID, form left empty, for RenderForm
	thanks thanksView          // the prepared thanks page's view, for RenderThanks
	head   headView            // the landing page's head, for RenderConfirm
}

// FormState is a signup form coming back to the visitor: what they typed and what is wrong.
type FormState struct {
	Token   string            // a fresh form token
	Values  map[string]string // field name → what the visitor typed, shown again (escaped)
	Errors  map[string]string // field name → plain-words message shown next to that field
	Summary string            // optional message above the form
}

// Prepare renders every page a visitor can be sent for p: each variant, each variant's preview
// and the thanks page. It is meant to run once per page when pages load.
func (t *Theme) Prepare(p *Page, opts Options) (*Prepared, error) {
	if len(p.Variants) == 0 {
		return nil, fmt.Errorf("pages: %s: the page has no variants", p.File)
	}
	for _, f := range p.Fields {
		if IsReservedFieldName(f.Name) {
			return nil, fmt.Errorf("pages: %s: the field name %q is reserved for the form itself; choose another name", p.File, f.Name)
		}
	}
	head, err := newHeadView(p, opts)
	if err != nil {
		return nil, fmt.Errorf("pages: %s: %w", p.File, err)
	}

	out := &Prepared{
		Variants: make(map[string]*Rendered, len(p.Variants)),
		Previews: make(map[string][]byte, len(p.Variants)),
		theme:    t,
		page:     p,
		views:    make(map[string]pageView, len(p.Variants)),
	}
	var policy contentPolicy
	for i := range p.Variants {
		v := &p.Variants[i]
		if err := out.addVariant(head, v, &policy); err != nil {
			return nil, fmt.Errorf("pages: %s: variant %q: %w", p.File, v.ID, err)
		}
	}
	out.head = head
	if out.thanks, err = thanksViewOf(p, head); err != nil {
		return nil, fmt.Errorf("pages: %s: thanks page: %w", p.File, err)
	}
	if out.Thanks, err = t.execute("thanks.html", out.thanks); err != nil {
		return nil, fmt.Errorf("pages: %s: thanks page: %w", p.File, err)
	}
	if err := policy.scan(out.Thanks); err != nil {
		return nil, fmt.Errorf("pages: %s: thanks page: %w", p.File, err)
	}
	out.CSP = policy.header()
	return out, nil
}

// addVariant renders v's live page and its preview, and notes what they need from the CSP.
func (pp *Prepared) addVariant(head headView, v *Variant, policy *contentPolicy) error {
	body, err := renderMarkdown(v.Body)
	if err != nil {
		return err
	}
	view := pageView{Head: head, Page: pp.page, Variant: v, Body: body,
		PreviewBanner: pp.page.Msg().HTML("preview.banner", "variant", v.ID)}
	pp.views[v.ID] = view

	live, err := pp.theme.renderPage(view, FormState{Token: tokenMarker})
	if err != nil {
		return err
	}
	if pp.Variants[v.ID], err = splitAtToken(live); err != nil {
		return err
	}

	preview := view
	preview.Preview = true
	preview.Head.NoIndex = true
	if pp.Previews[v.ID], err = pp.theme.renderPage(preview, FormState{}); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	for _, doc := range [][]byte{live, pp.Previews[v.ID]} {
		if err := policy.scan(doc); err != nil {
			return err
		}
	}
	return nil
}

// RenderForm writes the variant's page with the form filled in from f: each error next to its
// field, the visitor's input kept. It runs the same template as the prepared page, so with no
// values or errors its output is byte for byte the prepared page with f.Token.
func (pp *Prepared) RenderForm(w io.Writer, variantID string, f FormState) error {
	view, ok := pp.views[variantID]
	if !ok {
		return fmt.Errorf("pages: page %q has no variant %q", pp.page.Slug, variantID)
	}
	b, err := pp.theme.renderPage(view, f)
	if err != nil {
		return fmt.Errorf("pages: %s: variant %q: %w", pp.page.File, variantID, err)
	}
	_, err = w.Write(b)
	return err
}

// renderPage runs page.html for one variant with the form filled from f. A preview's form is
// shown but cannot be sent.
func (t *Theme) renderPage(view pageView, f FormState) ([]byte, error) {
	view.Form = newFormView(view.Page, view.Variant, f)
	view.Form.Disabled = view.Preview
	return t.execute("page.html", view)
}

// thanksViewOf is the view of the thanks page; its share link points at the landing page.
func thanksViewOf(p *Page, landing headView) (thanksView, error) {
	body, err := renderMarkdown(p.Thanks.Body)
	if err != nil {
		return thanksView{}, err
	}
	head := landing
	head.NoIndex = true
	head.Canonical = ""
	return thanksView{
		Head:      head,
		Page:      p,
		Headline:  p.Thanks.Headline,
		Body:      body,
		ShareText: p.Thanks.ShareText,
		ShareURL:  landing.Canonical,
		Copied:    p.Msg().Text("thanks.copied"),
	}, nil
}

// splitAtToken cuts a page rendered with tokenMarker into the parts around it. The marker must
// appear exactly once: in the form's hidden token input.
func splitAtToken(page []byte) (*Rendered, error) {
	switch n := bytes.Count(page, []byte(tokenMarker)); n {
	case 1:
	case 0:
		return nil, errors.New(`page.html has no form token: the form needs <input type="hidden" name="{{.TokenField}}" value="{{.Token}}">`)
	default:
		return nil, fmt.Errorf("page.html shows the form token %d times; it belongs in the form's hidden _token input only", n)
	}
	head, tail, _ := bytes.Cut(page, []byte(tokenMarker))
	return &Rendered{Head: head, Tail: tail}, nil
}

// headView is what the shared <head> shows: title, description, links and social cards.
type headView struct {
	Lang        string // <html lang>: the page's BCP 47 tag
	Dir         string // <html dir>: "rtl" for right-to-left languages, else "ltr"
	Title       string
	Description string
	Canonical   string       // the page's one address for search engines; landing pages only, which also get social cards
	URL         string       // og:url: absolute only, so empty without Options.BaseURL (or a domain)
	Image       string       // og:image and twitter:image
	BrandCSS    template.CSS // the brand colour's custom properties; empty for the default colour
	ThemeColor  string       // the browser's toolbar colour on phones
	NoIndex     bool         // previews, thanks and error pages stay out of search engines
	Script      bool         // link app.js
}

func newHeadView(p *Page, opts Options) (headView, error) {
	base := strings.TrimSuffix(opts.BaseURL, "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" {
			return headView{}, fmt.Errorf("base URL %q must be a site address like https://try.example.com", opts.BaseURL)
		}
	}
	palette, err := newBrandPalette(p.BrandColor)
	if err != nil {
		return headView{}, err
	}
	urls := URLsOf(p, base)
	msgs := p.Msg()
	h := headView{
		Lang:        msgs.Lang(),
		Dir:         msgs.Dir(),
		Title:       p.Title,
		Description: p.Description,
		Canonical:   urls.Public,
		Image:       p.SocialImage,
		ThemeColor:  palette.Brand,
		Script:      true,
	}
	if h.Description == "" {
		h.Description = p.Control().Subheadline
	}
	if urls.Origin != "" {
		h.URL = h.Canonical
		if strings.HasPrefix(h.Image, "/") && !strings.HasPrefix(h.Image, "//") {
			h.Image = urls.Origin + h.Image
		}
	}
	if p.BrandColor != "" {
		h.BrandCSS = template.CSS(palette.css()) //nolint:gosec // built from a parsed hex colour only
	}
	return h, nil
}

// pageView is what page.html shows: one variant, and its form.
type pageView struct {
	Head    headView
	Page    *Page
	Variant *Variant
	Body    template.HTML // the variant's Markdown, rendered safe
	Preview bool
	Form    formView
	// PreviewBanner says, in the page's language, that this is a preview (variant in bold).
	PreviewBanner template.HTML
}

// formView is what the "form" template shows.
type formView struct {
	Action string // where the form posts
	Thanks string // where app.js goes after a signup
	Token  string
	CTA    string
	// TokenField and HoneypotField name the form's own inputs, so the template and the signup
	// handler share one spelling.
	TokenField    string
	HoneypotField string
	Disabled      bool     // previews: shown, not sendable
	Messages      []string // above the form: the summary, then errors that belong to no field
	HasErrors     bool
	Fields        []fieldView
	// Words of the form itself, in the page's language.
	CheckFields string // the summary when fields have errors
	Honeypot    string // the hidden trap field's label
}

// fieldView is one field of the form with the visitor's input and its error, if any.
type fieldView struct {
	Field
	ID        string // "f-" + name, for the label and aria-describedby
	Value     string
	Error     string
	Autofocus bool // the first field with an error, so keyboard and screen-reader users land on it
	MaxLength int
	// MarkOptional adds Optional ("(optional)" in the page's language) after the label of a
	// field that is not required, unless the founder's label already says so.
	MarkOptional bool
	Optional     string
	ChooseOne    string // a select's empty choice when the field has no placeholder
}

func newFormView(p *Page, v *Variant, f FormState) formView {
	urls := URLsOf(p, "")
	msgs := p.Msg()
	optional := msgs.Text("form.optional")
	fv := formView{
		CheckFields:   msgs.Text("form.check_fields"),
		Honeypot:      msgs.Text("form.honeypot"),
		Action:        urls.Action,
		Thanks:        urls.Thanks,
		Token:         f.Token,
		CTA:           v.CTA,
		TokenField:    TokenField,
		HoneypotField: HoneypotField,
		HasErrors:     len(f.Errors) > 0,
		Fields:        make([]fieldView, len(p.Fields)),
	}
	if f.Summary != "" {
		fv.Messages = append(fv.Messages, f.Summary)
	}
	focused := false
	for i, field := range p.Fields {
		msg, hasErr := f.Errors[field.Name]
		fv.Fields[i] = fieldView{
			Field:        field,
			ID:           "f-" + field.Name,
			Value:        f.Values[field.Name],
			Error:        msg,
			Autofocus:    hasErr && !focused,
			MaxLength:    maxLength(field),
			MarkOptional: !field.Required && !saysOptional(field.Label, optional),
			Optional:     optional,
			ChooseOne:    msgs.Text("form.choose_one"),
		}
		focused = focused || hasErr
	}
	// Errors about no field (an expired token, say) must still be seen: list them above,
	// in a stable order.
	var unplaced []string
	for name := range f.Errors {
		if !slices.ContainsFunc(p.Fields, func(fd Field) bool { return fd.Name == name }) {
			unplaced = append(unplaced, name)
		}
	}
	slices.Sort(unplaced)
	for _, name := range unplaced {
		fv.Messages = append(fv.Messages, f.Errors[name])
	}
	return fv
}

// saysOptional reports a label that already says the field is optional, in English or in
// the page's language ("(optional)" → "optional", "（任意）" → "任意").
func saysOptional(label, optional string) bool {
	l := strings.ToLower(label)
	word := strings.ToLower(strings.Trim(optional, "()（） "))
	return strings.Contains(l, "optional") || (word != "" && strings.Contains(l, word))
}

// maxLength is the field's limit, or the default for its kind when the page sets none (the
// loader always sets one; hand-built pages may not).
func maxLength(f Field) int {
	if f.MaxLength > 0 {
		return f.MaxLength
	}
	switch f.Kind {
	case FieldEmail:
		return maxEmailLength
	case FieldTextarea:
		return defaultTextareaLength
	default:
		return defaultTextLength
	}
}

// thanksView is what thanks.html shows.
type thanksView struct {
	Head      headView
	Page      *Page
	Headline  string
	Body      template.HTML
	ShareText string
	ShareURL  string
	Copied    string       // "Link copied: {url}" in the page's language, for app.js
	Signals   *signalsView // the questions and the personal share link; nil on the prepared page
}

// errorView is what error.html shows.
type errorView struct {
	Head       headView
	Status     int
	Title      string
	Message    string
	StatusText string // "Error 404" in the page's language
	Home       string // the link back to the start page
}
