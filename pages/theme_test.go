package pages

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// builtin returns the built-in template file's text, to start an override from.
func builtin(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(builtinTemplates, "templates/"+name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func themeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestOverrideReplacesOneTemplateAndKeepsTheRest(t *testing.T) {
	custom := strings.Replace(builtin(t, "page.html"), "<main class=\"landing\">", "<main class=\"landing custom\"><p>Made with our own theme</p>", 1)
	dir := themeDir(t, map[string]string{
		"page.html": custom,
		"README.md": "not a template: ignored",
	})
	theme, err := LoadTheme(dir)
	if err != nil {
		t.Fatalf("LoadTheme: %v", err)
	}
	pp, err := theme.Prepare(testPage(), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := pp.Variants["control"].WriteWithToken(&page, "tok"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<p>Made with our own theme</p>") {
		t.Error("the overridden page.html was not used")
	}
	if !bytes.Equal(pp.Thanks, prepare(t, testPage()).Thanks) {
		t.Error("the thanks page changed though thanks.html was not overridden")
	}
}

func TestBrokenOverrideFailsAtLoadNamingTheFile(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string // all must appear in the error
	}{
		{
			name:  "syntax error",
			files: map[string]string{"thanks.html": "<h1>{{.Headline</h1>"},
			want:  []string{"thanks.html"},
		},
		{
			name:  "unknown field",
			files: map[string]string{"error.html": "<h1>{{.Headline}}</h1>"},
			want:  []string{"error.html", "Headline"},
		},
		{
			name:  "partial calling a missing template",
			files: map[string]string{"form.html": `{{define "form"}}{{template "no-such"}}{{end}}`},
			want:  []string{"no-such", "form.html"},
		},
		{
			name:  "form token left out",
			files: map[string]string{"page.html": strings.Replace(builtin(t, "page.html"), `{{template "form" .Form}}`, "", 1)},
			want:  []string{"page.html", "no form token", "page.html"},
		},
		{
			name:  "inline script",
			files: map[string]string{"thanks.html": strings.Replace(builtin(t, "thanks.html"), "</body>", "<script>track()</script></body>", 1)},
			want:  []string{"thanks.html", "inline script", "Content-Security-Policy"},
		},
		{
			name:  "misspelt file name",
			files: map[string]string{"pgae.html": builtin(t, "page.html")},
			want:  []string{"pgae.html", "no built-in template has this name", "page.html"},
		},
		{
			name:  "file too large",
			files: map[string]string{"page.html": strings.Repeat("x", maxTemplateBytes+1)},
			want:  []string{"page.html", "larger than"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadTheme(themeDir(t, c.files))
			if err == nil {
				t.Fatal("LoadTheme accepted a broken theme")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadThemeMissingDirectory(t *testing.T) {
	_, err := LoadTheme(filepath.Join(t.TempDir(), "nope"))
	if err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v, want it to name the missing directory", err)
	}
}

func TestErrorPage(t *testing.T) {
	var buf bytes.Buffer
	if err := DefaultTheme().RenderError(&buf, 429, "Too many tries", "Please wait a minute and try again."); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		"<title>Too many tries</title>",
		`<p class="status-code">Error 429</p>`,
		"<h1>Too many tries</h1>",
		`<p class="lede">Please wait a minute and try again.</p>`,
		`<meta name="robots" content="noindex">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("error page lacks %s", want)
		}
	}
	if want := "style-src 'self';"; !strings.Contains(DefaultTheme().ErrorCSP(), want) {
		t.Errorf("ErrorCSP() = %q, want %s: the error page has no inline style", DefaultTheme().ErrorCSP(), want)
	}
}
