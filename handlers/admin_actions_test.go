package handlers

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

func TestForgetErasesEverySignupOfThePerson(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/chaser")
	e.advance(5 * time.Second)
	if resp, _ := e.post("/chaser/signup", cookie, validForm(token, "Ada@example.com")); resp.StatusCode != 303 {
		t.Fatal("signup failed")
	}
	c2, t2 := e.visit("/chaser")
	e.advance(5 * time.Second)
	if resp, _ := e.post("/chaser/signup", c2, validForm(t2, "bo@example.com")); resp.StatusCode != 303 {
		t.Fatal("signup failed")
	}
	taxpot := e.site.Load().Lookup("taxpot")
	if _, err := e.store.InsertSignup(context.Background(), store.Signup{
		PhaseID: taxpot.Phase.ID, Page: "taxpot", Email: "ada@example.com", Variant: taxpot.Page.Control().ID, At: e.clock(),
	}); err != nil {
		t.Fatal(err)
	}
	before := e.counts("chaser")

	resp, body := e.adminPost("/admin/forget", url.Values{"email": {"  ADA@Example.COM "}})
	text := visibleText(body)
	if resp.StatusCode != 200 || !strings.Contains(text, "Signups erased") || !strings.Contains(text, "Erased 2 signups of ADA@example.com from every page") {
		t.Fatalf("forget = %d:\n%s", resp.StatusCode, text)
	}
	_, rows := e.exportCSV("chaser")
	if len(rows) != 1 || rows[0]["email"] != "bo@example.com" {
		t.Errorf("after forgetting ada the CSV has %v", rows)
	}
	if n := len(e.signups("taxpot")); n != 0 {
		t.Errorf("taxpot still has %d signups", n)
	}
	if after := e.counts("chaser"); after["no-awkward-emails"] != before["no-awkward-emails"] || after["paid-on-time"] != before["paid-on-time"] {
		t.Errorf("the totals changed: %v → %v (they hold no personal data and must not rewrite results)", before, after)
	}

	resp, body = e.adminPost("/admin/forget", url.Values{"email": {"ada@example.com"}})
	if resp.StatusCode != 200 || !strings.Contains(visibleText(body), "No page has a signup from ada@example.com") {
		t.Errorf("forgetting again = %d:\n%s", resp.StatusCode, visibleText(body))
	}
	resp, body = e.adminPost("/admin/forget", url.Values{"email": {"   "}})
	if resp.StatusCode != 422 || !strings.Contains(visibleText(body), "Type the email address") {
		t.Errorf("empty email = %d:\n%s", resp.StatusCode, visibleText(body))
	}
}

// TestAdminFormsRefuseForgedRequests: a browser sends the admin's Basic credentials with
// any request to the site, including one another site makes it send.
func TestAdminFormsRefuseForgedRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/chaser")
	e.advance(5 * time.Second)
	e.post("/chaser/signup", cookie, validForm(token, "ada@example.com"))
	good := e.csrfToken()
	signupToken := token // signed by the same server, for a visitor's form

	cases := []struct {
		name    string
		token   string
		headers []string
		advance time.Duration
		want    int
		message string
	}{
		{"a form on another site", good, []string{"Sec-Fetch-Site", "cross-site"}, 0, 403, "only be sent from the Litmus admin"},
		{"a form on a sibling subdomain", good, []string{"Sec-Fetch-Site", "same-site"}, 0, 403, "only be sent from the Litmus admin"},
		{"an old browser posting from another origin", good, []string{"Origin", "https://evil.example"}, 0, 403, "only be sent from the Litmus admin"},
		{"no token", "", []string{"Sec-Fetch-Site", "same-origin"}, 0, 403, "did not come from the Litmus admin"},
		{"a visitor's signup token", signupToken, []string{"Sec-Fetch-Site", "same-origin"}, 0, 403, "did not come from the Litmus admin"},
		{"a tampered token", good[:len(good)-2] + "xx", []string{"Sec-Fetch-Site", "same-origin"}, 0, 403, "did not come from the Litmus admin"},
		{"a page left open for two days", good, []string{"Sec-Fetch-Site", "same-origin"}, 48 * time.Hour, 403, "form expired"},
		{"curl with the token and no browser headers", good, nil, 0, 200, "No page has a signup"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.advance(tc.advance)
			defer e.advance(-tc.advance)
			form := url.Values{"email": {"nobody@example.com"}, csrfField: {tc.token}}
			resp, body := e.adminReq("POST", "/admin/forget", testPassword, form, tc.headers...)
			if resp.StatusCode != tc.want || !strings.Contains(visibleText(body), tc.message) {
				t.Errorf("= %d, want %d with %q:\n%s", resp.StatusCode, tc.want, tc.message, clipBody(visibleText(body)))
			}
		})
	}
	// A forged request erases nothing.
	form := url.Values{"email": {"ada@example.com"}, csrfField: {good}}
	e.adminReq("POST", "/admin/forget", testPassword, form, "Sec-Fetch-Site", "cross-site")
	if n := len(e.signups("chaser")); n != 1 {
		t.Errorf("a cross-site request erased a signup: %d left", n)
	}
}

// reloadFrom returns a Reload function like the one main builds: read the page files in
// dir, and swap the site only when they are all valid.
func reloadFrom(e *env, dir string) func() error {
	return func() error {
		ps, err := pages.LoadDir(os.DirFS(dir), ".")
		if err != nil {
			return err
		}
		s, err := site.Build(context.Background(), ps, pages.DefaultTheme(), pages.Options{}, e.store)
		if err != nil {
			return err
		}
		e.site.Swap(s)
		return nil
	}
}

func TestReloadWithBrokenPageFilesKeepsServingAndShowsTheProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var e *env
	e = newEnv(t, func(d *Deps) { d.Reload = func() error { return reloadFrom(e, dir)() } })
	if err := os.WriteFile(filepath.Join(dir, "broken.toml"), []byte("slug = \"Not A Slug\"\ntitle = \"x\"\ncolour = \"red\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body := e.adminPost("/admin/reload", url.Values{})
	text := visibleText(body)
	if resp.StatusCode != 422 || !strings.Contains(text, "The page files have problems") || !strings.Contains(text, "still being served") {
		t.Fatalf("reload of broken files = %d:\n%s", resp.StatusCode, text)
	}
	for _, want := range []string{"broken.toml:1:", "broken.toml:3:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the problems listed lack %q:\n%s", want, text)
		}
	}
	if resp, _ := e.get("/chaser"); resp.StatusCode != 200 {
		t.Errorf("after a failed reload /chaser = %d, want the old pages still served", resp.StatusCode)
	}

	// Fixed: one valid page file, a new headline.
	src, err := os.ReadFile(filepath.Join("..", "pages", "examples", "chaser.toml"))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "broken.toml"))
	fixed := strings.Replace(string(src), "Stop chasing clients for money.", "Never chase a client again.", 1)
	if err := os.WriteFile(filepath.Join(dir, "chaser.toml"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body = e.adminPost("/admin/reload", url.Values{})
	text = visibleText(body)
	if resp.StatusCode != 200 || !strings.Contains(text, "Page files reloaded") || !strings.Contains(text, "Now serving 1 page.") {
		t.Fatalf("reload of fixed files = %d:\n%s", resp.StatusCode, text)
	}
	// The notice says what the reload did to each page's test.
	for _, want := range []string{
		`/chaser: new phase 2 started because: variant "no-awkward-emails" re-worded: headline "Stop chasing clients for money. Let Chaser do it." → "Never chase a client again. Let Chaser do it."`,
		"/taxpot: no longer served",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the reload notice lacks %q:\n%s", want, text)
		}
	}
	if _, page := e.get("/chaser?variant=no-awkward-emails"); !strings.Contains(page, "Never chase a client again.") {
		t.Error("the reloaded page is not served")
	}
	if resp, _ := e.get("/taxpot"); resp.StatusCode != 404 {
		t.Errorf("/taxpot after reloading a directory without it = %d, want 404", resp.StatusCode)
	}
	// A new pitch after a visitor came is a new test; the old one is listed with its numbers.
	text = visibleText(e.adminGet("/admin/pages/chaser"))
	if !strings.Contains(text, "Earlier test phases") || !regexp.MustCompile(`Phase 1 Not enough data \d+ \w+ \d{4} – \d+ \w+ \d{4} · 1 visitor · 0 signups · 0%`).MatchString(text) {
		t.Errorf("the earlier phase is not listed with its visitor:\n%s", text)
	}
}

func TestReloadWhenNotAvailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.adminPost("/admin/reload", url.Values{})
	if resp.StatusCode != 501 || !strings.Contains(visibleText(body), "Reloading isn't available") {
		t.Errorf("reload without Reload = %d:\n%s", resp.StatusCode, visibleText(body))
	}
	if !strings.Contains(e.adminGet("/admin"), "Reloading isn't available in this setup") {
		t.Error("the admin offers a reload button that cannot work")
	}
}
