package handlers

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/net/html"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/signup"
)

// The tests in this file are the "safe on the open internet" checks that need the app's
// logic (a clock, metrics, the store); e2e/hardening_test.go has the ones about sockets.

func TestMalformedEmailsAreRefusedByNameAndNotStored(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".com"
	cases := []struct {
		name, email, message string
	}{
		{"control character", "ada\x01@example.com", "control character"},
		{"NUL byte", "ada\x00@example.com", "control character"},
		{"bidi override (Trojan Source)", "ada\u202e@example.com", "text-direction"},
		{"invisible zero-width space", "ada\u200b@example.com", "invisible character"},
		{"CR LF header injection", "ada@example.com\r\nBcc: victim@example.com", "single line"},
		{"bare LF", "ada@example.com\nother@example.com", "single line"},
		{"invalid UTF-8", "ada\xff@example.com", "can't read"},
		{"over 254 characters", long, "254"},
		{"local part over 64", strings.Repeat("a", 65) + "@example.com", "64"},
		{"leading dot", ".ada@example.com", "start or end with a dot"},
		{"trailing dot before @", "ada.@example.com", "start or end with a dot"},
		{"double dot in local part", "ada..lovelace@example.com", "two dots"},
		{"double dot in domain", "ada@example..com", "two dots"},
		{"domain ends with a dot", "ada@example.com.", "start or end with a dot"},
		{"single-label domain", "ada@localhost", "needs a dot"},
		{"address literal", "ada@[192.0.2.1]", "IP address"},
		{"bare IP domain", "ada@192.0.2.1", "IP address"},
		{"quoted local part", `"ada lovelace"@example.com`, "quote marks"},
		{"two @", "ada@lovelace@example.com", "only one @"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			cookie, token := e.visit("/")
			e.advance(5 * time.Second)
			resp, body := e.post("/chaser/signup", cookie, validForm(token, c.email))
			if resp.StatusCode != fiber.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			if msg := fieldError(t, body, "email"); !strings.Contains(msg, c.message) {
				t.Errorf("message next to the email = %q, want it to name the problem (%q)", msg, c.message)
			}
			if rows := e.signups("chaser"); len(rows) != 0 {
				t.Errorf("refused address stored: %q", rows[0].Email)
			}
		})
	}
}

func TestInternationalDomainIsStoredInASCII(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	if resp, body := e.post("/chaser/signup", cookie, validForm(token, "user@BÜCHER.example")); resp.StatusCode != fiber.StatusSeeOther {
		t.Fatalf("status %d, want 303:\n%s", resp.StatusCode, clipBody(body))
	}
	rows := e.signups("chaser")
	if len(rows) != 1 || rows[0].Email != "user@xn--bcher-kva.example" {
		t.Fatalf("stored %v, want one row with user@xn--bcher-kva.example", rows)
	}
}

// fieldError returns the message in a field's error slot of a re-rendered form.
func fieldError(t *testing.T, body, field string) string {
	t.Helper()
	slot := `id="f-` + field + `-error">`
	i := strings.Index(body, slot)
	if i < 0 {
		t.Fatalf("no error slot for %s in the page:\n%s", field, clipBody(body))
	}
	msg, _, _ := strings.Cut(body[i+len(slot):], "</p>")
	return html.UnescapeString(msg)
}

// TestOversizedBodyIsRefusedAndTheServerStaysUp: fasthttp refuses the body before routing,
// so the error handler runs without a route. It used to call c.Params there and panic
// outside the recover middleware, killing the process on any 2 MB POST.
func TestOversizedBodyIsRefusedAndTheServerStaysUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	origin := e.listen()
	for _, path := range []string{"/chaser/signup", "/no-such-page/signup", "/a/b/c/signup", "/"} {
		resp, body, err := postTooLarge(origin, path)
		if err != nil {
			t.Fatalf("POST 2 MB to %s: %v", path, err)
		}
		if resp.StatusCode != fiber.StatusRequestEntityTooLarge || !strings.Contains(body, "far more data than a signup form sends") {
			t.Errorf("POST 2 MB to %s = %d, want 413 with a plain message:\n%s", path, resp.StatusCode, clipBody(body))
		}
	}
	if v := testutil.ToFloat64(e.metrics.SignupsRejected.WithLabelValues("chaser", "too_large")); v != 1 {
		t.Errorf("rejected{chaser,too_large} = %v, want 1 (only the real signup address counts)", v)
	}
	if resp, body := e.get("/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("after the 413s, healthz = %d %q", resp.StatusCode, body)
	}
}

// listen serves the app on a real loopback listener and returns its origin. fasthttp refuses
// an oversized body while reading the request, and app.Test reports that as an error rather
// than returning the 413 it sent; a real connection sees what a client sees.
func (e *env) listen() string {
	e.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.t.Fatal(err)
	}
	go func() { _ = e.app.Listener(ln) }()
	e.t.Cleanup(func() { _ = e.app.Shutdown() })
	return "http://" + ln.Addr().String()
}

func TestRouterNotFoundDoesNotQuoteThePath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.get("/a/b/%3Cscript%3Ex")
	if resp.StatusCode != 404 || !strings.Contains(body, "no page at this address") {
		t.Errorf("GET /a/b/<script>x = %d, want 404 with the plain message:\n%s", resp.StatusCode, clipBody(body))
	}
	if strings.Contains(body, "<script>x") || strings.Contains(body, "&lt;script") || strings.Contains(body, "Cannot GET") {
		t.Errorf("the 404 page quotes the path back:\n%s", clipBody(body))
	}
}

func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		e := newEnv(t, func(d *Deps) { d.TrustProxy, d.ProxyNets = trust, testProxyNets })
		cookie, token := e.visit("/")
		e.advance(5 * time.Second)
		invalid := validForm(token, "not-an-email")
		requests := []struct {
			kind   string
			status int
			send   func(h ...string) (int, map[string][]string)
		}{
			{"page", 200, e.getH("/")},
			{"preview", 200, e.getH("/chaser?variant=paid-on-time")},
			{"thanks", 200, e.getH("/chaser/thanks")},
			{"404", 404, e.getH("/no-such-page")},
			{"router 404", 404, e.getH("/a/b/c")},
			{"405", 405, e.sendH("DELETE", "/chaser", "")},
			{"413", 413, e.tooLargeH("/chaser/signup")},
			{"422", 422, e.postH("/chaser/signup", cookie, invalid)},
			{"403 cross-site", 403, e.postH("/chaser/signup", cookie, validForm(token, "x@example.com"), "Sec-Fetch-Site", "cross-site")},
			{"303 signup", 303, e.postH("/chaser/signup", cookie, validForm(token, "ok@example.com"))},
			{"static", 200, e.getH("/static/app.css")},
			{"robots", 200, e.getH("/robots.txt")},
			{"healthz", 200, e.getH("/healthz")},
		}
		for _, r := range requests {
			name := fmt.Sprintf("%s/trust proxy %v", r.kind, trust)
			for _, https := range []bool{false, true} {
				var h []string
				if https {
					h = []string{"X-Forwarded-Proto", "https"}
				}
				status, got := r.send(h...)
				if status != r.status {
					t.Errorf("%s: status %d, want %d", name, status, r.status)
				}
				header := func(k string) string { return strings.Join(got[k], ", ") }
				if err := checkCSP(header("Content-Security-Policy")); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				if v := header("X-Content-Type-Options"); v != "nosniff" {
					t.Errorf("%s: X-Content-Type-Options = %q", name, v)
				}
				if v := header("Referrer-Policy"); v != "strict-origin-when-cross-origin" {
					t.Errorf("%s: Referrer-Policy = %q", name, v)
				}
				wantHSTS := https && trust
				if v := header("Strict-Transport-Security"); (v != "") != wantHSTS {
					t.Errorf("%s (X-Forwarded-Proto https: %v): Strict-Transport-Security = %q, want it only behind a trusted HTTPS proxy", name, https, v)
				}
			}
		}
	}
}

// checkCSP reports a Content-Security-Policy that allows framing or inline script.
func checkCSP(csp string) error {
	directives := map[string]string{}
	for d := range strings.SplitSeq(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	if directives["frame-ancestors"] != "'none'" {
		return fmt.Errorf("CSP %q: want frame-ancestors 'none'", csp)
	}
	script, ok := directives["script-src"]
	if !ok {
		script, ok = directives["default-src"]
	}
	if !ok {
		return fmt.Errorf("CSP %q sets neither script-src nor default-src", csp)
	}
	for _, unsafe := range []string{"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} {
		if strings.Contains(" "+script+" ", " "+unsafe+" ") {
			return fmt.Errorf("CSP %q: script-src allows %s", csp, unsafe)
		}
	}
	return nil
}

// sendH, getH, postH and tooLargeH prepare a request that the headers test sends twice,
// with and without extra headers; each returns the status and the response headers.
func (e *env) sendH(method, path, body string) func(h ...string) (int, map[string][]string) {
	return func(h ...string) (int, map[string][]string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("User-Agent", chromeUA)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
		resp, _ := e.do(req)
		return resp.StatusCode, resp.Header
	}
}

// tooLargeH sends postTooLarge over a real connection (see listen).
func (e *env) tooLargeH(path string) func(h ...string) (int, map[string][]string) {
	origin := e.listen()
	return func(h ...string) (int, map[string][]string) {
		resp, _, err := postTooLarge(origin, path, h...)
		if err != nil {
			e.t.Fatalf("POST 2 MB to %s: %v", path, err)
		}
		return resp.StatusCode, resp.Header
	}
}

// postTooLarge announces a 2 MB form and sends none of it: the server must answer from the
// headers alone. (Sending the body too would race the server's close against the client's
// writes, and a reset connection can swallow the answer.)
func postTooLarge(origin, path string, headers ...string) (*http.Response, string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "POST %s HTTP/1.1\r\nHost: litmus.test\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000000\r\n", path)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n")
	return exchange(origin, "POST", b.String())
}

func (e *env) getH(path string) func(h ...string) (int, map[string][]string) {
	return func(h ...string) (int, map[string][]string) {
		resp, _ := e.get(path, h...)
		return resp.StatusCode, resp.Header
	}
}

func (e *env) postH(path, cookie string, form url.Values, fixed ...string) func(h ...string) (int, map[string][]string) {
	return func(h ...string) (int, map[string][]string) {
		resp, _ := e.post(path, cookie, form, append(fixed, h...)...)
		return resp.StatusCode, resp.Header
	}
}

func TestPanicBecomesAPlain500AndTheServerStaysUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A route no production code has: three segments, so /:slug does not take it first.
	e.app.Get("/test/panics/here", func(*fiber.Ctx) error {
		panic("secret internal detail /home/litmus/handlers/oops.go:42")
	})
	for _, accept := range []string{"text/html", "application/json"} {
		resp, body := e.get("/test/panics/here", "Accept", accept)
		if resp.StatusCode != 500 {
			t.Fatalf("panicking route (Accept %s) = %d, want 500", accept, resp.StatusCode)
		}
		if !strings.Contains(body, "Something went wrong on our side") {
			t.Errorf("500 (Accept %s) body lacks the plain message:\n%s", accept, clipBody(body))
		}
		for _, leak := range []string{"secret internal detail", "oops.go", "goroutine", "panic", ".go:"} {
			if strings.Contains(body, leak) {
				t.Errorf("500 (Accept %s) body leaks %q:\n%s", accept, leak, clipBody(body))
			}
		}
		if err := checkCSP(resp.Header.Get("Content-Security-Policy")); err != nil || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("500 lacks the security headers: %v %v", err, resp.Header)
		}
	}
	if resp, body := e.get("/healthz"); resp.StatusCode != 200 || body != "ok\n" {
		t.Errorf("after the panic, healthz = %d %q", resp.StatusCode, body)
	}
	if resp, _ := e.get("/"); resp.StatusCode != 200 {
		t.Errorf("after the panic, GET / = %d", resp.StatusCode)
	}
}

func TestSpoofedClientAddressDoesNotEscapeTheLimit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		trustProxy   bool
		perClient    int
		global       int
		header       string
		values       []string
		wantStatuses []int
	}{
		{"X-Forwarded-For is never trusted", false, 2, 0, "X-Forwarded-For",
			[]string{"198.51.100.1", "198.51.100.2", "198.51.100.3"}, []int{303, 303, 429}},
		{"X-Forwarded-For is not trusted behind the proxy either", true, 2, 0, "X-Forwarded-For",
			[]string{"198.51.100.1", "198.51.100.2", "198.51.100.3"}, []int{303, 303, 429}},
		{"Fly-Client-IP is ignored unless LITMUS_TRUST_PROXY is set", false, 2, 0, "Fly-Client-IP",
			[]string{"198.51.100.1", "198.51.100.2", "198.51.100.3"}, []int{303, 303, 429}},
		{"a malformed Fly-Client-IP falls back to the socket address", true, 2, 0, "Fly-Client-IP",
			[]string{"not-an-address", "198.51.100.1, 198.51.100.2", "198.51.100.300", "", "[2001:db8::1]"}, []int{303, 303, 429, 429, 429}},
		// The control: behind the proxy, real Fly-Client-IP values are separate clients.
		{"Fly-Client-IP behind the proxy tells clients apart", true, 2, 0, "Fly-Client-IP",
			[]string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "2001:db8::1"}, []int{303, 303, 303, 303}},
		{"the global limit holds across clients", true, 5, 3, "Fly-Client-IP",
			[]string{"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "2001:db8::1"}, []int{303, 303, 303, 429, 429}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, func(d *Deps) {
				d.TrustProxy, d.ProxyNets, d.SignupLimit, d.GlobalLimit = c.trustProxy, testProxyNets, c.perClient, c.global
			})
			cookie, token := e.visit("/")
			e.advance(3 * time.Second)
			var got []int
			accepted := 0
			for i, v := range c.values {
				resp, _ := e.post("/chaser/signup", cookie, validForm(token, fmt.Sprintf("p%d@example.com", i)), c.header, v)
				got = append(got, resp.StatusCode)
				if resp.StatusCode == 303 {
					accepted++
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.wantStatuses) {
				t.Errorf("statuses %v, want %v", got, c.wantStatuses)
			}
			if n := len(e.signups("chaser")); n != accepted {
				t.Errorf("%d rows stored, want %d (one per 303)", n, accepted)
			}
		})
	}
}

// blnsPath is the Big List of Naughty Strings beside the checkout (/work/shared next to
// /work/main); .ci/run sets LITMUS_REQUIRE_SHARED so it cannot silently go missing there.
const blnsPath = "../../shared/testdata/blns.txt"

// naughtyStrings returns the list's strings, skipping the test when the file is absent on
// a developer's machine and failing it in CI.
func naughtyStrings(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(blnsPath)
	if err != nil {
		if os.Getenv("LITMUS_REQUIRE_SHARED") != "" {
			t.Fatalf("LITMUS_REQUIRE_SHARED is set but the Big List of Naughty Strings is missing: %v", err)
		}
		t.Skipf("the Big List of Naughty Strings is not at %s (%v): put ../shared beside the checkout to run this test", blnsPath, err)
	}
	defer f.Close()
	var list []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := sc.Text(); s != "" && !strings.HasPrefix(s, "#") {
			list = append(list, s)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(list) < 400 {
		t.Fatalf("only %d strings in %s: the file looks truncated", len(list), blnsPath)
	}
	return list
}

// TestNaughtyStringsOnEveryInput sends each naughty string through every way a visitor can
// reach the app (each form field, the query string, the path, the cookie, the User-Agent
// and Referer) and checks that nothing is a server error and that no response grows an
// element, attribute, script or URL the normal pages do not have.
func TestNaughtyStringsOnEveryInput(t *testing.T) {
	t.Parallel()
	list := naughtyStrings(t)
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	normal := e.normalShape(cookie, token)
	origin := e.listen()

	// Eight visitors at once: signups that reach the store then share commits, as they do
	// in production, instead of waiting for one fsync each.
	work := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for s := range work {
				for _, r := range naughtyRequests(s, cookie, token) {
					if err := checkNaughtyAnswer(origin, r.req, normal); err != nil {
						t.Errorf("blns %q as %s: %v", s, r.input, err)
					}
				}
			}
		})
	}
	for _, s := range list {
		work <- s
	}
	close(work)
	wg.Wait()

	// Whatever was accepted is a clean signup: a canonical address and valid fields.
	page := e.site.Load().Lookup("chaser").Page
	for _, row := range e.signups("chaser") {
		if canon, err := email.Normalize(row.Email); err != nil || canon != row.Email {
			t.Errorf("stored address %q is not canonical (%q, %v)", row.Email, canon, err)
		}
		if _, _, ferrs := signup.Read(page, storedValue(row.Email, row.Fields)); ferrs != nil {
			t.Errorf("stored signup %q %v fails validation: %v", row.Email, row.Fields, ferrs)
		}
	}
}

// checkNaughtyAnswer sends req and reports a server error, or an answer that is neither
// HTML shaped like the normal pages, nor valid JSON, nor a bare redirect.
func checkNaughtyAnswer(origin string, req *http.Request, normal pageShape) error {
	resp, body, err := roundTrip(origin, req)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 500 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	ctype := resp.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ctype, "text/html"):
		return normal.admits(htmlShapeOf(body))
	case strings.HasPrefix(ctype, "application/json"):
		if !json.Valid([]byte(body)) {
			return fmt.Errorf("invalid JSON %q", clipBody(body))
		}
	case resp.StatusCode == 303 && body == "":
	default:
		return fmt.Errorf("unexpected %d %s answer %q", resp.StatusCode, ctype, clipBody(body))
	}
	return nil
}

// roundTrip writes req to a fresh connection to origin exactly as it is (net/http's client
// would refuse control characters in a header before sending) and reads the answer, so
// malformed requests reach the server's own parser and the test sees what it sent back.
func roundTrip(origin string, req *http.Request) (*http.Response, string, error) {
	var b strings.Builder
	req.Close = true
	if err := req.Write(&b); err != nil {
		return nil, "", fmt.Errorf("writing the request: %w", err)
	}
	return exchange(origin, req.Method, b.String())
}

// exchange sends raw bytes on a fresh connection to origin and reads one answer.
func exchange(origin, method, raw string) (*http.Response, string, error) {
	conn, err := net.Dial("tcp", strings.TrimPrefix(origin, "http://"))
	if err != nil {
		return nil, "", err
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, raw); err != nil {
		return nil, "", fmt.Errorf("sending: %w", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		return nil, "", fmt.Errorf("no answer (%w): did the server die?", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, "", fmt.Errorf("reading the answer: %w", err)
	}
	return resp, string(body), nil
}

// TestPageShapeCatchesInjectedMarkup shows the naughty-string check can fail: markup that
// input would add if it were echoed unescaped is reported, the normal page is not.
func TestPageShapeCatchesInjectedMarkup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	normal := e.normalShape(cookie, token)
	_, page := e.get("/")
	if err := normal.admits(htmlShapeOf(page)); err != nil {
		t.Fatalf("the normal page itself is refused: %v", err)
	}
	for _, injected := range []string{
		`<img src=x onerror=alert(1)>`,
		`<script>alert(1)</script>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<p onclick="alert(1)">x</p>`,
		`<iframe src="https://evil.example"></iframe>`,
		`<!-- hidden -->`,
	} {
		body := strings.Replace(page, "<h1>", injected+"<h1>", 1)
		if err := normal.admits(htmlShapeOf(body)); err == nil {
			t.Errorf("%s in the page went unnoticed", injected)
		}
	}
}

// storedValue reads a stored row back as a form, for signup.Read.
func storedValue(addr string, fields map[string]string) func(string) string {
	return func(name string) string {
		if name == "email" {
			return addr
		}
		if v := fields[name]; v != "yes" {
			return v
		}
		return "on"
	}
}

// naughtyRequest is one way a visitor's string reaches the app.
type naughtyRequest struct {
	input string
	req   *http.Request
}

// naughtyRequests returns one request per input path carrying s.
func naughtyRequests(s, cookie, token string) []naughtyRequest {
	var rs []naughtyRequest
	add := func(input string, req *http.Request) {
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", chromeUA)
		}
		rs = append(rs, naughtyRequest{input, req})
	}
	post := func(input, path string, form url.Values) {
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.AddCookie(&http.Cookie{Name: VisitorCookie, Value: cookie})
		add(input, req)
	}
	for _, field := range []string{"email", "first_name", "work", "consent", "website", "_token"} {
		form := validForm(token, "naughty@example.com")
		form.Set(field, s)
		post("form field "+field, "/chaser/signup", form)
	}
	form := validForm(token, "extra@example.com")
	form.Set(s, s)
	post("an extra form field's name and value", "/chaser/signup", form)
	post("the slug of a signup path", "/"+url.PathEscape(s)+"/signup", validForm(token, "slug@example.com"))

	add("utm_source", httptest.NewRequest("GET", "/?utm_source="+url.QueryEscape(s), nil))
	add("the preview variant", httptest.NewRequest("GET", "/?variant="+url.QueryEscape(s), nil))
	add("the whole query string", httptest.NewRequest("GET", "/chaser?"+url.PathEscape(s), nil))
	add("the slug in the path", httptest.NewRequest("GET", "/"+url.PathEscape(s), nil))
	add("the slug of a thanks path", httptest.NewRequest("GET", "/"+url.PathEscape(s)+"/thanks", nil))
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Cookie", VisitorCookie+"="+s)
	add("the visitor cookie", req)
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("User-Agent", s)
	add("the User-Agent", req)
	req = httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Referer", s)
	add("the Referer", req)
	return rs
}

// pageShape is what a family of HTML responses is made of: the elements and attributes
// they use ("tag" and "tag[attr]"), the values of their URL attributes, and the text of
// their <script> and <style> elements. Visitor input may change text and attribute values;
// it must never add to any of these.
type pageShape struct {
	parts   map[string]bool
	urls    map[string]bool
	inlines map[string]bool
}

// urlAttrs are the attributes whose value a browser loads or submits to.
var urlAttrs = map[string]bool{"href": true, "src": true, "action": true, "formaction": true, "srcset": true, "poster": true, "data": true, "data-thanks": true}

func htmlShapeOf(body string) pageShape {
	sh := pageShape{parts: map[string]bool{}, urls: map[string]bool{}, inlines: map[string]bool{}}
	z := html.NewTokenizer(strings.NewReader(body))
	inRaw := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return sh
		case html.CommentToken:
			sh.parts["<!-- comment -->"] = true
		case html.TextToken:
			if inRaw != "" {
				sh.inlines[inRaw+": "+string(z.Text())] = true
			}
		case html.EndTagToken:
			inRaw = ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			sh.parts[tok.Data] = true
			if tok.Data == "script" || tok.Data == "style" {
				inRaw = tok.Data
			}
			for _, a := range tok.Attr {
				sh.parts[tok.Data+"["+a.Key+"]"] = true
				if urlAttrs[a.Key] {
					sh.urls[tok.Data+"["+a.Key+"]="+a.Val] = true
				}
			}
		}
	}
}

// admits reports what got has that the normal shape does not.
func (normal pageShape) admits(got pageShape) error {
	var extra []string
	for _, set := range []struct{ have, want map[string]bool }{{got.parts, normal.parts}, {got.urls, normal.urls}, {got.inlines, normal.inlines}} {
		for k := range set.have {
			if !set.want[k] {
				extra = append(extra, k)
			}
		}
	}
	if extra != nil {
		return fmt.Errorf("the response has HTML the normal pages do not: %q", extra)
	}
	return nil
}

// normalShape collects the shape of every HTML response a visitor normally gets: both
// pages and their variants, the form shown again with every error and with a summary,
// the thanks page and the error pages.
func (e *env) normalShape(cookie, token string) pageShape {
	e.t.Helper()
	var bodies []string
	for _, path := range []string{"/", "/chaser", "/taxpot", "/chaser/thanks", "/taxpot/thanks", "/no-such-page", "/chaser?variant=nope"} {
		_, body := e.get(path)
		bodies = append(bodies, body)
	}
	for _, ent := range e.site.Load().Entries {
		for _, v := range ent.Page.Variants {
			_, body := e.get("/" + ent.Page.Slug + "?variant=" + url.QueryEscape(v.ID))
			bodies = append(bodies, body)
		}
	}
	// The first invalid field gets the focus: one form per field being the first wrong one.
	var forms []url.Values
	for field, wrong := range map[string]string{"email": "typo@", "first_name": "\x01", "work": "nope", "consent": "maybe"} {
		form := validForm(token, "ok@example.com")
		form.Set(field, wrong)
		forms = append(forms, form)
	}
	forms = append(forms,
		url.Values{"_token": {token}, "email": {"x"}, "first_name": {"\x01"}, "work": {"nope"}, "consent": {"maybe"}},
		validForm("not-a-token", "late@example.com"), // the summary of an expired form
	)
	for _, form := range forms {
		resp, body := e.post("/chaser/signup", cookie, form)
		if resp.StatusCode != 422 {
			e.t.Fatalf("normal 422 page: status %d", resp.StatusCode)
		}
		bodies = append(bodies, body)
	}
	sh := pageShape{parts: map[string]bool{}, urls: map[string]bool{}, inlines: map[string]bool{}}
	for _, b := range bodies {
		got := htmlShapeOf(b)
		for _, pair := range []struct{ from, to map[string]bool }{{got.parts, sh.parts}, {got.urls, sh.urls}, {got.inlines, sh.inlines}} {
			for k := range pair.from {
				pair.to[k] = true
			}
		}
	}
	return sh
}
