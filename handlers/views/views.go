// Package views holds the admin's HTML templates and stylesheet, embedded in the binary,
// and the data each template takes. The admin is Litmus's own product surface, so it is
// not themed by the founder's template overrides; the handlers fill the views from
// internal/results and render them here.
//
// Every template is parsed when the package loads (a broken template fails every test and
// the binary at start, never a request) and runs into a buffer, so a failure never sends
// half a page. html/template escapes everything visitors typed (emails, form answers, user
// agents, UTM tags) by context.
package views

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
)

//go:embed *.html admin.css editor.js
var files embed.FS

var (
	css     = mustRead("admin.css")
	cssHash = fingerprint(css)
	js      = mustRead("editor.js")
	jsHash  = fingerprint(js)
	tmpl    = template.Must(template.New("").Funcs(funcs).ParseFS(files, "*.html"))
)

// CSSPath is the admin stylesheet's route; CSSURL adds the content hash that lets browsers
// cache it for a year and still fetch a changed file at once.
const CSSPath = "/admin/admin.css"

// CSSURL returns the stylesheet's URL with its content hash.
func CSSURL() string { return CSSPath + "?v=" + cssHash }

// EditorJSPath is the editor's script: progressive enhancement only (live preview and phase
// notice while typing); every editor feature works without it.
const EditorJSPath = "/admin/editor.js"

// EditorJSURL returns the script's URL with its content hash.
func EditorJSURL() string { return EditorJSPath + "?v=" + jsHash }

// EditorJS returns the editor's script.
func EditorJS() []byte { return js }

// CSS returns the admin stylesheet.
func CSS() []byte { return css }

// rendered records the names Render has run, for Unrendered.
var rendered sync.Map

// Unrendered returns the page templates (files with content outside {{define}} blocks:
// index.html, page.html, notice.html) that Render has not run in this process, sorted.
// The handlers tests call it once they have all run, as goatcounter does, so a template no
// test renders (and whose mistakes only a founder would see) fails the run.
func Unrendered() []string {
	var names []string
	for _, t := range tmpl.Templates() {
		if _, ok := rendered.Load(t.Name()); !ok && strings.HasSuffix(t.Name(), ".html") && hasContent(t.Tree) {
			names = append(names, t.Name())
		}
	}
	slices.Sort(names)
	return names
}

// hasContent says whether a parsed file does more than define templates and hold space.
func hasContent(tree *parse.Tree) bool {
	if tree == nil || tree.Root == nil {
		return false
	}
	for _, n := range tree.Root.Nodes {
		if tn, ok := n.(*parse.TextNode); !ok || strings.TrimSpace(string(tn.Text)) != "" {
			return true
		}
	}
	return false
}

// Render runs the named template (index.html, page.html, notice.html) with data and
// writes the page to w only once it is complete.
func Render(w io.Writer, name string, data any) error {
	rendered.Store(name, true)
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("views: render %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Layout is what every admin page's frame needs.
type Layout struct {
	Title   string // the <title>, before " · Litmus admin"
	CSRF    string // the token every admin form carries
	Version string
	// Reloadable is false when the server cannot reload page files (Deps.Reload is nil).
	Reloadable bool
}

// Index is /admin: every page's summary.
type Index struct {
	Layout
	Pages []results.Summary
	// ReadOnly says why pages can't be created or edited here ("" when they can).
	ReadOnly string
}

// Page is /admin/pages/{slug}: one page's full results.
type Page struct {
	Layout
	R        results.Results
	URL      string // the page's public address: its own domain, else its path on this site
	AdminURL string // the page's admin path (its current phase)
	Lang     string // the page's language (the admin itself stays in English)
	CSVURL   string
	CSVLabel string // the download link's text
	// The note form of the phase: where it posts, the text it shows (the stored note, or
	// what the founder typed when it was refused), the problem, and the length limit.
	NoteURL       string
	NoteText      string
	NoteError     string
	NoteMax       int
	Saved         bool // the note was just saved
	Previews      []Preview
	VisitorsChart Chart
	SignupsChart  Chart
	FieldNames    []string // form fields shown beside each latest signup
	// Control is the control variant's report, for the comparison column headings.
	Control stats.VariantReport
}

// Preview is a link that shows one variant without counting it.
type Preview struct {
	ID, URL, Class string
	Control        bool
}

// Notice is the answer to an admin action (forget, reload): a title, a message, and the
// details, such as every problem found in the page files.
type Notice struct {
	Layout
	OK      bool
	Heading string
	Message string
	Details []string
}

func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("views: " + err.Error())
	}
	return b
}

func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// funcs are the formatting helpers templates use; the numbers are formatted by
// internal/results, exactly as `litmus results` prints them.
var funcs = template.FuncMap{
	"pct":      results.Percent,
	"between":  results.Range,
	"signed":   results.SignedPercent,
	"signedTo": results.SignedRange,
	"count":    results.Count,
	"pvalue":   results.PValue,
	"chance":   results.Chance,
	"verdict":  results.VerdictLabel,
	"badge":    badgeClass,
	"val":      func(p *float64) float64 { return *p },
	"css":      CSSURL,
	"class":    VariantClass,
	"when":     func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
	"day":      func(t time.Time) string { return t.UTC().Format("2 Jan 2006") },
	"rfc3339":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"isoDay":   isoDay,
	"days":     func(d float64) string { return results.Days(d) },
	"progress": func(have, want float64) float64 { return min(have, want) },
	"source":   sourceLabel,
	"field":    func(r store.SignupRow, name string) string { return r.Fields[name] },
	"share":    share,
	"int64":    func(n int) int64 { return int64(n) },
	"float":    func(n any) float64 { return toFloat(n) },
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
	"fid":      func(prefix string, i int, name string) string { return fmt.Sprintf("%s%d_%s", prefix, i, name) },
	"input":    newInput,
	"lines":    func(list []string) string { return strings.Join(list, "\n") },
	"editorJS": EditorJSURL,
	"op":       func(b byte) string { return string(b) },
	"num": func(e Editor, id string, n int) string {
		if r, ok := e.Raw[id]; ok {
			return r
		}
		return strconv.Itoa(n)
	},
	"deref": func(t *time.Time) time.Time { return *t },
	"kind":  func(k string) stats.VerdictKind { return stats.VerdictKind(k) },
	"plural": func(n int64, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return results.Count(n) + " " + many
	},
}

// Input is one labelled form control of the editor, with its error if any.
type Input struct {
	ID, Label, Value, Hint, Kind, Error string
	Max                                 int
}

// newInput builds an Input for the template: kind is "text", "textarea", "number".
func newInput(e Editor, id, label, value, hint, kind string, max int) Input {
	return Input{ID: id, Label: label, Value: value, Hint: hint, Kind: kind, Error: e.Errors[id], Max: max}
}

// share is a variant's configured share of visitors: its weight over all the weights.
func share(weight int, variants []stats.VariantReport) string {
	total := 0
	for _, v := range variants {
		total += v.Weight
	}
	if total == 0 {
		return "–"
	}
	return results.Percent(float64(weight) / float64(total))
}

func toFloat(n any) float64 {
	switch v := n.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("views: float of %T", n))
}

// isoDay writes a YYYY-MM-DD day as people read it: "25 Nov 2026".
func isoDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan 2006")
}

// badgeClass is the CSS class of a verdict badge.
func badgeClass(kind stats.VerdictKind, withheld bool) string {
	if withheld {
		return "badge badge-doubt"
	}
	switch kind {
	case stats.Validated:
		return "badge badge-validated"
	case stats.Invalidated:
		return "badge badge-invalidated"
	case stats.KeepRunning:
		return "badge badge-running"
	}
	return "badge badge-early"
}

// sourceLabel names where a signup came from, in a few words: the campaign, else the
// referring site, else "direct".
func sourceLabel(s store.Source) string {
	switch {
	case s.UTMSource != "" && s.UTMCampaign != "":
		return s.UTMSource + " / " + s.UTMCampaign
	case s.UTMSource != "":
		return s.UTMSource
	case s.UTMCampaign != "":
		return s.UTMCampaign
	case s.ReferrerHost != "":
		return s.ReferrerHost
	}
	return "direct"
}
