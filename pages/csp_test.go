package pages

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestCSPAllowsExactlyWhatThePageUses(t *testing.T) {
	p := testPage()
	p.Logo = "https://cdn.example.com/logo.svg"
	p.Variants[1].Body = "![screenshot](https://img.example.net/shot.png)"
	pp := prepare(t, p)

	// The brand colour's <style> block is allowed by its hash, computed here independently.
	style := regexp.MustCompile(`<style>(.*?)</style>`).FindSubmatch(live(t, pp, "control", "t"))
	if style == nil {
		t.Fatal("the page has no <style> block for its brand colour")
	}
	sum := sha256.Sum256(style[1])
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"

	want := "default-src 'none'; script-src 'self'; style-src 'self' " + hash +
		"; img-src 'self' https://cdn.example.com https://img.example.net; connect-src 'self'" +
		"; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
	if pp.CSP != want {
		t.Errorf("CSP =\n%s\nwant\n%s", pp.CSP, want)
	}
	if strings.Contains(pp.CSP, "unsafe-inline") {
		t.Error("the CSP allows unsafe-inline")
	}
}

func TestCSPForDefaultColourNeedsNoHash(t *testing.T) {
	p := testPage()
	p.BrandColor = ""
	if csp := prepare(t, p).CSP; !strings.Contains(csp, "style-src 'self';") {
		t.Errorf("CSP = %s, want style-src 'self' alone", csp)
	}
}

func TestContentPolicyRefusesInlineCode(t *testing.T) {
	for name, doc := range map[string]string{
		"inline script":         `<script>alert(1)</script>`,
		"event handler":         `<button onclick="go()">Go</button>`,
		"style attribute":       `<p style="color:red">x</p>`,
		"upper-case attribute":  `<body ONLOAD="go()">`,
		"script with empty src": `<script>go()</script><script src="/static/app.js"></script>`,
	} {
		t.Run(name, func(t *testing.T) {
			var p contentPolicy
			if err := p.scan([]byte(doc)); err == nil {
				t.Errorf("scan accepted %s", doc)
			}
		})
	}
}
