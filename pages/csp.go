package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// contentPolicy is what a set of rendered pages needs from the Content-Security-Policy header.
// It is read from the finished HTML rather than assumed, so a template override or a Markdown
// image from another site gets a header that lets it load, and nothing more.
type contentPolicy struct {
	styleHashes   []string // 'sha256-...' of each inline <style> block
	imageOrigins  []string // https://host of images from other sites
	scriptOrigins []string
	styleOrigins  []string // stylesheets from other sites
}

// scan adds what doc needs. It refuses what the policy will never allow, so the mistake shows
// when the theme loads rather than as a silently broken page: inline scripts, on...= handlers
// and style="" attributes.
func (p *contentPolicy) scan(doc []byte) error {
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return nil // io.EOF: the whole document was read from memory
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		tok := z.Token()
		attr := func(name string) (string, bool) {
			for _, a := range tok.Attr {
				if a.Key == name {
					return a.Val, true
				}
			}
			return "", false
		}
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") {
				return fmt.Errorf("<%s %s=...> is an inline script, which the page's Content-Security-Policy blocks: put the script in a file under /static", tok.Data, a.Key)
			}
			if a.Key == "style" {
				return fmt.Errorf("<%s style=...> is an inline style attribute, which the page's Content-Security-Policy blocks: use a class from the stylesheet", tok.Data)
			}
		}
		switch tok.Data {
		case "script":
			src, ok := attr("src")
			if !ok {
				return fmt.Errorf("<script> without src is an inline script, which the page's Content-Security-Policy blocks: put the script in a file under /static")
			}
			p.scriptOrigins = addOrigin(p.scriptOrigins, src)
		case "style":
			if z.Next() == html.TextToken {
				sum := sha256.Sum256(z.Text())
				p.styleHashes = addOnce(p.styleHashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
			}
		case "img":
			src, _ := attr("src")
			p.imageOrigins = addOrigin(p.imageOrigins, src)
		case "link":
			if rel, _ := attr("rel"); strings.EqualFold(rel, "stylesheet") {
				href, _ := attr("href")
				p.styleOrigins = addOrigin(p.styleOrigins, href)
			}
		}
	}
}

// header is the Content-Security-Policy value: nothing by default, then exactly the sources
// the scanned pages use.
func (p *contentPolicy) header() string {
	src := func(self string, extra ...[]string) string {
		return strings.Join(append([]string{self}, slices.Concat(extra...)...), " ")
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + src("'self'", p.scriptOrigins),
		"style-src " + src("'self'", p.styleOrigins, p.styleHashes),
		"img-src " + src("'self'", p.imageOrigins),
		"connect-src 'self'", // app.js posts the form with fetch
		"form-action 'self'",
		"base-uri 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// addOrigin adds the scheme and host of an absolute http(s) URL; same-site paths need nothing
// beyond 'self', and other schemes stay blocked.
func addOrigin(list []string, ref string) []string {
	u, err := url.Parse(ref)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return list
	}
	return addOnce(list, u.Scheme+"://"+u.Host)
}

func addOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
