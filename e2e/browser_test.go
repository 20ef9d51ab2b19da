package e2e

import (
	"fmt"
	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/pages"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowser is what a visitor and a founder see in a real browser (Chromium), against the
// real binary: signing up on a laptop with JavaScript and on a phone without it, mistakes
// shown next to their field, the thank-you page, the theme's promises (one heading, labels,
// focus rings, link previews, brand colour and logo, no layout shift), the dashboard's chart,
// and an axe-core accessibility check of every one of those pages.
//
// With LITMUS_SCREENSHOTS=1 it also writes the screenshots in docs/ (see docs/theme.md).
func TestBrowser(t *testing.T) {
	t.Parallel()
	b := StartBrowser(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *Browser)
	}{
		{"a desktop visitor signs up with JavaScript", testDesktopSignupWithScript},
		{"a phone visitor signs up without JavaScript", testPhoneSignupWithoutScript},
		{"a mistyped email is shown next to the field, with JavaScript", testEmailMistakeWithScript},
		{"a mistyped email is shown next to the field, without JavaScript", testEmailMistakeWithoutScript},
		{"the theme keeps its promises on the default page", testThemePromises},
		{"a page file's brand colour, logo and social image are used", testBrandedPage},
		{"the thank-you page keeps the page's brand colour", testThanksPageBrandColour},
		{"the dashboard draws its chart", testDashboardChart},
		{"the accessibility check catches a broken page", testAccessibilityCheckCatchesMistakes},
		{"a template override from LITMUS_TEMPLATES is used", testTemplateOverride},
		{"error pages and a founder's preview are accessible too", testErrorAndPreviewPages},
		{"a page's history opens each earlier phase, and takes a note", testPhaseHistory},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // each has its own server and tab
			tc.run(t, b)
		})
	}
}

// Text of the built-in chaser example (pages/examples/chaser.toml), the default page, read
// from the example itself so that editing its copy does not break these tests.
var chaserThanksHeadline, chaserShareText = chaserThanks()

// singleLabelMessage is what a visitor is told about an address like ada@example.
var singleLabelMessage = email.RuleSingleLabel.Message()

func chaserThanks() (headline, share string) {
	ps, err := pages.LoadExamples()
	if err != nil {
		panic(err)
	}
	for _, p := range ps {
		if p.Slug == "chaser" {
			return p.Thanks.Headline, p.Thanks.ShareText
		}
	}
	panic("the built-in examples have no chaser page")
}

// fillChaserForm fills the default page's form the way a visitor does: types the email and
// a first name, picks the kind of work, ticks the consent box.
func fillChaserForm(tab *Tab, email string) {
	tab.t.Helper()
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#f-email"), email),
		chromedp.SendKeys(chromedp.CSS("#f-first_name"), "Ada"),
		chromedp.SetValue(chromedp.CSS("#f-work"), "Writing"),
		chromedp.Click(chromedp.CSS("#f-consent")),
	)
}

const submit = "form.signup button[type=submit]"

// The chaser example's variants, equally weighted: the control has no price, the other one
// does, so the screenshots show both.
var chaserWeights = []int{1, 1}

const (
	chaserControl = 0 // "no-awkward-emails"
	chaserPriced  = 1 // "paid-on-time"
)

func testDesktopSignupWithScript(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Desktop)
	tab.ReturnAs(s, "chaser", chaserWeights, chaserControl)
	tab.Open(s.URL + "/")
	tab.CheckAccessibility("the landing page on a desktop")
	tab.CheckContrastOnWash("the landing page")
	tab.Screenshot("page-desktop")

	fillChaserForm(tab, "ada.desktop@example.com")
	tab.ClickAndWaitForPage(submit)

	if got := tab.Path(); got != "/chaser/thanks" {
		t.Fatalf("after signing up the visitor is at %s, want /chaser/thanks", got)
	}
	if got := tab.Text("h1"); got != chaserThanksHeadline {
		t.Errorf("thank-you heading = %q, want %q", got, chaserThanksHeadline)
	}
	if n := signupAnswers(t, s, 201); n != 1 {
		t.Errorf("the server answered %d signup posts with 201 JSON, want 1: the page's script should have sent the form", n)
	}
	row, ok := storedSignup(t, s, "chaser", "ada.desktop@example.com")
	if !ok {
		t.Fatal("the signup is not in the database")
	}
	if row.Fields["work"] != "Writing" || row.Fields["first_name"] != "Ada" || row.Fields["consent"] != "yes" {
		t.Errorf("stored fields = %v, want work=Writing first_name=Ada consent=yes", row.Fields)
	}

	// The share link on the thank-you page leads back to the landing page.
	if got := tab.Text("a.share"); got != chaserShareText {
		t.Errorf("share link text = %q, want the page file's share_text %q", got, chaserShareText)
	}
	if got := Eval[string](tab, `document.querySelector("a.share").href`); got != s.URL+"/" {
		t.Errorf("share link goes to %q, want the landing page %q", got, s.URL+"/")
	}
	tab.CheckAccessibility("the thank-you page")
	tab.CheckContrastOnWash("the thank-you page")
	tab.Screenshot("thanks")
}

func testPhoneSignupWithoutScript(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Phone, WithoutJavaScript)
	tab.ReturnAs(s, "chaser", chaserWeights, chaserPriced)
	tab.Open(s.URL + "/")
	if w := Eval[int](tab, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the page is %d px wide on a 390 px phone: visitors would have to scroll sideways", w)
	}
	tab.CheckAccessibility("the landing page on a phone")
	tab.Screenshot("page-phone")

	fillChaserForm(tab, "ada.phone@example.com")
	tab.ClickAndWaitForPage(submit)

	if got := tab.Path(); got != "/chaser/thanks" {
		t.Fatalf("after signing up the visitor is at %s, want /chaser/thanks", got)
	}
	if got := tab.Text("h1"); got != chaserThanksHeadline {
		t.Errorf("thank-you heading = %q, want %q", got, chaserThanksHeadline)
	}
	if n := signupAnswers(t, s, 303); n != 1 {
		t.Errorf("the server answered %d signup posts with a 303 redirect, want 1 (a plain form post)", n)
	}
	if _, ok := storedSignup(t, s, "chaser", "ada.phone@example.com"); !ok {
		t.Fatal("the signup is not in the database")
	}
	tab.CheckAccessibility("the thank-you page on a phone")
}

// checkEmailMistakeShown asserts the form shows singleLabelMessage next to the email field,
// tied to it for screen readers, with the visitor's other answers still there.
func checkEmailMistakeShown(t *testing.T, tab *Tab) {
	t.Helper()
	if got := tab.Text("#f-email-error"); got != singleLabelMessage {
		t.Errorf("message next to the email field = %q, want %q", got, singleLabelMessage)
	}
	if got := Eval[string](tab, `document.querySelector("#f-email").getAttribute("aria-invalid") + " " + document.querySelector("#f-email").getAttribute("aria-describedby")`); got != "true f-email-error" {
		t.Errorf("email field aria-invalid and aria-describedby = %q, want \"true f-email-error\"", got)
	}
	// The message sits right under its field, not somewhere else on the page.
	gap := Eval[float64](tab, `document.querySelector("#f-email-error").getBoundingClientRect().top - document.querySelector("#f-email").getBoundingClientRect().bottom`)
	if gap < 0 || gap > 24 {
		t.Errorf("the message is %.0f px below the email field, want it right under it (0–24 px)", gap)
	}
	if got := tab.Text("#form-status"); got == "" {
		t.Error("no summary above the form: a visitor who misses the field's message has no hint")
	}
	kept := Eval[string](tab, `[document.querySelector("#f-email").value, document.querySelector("#f-first_name").value,
		document.querySelector("#f-work").value, String(document.querySelector("#f-consent").checked)].join("|")`)
	if kept != "ada@example|Ada|Writing|true" {
		t.Errorf("the visitor's input after the mistake = %q, want everything kept: ada@example|Ada|Writing|true", kept)
	}
	if got := Eval[string](tab, `document.activeElement ? document.activeElement.id : ""`); got != "f-email" {
		t.Errorf("focus is on %q, want the field to fix (f-email)", got)
	}
}

// retypeEmail replaces the email field's content, as a visitor correcting it.
func retypeEmail(tab *Tab, email string) {
	tab.t.Helper()
	Eval[chromedp.Void](tab, `document.querySelector("#f-email").value = ""`) // as select-all would
	tab.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), email))
}

func testEmailMistakeWithScript(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Desktop)
	tab.ReturnAs(s, "chaser", chaserWeights, chaserPriced)
	tab.Open(s.URL + "/")
	fillChaserForm(tab, "ada@example") // passes the browser's own check; the server wants a dot
	tab.Do(chromedp.Click(chromedp.CSS(submit)))
	tab.WaitFor(`document.querySelector("#f-email-error").textContent !== ""`)

	if got := tab.Path(); got != "/" {
		t.Errorf("the visitor was sent to %s; the script should show the mistake in place", got)
	}
	checkEmailMistakeShown(t, tab)
	if n := signupAnswers(t, s, 422); n != 1 {
		t.Errorf("the server sent %d forms back with errors, want 1", n)
	}
	tab.CheckAccessibility("the form with a mistake, shown by the script")
	tab.Screenshot("page-error")

	retypeEmail(tab, "ada.fixed@example.com")
	if got := Eval[string](tab, `String(document.querySelector("#f-email").getAttribute("aria-invalid"))`); got != "null" {
		t.Errorf("the field still says it is invalid (aria-invalid=%s) after the visitor retyped it", got)
	}
	tab.ClickAndWaitForPage(submit)
	if got := tab.Path(); got != "/chaser/thanks" {
		t.Fatalf("after fixing the email the visitor is at %s, want /chaser/thanks", got)
	}
	if _, ok := storedSignup(t, s, "chaser", "ada.fixed@example.com"); !ok {
		t.Error("the corrected signup is not in the database")
	}
}

func testEmailMistakeWithoutScript(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Phone, WithoutJavaScript)
	tab.ReturnAs(s, "chaser", chaserWeights, chaserControl)
	tab.Open(s.URL + "/")
	fillChaserForm(tab, "ada@example")
	tab.ClickAndWaitForPage(submit)

	if got := tab.Path(); got != "/chaser/signup" {
		t.Errorf("after a plain post with a mistake the visitor is at %s, want the server's answer at /chaser/signup", got)
	}
	checkEmailMistakeShown(t, tab)
	if n := signupAnswers(t, s, 422); n != 1 {
		t.Errorf("the server sent %d forms back with errors, want 1", n)
	}
	tab.CheckAccessibility("the form with a mistake, sent back by the server")
	tab.Screenshot("page-error-phone")

	retypeEmail(tab, "ada.fixed@example.com")
	tab.ClickAndWaitForPage(submit)
	if got := tab.Path(); got != "/chaser/thanks" {
		t.Fatalf("after fixing the email the visitor is at %s, want /chaser/thanks", got)
	}
	if _, ok := storedSignup(t, s, "chaser", "ada.fixed@example.com"); !ok {
		t.Error("the corrected signup is not in the database")
	}
	if _, ok := storedSignup(t, s, "chaser", "ada@example"); ok {
		t.Error("the mistyped address was stored")
	}
}

func testThemePromises(t *testing.T, b *Browser) {
	const base = "https://try.example.com"
	s := StartServer(t, WithEnv("LITMUS_BASE_URL", base))
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/")

	if n := tab.Count("h1"); n != 1 {
		t.Errorf("the page has %d h1 headings, want exactly 1", n)
	}
	unlabelled := Eval[[]string](tab, `Array.from(document.querySelectorAll("form.signup input:not([type=hidden]), form.signup select, form.signup textarea"))
		.filter(el => !el.closest("[aria-hidden=true]"))
		.filter(el => !el.labels || el.labels.length === 0 || el.labels[0].innerText.trim() === "")
		.map(el => el.name)`)
	if len(unlabelled) > 0 {
		t.Errorf("form fields without a visible label: %v", unlabelled)
	}

	// A keyboard user sees where they are: Tab to the first field, and it has a ring.
	tab.Do(chromedp.KeyEvent(kb.Tab))
	focus := Eval[[]string](tab, `(function (el) { var s = getComputedStyle(el); return [el.id, s.outlineStyle, s.outlineWidth]; })(document.activeElement)`)
	if focus[0] != "f-email" || focus[1] == "none" || focus[2] == "0px" {
		t.Errorf("after one Tab, focus is on %q with outline %s %s; want the email field with a visible ring", focus[0], focus[1], focus[2])
	}
	if n := Eval[int](tab, `Array.from(document.styleSheets).flatMap(s => Array.from(s.cssRules)).filter(r => r.selectorText && r.selectorText.includes(":focus-visible")).length`); n == 0 {
		t.Error("the stylesheet has no :focus-visible rule")
	}

	head := Eval[map[string]string](tab, `(function () {
		var out = {};
		document.querySelectorAll("meta[property], meta[name]").forEach(m => { out[m.getAttribute("property") || m.getAttribute("name")] = m.content; });
		var canon = document.querySelector("link[rel=canonical]"); out.canonical = canon ? canon.getAttribute("href") : "";
		var icon = document.querySelector("link[rel=icon]"); out.icon = icon ? icon.href : "";
		return out;
	})()`)
	for key, want := range map[string]string{
		"canonical": base + "/", "og:url": base + "/", "og:type": "website",
		"og:title": "Chaser — invoices that chase themselves", "twitter:card": "summary",
		"twitter:title": "Chaser — invoices that chase themselves", "theme-color": "#0f766e",
	} {
		if head[key] != want {
			t.Errorf("head %s = %q, want %q", key, head[key], want)
		}
	}
	for _, key := range []string{"description", "og:description", "twitter:description"} {
		if !strings.HasPrefix(head[key], "Chaser follows up on late invoices") {
			t.Errorf("head %s = %q, want the page file's description", key, head[key])
		}
	}
	if resp, err := http.Get(head["icon"]); err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon %q: %v %v", head["icon"], resp, err)
	} else {
		resp.Body.Close()
	}
}

// brandedPage is a page file that sets everything a founder can brand with, and no
// [thanks] section, so the thank-you page says the honest default.
const brandedPage = `slug = "brewlog"
title = "Brewlog — a diary for your coffee"
description = "Log a brew in ten seconds and learn which beans and recipes you actually like."
logo = "/static/favicon.svg"
brand_color = "#b45309"
social_image = "https://cdn.example.com/brewlog-card.png"
default = true

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "diary"
headline = "Know why today's coffee tasted better"
subheadline = "Brewlog remembers the beans, the grind and the recipe, so you can brew the good cup again."
cta = "Join the waitlist"
`

func testBrandedPage(t *testing.T, b *Browser) {
	s := StartServer(t, WithEnv("LITMUS_PAGES", pagesDir(t, map[string]string{"brewlog.toml": brandedPage})))
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/")

	if got := Eval[string](tab, `(document.querySelector("header img") || {}).src || ""`); got != s.URL+"/static/favicon.svg" {
		t.Errorf("logo = %q, want the page file's logo %q", got, s.URL+"/static/favicon.svg")
	}
	if got := Eval[bool](tab, `(document.querySelector("header img") || {}).complete === true && document.querySelector("header img").naturalWidth > 0`); !got {
		t.Error("the logo did not load")
	}
	if got := Eval[string](tab, `getComputedStyle(document.querySelector("`+submit+`")).backgroundColor`); got != "rgb(180, 83, 9)" {
		t.Errorf("button colour = %s, want the brand colour #b45309 = rgb(180, 83, 9)", got)
	}
	for sel, want := range map[string]string{
		`meta[property="og:image"]`:       "https://cdn.example.com/brewlog-card.png",
		`meta[name="twitter:image"]`:      "https://cdn.example.com/brewlog-card.png",
		`meta[name="twitter:card"]`:       "summary_large_image",
		`meta[name="theme-color"]`:        "#b45309",
		`meta[property="og:title"]`:       "Brewlog — a diary for your coffee",
		`meta[name="description"]`:        "Log a brew in ten seconds and learn which beans and recipes you actually like.",
		`meta[property="og:description"]`: "Log a brew in ten seconds and learn which beans and recipes you actually like.",
	} {
		if got := Eval[string](tab, `(document.querySelector(`+jsString(sel)+`) || {}).content || ""`); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}

	// No layout shift: images have their height reserved, and nothing moves as the page loads.
	if got := Eval[[]string](tab, `Array.from(document.images).filter(i => !i.getAttribute("height")).map(i => i.src)`); len(got) > 0 {
		t.Errorf("images without a height attribute (the page jumps when they load): %v", got)
	}
	shift := Eval[float64](tab, `new Promise(function (done) {
		var total = 0;
		new PerformanceObserver(function (list) {
			list.getEntries().forEach(function (e) { if (!e.hadRecentInput) { total += e.value; } });
		}).observe({type: "layout-shift", buffered: true});
		setTimeout(function () { done(total); }, 300);
	})`, chromedp.EvalAwaitPromise)
	if shift > 0 {
		t.Errorf("cumulative layout shift while loading = %.4f, want 0", shift)
	}
	tab.CheckAccessibility("a branded page with a logo")
	tab.CheckContrastOnWash("a branded page")

	// The thank-you page without a [thanks] section is honest that the product isn't built.
	tab.Open(s.URL + "/brewlog/thanks")
	if got := tab.Text("h1"); got != "You're on the list" {
		t.Errorf("default thank-you heading = %q", got)
	}
	if got := tab.Text("main"); !strings.Contains(got, "We're not ready yet") {
		t.Errorf("default thank-you page does not say the product isn't ready:\n%s", got)
	}
	if n := tab.Count("a.share"); n != 0 {
		t.Errorf("%d share links on a page without share_text, want none", n)
	}
	tab.CheckAccessibility("the default thank-you page with a logo")
}

func testErrorAndPreviewPages(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Phone)
	tab.Open(s.URL + "/no-such-page")
	if got := tab.Text("h1"); got == "" || tab.Count("h1") != 1 {
		t.Errorf("the 404 page has %d headings (%q), want one", tab.Count("h1"), got)
	}
	if tab.Count(`a[href="/"]`) != 1 {
		t.Error("the 404 page offers no way back to the start page")
	}
	tab.CheckAccessibility("the 404 page")

	tab.Open(s.URL + "/chaser?variant=paid-on-time")
	if got := tab.Text(".preview-banner"); !strings.Contains(got, "not counted") {
		t.Errorf("the preview does not say it is not counted: %q", got)
	}
	if !Eval[bool](tab, `document.querySelector("`+submit+`").disabled`) {
		t.Error("the preview's form can be sent")
	}
	tab.CheckAccessibility("a founder's preview of a variant")
}

// testThanksPageBrandColour: the thank-you page is sent with its page's own policy, which
// allows the brand colour's <style> block (the site-wide default would block it).
func testThanksPageBrandColour(t *testing.T, b *Browser) {
	s := StartServer(t, WithEnv("LITMUS_PAGES", pagesDir(t, map[string]string{"brewlog.toml": brandedPage})))
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/brewlog/thanks")
	if got := Eval[string](tab, `getComputedStyle(document.documentElement).getPropertyValue("--brand").trim()`); got != "#b45309" {
		t.Errorf("the thank-you page's brand colour is %q, want the page file's #b45309 (is its <style> blocked by the Content-Security-Policy?)", got)
	}
}

func testDashboardChart(t *testing.T, b *Browser) {
	s := StartServer(t, WithEnv("LITMUS_SIGNUP_LIMIT", "0"))
	// Forty people visit from three places and six of them sign up, over plain HTTP, so the
	// dashboard has something like a real first day to draw.
	sources := []string{"/?utm_source=newsletter&utm_campaign=launch", "/?utm_source=reddit", "/"}
	type visit struct {
		v     *Visitor
		token string
	}
	var visits []visit
	for i := range 40 {
		v := s.NewVisitor()
		status, _, token, err := v.Open(t.Context(), sources[i%len(sources)])
		if err != nil || status != 200 || token == "" {
			t.Fatalf("GET %s = %d %v", sources[i%len(sources)], status, err)
		}
		visits = append(visits, visit{v, token})
	}
	const signups = 6
	for i, vt := range visits[:signups] {
		email := fmt.Sprintf("person%d@example.com", i+1)
		if status, _, err := vt.v.SignUp(t.Context(), vt.token, email, nil); err != nil || status != 303 {
			t.Fatalf("signup %s = %d %v", email, status, err)
		}
	}

	tab := b.NewTab(t, Desktop, WithBasicAuth("admin", s.Password))
	tab.Open(s.URL + "/admin/pages/chaser")
	if got := tab.Text("h1"); got == "" {
		t.Fatalf("the dashboard has no heading; page text:\n%s", tab.Text("body"))
	}
	charts := Eval[[]map[string]any](tab, `Array.from(document.querySelectorAll("svg[role=img]")).map(function (svg) {
		var marks = Array.from(svg.querySelectorAll("polyline, path, rect, circle")).filter(function (m) {
			var box = m.getBBox(); return box.width > 0 || box.height > 0;
		});
		var names = (svg.getAttribute("aria-labelledby") || "").split(" ").map(id => (document.getElementById(id) || {}).textContent || "");
		return {marks: marks.length, name: names.join(" ").trim(), width: svg.getBoundingClientRect().width};
	})`)
	if len(charts) == 0 {
		t.Fatal(`the dashboard has no chart (no svg with role="img")`)
	}
	drawn := 0
	for _, c := range charts {
		if c["name"] == "" {
			t.Errorf("a chart has no accessible name (title/desc): %v", c)
		}
		if c["marks"].(float64) > 0 && c["width"].(float64) > 100 {
			drawn++
		}
	}
	if drawn == 0 {
		t.Errorf("no chart has drawn lines, dots or bars after %d signups: %v", signups, charts)
	}
	tab.CheckAccessibility("the dashboard")
	tab.Screenshot("dashboard")
}

// testAccessibilityCheckCatchesMistakes breaks the default page the way a careless template
// override would (a list without its label, a button without text) and expects axe-core to
// report both as blocking: a check that passes everything would prove nothing.
func testAccessibilityCheckCatchesMistakes(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/")
	Eval[chromedp.Void](tab, `document.querySelector("label[for=f-work]").remove(); document.querySelector("`+submit+`").textContent = ""`)
	blocking := map[string]bool{}
	for _, v := range tab.axeViolations("a deliberately broken page") {
		if v.blocking() {
			blocking[v.ID] = true
		}
	}
	for _, id := range []string{"select-name", "button-name"} {
		if !blocking[id] {
			t.Errorf("axe-core did not report %q as serious or critical; it reported %v", id, blocking)
		}
	}
}

// The example in docs/theme.md: a layout.html override whose footer has a privacy link and
// whose <style> block darkens it. The style must get through the page's
// Content-Security-Policy, which allows inline styles by their hash.
const (
	overrideFooter = `{{define "footer" -}}
{{with . -}}
<footer class="site-footer">
<p>{{.Title}} · <a href="/privacy">Privacy</a></p>
</footer>
{{- end}}
{{- end}}
`
	overrideStyle = `<style>.site-footer { background: #111827; color: #f9fafb; } .site-footer a { color: #f9fafb; }</style>`
)

func testTemplateOverride(t *testing.T, b *Browser) {
	builtin, err := os.ReadFile(filepath.Join("..", "pages", "templates", "layout.html"))
	if err != nil {
		t.Fatal(err)
	}
	layout := string(builtin)
	cut := strings.Index(layout, `{{define "footer"`)
	stylesheet := `<link rel="stylesheet" href="{{asset "app.css"}}">`
	if cut < 0 || !strings.Contains(layout, stylesheet) {
		t.Fatal("the built-in layout.html changed shape: update this test and the example in docs/theme.md")
	}
	layout = strings.Replace(layout[:cut], stylesheet, stylesheet+"\n"+overrideStyle, 1) + overrideFooter
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "layout.html"), []byte(layout), 0o644); err != nil {
		t.Fatal(err)
	}

	s := StartServer(t, WithEnv("LITMUS_TEMPLATES", dir))
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/")
	if got := tab.Text("footer"); got != "Chaser — invoices that chase themselves · Privacy" {
		t.Errorf("footer = %q, want the override's, with its privacy link", got)
	}
	if got := Eval[string](tab, `getComputedStyle(document.querySelector("footer")).backgroundColor`); got != "rgb(17, 24, 39)" {
		t.Errorf("footer background = %s, want the override's style (rgb(17, 24, 39)): is its <style> blocked?", got)
	}
	if got := tab.Text("h1"); got == "" {
		t.Error("the page lost its heading: page.html and form.html should be the built-in ones")
	}
	tab.CheckAccessibility("a page with an overridden footer")
}
