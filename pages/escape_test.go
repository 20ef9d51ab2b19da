package pages

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/litmuslabs/litmus/static"
)

// Nothing a founder or a visitor types may become markup. These tests feed hostile strings
// through every text path and read the output the way a browser would.

const (
	scriptPayload = `<script>alert(1)</script>`
	attrPayload   = `"><img src=x onerror=alert(1)>`
	jsURL         = `javascript:alert(1)`
)

// hostilePage puts the payloads in every text a page file can hold.
func hostilePage() *Page {
	both := scriptPayload + attrPayload
	p := testPage()
	p.Title, p.Description = both, both
	p.Logo, p.SocialImage = jsURL, jsURL
	for i := range p.Variants {
		v := &p.Variants[i]
		v.Headline, v.Subheadline, v.CTA, v.Price = both, both, both, both
		v.Body = both + "\n\n[click](" + jsURL + ") <" + jsURL + "> ![img](" + jsURL + ")\n\n" + scriptPayload + "\n"
	}
	for i := range p.Fields {
		f := &p.Fields[i]
		f.Label, f.Placeholder = both, both
		for j := range f.Options {
			f.Options[j] = both
		}
	}
	p.Thanks = Thanks{Headline: both, Body: p.Variants[0].Body, ShareText: both}
	return p
}

func TestHostileTextNeverBecomesMarkup(t *testing.T) {
	pp := prepare(t, hostilePage())
	both := scriptPayload + attrPayload
	visitor := map[string]string{}
	for _, f := range hostilePage().Fields {
		visitor[f.Name] = both
	}
	var errPage bytes.Buffer
	if err := DefaultTheme().RenderError(&errPage, 500, both, both); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]byte{
		"variant":     live(t, pp, "control", "tok"),
		"preview":     pp.Previews["control"],
		"thanks":      pp.Thanks,
		"error page":  errPage.Bytes(),
		"form errors": renderForm(t, pp, "control", FormState{Token: "tok", Values: visitor, Errors: visitor, Summary: both}),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			for _, raw := range []string{scriptPayload, `"><img`, "<img src=x"} {
				if bytes.Contains(doc, []byte(raw)) {
					t.Errorf("output contains %q unescaped", raw)
				}
			}
			if problem := activeContent(doc); problem != "" {
				t.Error(problem)
			}
			// The payload is still shown, as text: escaping, not deleting.
			if !strings.Contains(textOf(t, doc, "h1"), scriptPayload) {
				t.Errorf("the h1 does not show the hostile headline as text; got %q", textOf(t, doc, "h1"))
			}
		})
	}
}

// activeContent reads doc as a browser would and describes the first thing in it that could
// run code or load something the theme did not put there; "" if none.
func activeContent(doc []byte) string {
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return ""
			}
			return "tokenize: " + z.Err().Error()
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !allowedElements[tok.Data] {
				return "unexpected element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				if !allowedAttributes[a.Key] {
					return "unexpected attribute " + a.Key + " on <" + tok.Data + ">"
				}
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(v, "javascript:") {
					return "a javascript: URL in <" + tok.Data + " " + a.Key + ">"
				}
			}
			if tok.Data == "script" {
				if src := attrValue(tok, "src"); src != static.URL("app.js") {
					return "a script other than app.js: src=" + src
				}
			}
			if tok.Data == "img" {
				src := attrValue(tok, "src")
				u, err := url.Parse(src)
				if err != nil || !(u.Scheme == "" && u.Host == "" || u.Scheme == "https") {
					return "an image from an unexpected place: " + src
				}
			}
		}
	}
}

// The elements and attributes the templates and the Markdown renderer produce. Anything else
// in the output came from input.
var allowedElements = set("html", "head", "meta", "title", "link", "style", "script", "body",
	"header", "main", "footer", "div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em",
	"a", "img", "ul", "ol", "li", "blockquote", "code", "pre", "hr", "br", "form", "label",
	"input", "textarea", "select", "option", "button", "span")

var allowedAttributes = set("lang", "dir", "data-copied", "charset", "name", "content", "property", "rel", "href",
	"type", "src", "defer", "class", "id", "role", "tabindex", "alt", "height", "method",
	"action", "data-signup", "data-thanks", "data-error-summary", "data-share", "value",
	"maxlength", "autocomplete", "autocapitalize", "spellcheck", "placeholder", "required",
	"aria-invalid", "aria-describedby", "aria-hidden", "autofocus", "rows", "selected",
	"checked", "disabled", "for", "start", "title")

func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, s := range items {
		m[s] = true
	}
	return m
}

func attrValue(tok html.Token, key string) string {
	for _, a := range tok.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textOf returns the text inside the first element named tag.
func textOf(t *testing.T, doc []byte, tag string) string {
	t.Helper()
	z := html.NewTokenizer(bytes.NewReader(doc))
	depth := 0
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return text.String()
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == tag {
				depth++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == tag && depth > 0 {
				return text.String()
			}
		case html.TextToken:
			if depth > 0 {
				text.Write(z.Text())
			}
		}
	}
}

// structure lists the document's tags with their attribute names: text may change it only by
// being text.
func structure(doc []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			s := tt.String() + " " + tok.Data
			for _, a := range tok.Attr {
				s += " " + a.Key
			}
			out = append(out, s)
		case html.CommentToken, html.DoctypeToken:
			out = append(out, tt.String())
		}
	}
}

// raceEnabled is set by race_test.go in -race builds. The race detector slows template
// execution about twentyfold and adds nothing to an escaping check, so those builds test every
// fourth naughty string; ordinary runs test them all.
var raceEnabled bool

// naughtyStrings reads the Big List of Naughty Strings shared by the project's tests.
func naughtyStrings(t *testing.T) []string {
	t.Helper()
	const path = "../../shared/testdata/blns.txt"
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("skipping: %s is absent (CI provides it beside the checkout; .ci/run requires it)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if raceEnabled {
		var some []string
		for i := 0; i < len(lines); i += 4 {
			some = append(some, lines[i])
		}
		return some
	}
	return lines
}

// browserText is s as an HTML parser hands it back from text: line ends normalised, NUL
// replaced (html/template writes NUL as U+FFFD).
func browserText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

func TestNaughtyStringsAsPageTextStayText(t *testing.T) {
	lines := naughtyStrings(t)
	withText := func(s string) *Page {
		p := testPage()
		p.Variants = p.Variants[:1]
		p.Title = s
		v := &p.Variants[0]
		v.Headline, v.Subheadline, v.CTA, v.Price = s, s, s, s
		p.Fields[1].Label, p.Fields[1].Placeholder = s, s
		return p
	}
	baseline := structure(live(t, prepare(t, withText("x")), "control", "tok"))
	for _, s := range lines {
		doc := live(t, prepare(t, withText(s)), "control", "tok")
		if got := structure(doc); !slices.Equal(got, baseline) {
			t.Errorf("headline %q changed the page's markup:\n%s", s, diffStructure(baseline, got))
			continue
		}
		if got, want := textOf(t, doc, "h1"), browserText(s); got != want {
			t.Errorf("headline %q reads back as %q", s, got)
		}
	}
}

func TestNaughtyStringsAsVisitorInputStayText(t *testing.T) {
	lines := naughtyStrings(t)
	pp := prepare(t, testPage())
	state := func(s string) FormState {
		values := map[string]string{}
		for _, f := range testPage().Fields {
			values[f.Name] = s
		}
		return FormState{Token: "tok", Values: values, Errors: map[string]string{"email": s, "_token": s}, Summary: s}
	}
	baseline := structure(renderForm(t, pp, "control", state("x")))
	for _, s := range lines {
		doc := renderForm(t, pp, "control", state(s))
		if got := structure(doc); !slices.Equal(got, baseline) {
			t.Errorf("visitor input %q changed the page's markup:\n%s", s, diffStructure(baseline, got))
		}
	}
}

func TestNaughtyStringsAsMarkdownStaySafe(t *testing.T) {
	for _, s := range naughtyStrings(t) {
		for _, src := range []string{s, "[" + s + "](" + s + ")", "![" + s + "](" + s + ")", "<" + s + ">"} {
			body, err := renderMarkdown(src)
			if err != nil {
				t.Fatalf("Markdown %q: %v", src, err)
			}
			if problem := activeContent([]byte(body)); problem != "" {
				t.Errorf("Markdown %q: %s", src, problem)
			}
		}
	}
}

// diffStructure shows the first place two structures part.
func diffStructure(want, got []string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return "at tag " + strconv.Itoa(i) + ": want " + want[i] + ", got " + got[i]
		}
	}
	return "want " + strconv.Itoa(len(want)) + " tags, got " + strconv.Itoa(len(got))
}
