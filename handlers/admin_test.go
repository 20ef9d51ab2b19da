package handlers

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// chaserRates are the simulated signup rates of the example page's two variants.
var chaserRates = map[string]float64{"no-awkward-emails": 0.05, "paid-on-time": 0.09}

func TestAdminPageShowsTheNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	signed := e.traffic("chaser", 300, 3, chaserRates, 7, "")
	counts := e.counts("chaser")
	body := e.adminGet("/admin/pages/chaser")
	text := visibleText(body)

	for _, id := range []string{"no-awkward-emails", "paid-on-time"} {
		c := counts[id]
		if c.Signups != int64(signed[id]) {
			t.Fatalf("%s: store has %d signups, the simulation made %d", id, c.Signups, signed[id])
		}
		rate := results.Percent(float64(c.Signups) / float64(c.Visitors))
		row := regexpFind(`(?s)<tr[^>]*>\s*<th scope="row"><span class="swatch v\d" aria-hidden="true"></span>`+id+`.*?</tr>`, body)
		if row == "" {
			t.Fatalf("no table row for %s", id)
		}
		for _, want := range []string{">" + results.Count(c.Visitors) + "<", ">" + results.Count(c.Signups) + "<", "<strong>" + rate + "</strong>", "50%"} {
			if !strings.Contains(row, want) {
				t.Errorf("%s row lacks %q:\n%s", id, want, row)
			}
		}
	}
	r := e.apiResults("chaser")
	for _, want := range []string{
		r.Verdict.Sentence,
		"Not enough data",
		"at least 5% sign up",
		"judged after 400 visitors and 7 days",
		"Visitors so far 300 of 400",
		"Day by day",
		"Visitors per day",
		"Signups per day",
		"Download all signups (CSV)",
		"Preview a variant",
		"Forget a person",
		"Reload page files",
		"control",
		"Split check: Visitors are split between the variants as the page file says.",
	} {
		if !strings.Contains(text, html.UnescapeString(want)) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	if strings.Contains(text, "Don't trust these numbers") {
		t.Error("a healthy split shows the mismatch banner")
	}
	for _, link := range []string{`href="/chaser?variant=no-awkward-emails"`, `href="/chaser?variant=paid-on-time"`, `href="/admin/pages/chaser/signups.csv"`} {
		if !strings.Contains(body, link) {
			t.Errorf("admin page lacks the link %s", link)
		}
	}
	// The chart is drawn by the server, labelled for screen readers, with the numbers in a table.
	for _, want := range []string{`role="img"`, `<title id="chart-visitors-title">Visitors per day</title>`, "<polyline points=", "Show the numbers"} {
		if !strings.Contains(body, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if n := strings.Count(body, `<td class="email">`); n != min(len(e.signups("chaser")), results.MaxLatestSignups) {
		t.Errorf("%d latest signups listed, want every one of the %d", n, len(e.signups("chaser")))
	}
}

func TestAdminIndexListsEveryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	e.traffic("chaser", 40, 1, chaserRates, 3, "")
	body := e.adminGet("/admin")
	c := e.counts("chaser")
	visitors := c["no-awkward-emails"].Visitors + c["paid-on-time"].Visitors
	row := regexpFind(`(?s)<tr>\s*<th scope="row"><a class="page-link" href="/admin/pages/chaser">.*?</tr>`, body)
	if !strings.Contains(row, ">"+results.Count(visitors)+"<") || !strings.Contains(row, "badge badge-early") || !strings.Contains(row, "front page") {
		t.Errorf("chaser row:\n%s", row)
	}
	if !strings.Contains(body, `href="/admin/pages/taxpot"`) {
		t.Error("the second example page is not listed")
	}
	if !strings.Contains(body, "How to read this") {
		t.Error("no reading guide")
	}
}

// TestAdminEscapesWhatVisitorsTyped: emails, form answers, campaign tags and user agents
// come from strangers; the admin shows them as text.
func TestAdminEscapesWhatVisitorsTyped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	const xss = `<script>alert(1)</script>`
	cookie, token := e.visit("/chaser?utm_source=" + url.QueryEscape(`<img src=x onerror=alert(2)>`) + "&utm_campaign=launch")
	e.advance(5 * time.Second)
	form := validForm(token, "ada@example.com")
	form.Set("first_name", xss)
	if resp, _ := e.post("/chaser/signup", cookie, form); resp.StatusCode != 303 {
		t.Fatalf("signup = %d", resp.StatusCode)
	}
	// An address the signup form would refuse, written straight to the store: the admin
	// must not depend on the form's rules to be safe.
	ent := e.site.Load().Lookup("chaser")
	if _, err := e.store.InsertSignup(context.Background(), store.Signup{
		PhaseID: ent.Phase.ID, Page: "chaser", Email: `"><svg onload=alert(3)>@example.com`, Variant: "paid-on-time", At: e.clock(),
	}); err != nil {
		t.Fatal(err)
	}
	e.get("/chaser", "User-Agent", `curl/8.0 <b onmouseover=alert(4)>`)
	e.flush()
	body := e.adminGet("/admin/pages/chaser")
	for _, raw := range []string{xss, `<img src=x`, `<svg onload`, `<b onmouseover`} {
		if strings.Contains(body, raw) {
			t.Errorf("admin page contains %q unescaped", raw)
		}
	}
	for _, shown := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;", "&lt;svg onload=alert(3)&gt;@example.com", "&lt;b onmouseover=alert(4)&gt;"} {
		if !strings.Contains(body, shown) {
			t.Errorf("admin page does not show %q as text", shown)
		}
	}
}

// TestSampleRatioMismatchWithholdsTheVerdict: when one variant gets far more visitors than
// its weight allows, the page says the numbers can't be trusted and shows no verdict or
// comparison.
func TestSampleRatioMismatchWithholdsTheVerdict(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	e.traffic("chaser", 100, 1, chaserRates, 11, "")
	ent := e.site.Load().Lookup("chaser")
	for i := range 300 { // a redirect that sends extra people to one variant only
		e.store.RecordExposure(store.Exposure{
			PhaseID: ent.Phase.ID, Page: "chaser", VisitorID: fmt.Sprintf("skewed-visitor-%06d", i),
			Variant: "paid-on-time", At: e.clock(),
		})
	}
	r := e.apiResults("chaser")
	if !r.SRM.Mismatch || r.Trustworthy || !r.Verdict.Withheld {
		t.Fatalf("skewed split: srm %+v trustworthy %v withheld %v", r.SRM, r.Trustworthy, r.Verdict.Withheld)
	}
	body := e.adminGet("/admin/pages/chaser")
	text := visibleText(body)
	for _, want := range []string{"Don't trust these numbers yet", "Visitors are not split the way the page file says", "Numbers in doubt", "redirect"} {
		if !strings.Contains(text, want) {
			t.Errorf("mismatch page lacks %q", want)
		}
	}
	if !strings.Contains(body, `role="alert"`) {
		t.Error("the banner is not announced as an alert")
	}
	for _, hidden := range []string{"Lift vs control", "Chance to beat control", "Not enough data"} {
		if strings.Contains(text, hidden) {
			t.Errorf("mismatch page still shows %q", hidden)
		}
	}
	list := e.adminGet("/api/v1/pages")
	if !strings.Contains(list, `"page":"chaser"`) || !strings.Contains(list, `"withheld":true`) {
		t.Errorf("page list does not flag the withheld verdict: %s", list)
	}
}

func TestAdminPageForUnknownSlugIs404(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.adminReq("GET", "/admin/pages/nope", testPassword, nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "No page called “nope” is being served") {
		t.Errorf("unknown page = %d:\n%s", resp.StatusCode, clipBody(body))
	}
	resp, body = e.adminReq("GET", "/api/v1/pages/nope/results", testPassword, nil)
	if resp.StatusCode != 404 || !strings.Contains(body, `"ok":false`) {
		t.Errorf("unknown page in the API = %d: %s", resp.StatusCode, body)
	}
}

// TestAdminScreenshot writes the admin page for a few hundred simulated visitors to
// $LITMUS_ADMIN_SNAPSHOT (a directory), with its stylesheet, for a browser screenshot
// (docs/admin.png). Skipped unless the variable is set.
func TestAdminScreenshot(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("LITMUS_ADMIN_SNAPSHOT")
	if dir == "" {
		t.Skip("set LITMUS_ADMIN_SNAPSHOT to a directory to write the admin page there")
	}
	e := newEnv(t, func(d *Deps) { d.Reload = func() error { return nil } })
	e.startPhase("chaser")
	e.traffic("chaser", 220, 4, chaserRates, 42, "?utm_source=newsletter&utm_campaign=launch")
	e.traffic("chaser", 140, 3, chaserRates, 43, "?utm_source=twitter&utm_campaign=thread")
	e.traffic("chaser", 90, 1.5, chaserRates, 44, "", "Referer", "https://news.ycombinator.com/item?id=1")
	e.traffic("chaser", 70, 1, chaserRates, 45, "")
	for _, ua := range []string{"Googlebot/2.1 (+http://www.google.com/bot.html)", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "curl/8.5.0"} {
		for range len(ua) % 7 * 3 {
			e.get("/chaser", "User-Agent", ua)
		}
	}
	e.flush()
	for name, path := range map[string]string{"page.html": "/admin/pages/chaser", "index.html": "/admin"} {
		body := strings.ReplaceAll(e.adminGet(path), views.CSSURL(), "admin.css")
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "admin.css"), views.CSS(), 0o644); err != nil {
		t.Fatal(err)
	}
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)
var spaceRE = regexp.MustCompile(`\s+`)

// visibleText is the page as a reader sees it: tags removed, entities decoded, spaces
// collapsed.
func visibleText(page string) string {
	return spaceRE.ReplaceAllString(html.UnescapeString(tagRE.ReplaceAllString(page, " ")), " ")
}

// TestAdminRecordsAndShowsTheDecision: once the verdict is reached, opening the admin
// records it; it is shown with its date and visitors from then on, also on the list of
// pages, even after more traffic that alone would say something else.
func TestAdminRecordsAndShowsTheDecision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	high := map[string]float64{"no-awkward-emails": 0.25, "paid-on-time": 0.25}
	e.traffic("chaser", 420, 8, high, 11, "")
	r := e.apiResults("chaser") // the API records it too
	if r.Verdict.Kind != "validated" || r.Decision == nil || r.Decision.Kind != "validated" {
		t.Fatalf("25%% against a 5%% bar after 8 days: verdict %s, decision %+v", r.Verdict.Kind, r.Decision)
	}
	decided := r.Decision
	day := results.DecisionDate(decided.DecidedAt, e.clock())
	// Nobody signs up for a while: today's numbers change, the decision does not.
	e.traffic("chaser", 300, 2, map[string]float64{}, 12, "")
	body := e.adminGet("/admin/pages/chaser")
	text := visibleText(body)
	want := "Validated on " + day + " at " + results.Count(decided.Visitors) + " visitors"
	if !strings.Contains(text, want) || !strings.Contains(text, "Since then: 300 more visitors and 0 more signups.") {
		t.Errorf("admin page lacks %q and the numbers since:\n%s", want, text)
	}
	if !strings.Contains(text, "within about") || !strings.Contains(text, "Look as often as you like") {
		t.Error("admin page lacks the plan")
	}
	index := visibleText(e.adminGet("/admin"))
	if !strings.Contains(index, "Validated on "+decided.DecidedAt.UTC().Format("2 Jan 2006")) {
		t.Errorf("the list of pages lacks the decision:\n%s", index)
	}

	// The bar changes: a new phase starts, and phase 1's decision stays in its timeline
	// entry and in its own report.
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	ps[0].PassBar.TargetRate = 0.06
	s, err := site.Build(context.Background(), ps, pages.DefaultTheme(), pages.Options{}, e.store)
	if err != nil {
		t.Fatal(err)
	}
	e.site.Swap(s)
	text = visibleText(e.adminGet("/admin/pages/chaser"))
	if !strings.Contains(text, "Decision: "+want) || !strings.Contains(text, "Since then, until the phase ended: 300 more visitors") {
		t.Errorf("the timeline lacks phase 1's decision:\n%s", text)
	}
	text = visibleText(e.adminGet("/admin/pages/chaser/phases/1"))
	if !strings.Contains(text, want) || !strings.Contains(text, "Since then, until the phase ended: 300 more visitors and 0 more signups.") {
		t.Errorf("phase 1's report lacks its decision:\n%s", text)
	}
}
