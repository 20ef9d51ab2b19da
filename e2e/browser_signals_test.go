package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/litmuslabs/litmus/internal/mail/mailpittest"
)

// signalsPage asks for every demand signal: a confirmation mail, two questions after the
// signup, and a share link.
const signalsPage = `slug = "idea"
title = "Idea — a better way"
default = true
double_opt_in = true
referrals = true

[[variants]]
id = "a"
headline = "A better way to do the thing"
cta = "Join the waitlist"

[pass_bar]
target = "10%"
min_visitors = 100
min_days = 0

[thanks]
share_text = "Copy your invite link"

[[questions]]
name = "pay"
label = "What would you pay per month?"
options = ["Nothing", "$5", "$12", "$25 or more"]

[[questions]]
name = "today"
kind = "text"
label = "What do you use for this today?"
max_length = 120
`

// TestBrowserDemandSignals is the thank-you page's questions and the confirmation page in
// a real browser, with and without JavaScript, each checked with axe-core. With
// LITMUS_SCREENSHOTS=1 it writes docs/thanks-questions.png and docs/confirm.png.
func TestBrowserDemandSignals(t *testing.T) {
	b := StartBrowser(t)
	mp := mailpittest.Start(t)
	s := StartServer(t,
		WithEnv("LITMUS_PAGES", pagesDir(t, map[string]string{"idea.toml": signalsPage})),
		WithEnv("LITMUS_SMTP_URL", mp.SMTPURL()), WithEnv("LITMUS_MAIL_FROM", "Idea <hello@example.com>"),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0"))

	// A phone without JavaScript: the plain form posts, and so does the question form.
	phone := b.NewTab(t, Phone, WithoutJavaScript)
	phone.Open(s.URL + "/")
	phone.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), "ada.phone@example.com"))
	phone.ClickAndWaitForPage(submit)
	if got := phone.Path(); got != "/idea/thanks" {
		t.Fatalf("after signing up the visitor is at %s", got)
	}
	if n := phone.Count("form.questions input[type=radio]"); n != 4 {
		t.Fatalf("the thank-you page shows %d choices, want 4", n)
	}
	if link := Eval[string](phone, `document.querySelector("#share-url").value`); !strings.HasPrefix(link, s.URL+"/?ref=") { // idea is the default page: its address is /
		t.Errorf("share link %q", link)
	}
	phone.CheckAccessibility("the thank-you page with questions, on a phone")
	phone.Screenshot("thanks-questions")
	phone.Do(
		chromedp.Click(chromedp.CSS(`label[for="q-pay-2"]`)),
		chromedp.SendKeys(chromedp.CSS("#q-today"), "A spreadsheet & <reminders>"),
	)
	phone.ClickAndWaitForPage("form.questions button[type=submit]")
	if got := phone.Text(".answered"); got != "Thank you for answering." {
		t.Errorf("after answering the page says %q", got)
	}
	phone.CheckAccessibility("the thank-you page after answering")

	// A laptop with JavaScript: the page's script follows the signup's own thank-you link.
	laptop := b.NewTab(t, Desktop)
	laptop.Open(s.URL + "/")
	laptop.Do(chromedp.SendKeys(chromedp.CSS("#f-email"), "bo@example.com"))
	laptop.ClickAndWaitForPage(submit)
	if n := laptop.Count("form.questions"); laptop.Path() != "/idea/thanks" || n != 1 {
		t.Fatalf("with JavaScript the visitor is at %s with %d question forms, want /idea/thanks with 1", laptop.Path(), n)
	}

	r := ideaResults(t, s)
	if len(r.Questions) != 2 || r.Questions[0].All.Answered != 1 || r.Questions[0].All.Choices[2].Count != 1 ||
		len(r.Questions[1].Latest) != 1 || r.Questions[1].Latest[0].Text != "A spreadsheet & <reminders>" {
		t.Errorf("answers in the API: %+v", r.Questions)
	}

	// The confirmation page, from the mail: a button, then the confirmed page.
	msgs := mp.WaitMessages(t, 2)
	link := ""
	for _, m := range msgs {
		if len(m.To) == 1 && m.To[0] == "ada.phone@example.com" {
			link = confirmLinkRE.FindString(m.Text)
		}
	}
	if link == "" {
		t.Fatalf("no confirmation mail with a link for ada.phone@example.com in %d messages", len(msgs))
	}
	laptop.Open(link)
	if got := laptop.Text("main button"); got != "Confirm my email" {
		t.Fatalf("the confirm page's button says %q", got)
	}
	laptop.CheckAccessibility("the confirm page")
	laptop.Screenshot("confirm")
	laptop.ClickAndWaitForPage("main form button[type=submit]")
	if got := laptop.Text("h1"); got != "Thanks, your email is confirmed" {
		t.Errorf("after confirming the heading is %q", got)
	}
	laptop.CheckAccessibility("the confirmed page")
	if r := ideaResults(t, s); r.Confirmation == nil || r.Confirmation.Confirmed != 1 {
		t.Errorf("confirmation in the API: %+v", r.Confirmation)
	}
}
