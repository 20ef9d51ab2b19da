package pages

import (
	"strings"
	"testing"
)

func TestMarkdownIsSafe(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"https link gets nofollow noopener", "[site](https://example.com)", `<p><a href="https://example.com" rel="nofollow noopener">site</a></p>`},
		{"relative link stays plain", "[FAQ](/faq)", `<p><a href="/faq">FAQ</a></p>`},
		{"mailto link kept", "[mail](mailto:hi@example.com)", `<p><a href="mailto:hi@example.com">mail</a></p>`},
		{"autolink gets nofollow noopener", "<https://example.com>", `<p><a href="https://example.com" rel="nofollow noopener">https://example.com</a></p>`},
		{"email autolink kept", "<hi@example.com>", `<p><a href="mailto:hi@example.com">hi@example.com</a></p>`},
		{"javascript link becomes its text", "[click](javascript:alert(1))", "<p>click</p>"},
		{"mixed-case javascript link", "[click](JaVaScRiPt:alert(1))", "<p>click</p>"},
		{"entity-encoded javascript link", "[click](&#106;avascript:alert(1))", "<p>click</p>"},
		{"javascript autolink becomes text", "<javascript:alert(1)>", "<p>javascript:alert(1)</p>"},
		{"data link becomes its text", "[x](data:text/html;base64,PHNjcmlwdD4=)", "<p>x</p>"},
		{"vbscript link becomes its text", "[x](vbscript:msgbox)", "<p>x</p>"},
		{"scheme-relative link becomes its text", "[x](//evil.example/)", "<p>x</p>"},
		{"link text keeps its emphasis", "[**bold**](javascript:x)", "<p><strong>bold</strong></p>"},
		{"https image kept", "![logo](https://example.com/a.png)", `<p><img src="https://example.com/a.png" alt="logo"></p>`},
		{"relative image kept", "![shot](/static/shot.png)", `<p><img src="/static/shot.png" alt="shot"></p>`},
		{"http image becomes its alt text", "![shot](http://example.com/a.png)", "<p>shot</p>"},
		{"javascript image becomes its alt text", "![shot](javascript:alert(1))", "<p>shot</p>"},
		{"inline HTML shown as text", "Say <b>hi</b>", "<p>Say &lt;b&gt;hi&lt;/b&gt;</p>"},
		{"HTML block shown as text", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"HTML comment shown as text", "<!-- note -->", "<p>&lt;!-- note --&gt;</p>"},
		{"multi-line HTML block shown as text", "<div>\n*hi*\n</div>\n\nafter", "<p>&lt;div&gt;\n*hi*\n&lt;/div&gt;\n</p>\n<p>after</p>"},
		{"heading moves below the page's h1", "# Why\n### Detail\n###### Deep", "<h2>Why</h2>\n<h4>Detail</h4>\n<h6>Deep</h6>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := renderMarkdown(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(got)) != c.want {
				t.Errorf("renderMarkdown(%q)\n got %s\nwant %s", c.in, got, c.want)
			}
		})
	}
}
