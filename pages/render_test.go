package pages

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/static"
)

// The -update flag rewrites golden files. It is defined here only if another test file of the
// package has not defined it already, so the package's tests can share one flag.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/ with the current output")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// testPage is a realistic page using every feature the templates show.
func testPage() *Page {
	return &Page{
		Slug:        "chaser",
		File:        "pages/chaser.toml",
		Title:       "Chaser — invoices that chase themselves",
		Description: "Chaser sends polite reminders until your clients pay.",
		SocialImage: "/static/chaser-card.png",
		BrandColor:  "#0f766e",
		Logo:        "/static/chaser-logo.svg",
		Default:     true,
		Variants: []Variant{
			{
				ID: "control", Weight: 1,
				Headline:    "Get paid without the awkward emails",
				Subheadline: "Chaser follows up on late invoices for you, politely, until they are paid.",
				Body: "# How it works\n\n1. Connect your invoicing tool.\n2. Pick a tone.\n3. Get paid.\n\n" +
					"Read [our promise](https://example.com/promise) or the [FAQ](/faq).",
				CTA:   "Join the waitlist",
				Price: "$12 / month",
			},
			{
				ID: "fear", Weight: 1,
				Headline: "Late invoices cost you a week a year",
				CTA:      "Stop chasing",
			},
		},
		Fields: []Field{
			{Name: "email", Kind: FieldEmail, Label: "Work email", Placeholder: "you@company.com", Required: true, MaxLength: 254},
			{Name: "name", Kind: FieldText, Label: "Your name", MaxLength: 200},
			{Name: "tool", Kind: FieldSelect, Label: "Invoicing tool", Options: []string{"QuickBooks", "Xero", "Something else"}, Required: true},
			{Name: "pain", Kind: FieldTextarea, Label: "What is the worst part of chasing?", MaxLength: 2000},
			{Name: "consent", Kind: FieldCheckbox, Label: "Email me when Chaser launches", Required: true},
		},
		Thanks: Thanks{
			Headline:  "You're on the list",
			Body:      "We'll email you **once** when Chaser is ready. No spam.",
			ShareText: "Tell a friend who hates chasing invoices",
		},
		PassBar: PassBar{TargetRate: 0.05, MinVisitors: 400},
	}
}

var testOptions = Options{BaseURL: "https://chaser.example.com"}

func prepare(t testing.TB, p *Page) *Prepared {
	t.Helper()
	prepared, err := DefaultTheme().Prepare(p, testOptions)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return prepared
}

// live returns a variant's prepared page as a visitor receives it.
func live(t testing.TB, pp *Prepared, variant, token string) []byte {
	t.Helper()
	r, ok := pp.Variants[variant]
	if !ok {
		t.Fatalf("no prepared variant %q", variant)
	}
	var buf bytes.Buffer
	if err := r.WriteWithToken(&buf, token); err != nil {
		t.Fatalf("WriteWithToken: %v", err)
	}
	return buf.Bytes()
}

func renderForm(t testing.TB, pp *Prepared, variant string, f FormState) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pp.RenderForm(&buf, variant, f); err != nil {
		t.Fatalf("RenderForm: %v", err)
	}
	return buf.Bytes()
}

var assetVersion = regexp.MustCompile(`\?v=[0-9a-f]{12}`)

// checkGolden compares got with testdata/render/name. Asset fingerprints are written as
// ?v=HASH so a stylesheet change does not rewrite every golden file; TestAssetURLsAreFingerprinted
// checks the real ones.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	got = assetVersion.ReplaceAll(got, []byte("?v=HASH"))
	path := filepath.Join("testdata", "render", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./pages -run %s -update to create it): %v", t.Name(), err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, rerun with -update.\n--- got ---\n%s", path, got)
	}
}

func TestGoldenPages(t *testing.T) {
	pp := prepare(t, testPage())
	var errPage bytes.Buffer
	if err := DefaultTheme().RenderError(&errPage, 404, "Page not found", "There is no page at this address. Check the link, or start from the home page."); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		golden string
		got    []byte
	}{
		{"variant.html", live(t, pp, "control", "TOKEN")},
		{"variant-minimal.html", live(t, pp, "fear", "TOKEN")},
		{"preview.html", pp.Previews["control"]},
		{"thanks.html", pp.Thanks},
		{"error.html", errPage.Bytes()},
		{"form-errors.html", renderForm(t, pp, "control", FormState{
			Token: "TOKEN",
			Values: map[string]string{
				"email": "ada@example", "name": "Ada", "tool": "Xero",
				"pain": "Clients who say \"next week\"", "consent": "",
			},
			Errors: map[string]string{
				"email":   "This email address is missing the part after the @, like ada@example.com.",
				"consent": "Please tick this box so we may email you.",
			},
		})},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) { checkGolden(t, c.golden, c.got) })
	}
}

func TestPreparedPageEqualsDirectRender(t *testing.T) {
	pp := prepare(t, testPage())
	for _, token := range []string{"a", "AbC-123_xyz.sig=", strings.Repeat("Z", maxTokenLen)} {
		for id := range pp.Variants {
			direct := renderForm(t, pp, id, FormState{Token: token})
			if got := live(t, pp, id, token); !bytes.Equal(got, direct) {
				t.Errorf("variant %q, token %q: prepared Head+token+Tail differs from RenderForm with the same token", id, token)
			}
		}
	}
}

func TestTokenIsPlacedInTheHiddenInput(t *testing.T) {
	page := live(t, prepare(t, testPage()), "control", "tok_123-abc")
	want := `<input type="hidden" name="_token" value="tok_123-abc">`
	if !bytes.Contains(page, []byte(want)) {
		t.Errorf("page lacks %s", want)
	}
}

func TestWriteWithTokenRefusesUnsafeTokens(t *testing.T) {
	r := prepare(t, testPage()).Variants["control"]
	for name, token := range map[string]string{
		"empty":           "",
		"quote":           `abc"><script>alert(1)</script>`,
		"ampersand":       "a&b",
		"space":           "a b",
		"standard base64": "ab+/cd",
		"too long":        strings.Repeat("a", maxTokenLen+1),
		"non-ASCII":       "tökén",
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := r.WriteWithToken(&buf, token); err == nil {
				t.Fatalf("token %q was accepted", token)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before refusing the token", buf.Len())
			}
		})
	}
}

func TestPreviewIsMarkedAndCannotSubmit(t *testing.T) {
	pp := prepare(t, testPage())
	preview := string(pp.Previews["fear"])
	for _, want := range []string{
		`<meta name="robots" content="noindex">`,
		`Preview of variant <strong>fear</strong> — not counted`,
		`<button type="submit" disabled>Stop chasing</button>`,
		`<input type="hidden" name="_token" value="">`,
		`<h1>Late invoices cost you a week a year</h1>`,
	} {
		if !strings.Contains(preview, want) {
			t.Errorf("preview lacks %s", want)
		}
	}
	livePage := string(live(t, pp, "fear", "tok"))
	for _, unwanted := range []string{"noindex", "Preview of variant", "disabled"} {
		if strings.Contains(livePage, unwanted) {
			t.Errorf("live page contains %q, which belongs to previews only", unwanted)
		}
	}
}

func TestFormStateIsShownNextToEachField(t *testing.T) {
	pp := prepare(t, testPage())
	page := string(renderForm(t, pp, "control", FormState{
		Token:   "tok",
		Values:  map[string]string{"email": "ada@", "tool": "Xero", "pain": "\nstarts with a blank line", "consent": "on"},
		Errors:  map[string]string{"email": "Please finish the email address.", "tool": "Please pick one.", "_token": "This form expired. Please send it again."},
		Summary: "Two answers need a look.",
	}))
	for _, want := range []string{
		// the visitor's input is kept
		`name="email" value="ada@"`,
		`<option value="Xero" selected>Xero</option>`,
		"maxlength=\"2000\">\n\nstarts with a blank line</textarea>",
		`value="on" checked required>`,
		// each error sits next to its field and is tied to it for screen readers
		`aria-invalid="true" aria-describedby="f-email-error" autofocus>`,
		`<p class="field-error" id="f-email-error">Please finish the email address.</p>`,
		`<select id="f-tool" name="tool" required aria-invalid="true" aria-describedby="f-tool-error">`,
		`<p class="field-error" id="f-tool-error">Please pick one.</p>`,
		// the summary first, then errors that belong to no field
		`<div class="form-status" id="form-status" role="alert" tabindex="-1"><p>Two answers need a look.</p><p>This form expired. Please send it again.</p></div>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("re-rendered form lacks %s", want)
		}
	}
	if n := strings.Count(page, "autofocus"); n != 1 {
		t.Errorf("autofocus appears %d times; only the first field with an error should have it", n)
	}
	if strings.Contains(page, `name="name" value="" maxlength="200" aria-invalid`) {
		t.Error("a field without an error is marked invalid")
	}
}

func TestOptionalFieldsAreMarkedOnce(t *testing.T) {
	p := testPage()
	p.Fields[1].Label = "Your name (optional)"
	page := string(live(t, prepare(t, p), "control", "t"))
	for _, want := range []string{
		`<label for="f-name">Your name (optional)</label>`,
		`<label for="f-pain">What is the worst part of chasing? <span class="optional">(optional)</span></label>`,
		`<label for="f-email">Work email</label>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestFormWithErrorsButNoSummarySaysWhatToDo(t *testing.T) {
	pp := prepare(t, testPage())
	page := string(renderForm(t, pp, "control", FormState{Token: "tok", Errors: map[string]string{"email": "Please enter your email."}}))
	if !strings.Contains(page, `role="alert" tabindex="-1"><p>Please check the fields marked below.</p></div>`) {
		t.Error("a form with field errors and no summary shows no message above the form")
	}
}

func TestRenderFormUnknownVariant(t *testing.T) {
	err := prepare(t, testPage()).RenderForm(&bytes.Buffer{}, "nope", FormState{Token: "t"})
	if err == nil || !strings.Contains(err.Error(), `no variant "nope"`) {
		t.Errorf("err = %v, want it to name the missing variant", err)
	}
}

func TestHeadLinksAndSocialCards(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*Page)
		opts    Options
		want    []string
		missing []string
	}{
		{
			name: "default page with base URL has absolute canonical, og:url and og:image",
			opts: Options{BaseURL: "https://chaser.example.com/"},
			want: []string{
				`<link rel="canonical" href="https://chaser.example.com/">`,
				`<meta property="og:url" content="https://chaser.example.com/">`,
				`<meta property="og:image" content="https://chaser.example.com/static/chaser-card.png">`,
				`<meta name="twitter:card" content="summary_large_image">`,
				`<meta name="description" content="Chaser sends polite reminders until your clients pay.">`,
			},
		},
		{
			name:    "without a base URL links are paths and og:url is left out",
			edit:    func(p *Page) { p.Default = false },
			want:    []string{`<link rel="canonical" href="/chaser">`, `<meta property="og:image" content="/static/chaser-card.png">`},
			missing: []string{`og:url`},
		},
		{
			name:    "no social image makes a small card",
			edit:    func(p *Page) { p.SocialImage = "" },
			want:    []string{`<meta name="twitter:card" content="summary">`},
			missing: []string{`og:image`, `twitter:image`},
		},
		{
			name: "no description falls back to the control's subheadline",
			edit: func(p *Page) { p.Description = "" },
			want: []string{`<meta name="description" content="Chaser follows up on late invoices for you, politely, until they are paid.">`},
		},
		{
			name:    "no logo, no header",
			edit:    func(p *Page) { p.Logo = "" },
			missing: []string{`<header`},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPage()
			if c.edit != nil {
				c.edit(p)
			}
			pp, err := DefaultTheme().Prepare(p, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			page := string(live(t, pp, "control", "t"))
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, m := range c.missing {
				if strings.Contains(page, m) {
					t.Errorf("page contains %s", m)
				}
			}
		})
	}
}

func TestPrepareRejectsWhatItCannotRender(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Page)
		opts Options
		want string
	}{
		{"bad brand colour", func(p *Page) { p.BrandColor = "teal" }, Options{}, `brand colour "teal" is not a hex colour`},
		{"field named like the honeypot", func(p *Page) { p.Fields[1].Name = HoneypotField }, Options{}, `"website" is reserved`},
		{"field named like the token", func(p *Page) { p.Fields[1].Name = TokenField }, Options{}, `"_token" is reserved`},
		{"no variants", func(p *Page) { p.Variants = nil }, Options{}, "no variants"},
		{"base URL with a path", nil, Options{BaseURL: "https://x.example/app"}, "must be a site address"},
		{"base URL without scheme", nil, Options{BaseURL: "x.example"}, "must be a site address"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPage()
			if c.edit != nil {
				c.edit(p)
			}
			_, err := DefaultTheme().Prepare(p, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
			if !strings.Contains(err.Error(), p.File) {
				t.Errorf("err = %v, want it to name the page file %s", err, p.File)
			}
		})
	}
}

func TestThanksPage(t *testing.T) {
	p := testPage()
	pp := prepare(t, p)
	page := string(pp.Thanks)
	for _, want := range []string{
		`<h1>You&#39;re on the list</h1>`,
		`<p>We'll email you <strong>once</strong> when Chaser is ready. No spam.</p>`,
		`<a class="share" href="https://chaser.example.com/" data-share data-copied="Link copied: {url}" aria-describedby="share-status">Tell a friend who hates chasing invoices</a>`,
		`<meta name="robots" content="noindex">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("thanks page lacks %s", want)
		}
	}
	p.Thanks.ShareText = ""
	if strings.Contains(string(prepare(t, p).Thanks), "data-share") {
		t.Error("thanks page shows a share link though the page has no share text")
	}
}

func TestAssetURLsAreFingerprinted(t *testing.T) {
	page := string(live(t, prepare(t, testPage()), "control", "t"))
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		if u := static.URL(name); !strings.Contains(page, `"`+u+`"`) {
			t.Errorf("page does not link %s as %s", name, u)
		}
	}
}

// BenchmarkWritePrepared is the cost of answering GET /{slug}: three writes.
func BenchmarkWritePrepared(b *testing.B) {
	r := prepare(b, testPage()).Variants["control"]
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := r.WriteWithToken(&buf, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfGhIjK"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderForm is the cost of the rare re-render after a rejected signup.
func BenchmarkRenderForm(b *testing.B) {
	pp := prepare(b, testPage())
	f := FormState{Token: "tok", Values: map[string]string{"email": "ada@"}, Errors: map[string]string{"email": "Please finish the email address."}}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := pp.RenderForm(&buf, "control", f); err != nil {
			b.Fatal(err)
		}
	}
}

// The example pages shipped in the binary are what a new user sees first.
func TestExamplePagesRender(t *testing.T) {
	examples, err := LoadExamples()
	if err != nil {
		t.Fatalf("LoadExamples: %v", err)
	}
	for _, p := range examples {
		t.Run(p.Slug, func(t *testing.T) {
			pp := prepare(t, p)
			for _, v := range p.Variants {
				page := live(t, pp, v.ID, "tok")
				if problem := activeContent(page); problem != "" {
					t.Errorf("variant %q: %s", v.ID, problem)
				}
				if got := textOf(t, page, "h1"); got != v.Headline {
					t.Errorf("variant %q: h1 = %q, want the headline %q", v.ID, got, v.Headline)
				}
			}
			if problem := activeContent(pp.Thanks); problem != "" {
				t.Errorf("thanks page: %s", problem)
			}
		})
	}
}
