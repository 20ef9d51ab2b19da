package handlers

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/i18n"
	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/pages"
)

// germanPage is the main site's page in German, with a field of every kind.
const germanPage = `slug = "idee"
title = "Idee – Rechnungen, die sich selbst eintreiben"
lang = "de"

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Nie wieder Zahlungen hinterherlaufen"
cta = "Auf die Warteliste"

[[variants]]
id = "b"
headline = "Pünktlich bezahlt werden"
cta = "Jetzt eintragen"

[[fields]]
name = "email"
kind = "email"

[[fields]]
name = "name"
kind = "text"
label = "Vorname"
max_length = 10

[[fields]]
name = "firma"
kind = "text"
label = "Firma"
required = true

[[fields]]
name = "rolle"
kind = "select"
label = "Ihre Rolle"
options = ["Gründerin", "Freelancer"]
required = true

[[fields]]
name = "zustimmung"
kind = "checkbox"
label = "Ich möchte E-Mails erhalten"
required = true

[thanks]
share_text = "Weitersagen"
`

// arabicPage is a page on its own domain, in Arabic, with one message overridden.
const arabicPage = `slug = "fikra"
title = "فكرة"
lang = "ar"
domains = ["fikra.test"]

[messages]
"form.optional" = "(إن أردت)"

[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "فواتيرك تُحصَّل وحدها"
cta = "انضم إلى قائمة الانتظار"

[[fields]]
name = "name"
kind = "text"
label = "الاسم"
`

func languagesEnv(t *testing.T, opts ...envOption) *env {
	return newEnv(t, append([]envOption{withPageFiles(t, "", map[string]string{
		"idee.toml": germanPage, "fikra.toml": arabicPage,
	})}, opts...)...)
}

// germanForm is a complete, valid signup for the German page.
func germanForm(token, addr string) url.Values {
	return url.Values{"_token": {token}, "email": {addr}, "firma": {"Acme"}, "rolle": {"Freelancer"}, "zustimmung": {"on"}, "website": {""}}
}

func TestGermanPage(t *testing.T) {
	e := languagesEnv(t)
	resp, body := e.get("/")
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	for _, want := range []string{`<html lang="de" dir="ltr">`, `Ihre E-Mail-Adresse`, `placeholder="name@beispiel.de"`,
		`Vorname <span class="optional">(optional)</span>`, `<option value="">Bitte auswählen</option>`, `data-error-summary="Bitte prüfen Sie die unten markierten Felder."`} {
		if !strings.Contains(body, want) {
			t.Errorf("German page lacks %s", want)
		}
	}
	if strings.Contains(body, "Leave this empty") || strings.Contains(body, "Choose one") || strings.Contains(body, "(optional)</span>") && strings.Contains(body, "Your email") {
		t.Errorf("German page has English words Litmus wrote:\n%s", clipBody(body))
	}

	cookie, token := e.visit("/")
	e.advance(3 * time.Second)
	resp, body = e.post("/idee/signup", cookie, germanForm(token, "ada.example.com"))
	if resp.StatusCode != 422 {
		t.Fatalf("wrong email = %d, want 422", resp.StatusCode)
	}
	for _, want := range []string{"Eine E-Mail-Adresse braucht ein @, zum Beispiel name@example.com.", "Bitte prüfen Sie die unten markierten Felder.", `value="ada.example.com"`} {
		if !strings.Contains(body, want) {
			t.Errorf("German form again lacks %s", want)
		}
	}
}

func TestArabicPageIsRightToLeft(t *testing.T) {
	e := languagesEnv(t)
	resp, body := e.onHost("GET", "fikra.test", "/", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("fikra.test/ = %d", resp.StatusCode)
	}
	for _, want := range []string{`<html lang="ar" dir="rtl">`, `الاسم <span class="optional">(إن أردت)</span>`, `بريدك الإلكتروني`} {
		if !strings.Contains(body, want) {
			t.Errorf("Arabic page lacks %s", want)
		}
	}
	cookie, token := e.visitOn("fikra.test")
	e.advance(3 * time.Second)
	resp, body = e.onHost("POST", "fikra.test", "/signup", cookie, url.Values{"_token": {token}, "email": {strings.Repeat("a", 65) + "@example.com"}}, "Sec-Fetch-Site", "same-origin")
	if want := "الجزء الذي يسبق @ طويل جدًا، إذ لا يمكن أن يتجاوز ٦٤ حرفًا."; resp.StatusCode != 422 || !strings.Contains(body, want) {
		t.Errorf("Arabic too-long local part = %d, lacks %s", resp.StatusCode, want)
	}
	resp, body = e.onHost("GET", "fikra.test", "/nothing-here", "", nil)
	if resp.StatusCode != 404 || !strings.Contains(body, `<html lang="ar" dir="rtl">`) || !strings.Contains(body, "الصفحة غير موجودة") {
		t.Errorf("404 on the Arabic page's domain = %d:\n%s", resp.StatusCode, clipBody(body))
	}
}

// TestAdminStaysEnglishAndShowsEachLanguage: the admin is in English whatever the pages'
// languages, and names each page's language.
func TestAdminStaysEnglishAndShowsEachLanguage(t *testing.T) {
	e := languagesEnv(t)
	req := httptest.NewRequest("GET", "/admin", nil)
	req.SetBasicAuth("admin", testPassword)
	_, body := e.do(req)
	for _, want := range []string{`<html lang="en"`, "Your pages", `· language de`, `· language ar`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin index lacks %s", want)
		}
	}
	req = httptest.NewRequest("GET", "/admin/pages/fikra", nil)
	req.SetBasicAuth("admin", testPassword)
	_, body = e.do(req)
	if !strings.Contains(body, "language ar") {
		t.Errorf("admin page lacks the language")
	}
}

// TestEveryMessageIsRendered goes through every situation in which Litmus writes to a
// visitor, on a German page, and checks each message of the catalogue appeared in some
// answer, in German. A message no situation shows fails the test.
func TestEveryMessageIsRendered(t *testing.T) {
	e := languagesEnv(t)
	e.app.Get("/test/panics/here", func(*fiber.Ctx) error { panic("boom") })
	var bodies []string
	keep := func(_ *http.Response, body string) { bodies = append(bodies, html.UnescapeString(body)) }

	keep(e.get("/"))
	cookie, token := e.visit("/")
	e.advance(3 * time.Second)
	for _, rule := range email.Rules() {
		keep(e.post("/idee/signup", cookie, germanForm(token, ruleAddress(rule))))
	}
	fieldCases := []url.Values{
		{"name": {"Adalberto Tremendo"}}, {"name": {"Ada\xff"}}, {"name": {"Ada\u202e"}},
		{"firma": {""}}, {"rolle": {""}}, {"rolle": {"Pirat"}}, {"zustimmung": {""}}, {"zustimmung": {"vielleicht"}},
	}
	for _, c := range fieldCases {
		form := germanForm(token, "ada@example.com")
		for k, v := range c {
			form[k] = v
		}
		keep(e.post("/idee/signup", cookie, form))
	}
	keep(e.post("/idee/signup", cookie, germanForm(token, "ada@example.com"), "Sec-Fetch-Site", "cross-site"))
	keep(e.post("/idee/signup", cookie, germanForm("forged", "ada@example.com")))
	limited := languagesEnv(t, func(d *Deps) { d.SignupLimit = 1 })
	lcookie, ltoken := limited.visit("/")
	limited.advance(3 * time.Second)
	keep(limited.post("/idee/signup", lcookie, germanForm(ltoken, "ada@example.com"))) // the one signup a minute
	keep(limited.post("/idee/signup", lcookie, germanForm(ltoken, "bob@example.com"))) // 429
	// From loopback (the founder's own machine) the 429 also says how to lift the limit.
	lorigin := limited.listen()
	for _, addr := range []string{"cy@example.com", "dee@example.com"} {
		req, _ := http.NewRequest("POST", lorigin+"/idee/signup", strings.NewReader(germanForm(ltoken, addr).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", chromeUA)
		req.AddCookie(&http.Cookie{Name: VisitorCookie, Value: lcookie})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		keep(resp, string(b))
	}
	keep(e.get("/idee/thanks"))
	keep(e.get("/idee?variant=b"))
	keep(e.get("/idee?variant=nope"))
	keep(e.get("/no-such-page"))
	keep(e.get("/test/panics/here"))
	req := httptest.NewRequest("DELETE", "/idee", nil)
	req.Header.Set("User-Agent", chromeUA)
	keep(e.do(req))

	origin := e.listen()
	if resp, body, err := postTooLarge(origin, "/idee/signup"); err == nil {
		keep(resp, body)
	} else {
		t.Fatal(err)
	}
	huge := "GET / HTTP/1.1\r\nHost: litmus.test\r\nX-Big: " + strings.Repeat("x", 10<<10) + "\r\n\r\n"
	if resp, body, err := exchange(origin, "GET", huge); err == nil {
		keep(resp, body)
	} else {
		t.Fatal(err)
	}
	bad := "GET / HTTP/1.1\r\nHost: litmus.test\r\nContent-Length: many\r\n\r\n"
	if resp, body, err := exchange(origin, "GET", bad); err == nil {
		keep(resp, body)
	} else {
		t.Fatal(err)
	}

	e.advance(25 * time.Hour) // the token is now past formtoken.MaxAge
	keep(e.post("/idee/signup", cookie, germanForm(token, "cy@example.com")))
	e.store.Close() // the database goes away: the signup cannot be saved
	_, token2 := e.visit("/")
	e.advance(3 * time.Second)
	keep(e.post("/idee/signup", "", germanForm(token2, "dee@example.com")))

	bodies = append(bodies, germanSignals(t)...)

	all := strings.Join(bodies, "\n\n")
	de := i18n.MustFor("de")
	for _, key := range i18n.Keys() {
		if !renderedIn(all, de, key) {
			t.Errorf("message %q never appeared in German (%q)", key, de.Text(key))
		}
	}
}

// germanSignalsPage is signalsPage (signals_test.go) in German.
const germanSignalsPage = `lang = "de"
` + signalsPage

// germanSignals goes through every situation of the demand signals on a German page (the
// thank-you page's questions and share link, the answers, the confirmation mail and the
// pages its link opens) and returns what a visitor was shown, HTML unescaped.
func germanSignals(t *testing.T) []string {
	e := newEnv(t)
	ent := e.withPage(strings.Replace(germanSignalsPage, "[confirmation]\nsubject = \"Confirm your place\"\n", "", 1))
	e.startPhase("idea")
	var bodies []string
	keep := func(_ *http.Response, body string) { bodies = append(bodies, html.UnescapeString(body)) }

	thanks := e.signUp("/idea", "ada@example.com")
	keep(e.get(thanks)) // the questions and the share link
	sig := thanksLinkRE.FindStringSubmatch(thanks)[1]
	keep(e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$1000"}}))               // an answer to check
	keep(e.post("/idea/answers", "", url.Values{"_signup": {sig + "x"}, "pay": {"$5"}}))            // not matched to a signup
	keep(e.post("/idea/answers", "", url.Values{"_signup": {sig}}, "Sec-Fetch-Site", "cross-site")) // from another site
	resp, _ := e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$5"}})
	keep(e.get(resp.Header.Get("Location"))) // answered

	subject, text := pages.ConfirmMail(ent.Page, "https://example.com/idea/confirm?t=x")
	bodies = append(bodies, subject, text)

	links := linktoken.NewSigner(e.store.Secret())
	id := e.signups("idea")[0].ID
	confirm := func(signup int64) string {
		return links.Sign(linktoken.Token{Purpose: linktoken.Confirm, Page: "idea", Signup: signup, Issued: e.clock()})
	}
	tok := confirm(id)
	keep(e.get("/idea/confirm?t=" + tok))                                                     // the button
	keep(e.post("/idea/confirm", "", url.Values{"t": {tok}}, "Sec-Fetch-Site", "cross-site")) // from another site
	keep(e.post("/idea/confirm", "", url.Values{"t": {tok}}))                                 // confirmed
	keep(e.post("/idea/confirm", "", url.Values{"t": {tok + "x"}}))                           // damaged
	keep(e.post("/idea/confirm", "", url.Values{"t": {confirm(id + 1000)}}))                  // no such signup
	e.advance(8 * 24 * time.Hour)
	keep(e.get("/idea/confirm?t=" + tok)) // expired

	e.store.Close() // the database goes away: neither answers nor confirmations can be saved
	keep(e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$5"}}))
	keep(e.post("/idea/confirm", "", url.Values{"t": {confirm(id)}}))
	return bodies
}

// renderedIn reports whether the message key appears in text, whatever its placeholders were
// filled with (or left as {url} for app.js). Multi-paragraph Markdown is matched paragraph
// by paragraph.
func renderedIn(text string, m *i18n.Messages, key string) bool {
	for _, para := range strings.Split(m.Text(key), "\n\n") {
		var pattern strings.Builder
		last := 0
		ph := regexp.MustCompile(`\{[a-z_]+\}`)
		for _, loc := range ph.FindAllStringIndex(para, -1) {
			pattern.WriteString(regexp.QuoteMeta(para[last:loc[0]]))
			pattern.WriteString(`(?:\{[a-z_]+\}|.{1,200}?)`)
			last = loc[1]
		}
		pattern.WriteString(regexp.QuoteMeta(para[last:]))
		if !regexp.MustCompile(pattern.String()).MatchString(text) {
			// Plural messages: any of the forms will do; try the number that was shown.
			if !strings.Contains(key, "too_long") || !pluralShown(text, m, key) {
				return false
			}
		}
	}
	return true
}

// pluralShown checks the too-long messages with the numbers the test sends.
func pluralShown(text string, m *i18n.Messages, key string) bool {
	switch key {
	case "field.too_long":
		return strings.Contains(text, m.Text(key, "label", "Vorname", "n", 18, "max", 10))
	}
	return false
}

// ruleAddress is an address that breaks rule.
func ruleAddress(rule email.Rule) string {
	return map[email.Rule]string{
		email.RuleEmpty:          "",
		email.RuleInvalidUTF8:    "ann\xff@example.com",
		email.RuleTooLong:        strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "com",
		email.RuleLineBreak:      "ann\n@example.com",
		email.RuleWhitespace:     "ann lee@example.com",
		email.RuleControlChar:    "ann\x00@example.com",
		email.RuleBidiControl:    "ann\u202e@example.com",
		email.RuleInvisibleChar:  "ann\u200b@example.com",
		email.RuleQuotedLocal:    `"ann lee"@example.com`,
		email.RuleMissingAt:      "ann.example.com",
		email.RuleMultipleAt:     "ann@@example.com",
		email.RuleMissingLocal:   "@example.com",
		email.RuleMissingDomain:  "ann@",
		email.RuleLocalTooLong:   strings.Repeat("a", 65) + "@example.com",
		email.RuleLocalDotEdge:   ".ann@example.com",
		email.RuleDoubleDot:      "ann..lee@example.com",
		email.RuleBadLocalChar:   "ann,lee@example.com",
		email.RuleAddressLiteral: "ann@[192.0.2.1]",
		email.RuleDomainDotEdge:  "ann@.example.com",
		email.RuleSingleLabel:    "ann@localhost",
		email.RuleLabelTooLong:   "ann@" + strings.Repeat("a", 64) + ".com",
		email.RuleBadHyphen:      "ann@-example.com",
		email.RuleNumericTLD:     "ann@example.123",
		email.RuleBadDomain:      "ann@my_startup.com",
	}[rule]
}
