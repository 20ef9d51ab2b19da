package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pelletier/go-toml/v2"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// pageFile is a small valid page file; extra lines go at the top level.
func pageFile(slug, extra string) string {
	return `slug = "` + slug + `"
title = "Idea ` + slug + `"
` + extra + `
[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Headline of ` + slug + `"
cta = "Join"

[[variants]]
id = "b"
headline = "Other headline of ` + slug + `"
cta = "Join now"
`
}

// withPageFiles serves the given page files instead of the built-in examples.
func withPageFiles(t *testing.T, baseURL string, files map[string]string) envOption {
	return func(d *Deps) {
		fsys := fstest.MapFS{}
		for name, text := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(text)}
		}
		ps, err := pages.LoadDir(fsys, ".")
		if err != nil {
			t.Fatal(err)
		}
		if errs := pages.CheckBaseURL(ps, baseURL); errs != nil {
			t.Fatal(errs)
		}
		s, err := site.Build(context.Background(), ps, d.Theme, pages.Options{BaseURL: baseURL}, d.Store)
		if err != nil {
			t.Fatal(err)
		}
		d.Site.Store(s)
	}
}

// twoDomains is two pages on their own domains and one slug page on the main site.
func twoDomains(t *testing.T) *env {
	return newEnv(t, withPageFiles(t, "https://try.example.com", map[string]string{
		"shift.toml":  pageFile("shiftmeals", "domains = [\"shiftmeals.app\", \"www.shiftmeals.app\"]\n[thanks]\nshare_text = \"Tell a friend\""),
		"chaser.toml": pageFile("chaser", `domains = ["Chaser.IO"]`),
		"taxpot.toml": pageFile("taxpot", ""),
	}))
}

// onHost sends a request to host.
func (e *env) onHost(method, host, path, cookie string, form url.Values, headers ...string) (*http.Response, string) {
	e.t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Host = host
	req.Header.Set("User-Agent", chromeUA)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: VisitorCookie, Value: cookie})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(req)
}

func TestEachPageAnswersOnItsOwnHost(t *testing.T) {
	e := twoDomains(t)
	cases := []struct {
		host, path, headline, action, thanks, canonical string
	}{
		{"shiftmeals.app", "/", "of shiftmeals", "/signup", "/thanks", "https://shiftmeals.app/"},
		{"www.shiftmeals.app:443", "/", "of shiftmeals", "/signup", "/thanks", "https://shiftmeals.app/"},
		{"chaser.io", "/", "of chaser", "/signup", "/thanks", "https://chaser.io/"},
		{"CHASER.IO.", "/", "of chaser", "/signup", "/thanks", "https://chaser.io/"},
		{"try.example.com", "/", "of taxpot", "/taxpot/signup", "/taxpot/thanks", "https://try.example.com/"},
		{"try.example.com", "/taxpot", "of taxpot", "/taxpot/signup", "/taxpot/thanks", "https://try.example.com/"},
	}
	for _, c := range cases {
		resp, body := e.onHost("GET", c.host, c.path, "", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s%s = %d", c.host, c.path, resp.StatusCode)
		}
		for _, want := range []string{
			c.headline, `action="` + c.action + `"`, `data-thanks="` + c.thanks + `"`,
			`<link rel="canonical" href="` + c.canonical + `">`, `<meta property="og:url" content="` + c.canonical + `">`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s%s lacks %s", c.host, c.path, want)
			}
		}
		for _, ck := range resp.Cookies() {
			if ck.Name == VisitorCookie && ck.Domain != "" {
				t.Errorf("%s: the visitor cookie names Domain=%s; it must be host-only", c.host, ck.Domain)
			}
		}
		if !strings.Contains(resp.Header.Get("Set-Cookie"), VisitorCookie) || strings.Contains(strings.ToLower(resp.Header.Get("Set-Cookie")), "domain=") {
			t.Errorf("%s: Set-Cookie = %q, want a host-only visitor cookie", c.host, resp.Header.Get("Set-Cookie"))
		}
	}
}

func TestSignupOnItsOwnDomain(t *testing.T) {
	e := twoDomains(t)
	cookie, token := e.visitOn("shiftmeals.app")
	e.advance(3e9)
	resp, _ := e.onHost("POST", "shiftmeals.app", "/signup", cookie,
		url.Values{"_token": {token}, "email": {"ada@example.com"}}, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/thanks" {
		t.Fatalf("signup on its domain = %d to %q, want 303 to /thanks", resp.StatusCode, resp.Header.Get("Location"))
	}
	if rows := e.signups("shiftmeals"); len(rows) != 1 || rows[0].Email != "ada@example.com" {
		t.Fatalf("stored signups = %+v", rows)
	}
	resp, body := e.onHost("GET", "shiftmeals.app", "/thanks", cookie, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `<a class="share" href="https://shiftmeals.app/"`) {
		t.Fatalf("thanks on its domain = %d, want its share link to https://shiftmeals.app/:\n%s", resp.StatusCode, clipBody(body))
	}
}

// visitOn opens the root of host as a person and returns the cookie and form token.
func (e *env) visitOn(host string) (string, string) {
	e.t.Helper()
	resp, body := e.onHost("GET", host, "/", "", nil)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET %s/ = %d", host, resp.StatusCode)
	}
	cookie := ""
	for _, c := range resp.Cookies() {
		if c.Name == VisitorCookie {
			cookie = c.Value
		}
	}
	return cookie, tokenIn(e.t, body)
}

func TestTokenFromOneDomainIsRefusedOnAnother(t *testing.T) {
	e := twoDomains(t)
	cookie, token := e.visitOn("shiftmeals.app")
	e.advance(3e9)
	resp, body := e.onHost("POST", "chaser.io", "/signup", cookie,
		url.Values{"_token": {token}, "email": {"ada@example.com"}}, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != 422 || !strings.Contains(body, "expired") {
		t.Fatalf("shiftmeals token on chaser.io = %d, want 422 and the form again", resp.StatusCode)
	}
	if rows := e.signups("chaser"); len(rows) != 0 {
		t.Fatalf("a token from another domain stored %d signups", len(rows))
	}
	if rows := e.signups("shiftmeals"); len(rows) != 0 {
		t.Fatalf("a post to chaser.io stored a shiftmeals signup")
	}
}

func TestCrossHostPostIsRefused(t *testing.T) {
	e := twoDomains(t)
	cookie, token := e.visitOn("shiftmeals.app")
	e.advance(3e9)
	form := url.Values{"_token": {token}, "email": {"ada@example.com"}}
	// www.shiftmeals.app and shiftmeals.app are one site to the browser: the Origin decides.
	resp, _ := e.onHost("POST", "shiftmeals.app", "/signup", cookie, form,
		"Sec-Fetch-Site", "same-site", "Origin", "https://evil.shiftmeals.app")
	if resp.StatusCode != 403 {
		t.Fatalf("same-site post from another host = %d, want 403", resp.StatusCode)
	}
	resp, _ = e.onHost("POST", "shiftmeals.app", "/signup", cookie, form,
		"Sec-Fetch-Site", "same-site", "Origin", "https://shiftmeals.app")
	if resp.StatusCode != 303 {
		t.Fatalf("same-site post from its own host = %d, want 303", resp.StatusCode)
	}
}

func TestUnknownHostGetsTheMainSite(t *testing.T) {
	e := twoDomains(t)
	for _, host := range []string{"unknown.example", "127.0.0.1:8080", "localhost"} {
		resp, body := e.onHost("GET", host, "/", "", nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "of taxpot") {
			t.Fatalf("%s/ = %d, want the main site's default page", host, resp.StatusCode)
		}
		// Never another page's preview or form.
		resp, body = e.onHost("GET", host, "/?variant=b", "", nil)
		if strings.Contains(body, "shiftmeals") || strings.Contains(body, "of chaser") {
			t.Fatalf("%s/?variant=b showed a domain page (%d)", host, resp.StatusCode)
		}
		for _, path := range []string{"/thanks"} {
			if resp, _ := e.onHost("GET", host, path, "", nil); resp.StatusCode != 404 {
				t.Errorf("%s%s = %d, want 404 on the main site", host, path, resp.StatusCode)
			}
		}
		if resp, _ := e.onHost("POST", host, "/signup", "", url.Values{"email": {"a@example.com"}}); resp.StatusCode != 404 {
			t.Errorf("POST %s/signup = %d, want 404 on the main site", host, resp.StatusCode)
		}
	}
	// An old /{slug} link on the main site goes to the page's own domain.
	resp, _ := e.onHost("GET", "try.example.com", "/chaser", "", nil)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://chaser.io/" {
		t.Fatalf("/chaser on the main site = %d to %q, want 302 to https://chaser.io/", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A page's domain serves only that page.
	for _, path := range []string{"/taxpot", "/chaser", "/taxpot/thanks", "/shiftmeals"} {
		if resp, _ := e.onHost("GET", "shiftmeals.app", path, "", nil); resp.StatusCode != 404 {
			t.Errorf("shiftmeals.app%s = %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := e.onHost("POST", "shiftmeals.app", "/taxpot/signup", "", url.Values{"email": {"a@example.com"}}, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 404 {
		t.Errorf("POST shiftmeals.app/taxpot/signup = %d, want 404", resp.StatusCode)
	}
}

// Fly's health check and force_https hold for every host: /healthz answers whatever the
// Host, and the admin is on every host behind its password.
func TestHealthAndAdminOnEveryHost(t *testing.T) {
	e := twoDomains(t)
	for _, host := range []string{"shiftmeals.app", "chaser.io", "try.example.com", "10.0.0.7:8080"} {
		resp, body := e.onHost("GET", host, "/healthz", "", nil)
		if resp.StatusCode != 200 || body != "ok\n" {
			t.Errorf("%s/healthz = %d %q", host, resp.StatusCode, body)
		}
		if resp, _ := e.onHost("GET", host, "/admin", "", nil); resp.StatusCode != 401 {
			t.Errorf("%s/admin without a password = %d, want 401", host, resp.StatusCode)
		}
	}
}

func TestAdminLinksEachPageToItsRealAddress(t *testing.T) {
	e := twoDomains(t)
	req := httptest.NewRequest("GET", "/admin", nil)
	req.SetBasicAuth("admin", testPassword)
	_, body := e.do(req)
	for _, want := range []string{`href="https://shiftmeals.app/"`, `href="https://chaser.io/"`, `<a href="/">/</a>`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin index lacks %s", want)
		}
	}
	req = httptest.NewRequest("GET", "/admin/pages/chaser", nil)
	req.SetBasicAuth("admin", testPassword)
	_, body = e.do(req)
	for _, want := range []string{`href="https://chaser.io/"`, `href="https://chaser.io/?variant=b"`} {
		if !strings.Contains(body, want) {
			t.Errorf("admin page lacks %s", want)
		}
	}
}

// TestFlyServesEveryDomainOverHTTPSAndChecksHealth: fly.toml's force_https and health check
// are set on the one [http_service], which Fly applies to every host name whose certificate
// is added with `fly certs add`; there is no per-host setting to forget. The check asks
// /healthz, which answers on any Host (TestHealthAndAdminOnEveryHost).
func TestFlyServesEveryDomainOverHTTPSAndChecksHealth(t *testing.T) {
	raw, err := os.ReadFile("../fly.toml")
	if err != nil {
		t.Fatal(err)
	}
	var fly struct {
		Services    []any `toml:"services"`
		HTTPService struct {
			InternalPort int  `toml:"internal_port"`
			ForceHTTPS   bool `toml:"force_https"`
			Checks       []struct {
				Path    string            `toml:"path"`
				Headers map[string]string `toml:"headers"`
			} `toml:"checks"`
		} `toml:"http_service"`
		Env map[string]string `toml:"env"`
	}
	if err := toml.Unmarshal(raw, &fly); err != nil {
		t.Fatal(err)
	}
	h := fly.HTTPService
	if !h.ForceHTTPS {
		t.Error("fly.toml: [http_service] force_https is not true; visitors to a page's domain would stay on http://")
	}
	if len(fly.Services) != 0 {
		t.Error("fly.toml has [[services]] next to [http_service]; a domain could be served without force_https")
	}
	if len(h.Checks) != 1 || h.Checks[0].Path != "/healthz" || h.Checks[0].Headers["X-Forwarded-Proto"] != "https" {
		t.Errorf("fly.toml: the health check is %+v, want GET /healthz with X-Forwarded-Proto: https", h.Checks)
	}
	if fly.Env["LITMUS_TRUST_PROXY"] != "1" {
		t.Error("fly.toml: LITMUS_TRUST_PROXY is not set; rate limits would count Fly's proxy, not each visitor")
	}
}

// TestRateLimitIsPerClientAcrossDomains: the signup limit counts a client address, not a
// host, so spreading posts over several pages' domains does not multiply it.
func TestRateLimitIsPerClientAcrossDomains(t *testing.T) {
	e := newEnv(t, withPageFiles(t, "", map[string]string{
		"shift.toml":  pageFile("shiftmeals", `domains = ["shiftmeals.app"]`),
		"chaser.toml": pageFile("chaser", `domains = ["chaser.io"]`),
	}), func(d *Deps) { d.SignupLimit = 1 })
	// Every page has its own domain: the main site's root has no page, and shows neither.
	if resp, body := e.onHost("GET", "localhost", "/", "", nil); resp.StatusCode != 404 || strings.Contains(body, "Headline of") {
		t.Errorf("main site root with only domain pages = %d", resp.StatusCode)
	}
	c1, t1 := e.visitOn("shiftmeals.app")
	c2, t2 := e.visitOn("chaser.io")
	e.advance(3e9)
	resp, _ := e.onHost("POST", "shiftmeals.app", "/signup", c1, url.Values{"_token": {t1}, "email": {"ada@example.com"}}, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != 303 {
		t.Fatalf("first signup = %d", resp.StatusCode)
	}
	resp, _ = e.onHost("POST", "chaser.io", "/signup", c2, url.Values{"_token": {t2}, "email": {"ada@example.com"}}, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != 429 {
		t.Fatalf("second signup from the same client on another domain = %d, want 429", resp.StatusCode)
	}
}
