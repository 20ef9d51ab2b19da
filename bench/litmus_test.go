package bench_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// browserAgent is a current Chrome: Litmus counts it as a person (bots are served but not
// counted, which is a cheaper path).
const browserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"

// connections is how many keep-alive connections the HTTP benchmarks use, as load.sh does.
const connections = 64

// litmus is the real server as `litmus serve` wires it (store on a file in a temp dir,
// metrics, the example pages, the signup limits off), on a real listener on 127.0.0.1.
type litmus struct {
	addr   string
	store  *store.Store
	signer *formtoken.Signer
	site   *site.Holder
	app    *fiber.App
	client *fasthttp.HostClient
}

func startLitmus(tb testing.TB) *litmus {
	tb.Helper()
	m := metrics.New("bench", "")
	st, err := store.Open(filepath.Join(tb.TempDir(), "litmus.db"), store.Options{Hooks: m.StoreHooks()})
	if err != nil {
		tb.Fatal(err)
	}
	ps, err := pages.LoadExamples()
	if err != nil {
		tb.Fatal(err)
	}
	theme := pages.DefaultTheme()
	s, err := site.Build(context.Background(), ps, theme, pages.Options{}, st)
	if err != nil {
		tb.Fatal(err)
	}
	var holder site.Holder
	holder.Store(s)
	m.InitPages(s.VariantIDs())
	signer := formtoken.NewSigner(st.Secret())
	app := handlers.New(handlers.Deps{
		Store: st, Metrics: m, Site: &holder, Theme: theme, Signer: signer,
		AdminPassword: "benchmark password, not secret",
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version:       "bench",
	})
	addr := serve(tb, app)
	tb.Cleanup(func() {
		if err := st.Close(); err != nil {
			tb.Error(err)
		}
	})
	return &litmus{addr: addr, store: st, signer: signer, site: &holder, app: app, client: newClient(addr)}
}

// serve runs app on a fresh port of 127.0.0.1 until the test ends and returns the address.
func serve(tb testing.TB, app *fiber.App) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	tb.Cleanup(func() {
		if err := app.ShutdownWithTimeout(5 * time.Second); err != nil {
			tb.Error(err)
		}
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			tb.Error(err)
		}
	})
	return ln.Addr().String()
}

// newClient is a keep-alive client with one connection per benchmark goroutine.
func newClient(addr string) *fasthttp.HostClient {
	return &fasthttp.HostClient{Addr: addr, MaxConns: connections, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
}

// response is what a benchmark checks of an answer, copied out of fasthttp's buffers.
type response struct {
	status   int
	location string
	cookie   string // the litmus_vid value set, if any
	body     []byte
}

// do sends one request built by build and returns the answer. A failed request is reported
// with Error (do runs in RunParallel's goroutines, where Fatal is not allowed) and returns
// status 0, which every caller treats as wrong.
func do(tb testing.TB, c *fasthttp.HostClient, build func(*fasthttp.Request)) response {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetUserAgent(browserAgent)
	build(req)
	req.SetHost(c.Addr) // after build: SetRequestURI resets it
	if err := c.Do(req, resp); err != nil {
		tb.Error(err)
		return response{}
	}
	return response{
		status:   resp.StatusCode(),
		location: string(resp.Header.Peek(fasthttp.HeaderLocation)),
		cookie:   string(resp.Header.PeekCookie(handlers.VisitorCookie)),
		body:     append([]byte(nil), resp.Body()...),
	}
}

// get fetches path as a new visitor (cookie empty) or a returning one.
func get(path, cookie string) func(*fasthttp.Request) {
	return func(req *fasthttp.Request) {
		req.SetRequestURI(path)
		if cookie != "" {
			req.Header.SetCookie(handlers.VisitorCookie, cookie)
		}
	}
}

var (
	tokenField  = regexp.MustCompile(`name="_token" value="([^"]+)"`)
	cookieValue = regexp.MustCompile(`^litmus_vid=([^;]+)`)
)

// visit is a person's first view of the default page: their visitor id and their form token.
func (l *litmus) visit(tb testing.TB) (visitor, token string) {
	tb.Helper()
	r := do(tb, l.client, get("/", ""))
	m := tokenField.FindSubmatch(r.body)
	c := cookieValue.FindStringSubmatch(r.cookie)
	if r.status != fasthttp.StatusOK || m == nil || c == nil {
		tb.Fatalf("GET / = %d, cookie %q, token found %v: not a person's page", r.status, r.cookie, m != nil)
	}
	return c[1], string(m[1])
}

// formToken is the token of a form shown to visitor 3 s ago: old enough for the time trap,
// signed with the server's key exactly as the page does, so a benchmark need not sleep.
func (l *litmus) formToken(visitor string) string {
	e := l.site.Load().Default
	return l.signer.Sign(formtoken.Token{
		Page: e.Page.Slug, Phase: e.Phase.ID, Variant: e.Page.Control().ID,
		Visitor: visitor, Rendered: time.Now().Add(-3 * time.Second),
	})
}

// postSignup posts the example page's form for email.
func postSignup(token, visitor, email string) func(*fasthttp.Request) {
	return func(req *fasthttp.Request) {
		req.SetRequestURI("/chaser/signup")
		req.Header.SetMethod(fasthttp.MethodPost)
		req.Header.SetContentType("application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.SetCookie(handlers.VisitorCookie, visitor)
		args := fasthttp.AcquireArgs()
		defer fasthttp.ReleaseArgs(args)
		args.Add("_token", token)
		args.Add("email", email)
		args.Add("work", "Development")
		args.Add("consent", "on")
		args.Add("website", "")
		req.SetBody(args.QueryString())
	}
}

// TestFixturesServeWhatTheBenchmarksMeasure runs in the normal test run (under a second), so
// a change in Litmus that breaks the benchmarks' setup fails here rather than unnoticed: a
// person's page has a cookie and a token, a signup with that token is acknowledged with 303
// and stored, and the reference app sends the same bytes.
func TestFixturesServeWhatTheBenchmarksMeasure(t *testing.T) {
	l := startLitmus(t)
	visitor, _ := l.visit(t)
	r := do(t, l.client, postSignup(l.formToken(visitor), visitor, "fixture@example.com"))
	if r.status != fasthttp.StatusSeeOther || r.location != "/chaser/thanks" {
		t.Fatalf("signup = %d to %q, want 303 to /chaser/thanks", r.status, r.location)
	}
	rows, err := l.store.LatestSignups(context.Background(), "chaser", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Email != "fixture@example.com" || !rows[0].Counted {
		t.Fatalf("stored signups = %+v, want fixture@example.com, counted", rows)
	}

	page := do(t, l.client, get("/", ""))
	ref := do(t, newClient(serve(t, referenceApp(page))), get("/", ""))
	if string(ref.body) != string(page.body) || ref.cookie != page.cookie {
		t.Errorf("the reference app sends %d bytes and cookie %q, Litmus %d and %q", len(ref.body), ref.cookie, len(page.body), page.cookie)
	}
}
