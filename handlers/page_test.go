package handlers

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/litmuslabs/litmus/pages"
)

func TestDefaultPageAssignsAStickyVariant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.get("/")
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == VisitorCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no visitor cookie on a first visit")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.MaxAge < 30*24*3600 {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite=Lax, not Secure over plain HTTP, long-lived", cookie)
	}
	headline := variantHeadline(t, body)

	for i := 0; i < 5; i++ {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("User-Agent", chromeUA)
		req.AddCookie(&http.Cookie{Name: VisitorCookie, Value: cookie.Value})
		resp, body := e.do(req)
		if got := variantHeadline(t, body); got != headline {
			t.Fatalf("returning visitor saw %q, first saw %q", got, headline)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("returning visitor was sent a new cookie: %v", resp.Cookies())
		}
	}
	if n := e.totalVisitors("chaser"); n != 1 {
		t.Errorf("one person viewing 6 times counted as %d visitors, want 1", n)
	}
	views := 0.0
	for _, v := range []string{"no-awkward-emails", "paid-on-time"} {
		views += testutil.ToFloat64(e.metrics.PageViews.WithLabelValues("chaser", v))
	}
	if views != 6 {
		t.Errorf("litmus_page_views_total = %v, want 6", views)
	}
}

func TestVariantsSplitAcrossVisitors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seen := map[string]int{}
	for i := 0; i < 200; i++ {
		_, body := e.get("/")
		seen[variantHeadline(t, body)]++
	}
	if len(seen) != 2 {
		t.Fatalf("200 new visitors saw %d distinct headlines, want both variants: %v", len(seen), seen)
	}
	for h, n := range seen {
		if n < 60 { // 50/50 weights: 100 ± 7 expected; 60 is > 5 sigma away
			t.Errorf("variant %q got %d of 200 visitors, want about 100", h, n)
		}
	}
	c := e.counts("chaser")
	if c["no-awkward-emails"].Visitors+c["paid-on-time"].Visitors != 200 {
		t.Errorf("stored exposures = %+v, want 200 in total", c)
	}
}

func TestSecureCookieBehindHTTPSProxy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, behindTestProxy)
	resp, _ := e.get("/", "X-Forwarded-Proto", "https")
	for _, c := range resp.Cookies() {
		if c.Name == VisitorCookie && !c.Secure {
			t.Error("cookie not Secure behind an HTTPS proxy")
		}
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS header behind HTTPS")
	}
	e2 := newEnv(t) // without TrustProxy, the header is anyone's to forge
	resp, _ = e2.get("/", "X-Forwarded-Proto", "https")
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent on plain HTTP because of an untrusted X-Forwarded-Proto")
	}
}

func TestUncountedTraffic(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		method  string
		path    string
		headers []string
		metric  func(e *env) float64
	}{
		{"crawler", "GET", "/", []string{"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.BotRequests.WithLabelValues("chaser", "crawler"))
			}},
		{"link preview", "GET", "/", []string{"User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"},
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.BotRequests.WithLabelValues("chaser", "link_preview"))
			}},
		{"curl", "GET", "/chaser", []string{"User-Agent", "curl/8.5.0"},
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.BotRequests.WithLabelValues("chaser", "http_client"))
			}},
		{"empty agent", "GET", "/", []string{"User-Agent", ""},
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.BotRequests.WithLabelValues("chaser", "empty"))
			}},
		{"prefetch", "GET", "/", []string{"Sec-Purpose", "prefetch"},
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.UncountedViews.WithLabelValues("chaser", "prefetch"))
			}},
		{"HEAD", "HEAD", "/", nil,
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.UncountedViews.WithLabelValues("chaser", "head"))
			}},
		{"preview", "GET", "/chaser?variant=paid-on-time", nil,
			func(e *env) float64 {
				return testutil.ToFloat64(e.metrics.UncountedViews.WithLabelValues("chaser", "preview"))
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			req := httptest.NewRequest(c.method, c.path, nil)
			req.Header.Set("User-Agent", chromeUA)
			for i := 0; i+1 < len(c.headers); i += 2 {
				req.Header.Set(c.headers[i], c.headers[i+1])
			}
			resp, _ := e.do(req)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d, want 200 (served, just not counted)", resp.StatusCode)
			}
			if n := e.totalVisitors("chaser"); n != 0 {
				t.Errorf("%s counted as %d visitors, want 0", c.name, n)
			}
			if v := c.metric(e); v != 1 {
				t.Errorf("its counter = %v, want 1", v)
			}
		})
	}
}

func TestBotsSeeControlWithoutCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.get("/", "User-Agent", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")
	if len(resp.Cookies()) != 0 {
		t.Errorf("a bot was given a cookie: %v", resp.Cookies())
	}
	if h := variantHeadline(t, body); !strings.Contains(h, "Stop chasing clients") {
		t.Errorf("bot saw %q, want the control variant", h)
	}
}

func TestPreviewShowsTheVariantUncounted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.get("/chaser?variant=paid-on-time")
	if !strings.Contains(body, "Get paid on time") {
		t.Error("preview does not show the asked-for variant")
	}
	if !strings.Contains(body, `name="robots" content="noindex`) || resp.Header.Get("X-Robots-Tag") == "" {
		t.Error("preview is not marked noindex")
	}
	if len(resp.Cookies()) != 0 {
		t.Error("a preview set the visitor cookie")
	}
	resp, body = e.get("/chaser?variant=nope")
	if resp.StatusCode != 404 || !strings.Contains(body, "no variant called") {
		t.Errorf("unknown preview variant: %d", resp.StatusCode)
	}
}

func TestNotFoundThanksHealthAndHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.get("/no-such-page")
	if resp.StatusCode != 404 || !strings.Contains(body, "no page at this address") {
		t.Errorf("GET /no-such-page = %d %q", resp.StatusCode, clipBody(body))
	}
	resp, body = e.get("/chaser/thanks")
	if resp.StatusCode != 200 || !strings.Contains(body, "on the list") {
		t.Errorf("thanks = %d", resp.StatusCode)
	}
	resp, body = e.get("/healthz")
	if resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("healthz = %d %q", resp.StatusCode, body)
	}
	resp, _ = e.get("/")
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"Content-Security-Policy": "frame-ancestors 'none'",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", h, got, want)
		}
	}
	if src := cspDirective(resp.Header.Get("Content-Security-Policy"), "script-src"); src != "'self'" {
		t.Errorf("CSP script-src = %q, want exactly 'self' (no inline script, no third party)", src)
	}
	if n := len(resp.Header.Values("Content-Security-Policy")); n != 1 {
		t.Errorf("a page carries %d Content-Security-Policy headers, want its own only", n)
	}
	resp, _ = e.get("/healthz") // no policy of its own: the strictest
	if got := resp.Header.Values("Content-Security-Policy"); len(got) != 1 || got[0] != pages.DefaultTheme().ErrorCSP() {
		t.Errorf("healthz policy = %q, want the theme's strictest", got)
	}
	resp, _ = e.get("/static/app.css")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("static: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

var headlineRE = regexp.MustCompile(`<h1[^>]*>([^<]*)</h1>`)

func variantHeadline(t *testing.T, body string) string {
	t.Helper()
	m := headlineRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no <h1> in page:\n%s", clipBody(body))
	}
	return m[1]
}

// cspDirective returns the sources of one directive of a Content-Security-Policy, "" if absent.
func cspDirective(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if n, v, _ := strings.Cut(strings.TrimSpace(d), " "); n == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
