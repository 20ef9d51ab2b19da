package handlers

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/results"
)

// Helpers for the admin and API tests, on top of env (env_test.go).

// adminReq sends a request with the admin's Basic credentials (password pw).
func (e *env) adminReq(method, path, pw string, body url.Values, headers ...string) (*http.Response, string) {
	e.t.Helper()
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(method, path, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("User-Agent", chromeUA)
	if pw != "" {
		req.SetBasicAuth("admin", pw)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(req)
}

// adminGet fetches an admin or API path signed in, and fails the test unless it is 200.
func (e *env) adminGet(path string) string {
	e.t.Helper()
	resp, body := e.adminReq("GET", path, testPassword, nil)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET %s = %d:\n%s", path, resp.StatusCode, clipBody(body))
	}
	return body
}

// adminPost sends an admin form the way a browser on the admin page does: same origin,
// with the page's anti-forgery token.
func (e *env) adminPost(path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	if form.Get(csrfField) == "" {
		form.Set(csrfField, e.csrfToken())
	}
	return e.adminReq("POST", path, testPassword, form, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com")
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([A-Za-z0-9_.=-]+)"`)

// csrfToken reads the anti-forgery token from the admin's front page.
func (e *env) csrfToken() string {
	e.t.Helper()
	m := csrfRE.FindStringSubmatch(e.adminGet("/admin"))
	if m == nil {
		e.t.Fatal("no _csrf token in the admin page")
	}
	return m[1]
}

// apiResults decodes GET /api/v1/pages/{slug}/results.
func (e *env) apiResults(slug string) results.Results {
	e.t.Helper()
	e.flush()
	var r results.Results
	if err := json.Unmarshal([]byte(e.adminGet("/api/v1/pages/"+slug+"/results")), &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// startPhase sets the clock just after the page's current phase started (the store stamps
// phases with the real time, the handlers use the test clock).
func (e *env) startPhase(slug string) {
	ent := e.site.Load().Lookup(slug)
	e.mu.Lock()
	e.now = ent.Phase.StartedAt.Add(time.Minute)
	e.mu.Unlock()
}

// traffic simulates n people visiting slug over the given days, each signing up with the
// probability rates gives their variant (decided by a seeded generator, so runs repeat).
// query is added to every visit's URL and headers (name, value, ...) sent with it. It
// returns the signups made per variant.
func (e *env) traffic(slug string, n int, days float64, rates map[string]float64, seed uint64, query string, headers ...string) map[string]int {
	e.t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	ent := e.site.Load().Lookup(slug)
	step := time.Duration(days * float64(24*time.Hour) / float64(n))
	signed := map[string]int{}
	for i := range n {
		// Visitor ids from the seeded generator: the same run assigns the same variants.
		var raw [16]byte
		for j := range raw {
			raw[j] = byte(rng.UintN(256))
		}
		cookie := base64.RawURLEncoding.EncodeToString(raw[:])
		resp, body := e.get("/"+slug+query, append([]string{"Cookie", VisitorCookie + "=" + cookie}, headers...)...)
		if resp.StatusCode != 200 {
			e.t.Fatalf("visit %d = %d", i, resp.StatusCode)
		}
		token := tokenIn(e.t, body)
		variant := ent.Page.Variants[assign.Bucket(slug, cookie, ent.Weights)].ID
		if rng.Float64() < rates[variant] {
			e.advance(5 * time.Second)
			name := firstNames[rng.IntN(len(firstNames))]
			form := validForm(token, strings.ToLower(name)+"."+strconv.FormatUint(seed, 10)+strconv.Itoa(i)+"@example.com")
			form.Set("first_name", name)
			form.Set("work", kindsOfWork[rng.IntN(len(kindsOfWork))])
			if resp, body := e.post("/"+slug+"/signup", cookie, form); resp.StatusCode != 303 {
				e.t.Fatalf("signup %d = %d:\n%s", i, resp.StatusCode, clipBody(body))
			}
			signed[variant]++
		}
		e.advance(step)
	}
	e.flush()
	return signed
}

var (
	firstNames  = []string{"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Alan", "Radia", "Tim", "Hedy"}
	kindsOfWork = []string{"Design", "Development", "Writing", "Marketing", "Consulting", "Something else"}
)

// variantOf reads the variant a form token was signed for (its payload is base64url of
// "v1|page|phase|variant|visitor|time").
func variantOf(t *testing.T, token string) string {
	t.Helper()
	payload, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(b), "|")[3]
}

// regexpFind returns the first submatch of pattern in s (or the whole match when the
// pattern has no group), or "".
func regexpFind(pattern, s string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	switch {
	case m == nil:
		return ""
	case len(m) > 1:
		return m[1]
	}
	return m[0]
}
