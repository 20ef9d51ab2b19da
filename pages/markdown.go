package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown turns a page's Markdown into HTML that is safe to put in a page a stranger wrote:
//   - raw HTML is shown as text, never passed through (a founder who types <b> sees <b>, and
//     a copied snippet cannot run);
//   - links may only go to http, https, mailto or a relative address; any other link (such as
//     javascript:) becomes its plain text;
//   - images may only come from https or a relative address;
//   - links to other sites get rel="nofollow noopener";
//   - headings move down one level, so the variant's headline stays the page's only h1.
var markdown = goldmark.New(
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapedHTML{}, 100))),
)

// renderMarkdown renders src with the rules above.
func renderMarkdown(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return template.HTML(buf.String()), nil //nolint:gosec // goldmark output with raw HTML escaped and links checked above
}

// safeLinks is the AST pass that enforces the link, image and heading rules.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var unwrap []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+1, 6)
		case *ast.Link:
			if !keepLink(n, n.Destination) {
				unwrap = append(unwrap, n)
			}
		case *ast.AutoLink:
			// Email autolinks are always written as mailto: links.
			if n.AutoLinkType != ast.AutoLinkEmail && !keepLink(n, n.URL(source)) {
				unwrap = append(unwrap, n)
			}
		case *ast.Image:
			if _, ok := allowedScheme(n.Destination, "https"); !ok {
				unwrap = append(unwrap, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range unwrap {
		replaceWithText(n, source)
	}
}

// keepLink reports whether a link to dest may stay a link, and marks links to other sites
// rel="nofollow noopener": the founder's page vouches for nothing and hands out no window.opener.
func keepLink(n ast.Node, dest []byte) bool {
	scheme, ok := allowedScheme(dest, "http", "https", "mailto")
	if ok && (scheme == "http" || scheme == "https") {
		n.SetAttributeString("rel", []byte("nofollow noopener"))
	}
	return ok
}

// allowedScheme reports the URL's lower-case scheme and whether it is one of allowed or absent
// (a relative address). It judges the address exactly as goldmark will write it (entities such
// as &#106; resolved, then percent-escaped); anything url.Parse rejects is not allowed.
func allowedScheme(dest []byte, allowed ...string) (string, bool) {
	u, err := url.Parse(string(util.URLEscape(dest, true)))
	if err != nil {
		return "", false
	}
	if u.Scheme == "" {
		// "//host/path" names another site without saying how to reach it: ask for https://.
		return "", u.Host == ""
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme, slices.Contains(allowed, scheme)
}

// replaceWithText puts a link's or image's text where the node was. An image becomes its alt
// text, an autolink its address as plain text.
func replaceWithText(n ast.Node, source []byte) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	if al, ok := n.(*ast.AutoLink); ok {
		label := ast.NewString(al.Label(source))
		label.SetRaw(true) // written as is, HTML-escaped
		parent.ReplaceChild(parent, n, label)
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// escapedHTML renders raw HTML, inline or as a block, as visible text.
type escapedHTML struct{}

func (escapedHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTMLAsText)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlockAsText)
}

func renderRawHTMLAsText(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := n.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlockAsText(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.HTMLBlock)
	_, _ = w.WriteString("<p>")
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}
