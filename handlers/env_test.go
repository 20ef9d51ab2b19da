package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

const testPassword = "correct horse battery staple"

// env is the whole app on a real SQLite file in a temp dir, with a clock the test moves.
type env struct {
	t       *testing.T
	app     *fiber.App
	store   *store.Store
	metrics *metrics.Metrics
	site    *site.Holder
	dbPath  string
	mu      sync.Mutex
	now     time.Time
}

type envOption func(*Deps)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, now: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
	e.dbPath = filepath.Join(t.TempDir(), "litmus.db")
	e.metrics = metrics.New("test", "")
	m := e.metrics
	st, err := store.Open(e.dbPath, store.Options{Hooks: m.StoreHooks(), Now: e.clock})
	if err != nil {
		t.Fatal(err)
	}
	e.store = st
	t.Cleanup(func() { st.Close() })
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	theme := pages.DefaultTheme()
	s, err := site.Build(context.Background(), ps, theme, pages.Options{}, st)
	if err != nil {
		t.Fatal(err)
	}
	e.site = &site.Holder{}
	e.site.Store(s)
	m.InitPages(s.VariantIDs())
	d := Deps{
		Store: st, Metrics: m, Site: e.site, Theme: theme,
		Signer:        formtoken.NewSigner(st.Secret()),
		AdminPassword: testPassword,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:           e.clock,
		Version:       "test",
	}
	for _, o := range opts {
		o(&d)
	}
	e.app = New(d)
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// do sends req through the real app and returns the response with its body read.
func (e *env) do(req *http.Request) (*http.Response, string) {
	e.t.Helper()
	resp, err := e.app.Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func (e *env) get(path string, headers ...string) (*http.Response, string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("User-Agent", chromeUA)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(req)
}

// visit is a person opening a page: returns their cookie and the form token.
func (e *env) visit(path string) (cookie, token string) {
	e.t.Helper()
	resp, body := e.get(path)
	if resp.StatusCode != 200 {
		e.t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == VisitorCookie {
			cookie = c.Value
		}
	}
	return cookie, tokenIn(e.t, body)
}

// post submits a form as a browser on the same site would.
func (e *env) post(path, cookie string, form url.Values, headers ...string) (*http.Response, string) {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", chromeUA)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: VisitorCookie, Value: cookie})
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(req)
}

// flush waits until everything queued (exposures, filtered counts) is committed.
func (e *env) flush() {
	e.t.Helper()
	if err := e.store.Flush(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// counts returns visitors and counted signups per variant in the page's current phase.
func (e *env) counts(slug string) map[string]store.VariantCount {
	e.t.Helper()
	e.flush()
	ent := e.site.Load().Lookup(slug)
	cs, err := e.store.Counts(context.Background(), ent.Phase.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	m := map[string]store.VariantCount{}
	for _, c := range cs {
		m[c.Variant] = c
	}
	return m
}

func (e *env) totalVisitors(slug string) int64 {
	var n int64
	for _, c := range e.counts(slug) {
		n += c.Visitors
	}
	return n
}

func (e *env) signups(slug string) []store.SignupRow {
	e.t.Helper()
	rows, err := e.store.LatestSignups(context.Background(), slug, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	return rows
}

var tokenRE = regexp.MustCompile(`name="_token" value="([A-Za-z0-9_.=-]+)"`)

func tokenIn(t *testing.T, body string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no form token in the page:\n%s", clipBody(body))
	}
	return m[1]
}

func clipBody(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// validForm is a complete, valid signup for the default example page (chaser).
func validForm(token, email string) url.Values {
	return url.Values{
		"_token":     {token},
		"email":      {email},
		"first_name": {"Ada"},
		"work":       {"Design"},
		"consent":    {"on"},
		"website":    {""},
	}
}

const chromeUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
