package handlers

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestAdminAndAPIRequireThePassword(t *testing.T) {
	t.Parallel()
	paths := []string{"/admin", "/admin/pages/chaser", "/admin/pages/chaser/signups.csv", "/api/v1/pages", "/api/v1/pages/chaser/results"}
	cases := []struct {
		name       string
		auth       string // Authorization header; "" sends none
		wantStatus int
		wantFail   bool // counted in litmus_admin_login_failures_total
	}{
		{"no credentials asks for them", "", 401, false},
		{"wrong password", basic("admin", "hunter2"), 401, true},
		{"right password, wrong user", basic("root", testPassword), 401, true},
		{"password with a trailing space", basic("admin", testPassword+" "), 401, true},
		{"not base64", "Basic %%%", 401, true},
		{"another scheme", "Bearer " + testPassword, 401, true},
		{"right credentials", basic("admin", testPassword), 200, false},
		{"scheme in lower case", "basic " + base64of("admin:"+testPassword), 200, false},
	}
	for _, path := range paths {
		for _, tc := range cases {
			t.Run(path+"/"+tc.name, func(t *testing.T) {
				e := newEnv(t)
				req := httptest.NewRequest("GET", path, nil)
				if tc.auth != "" {
					req.Header.Set("Authorization", tc.auth)
				}
				resp, body := e.do(req)
				if resp.StatusCode != tc.wantStatus {
					t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tc.wantStatus, clipBody(body))
				}
				if got := resp.Header.Get("Cache-Control"); got != "no-store" {
					t.Errorf("Cache-Control %q, want no-store", got)
				}
				challenge := resp.Header.Get("WWW-Authenticate")
				if tc.wantStatus == 401 && challenge != `Basic realm="Litmus admin", charset="UTF-8"` {
					t.Errorf("WWW-Authenticate %q", challenge)
				}
				if tc.wantStatus == 200 && challenge != "" {
					t.Errorf("a signed-in answer carries WWW-Authenticate %q", challenge)
				}
				if tc.wantStatus == 401 {
					if strings.HasPrefix(path, "/api/") && !strings.Contains(body, `"ok":false`) {
						t.Errorf("API 401 is not JSON: %s", body)
					}
					if !strings.Contains(body, `user \"admin\"`) && !strings.Contains(body, "user &#34;admin&#34;") {
						t.Errorf("401 body does not say how to sign in:\n%s", clipBody(body))
					}
				}
				wantFails := 0.0
				if tc.wantFail {
					wantFails = 1
				}
				if got := testutil.ToFloat64(e.metrics.AdminLoginFails); got != wantFails {
					t.Errorf("litmus_admin_login_failures_total = %v, want %v", got, wantFails)
				}
			})
		}
	}
}

// TestWrongPasswordsLockTheClientOutForTheMinute: ten wrong passwords are answered 401, the
// eleventh 429, and from then until the minute ends even the right password gets 429.
func TestWrongPasswordsLockTheClientOutForTheMinute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mu.Lock()
	e.now = time.Date(2026, 11, 24, 12, 0, 15, 0, time.UTC) // 45 s left in the minute
	e.mu.Unlock()
	for i := 1; i <= maxLoginFailures; i++ {
		if resp, _ := e.adminReq("GET", "/admin", "wrong", nil); resp.StatusCode != 401 {
			t.Fatalf("failure %d = %d, want 401", i, resp.StatusCode)
		}
	}
	resp, body := e.adminReq("GET", "/admin", "wrong", nil)
	if resp.StatusCode != 429 {
		t.Fatalf("failure 11 = %d, want 429", resp.StatusCode)
	}
	if got := resp.Header.Get("Retry-After"); got != "45" {
		t.Errorf("Retry-After %q, want 45 (the rest of the minute)", got)
	}
	if !strings.Contains(body, "wait a minute") {
		t.Errorf("429 does not say what to do:\n%s", clipBody(body))
	}
	e.advance(30 * time.Second)
	if resp, _ := e.adminReq("GET", "/api/v1/pages", testPassword, nil); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "15" {
		t.Errorf("right password while locked out = %d (Retry-After %q), want 429 and 15", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if got := testutil.ToFloat64(e.metrics.AdminLoginFails); got != 11 {
		t.Errorf("litmus_admin_login_failures_total = %v, want 11 (a locked-out request is not compared)", got)
	}
	e.advance(15 * time.Second) // the next minute
	if resp, _ := e.adminReq("GET", "/admin", testPassword, nil); resp.StatusCode != 200 {
		t.Errorf("right password in the next minute = %d, want 200", resp.StatusCode)
	}
}

func TestLockoutIsPerClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for range maxLoginFailures + 1 {
		e.adminReq("GET", "/admin", "wrong", nil)
	}
	// app.Test always connects from 0.0.0.0; a client behind Fly's proxy is told apart by
	// Fly-Client-IP only when the proxy is trusted, so use a second app to stand for a
	// second client: the lock-out is per app and per client, never global.
	other := newEnv(t)
	if resp, _ := other.adminReq("GET", "/admin", testPassword, nil); resp.StatusCode != 200 {
		t.Errorf("another client = %d, want 200", resp.StatusCode)
	}
	trusted := newEnv(t, behindTestProxy)
	for range maxLoginFailures + 1 {
		trusted.adminReq("GET", "/admin", "wrong", nil, "Fly-Client-IP", "203.0.113.7")
	}
	if resp, _ := trusted.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", "203.0.113.7"); resp.StatusCode != 429 {
		t.Errorf("the guessing client = %d, want 429", resp.StatusCode)
	}
	if resp, _ := trusted.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", "198.51.100.20"); resp.StatusCode != 200 {
		t.Errorf("a different client behind the same proxy = %d, want 200", resp.StatusCode)
	}
}

// TestFailedLoginIsLoggedWithoutSecrets: the log line says a login failed on which route and
// whether the user name was right, and nothing an attacker typed or where they came from.
func TestFailedLoginIsLoggedWithoutSecrets(t *testing.T) {
	t.Parallel()
	var logs syncLog
	e := newEnv(t, func(d *Deps) { d.Logger = slog.New(slog.NewTextHandler(&logs, nil)); behindTestProxy(d) })
	e.adminReq("GET", "/api/v1/pages", "s3cret-guess", nil, "Fly-Client-IP", "203.0.113.7")
	req := httptest.NewRequest("GET", "/admin", nil)
	req.SetBasicAuth("mallory", "another-guess")
	e.do(req)
	out := logs.String()
	for _, want := range []string{`msg="admin login failed" route=api user_admin=true`, `msg="admin login failed" route=admin user_admin=false`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"s3cret-guess", "another-guess", "mallory", "203.0.113.7"} {
		if strings.Contains(out, secret) {
			t.Errorf("log carries %q:\n%s", secret, out)
		}
	}
}

func TestAdminStylesheetIsPublicAndCacheable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	page := e.adminGet("/admin")
	m := regexpFind(`<link rel="stylesheet" href="(/admin/admin\.css\?v=[0-9a-f]{12})">`, page)
	if m == "" {
		t.Fatalf("admin page links no fingerprinted stylesheet:\n%s", clipBody(page))
	}
	resp, css := e.get(m)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, ".badge-validated") {
		t.Fatalf("GET %s = %d %q", m, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got := resp.Header.Get("Cache-Control"); !strings.Contains(got, "max-age=31536000") {
		t.Errorf("stylesheet Cache-Control %q", got)
	}
}

// TestAdminPagesCarryTheStrictPolicy: no script, no inline style, nothing from elsewhere.
func TestAdminPagesCarryTheStrictPolicy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.adminReq("GET", "/admin/pages/chaser", testPassword, nil)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "style-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	for _, banned := range []string{"<script", " style=", "<style", " on"} {
		if banned == " on" {
			if regexpFind(`<[a-z]+[^>]*\son[a-z]+=`, body) != "" {
				t.Error("admin page has an inline event handler")
			}
			continue
		}
		if strings.Contains(body, banned) {
			t.Errorf("admin page contains %q, which the policy blocks", banned)
		}
	}
	if resp.Header.Get("X-Robots-Tag") != "noindex, nofollow" {
		t.Errorf("X-Robots-Tag %q", resp.Header.Get("X-Robots-Tag"))
	}
}

func basic(user, pw string) string { return "Basic " + base64of(user+":"+pw) }

func base64of(s string) string {
	req := httptest.NewRequest("GET", "/", nil)
	user, pw, _ := strings.Cut(s, ":")
	req.SetBasicAuth(user, pw)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// syncLog is a log destination safe for the app's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
