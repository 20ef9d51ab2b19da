package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/i18n"
)

// Page files for the language and domain tests: a German page on the main site, an Arabic
// page and an English page each on its own domain (Chromium maps *.test to this machine).
const (
	germanLandingPage = `slug = "rechnungen"
title = "Mahnwesen – Rechnungen, die sich selbst eintreiben"
lang = "de"

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Nie wieder Zahlungen hinterherlaufen"
subheadline = "Wir erinnern Ihre Kunden freundlich und pünktlich – Sie schreiben keine einzige Mahnung mehr."
cta = "Auf die Warteliste"

[[fields]]
name = "email"
kind = "email"

[[fields]]
name = "firma"
kind = "text"
label = "Firma"
`
	arabicLandingPage = `slug = "fikra"
title = "فكرة — فواتيرك تُحصَّل وحدها"
lang = "ar"
domains = ["fikra.test"]

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "لا تلاحق عملاءك بعد اليوم"
subheadline = "نذكّر عملاءك بلطف وفي الموعد، فلا تكتب رسالة مطالبة واحدة بعد الآن."
body = """
- **تذكيرات في وقتها:** قبل موعد الاستحقاق وبعده.
- **بلهجتك أنت:** رسائل مهذبة تحفظ العلاقة.
"""
cta = "انضم إلى قائمة الانتظار"

[[fields]]
name = "email"
kind = "email"

[[fields]]
name = "company"
kind = "text"
label = "اسم الشركة"
`
	domainLandingPage = `slug = "shiftmeals"
title = "ShiftMeals — dinner for night shifts"
domains = ["shiftmeals.test", "www.shiftmeals.test"]

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Hot dinner at 3 a.m."
cta = "Get early access"

[thanks]
share_text = "Tell a colleague"
`
)

// TestBrowserLanguagesAndDomains: a German page with a mistyped email, an Arabic page read
// right to left on a phone, and a page served on its own domain, each checked by axe-core.
func TestBrowserLanguagesAndDomains(t *testing.T) {
	b := StartBrowser(t)
	s := StartServer(t, WithEnv("LITMUS_PAGES", pagesDir(t, map[string]string{
		"rechnungen.toml": germanLandingPage, "fikra.toml": arabicLandingPage, "shiftmeals.toml": domainLandingPage,
	})))
	port := s.URL[strings.LastIndex(s.URL, ":"):]
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *Browser, *Server, string)
	}{
		{"a German page tells a mistyped email in German", testGermanEmailMistake},
		{"an Arabic page reads right to left on a phone", testArabicPageOnPhone},
		{"a page is served on its own domain", testPageOnItsOwnDomain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, b, s, port)
		})
	}
}

func testGermanEmailMistake(t *testing.T, b *Browser, s *Server, _ string) {
	tab := b.NewTab(t, Desktop)
	tab.Open(s.URL + "/")
	if got := Eval[string](tab, `document.documentElement.lang + " " + document.documentElement.dir`); got != "de ltr" {
		t.Errorf("<html> lang and dir = %q, want \"de ltr\"", got)
	}
	if got := tab.Text(`label[for="f-firma"]`); got != "Firma (optional)" {
		t.Errorf("the optional field's label reads %q", got)
	}
	tab.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), "ada@example"))
	tab.Do(chromedp.Click(chromedp.CSS(submit)))
	tab.WaitFor(`document.querySelector("#f-email-error").textContent !== ""`)
	want := i18n.MustFor("de").Text("email."+string(email.RuleSingleLabel), "max", 0)
	if got := tab.Text("#f-email-error"); got != want {
		t.Errorf("the email mistake reads %q, want %q", got, want)
	}
	if got := tab.Text("#form-status"); got != "Bitte prüfen Sie die unten markierten Felder." {
		t.Errorf("the form's summary reads %q", got)
	}
	tab.CheckAccessibility("a German page with a mistyped email")
	tab.Screenshot("page-error-de")
}

func testArabicPageOnPhone(t *testing.T, b *Browser, s *Server, port string) {
	tab := b.NewTab(t, Phone, WithoutJavaScript)
	tab.Open("http://fikra.test" + port + "/")
	if got := Eval[string](tab, `document.documentElement.lang + " " + document.documentElement.dir`); got != "ar rtl" {
		t.Errorf("<html> lang and dir = %q, want \"ar rtl\"", got)
	}
	if got := Eval[string](tab, `getComputedStyle(document.querySelector("form.signup")).direction`); got != "rtl" {
		t.Errorf("the form's direction is %q, want rtl", got)
	}
	// Right to left: a label's words start at the right edge of its field.
	if !Eval[bool](tab, `(function () {
		var r = document.createRange();
		r.selectNodeContents(document.querySelector('label[for="f-email"]'));
		var l = r.getBoundingClientRect();
		var i = document.querySelector('#f-email').getBoundingClientRect();
		return Math.abs(l.right - i.right) < 2 && l.left > i.left + 20;
	})()`) {
		t.Error("the email label is not aligned to the right of its field")
	}
	if got := Eval[bool](tab, `document.documentElement.scrollWidth <= window.innerWidth`); !got {
		t.Error("the Arabic page scrolls sideways on a phone")
	}
	tab.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), "ada@example"))
	tab.ClickAndWaitForPage(submit)
	want := i18n.MustFor("ar").Text("email."+string(email.RuleSingleLabel), "max", 0)
	if got := tab.Text("#f-email-error"); got != want {
		t.Errorf("the email mistake reads %q, want %q", got, want)
	}
	tab.CheckAccessibility("an Arabic page with a mistyped email, on a phone")
	tab.Screenshot("page-rtl-phone")
}

func testPageOnItsOwnDomain(t *testing.T, b *Browser, s *Server, port string) {
	tab := b.NewTab(t, Desktop)
	tab.Open("http://www.shiftmeals.test" + port + "/")
	if got := tab.Text("h1"); got != "Hot dinner at 3 a.m." {
		t.Fatalf("www.shiftmeals.test shows %q", got)
	}
	if got := Eval[string](tab, `document.querySelector('link[rel="canonical"]').href`); got != "https://shiftmeals.test/" {
		t.Errorf("canonical = %q, want the first domain over https", got)
	}
	if got := Eval[string](tab, `document.querySelector("form.signup").action`); got != "http://www.shiftmeals.test"+port+"/signup" {
		t.Errorf("the form posts to %q, want its own host's /signup", got)
	}
	tab.CheckAccessibility("a page on its own domain")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), "night.nurse@example.com"))
	tab.Do(chromedp.Click(chromedp.CSS(submit)))
	tab.WaitFor(`location.pathname === "/thanks"`)
	if got := Eval[string](tab, `location.host`); got != "www.shiftmeals.test"+strings.TrimPrefix(port, "") {
		t.Errorf("the thank-you page is on %q", got)
	}
	if got := Eval[string](tab, `document.querySelector("a.share").href`); got != "https://shiftmeals.test/" {
		t.Errorf("the share link is %q, want https://shiftmeals.test/", got)
	}
	if _, ok := storedSignup(t, s, "shiftmeals", "night.nurse@example.com"); !ok {
		t.Error("the signup on the page's own domain is not in the database")
	}
	// The main site does not show a page that has its own domain.
	tab.Open(s.URL + "/")
	if got := tab.Text("h1"); got == "Hot dinner at 3 a.m." {
		t.Error("the main site's root shows the domain page")
	}
}
