package handlers

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// signalsPage has every demand signal: double opt-in judged on confirmed signups, share
// links, and two thank-you questions.
const signalsPage = `
slug = "idea"
title = "Idea"
double_opt_in = true
referrals = true

[[variants]]
id = "a"
headline = "A better idea"
cta = "Join"

[pass_bar]
target = "50%"
min_visitors = 4
min_days = 0
counts = "confirmed"

[[questions]]
name = "pay"
label = "What would you pay per month?"
options = ["Nothing", "$5", "$20"]

[[questions]]
name = "today"
kind = "text"
label = "What do you use today?"
max_length = 40

[confirmation]
subject = "Confirm your place"
`

// withPage replaces the example pages with one page file.
func (e *env) withPage(src string) *site.Entry {
	e.t.Helper()
	ps, err := pages.LoadDir(fstest.MapFS{"idea.toml": {Data: []byte(src)}}, ".")
	if err != nil {
		e.t.Fatal(err)
	}
	s, err := site.Build(context.Background(), ps, pages.DefaultTheme(), pages.Options{}, e.store)
	if err != nil {
		e.t.Fatal(err)
	}
	e.site.Store(s)
	e.metrics.InitPages(s.VariantIDs())
	return s.Lookup(ps[0].Slug)
}

var (
	thanksLinkRE = regexp.MustCompile(`^/idea/thanks\?s=([A-Za-z0-9_.-]+)$`)
	// The share link is the page's public address (pages.URLsOf) with ?ref=: "idea" is the
	// only page, so the default one, at "/" (it answers at /idea too).
	refRE = regexp.MustCompile(`"https?://[^/"]+/\?ref=([a-z2-7]{16})"`)
)

// signUp is a person opening path, waiting, and signing up; it returns the thank-you link.
func (e *env) signUp(path, email string) string {
	e.t.Helper()
	cookie, token := e.visit(path)
	e.advance(5 * time.Second)
	resp, body := e.post("/idea/signup", cookie, url.Values{"_token": {token}, "email": {email}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !thanksLinkRE.MatchString(loc) {
		e.t.Fatalf("signup %s: %d Location %q\n%s", email, resp.StatusCode, loc, clipBody(body))
	}
	return loc
}

func TestDemandSignalsEndToEndInProcess(t *testing.T) {
	e := newEnv(t)
	e.withPage(signalsPage)
	e.startPhase("idea")

	// Ada signs up; her thank-you page asks the questions and shows her share link.
	adaThanks := e.signUp("/idea", "ada@example.com")
	resp, body := e.get(adaThanks)
	if resp.StatusCode != 200 || !strings.Contains(body, "What would you pay per month?") || !strings.Contains(body, `name="_signup"`) {
		t.Fatalf("thanks page: %d\n%s", resp.StatusCode, clipBody(body))
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("a page with a personal link has Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	m := refRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no share link on the thanks page:\n%s", clipBody(body))
	}
	code := m[1]
	if strings.Contains(adaThanks+body, "ada@") {
		t.Error("the thank-you link or page carries the email")
	}
	sig := thanksLinkRE.FindStringSubmatch(adaThanks)[1]

	// An invalid answer shows the page again with the message and the typed text kept.
	resp, body = e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$1000"}, "today": {`<b>"Excel"</b>`}})
	if resp.StatusCode != 422 || !strings.Contains(body, "Please choose one of the options") ||
		!strings.Contains(body, html.EscapeString(`<b>"Excel"</b>`)) || strings.Contains(body, `<b>"Excel"</b>`) {
		t.Fatalf("invalid answer: %d\n%s", resp.StatusCode, clipBody(body))
	}
	resp, body = e.post("/idea/answers", "", url.Values{"_signup": {sig}, "today": {strings.Repeat("x", 41)}})
	if resp.StatusCode != 422 || !strings.Contains(body, "too long: 41 characters, the limit is 40") {
		t.Fatalf("long answer: %d\n%s", resp.StatusCode, clipBody(body))
	}
	// A damaged token attaches nothing.
	if resp, _ = e.post("/idea/answers", "", url.Values{"_signup": {sig + "x"}, "pay": {"$5"}}); resp.StatusCode != 422 {
		t.Errorf("damaged token: %d, want 422", resp.StatusCode)
	}
	resp, _ = e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$5"}, "today": {"Excel"}})
	if resp.StatusCode != 303 || !strings.HasSuffix(resp.Header.Get("Location"), "&answered=1") {
		t.Fatalf("answer: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body = e.get(resp.Header.Get("Location")); !strings.Contains(body, "Thank you for answering") {
		t.Errorf("after answering:\n%s", clipBody(body))
	}

	// Bo and Cy arrive through Ada's link; Bo signs up. Di comes directly and signs up.
	boThanks := e.signUp("/idea?ref="+code, "bo@example.com")
	e.visit("/idea?ref=" + code)
	e.signUp("/idea", "di@example.com")
	boSig := thanksLinkRE.FindStringSubmatch(boThanks)[1]
	if resp, _ := e.post("/idea/answers", "", url.Values{"_signup": {boSig}, "pay": {"$20"}}); resp.StatusCode != 303 {
		t.Fatalf("bo's answer: %d", resp.StatusCode)
	}

	// The same email again gets a page that looks the same, attached to nobody.
	dupThanks := e.signUp("/idea", "ada@example.com")
	if _, body := e.get(dupThanks); !refRE.MatchString(body) || strings.Contains(body, code) {
		t.Errorf("a repeated signup's page must look like a new one and not show the first one's code")
	}
	dupSig := thanksLinkRE.FindStringSubmatch(dupThanks)[1]
	if resp, _ := e.post("/idea/answers", "", url.Values{"_signup": {dupSig}, "pay": {"Nothing"}}); resp.StatusCode != 303 {
		t.Errorf("answer on a repeated signup's page: %d", resp.StatusCode)
	}

	ids := map[string]int64{}
	for _, r := range e.signups("idea") {
		ids[r.Email] = r.ID
	}
	links := linktoken.NewSigner(e.store.Secret())
	confirmLink := func(email string) string {
		return "/idea/confirm?t=" + links.Sign(linktoken.Token{Purpose: linktoken.Confirm, Page: "idea", Signup: ids[email], Issued: e.clock()})
	}

	// A GET alone never confirms; the button (POST) does; a second press is harmless.
	adaLink := confirmLink("ada@example.com")
	resp, body = e.get(adaLink)
	if resp.StatusCode != 200 || !strings.Contains(body, "Confirm my email") || !strings.Contains(body, `method="post"`) {
		t.Fatalf("confirm page: %d\n%s", resp.StatusCode, clipBody(body))
	}
	if c := e.apiResults("idea").Confirmation; c == nil || c.Confirmed != 0 {
		t.Fatalf("a GET confirmed: %+v", c)
	}
	tok := strings.TrimPrefix(adaLink, "/idea/confirm?t=")
	for range 2 {
		resp, body = e.post("/idea/confirm", "", url.Values{"t": {tok}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Thanks, your email is confirmed") {
			t.Fatalf("confirm: %d\n%s", resp.StatusCode, clipBody(body))
		}
	}
	boTok := strings.TrimPrefix(confirmLink("bo@example.com"), "/idea/confirm?t=")
	if resp, _ := e.post("/idea/confirm", "", url.Values{"t": {boTok}}); resp.StatusCode != 200 {
		t.Fatalf("confirm bo: %d", resp.StatusCode)
	}
	// A thank-you token is not a confirmation token, and a changed one is refused.
	for _, bad := range []string{sig, tok[:len(tok)-2] + "AA"} {
		resp, body = e.post("/idea/confirm", "", url.Values{"t": {bad}})
		if resp.StatusCode != 400 || !strings.Contains(body, "This confirmation link doesn&#39;t work") {
			t.Errorf("bad token: %d\n%s", resp.StatusCode, clipBody(body))
		}
	}

	// The numbers, exactly: 5 visitors (Ada, Bo, Cy, Di, and Ada again from a new browser),
	// 3 signups, 2 confirmed; Bo and Cy referred, Bo's signup referred and confirmed.
	r := e.apiResults("idea")
	if r.Counts != "confirmed" || r.Verdict.Visitors != 5 || r.Verdict.Signups != 2 || r.Variants[0].Signups != 2 {
		t.Errorf("verdict on confirmed signups: counts %q, verdict %d/%d, variant %d", r.Counts, r.Verdict.Signups, r.Verdict.Visitors, r.Variants[0].Signups)
	}
	if c := r.Confirmation; c.Signups != 3 || c.Confirmed != 2 || c.Variants[0].Confirmed != 2 {
		t.Errorf("confirmation %+v", c)
	}
	ref := r.Referrals
	if ref == nil || ref.ReferredVisitors != 2 || ref.ReferredSignups != 1 || ref.Rate.Rate != 1.0/3 {
		t.Fatalf("referrals %+v", ref)
	}
	if v := ref.VerdictWithout; v.Visitors != 3 || v.Signups != 1 {
		t.Errorf("verdict without referred: %d/%d, want 1/3", v.Signups, v.Visitors)
	}
	if len(r.Questions) != 2 {
		t.Fatalf("questions %+v", r.Questions)
	}
	pay := r.Questions[0].All
	if pay.Answered != 2 || pay.Choices[0].Count != 0 || pay.Choices[1].Count != 1 || pay.Choices[2].Count != 1 || pay.Choices[1].Share != 0.5 {
		t.Errorf("pay answers %+v (the repeated signup's answer must not count)", pay)
	}
	if v := r.Questions[0].Variants; len(v) != 1 || v[0].ID != "a" || v[0].Answered != 2 || v[0].Choices[1].Count != 1 || v[0].Choices[2].Share != 0.5 {
		t.Errorf("pay answers of variant a: %+v", v)
	}
	if l := r.Questions[1].Latest; len(l) != 1 || l[0].Text != "Excel" {
		t.Errorf("latest text answers %+v", l)
	}

	// The admin page shows the signals.
	admin := e.adminGet("/admin/pages/idea")
	for _, want := range []string{"Confirmed", "Referred visitors", "What would you pay per month?", "Excel"} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}

	// Each signup queued one confirmation mail, with the link's base and no other copy.
	due, err := e.store.DueConfirmationMails(context.Background(), e.clock().Add(time.Hour), 10)
	if err != nil || len(due) != 3 || due[0].LinkBase != "http://example.com" || due[0].Email != "ada@example.com" {
		t.Errorf("outbox %+v, %v; want 3 mails (the repeated signup queues none)", due, err)
	}

	// A week and a day later the link has expired: a clear page, status 410.
	e.advance(8 * 24 * time.Hour)
	resp, body = e.get("/idea/confirm?t=" + tok)
	if resp.StatusCode != 410 || !strings.Contains(body, "This confirmation link has expired") {
		t.Errorf("expired link: %d\n%s", resp.StatusCode, clipBody(body))
	}
}

// TestARepeatSignerInALaterPhaseGetsNoOnesLinks: a person who signed up in phase 1 and
// signs up again in phase 2 is a signup of phase 2 (issue 13), but the thank-you page they
// get is attached to nobody, as for a repeated email: whoever types an address that is on
// the list must not see its share link nor change its answers.
func TestARepeatSignerInALaterPhaseGetsNoOnesLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := strings.NewReplacer("double_opt_in = true\n", "", `counts = "confirmed"`, "",
		"[confirmation]\nsubject = \"Confirm your place\"\n", "").Replace(signalsPage)
	e.withPage(page)
	e.startPhase("idea")
	adaThanks := e.signUp("/idea", "ada@example.com")
	_, body := e.get(adaThanks)
	m := refRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no share link on the thanks page:\n%s", clipBody(body))
	}
	code := m[1]
	sig := thanksLinkRE.FindStringSubmatch(adaThanks)[1]
	if resp, _ := e.post("/idea/answers", "", url.Values{"_signup": {sig}, "pay": {"$5"}}); resp.StatusCode != 303 {
		t.Fatalf("answer: %d", resp.StatusCode)
	}

	// A new bar: phase 2. Ada signs up again from another browser.
	e.withPage(strings.Replace(page, `target = "50%"`, `target = "40%"`, 1))
	e.startPhase("idea")
	again := e.signUp("/idea", "ada@example.com")
	if _, body := e.get(again); !refRE.MatchString(body) || strings.Contains(body, code) {
		t.Errorf("the repeat's thank-you page must look like a new one and not show Ada's code")
	}
	againSig := thanksLinkRE.FindStringSubmatch(again)[1]
	if resp, _ := e.post("/idea/answers", "", url.Values{"_signup": {againSig}, "pay": {"Nothing"}}); resp.StatusCode != 303 {
		t.Errorf("answer on the repeat's page: %d", resp.StatusCode)
	}

	r := e.apiResults("idea")
	if r.Phase.Number != 2 || r.Verdict.Visitors != 1 || r.Verdict.Signups != 1 {
		t.Errorf("phase %d: %d signups of %d visitors, want the repeat counted (1 of 1) in phase 2", r.Phase.Number, r.Verdict.Signups, r.Verdict.Visitors)
	}
	if q := r.Questions; len(q) != 2 || q[0].All.Answered != 0 {
		t.Errorf("phase 2's answers %+v, want none", q)
	}
	rows := e.signups("idea")
	if len(rows) != 1 || rows[0].Answers["pay"] != "$5" || len(rows[0].Repeats) != 1 {
		t.Errorf("Ada stored as %+v; want one row, her phase-1 answer kept, one repeat", rows)
	}
}

// TestDemandSignalsOnAPagesOwnDomain: on a page with domains, the thank-you page, its
// answers and the confirmation link live on the page's own host (/thanks, /answers,
// /confirm), the share link and the confirmation mail's link are https:// + its first
// domain, a ?ref= visit there is counted, and an old main-site link keeps its ?ref=.
func TestDemandSignalsOnAPagesOwnDomain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withPageFiles(t, "https://try.example.com", map[string]string{
		"idea.toml": "domains = [\"idea.test\", \"www.idea.test\"]\n" + signalsPage,
	}))
	e.startPhase("idea")
	const host = "www.idea.test"
	same := []string{"Sec-Fetch-Site", "same-origin"}

	cookie, token := e.visitOn(host)
	e.advance(5 * time.Second)
	resp, _ := e.onHost("POST", host, "/signup", cookie, url.Values{"_token": {token}, "email": {"ada@example.com"}}, same...)
	thanks := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/thanks\?s=([A-Za-z0-9_.-]+)$`).FindStringSubmatch(thanks)
	if resp.StatusCode != 303 || m == nil {
		t.Fatalf("signup on the domain: %d Location %q", resp.StatusCode, thanks)
	}
	sig := m[1]
	resp, body := e.onHost("GET", host, thanks, "", nil)
	share := regexp.MustCompile(`"(https://idea\.test/\?ref=([a-z2-7]{16}))"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/answers"`) || share == nil {
		t.Fatalf("thank-you page on the domain: %d, want the questions posting to /answers and a share link on https://idea.test/\n%s", resp.StatusCode, clipBody(body))
	}
	resp, _ = e.onHost("POST", host, "/answers", "", url.Values{"_signup": {sig}, "pay": {"$5"}}, same...)
	if loc := resp.Header.Get("Location"); resp.StatusCode != 303 || !strings.HasPrefix(loc, "/thanks?s=") || !strings.HasSuffix(loc, "&answered=1") {
		t.Fatalf("answers on the domain: %d %q", resp.StatusCode, loc)
	}
	// The main site has none of the page's routes: the page lives on its domain.
	for _, path := range []string{"/idea/answers", "/answers", "/idea/confirm"} {
		if resp, _ := e.onHost("POST", "try.example.com", path, "", url.Values{"_signup": {sig}, "t": {"x"}}, same...); resp.StatusCode != 404 {
			t.Errorf("POST try.example.com%s = %d, want 404", path, resp.StatusCode)
		}
	}

	// The confirmation mail's link base is the page's own origin; the link opens /confirm there.
	due, err := e.store.DueConfirmationMails(context.Background(), e.clock().Add(time.Hour), 10)
	if err != nil || len(due) != 1 || due[0].LinkBase != "https://idea.test" {
		t.Fatalf("outbox %+v, %v; want one mail with link base https://idea.test", due, err)
	}
	links := linktoken.NewSigner(e.store.Secret())
	tok := links.Sign(linktoken.Token{Purpose: linktoken.Confirm, Page: "idea", Signup: due[0].SignupID, Issued: e.clock()})
	resp, body = e.onHost("GET", "idea.test", "/confirm?t="+tok, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/confirm"`) {
		t.Fatalf("confirm page on the domain: %d\n%s", resp.StatusCode, clipBody(body))
	}
	resp, body = e.onHost("POST", "idea.test", "/confirm", "", url.Values{"t": {tok}}, same...)
	if resp.StatusCode != 200 || !strings.Contains(body, "Thanks, your email is confirmed") {
		t.Fatalf("confirm on the domain: %d\n%s", resp.StatusCode, clipBody(body))
	}

	// Bo follows the share link; Cy an old main-site link with the code, which redirects
	// to the domain with the code kept.
	resp, _ = e.onHost("GET", "try.example.com", "/idea?ref="+share[2], "", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != 302 || loc != share[1] {
		t.Errorf("old link with ?ref= = %d Location %q, want 302 to %s", resp.StatusCode, loc, share[1])
	}
	for range 2 {
		e.onHost("GET", "idea.test", "/?ref="+share[2], "", nil)
	}
	e.flush()
	r := e.apiResults("idea")
	if r.Confirmation == nil || r.Confirmation.Confirmed != 1 || r.Referrals == nil || r.Referrals.ReferredVisitors != 2 {
		t.Errorf("confirmation %+v, referrals %+v; want 1 confirmed and 2 referred visitors", r.Confirmation, r.Referrals)
	}
}
