package pages

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/i18n"
	"github.com/litmuslabs/litmus/static"
)

// builtinTemplates is the default theme. Every file in it may be replaced by a file of the same
// name in an override directory (see LoadTheme).
//
//go:embed templates/*.html
var builtinTemplates embed.FS

// maxTemplateBytes bounds an override template file: a theme file is a page of markup, and a
// larger file is almost certainly the wrong file.
const maxTemplateBytes = 1 << 20

// Theme is the set of HTML templates pages are rendered with: the built-in one, or the built-in
// one with some files replaced. It is checked when it loads, so a broken template stops the
// server at start with the file's name instead of failing a visitor's request.
//
// A Theme does not change once loaded and is safe for concurrent use.
type Theme struct {
	tmpl     *template.Template
	errorCSP string
}

// DefaultTheme returns the built-in theme, loaded on first use and shared after. The built-in
// templates are tested, so a failure here is a bug in Litmus, not in anyone's files: it panics.
var DefaultTheme = sync.OnceValue(func() *Theme {
	t, err := LoadTheme("")
	if err != nil {
		panic("pages: the built-in theme is broken: " + err.Error())
	}
	return t
})

// ErrorCSP returns the Content-Security-Policy header value for pages from RenderError.
func (t *Theme) ErrorCSP() string { return t.errorCSP }

// LoadTheme returns the built-in theme with every template file found in dir (page.html,
// thanks.html, error.html, form.html, layout.html, signals.html, confirm.html) put in place of the built-in file of the
// same name. An empty dir means the built-in theme as is. Every template is parsed and run
// against a sample page before LoadTheme returns, and errors name the file to fix.
func LoadTheme(dir string) (*Theme, error) {
	names, err := fs.Glob(builtinTemplates, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: list built-in templates: %w", err)
	}
	overrides := map[string]string{} // template name → override file path
	if dir != "" {
		if overrides, err = findOverrides(dir, names); err != nil {
			return nil, err
		}
	}

	root := template.New("").Funcs(template.FuncMap{"asset": assetURL})
	for _, name := range names {
		base := filepath.Base(name)
		src, origin, err := templateSource(name, overrides[base])
		if err != nil {
			return nil, err
		}
		if _, err := root.New(base).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %s: %w", origin, err)
		}
	}
	t := &Theme{tmpl: root}
	if err := t.check(); err != nil {
		if len(overrides) > 0 {
			return nil, fmt.Errorf("theme: %w (overridden files: %s)", err, strings.Join(sortedValues(overrides), ", "))
		}
		return nil, fmt.Errorf("theme: %w", err)
	}
	return t, nil
}

// findOverrides lists the .html files in dir; each must have a built-in counterpart, so a
// misspelt name is reported rather than silently ignored. Other files are left alone.
func findOverrides(dir string, builtin []string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("theme: read template directory: %w", err)
	}
	known := make([]string, len(builtin))
	for i, n := range builtin {
		known[i] = filepath.Base(n)
	}
	found := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".html" {
			continue
		}
		if !slices.Contains(known, e.Name()) {
			return nil, fmt.Errorf("theme: %s: no built-in template has this name, so it would never be used; template files are %s",
				filepath.Join(dir, e.Name()), strings.Join(known, ", "))
		}
		found[e.Name()] = filepath.Join(dir, e.Name())
	}
	return found, nil
}

// templateSource reads the override file when there is one, else the built-in template, and
// says which one it read for error messages.
func templateSource(builtinName, overridePath string) ([]byte, string, error) {
	if overridePath == "" {
		b, err := builtinTemplates.ReadFile(builtinName)
		if err != nil {
			return nil, "", fmt.Errorf("theme: read built-in %s: %w", builtinName, err)
		}
		return b, "built-in " + filepath.Base(builtinName), nil
	}
	f, err := os.Open(overridePath)
	if err != nil {
		return nil, "", fmt.Errorf("theme: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTemplateBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("theme: read %s: %w", overridePath, err)
	}
	if len(b) > maxTemplateBytes {
		return nil, "", fmt.Errorf("theme: %s is larger than %d KiB; a template should be a page of markup", overridePath, maxTemplateBytes>>10)
	}
	return b, overridePath, nil
}

// check renders every template the way the server will: a sample page's variants, preview and
// thanks page, its form with errors, and an error page.
func (t *Theme) check() error {
	p := samplePage()
	prepared, err := t.Prepare(p, Options{})
	if err != nil {
		return err
	}
	err = prepared.RenderForm(io.Discard, p.Control().ID, FormState{
		Token:   "sample-token",
		Values:  map[string]string{"email": "ada@example", "plan": "Team", "consent": "on"},
		Errors:  map[string]string{"email": "Please enter a whole email address, like ada@example.com.", "_token": "The form expired."},
		Summary: "Please check the fields marked below.",
	})
	if err != nil {
		return err
	}
	err = prepared.RenderThanks(io.Discard, ThanksState{
		Token: "sample-token", ShareURL: "https://example.com/sample?ref=abc",
		Values: map[string]string{"pay": "$5", "today": "<b>"}, Errors: map[string]string{"today": "Too long."},
	})
	if err != nil {
		return err
	}
	for _, st := range []ConfirmState{{Token: "sample-token"}, {Done: true}, {Title: "Expired", Problem: "This link expired."}} {
		if err := prepared.RenderConfirm(io.Discard, st); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := t.RenderError(&buf, 404, "Page not found", "There is no page at this address."); err != nil {
		return err
	}
	var policy contentPolicy
	if err := policy.scan(buf.Bytes()); err != nil {
		return fmt.Errorf("error.html: %w", err)
	}
	t.errorCSP = policy.header()
	return nil
}

// execute runs the named template into a buffer, so a failure never sends half a page.
func (t *Theme) execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := t.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// RenderError writes a plain page in the theme's look for an error the visitor should see
// (404, 413, 429, 500, ...). title and message are plain text, shown escaped; the handler sets
// the status code and the Content-Security-Policy from ErrorCSP.
func (t *Theme) RenderError(w io.Writer, status int, title, message string) error {
	return t.RenderErrorIn(w, nil, status, title, message)
}

// RenderErrorIn is RenderError in the language of m (a page's messages; nil for English):
// <html lang> and dir, the "Error 404" line and the link home.
func (t *Theme) RenderErrorIn(w io.Writer, m *i18n.Messages, status int, title, message string) error {
	if m == nil {
		m = english()
	}
	b, err := t.execute("error.html", errorView{
		Head:       headView{Lang: m.Lang(), Dir: m.Dir(), Title: title, Description: message, ThemeColor: defaultBrandColor, NoIndex: true},
		Status:     status,
		Title:      title,
		Message:    message,
		StatusText: m.Text("error.status", "status", strconv.Itoa(status)),
		Home:       m.Text("error.home"),
	})
	if err != nil {
		return fmt.Errorf("render error page: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// assetURL is the template function "asset": the fingerprinted /static URL of a file.
func assetURL(name string) (string, error) {
	u, ok := static.Lookup(name)
	if !ok {
		return "", errors.New("no static file named " + name)
	}
	return u, nil
}

// samplePage uses every feature a template can show, so LoadTheme's check reaches every branch.
func samplePage() *Page {
	return &Page{
		Slug:        "sample",
		File:        "(the sample page the theme is checked with)",
		Title:       "Sample",
		Description: "A sample page for checking templates.",
		SocialImage: "/static/favicon.svg",
		BrandColor:  "#0f766e",
		Logo:        "/static/favicon.svg",
		Variants: []Variant{
			{ID: "a", Weight: 1, Headline: "Headline", Subheadline: "Sub", Body: "Some **body**.", CTA: "Join", Price: "$9"},
			{ID: "b", Weight: 1, Headline: "Other", Body: "", CTA: "Sign up"},
		},
		Fields: []Field{
			{Name: "email", Kind: FieldEmail, Label: "Email", Required: true, MaxLength: email.MaxLength},
			{Name: "name", Kind: FieldText, Label: "Name", Placeholder: "Ada"},
			{Name: "about", Kind: FieldTextarea, Label: "About"},
			{Name: "plan", Kind: FieldSelect, Label: "Plan", Options: []string{"Solo", "Team"}},
			{Name: "consent", Kind: FieldCheckbox, Label: "Email me", Required: true},
		},
		Thanks:  Thanks{Headline: "Thanks", Body: "We will write.", ShareText: "Share"},
		PassBar: PassBar{TargetRate: 0.05, MinVisitors: 100},
		Questions: []Question{
			{Name: "pay", Kind: QuestionChoice, Label: "Pay?", Options: []string{"$0", "$5"}},
			{Name: "today", Kind: QuestionText, Label: "Today?", MaxLength: 200},
		},
		Referrals:    true,
		DoubleOptIn:  true,
		Confirmation: Confirmation{Subject: "Confirm", Body: "Please.", Button: "Confirm", Headline: "Done", Confirmed: "**Yes.**"},
	}
}

func sortedValues(m map[string]string) []string {
	v := make([]string, 0, len(m))
	for _, s := range m {
		v = append(v, s)
	}
	slices.Sort(v)
	return v
}
