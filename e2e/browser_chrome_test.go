package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/litmuslabs/litmus/internal/assign"
)

// The browser tests drive Debian's Chromium through the DevTools protocol (chromedp): the
// pages are judged as a visitor's browser renders them, scripts, styles, CSP and all.
//
// They skip when no Chromium is installed, so `go test ./...` works on any machine; CI sets
// LITMUS_REQUIRE_BROWSER=1 so a missing browser fails the run instead of hiding the tests.

// browserNames are the executables tried, in order, on PATH.
var browserNames = []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}

// User agents of ordinary browsers. Headless Chromium says "HeadlessChrome", which Litmus
// rightly treats as a bot (served, never counted); the tests play people, so they say what
// people's browsers say.
const (
	desktopUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	phoneUserAgent   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)

// browserTimeout bounds one browser step (a navigation, a query): generous for a loaded
// 2-core CI machine, short enough that a hung page fails the test rather than the run.
const browserTimeout = 30 * time.Second

// requireBrowser reports whether a missing browser (or axe-core) must fail the tests.
func requireBrowser() bool { return os.Getenv("LITMUS_REQUIRE_BROWSER") == "1" }

// skipOrFail skips the test with why, or fails it when the browser tests are required.
func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if requireBrowser() {
		t.Fatalf("%s (LITMUS_REQUIRE_BROWSER=1, so the browser tests may not skip)", why)
	}
	t.Skip(why)
}

// Browser is one headless Chromium with a fresh profile, shared by a test's subtests; each
// Tab gets its own browser context (its own cookies), like a separate visitor.
type Browser struct {
	ctx context.Context
}

// StartBrowser starts Chromium for the test and closes it when the test ends. It skips the
// test when no Chromium is installed (fails with LITMUS_REQUIRE_BROWSER=1).
func StartBrowser(t *testing.T) *Browser {
	t.Helper()
	path := ""
	for _, name := range browserNames {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		skipOrFail(t, "no Chromium found (looked for "+strings.Join(browserNames, ", ")+" on PATH); on Debian: apt-get install chromium")
	}
	// The flags this machine needs: no sandbox (tests run as root), no GPU, and no
	// background connections to Google's servers, which the closed network refuses.
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true), // screenshots the same on every machine
		chromedp.Flag("force-color-profile", "srgb"),
		// Every *.test host name is this machine, so a page's own domain (domains = [...])
		// can be opened as a visitor would, on the test server's port.
		chromedp.Flag("host-resolver-rules", "MAP *.test 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	return &Browser{ctx: ctx}
}

// tabSettings is how a tab presents itself: screen, device and what it sends.
type tabSettings struct {
	width, height int64
	mobile        bool
	userAgent     string
	noScript      bool
	headers       network.Headers
}

// TabOption sets up a tab before it opens its first page.
type TabOption func(*tabSettings)

// Desktop is a 1280×800 laptop screen (the default).
func Desktop(s *tabSettings) {
	s.width, s.height, s.mobile, s.userAgent = 1280, 800, false, desktopUserAgent
}

// Phone is a 390×844 phone screen (an iPhone 14's CSS pixels) with touch and a phone's
// user agent. The device scale factor stays 1 so screenshots stay small.
func Phone(s *tabSettings) {
	s.width, s.height, s.mobile, s.userAgent = 390, 844, true, phoneUserAgent
}

// WithoutJavaScript turns scripts off, as for a visitor who blocks them: the page must work
// with plain form posts.
func WithoutJavaScript(s *tabSettings) { s.noScript = true }

// WithBasicAuth sends HTTP Basic credentials with every request, as a browser does once the
// founder has typed them into its login prompt.
func WithBasicAuth(user, password string) TabOption {
	return func(s *tabSettings) {
		if s.headers == nil {
			s.headers = network.Headers{}
		}
		s.headers["Authorization"] = "Basic " + basicAuth(user, password)
	}
}

// basicAuth is the credentials part of an Authorization: Basic header.
func basicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// Tab is one browser tab: one visitor.
type Tab struct {
	t        *testing.T
	ctx      context.Context
	noScript bool
}

// NewTab opens a tab in a new browser context (no cookies shared with other tabs), set up
// by opts (Desktop unless Phone is given). It closes when the test ends.
func (b *Browser) NewTab(t *testing.T, opts ...TabOption) *Tab {
	t.Helper()
	s := tabSettings{}
	Desktop(&s)
	for _, o := range opts {
		o(&s)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first run opens the tab and ties its life to the context it is given: give it the
	// tab's own, not one of Do's timeouts.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: opening a tab: %v", err)
	}
	tab := &Tab{t: t, ctx: ctx, noScript: s.noScript}

	viewport := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
	if s.mobile {
		viewport = append(viewport, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(s.width, s.height, viewport...),
		call(emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: s.userAgent, AcceptLanguage: "en-GB,en"}),
	}
	if s.noScript {
		steps = append(steps, tab.scriptsAction(false))
	}
	if s.headers != nil {
		steps = append(steps, call(network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: s.headers}))
	}
	tab.Do(steps...)
	return tab
}

// call turns one DevTools command into an action.
func call[P, R any](cmd cdp.Command[P, R], params P) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cmd, params)
		return err
	})
}

// scriptsAction switches the page's scripts on or off.
func (tab *Tab) scriptsAction(on bool) chromedp.Action[chromedp.Void] {
	return call(emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
}

// Do runs actions in the tab, failing the test at the first error.
func (tab *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tab.t.Fatalf("browser: %v", err)
	}
}

// Open loads url and waits for it to load.
func (tab *Tab) Open(url string) {
	tab.t.Helper()
	tab.Do(chromedp.Navigate(url))
}

// ClickAndWaitForPage clicks the element sel finds and waits until the page it leads to
// has loaded (a form post and its redirect, or a script's navigation).
func (tab *Tab) ClickAndWaitForPage(sel string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		tab.t.Fatalf("browser: clicking %s and waiting for the next page: %v", sel, err)
	}
}

// visitorCookie is handlers.VisitorCookie, the first-party cookie that keeps a visitor on
// their variant.
const visitorCookie = "litmus_vid"

// ReturnAs makes the tab a returning visitor who was given the variant at index variant of
// page (whose variants have the given weights): the same pitch on every run, so screenshots
// change only when the theme does.
func (tab *Tab) ReturnAs(s *Server, page string, weights []int, variant int) {
	tab.t.Helper()
	id := ""
	for id == "" || assign.Bucket(page, id, weights) != variant {
		id = assign.NewVisitorID()
	}
	tab.Do(call(network.SetCookie, network.SetCookieParams{Name: visitorCookie, Value: id, URL: s.URL + "/"}))
}

// Path is the path of the page the tab shows, like "/chaser/thanks".
func (tab *Tab) Path() string {
	tab.t.Helper()
	return Eval[string](tab, `location.pathname`)
}

// Text is the visible text of the first element sel finds, trimmed ("" when none).
func (tab *Tab) Text(sel string) string {
	tab.t.Helper()
	return Eval[string](tab, `(function (el) { return el ? el.innerText.trim() : ""; })(document.querySelector(`+jsString(sel)+`))`)
}

// Count is how many elements sel finds.
func (tab *Tab) Count(sel string) int {
	tab.t.Helper()
	return Eval[int](tab, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// Eval evaluates a JavaScript expression in the tab's page and decodes its value. It works
// in a tab without JavaScript too: the DevTools protocol evaluates outside the page's
// switched-off scripts and its Content-Security-Policy.
func Eval[T any](tab *Tab, expr string, opts ...chromedp.EvaluateOption) T {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tab.t.Fatalf("browser: evaluating %s: %v", expr, err)
	}
	return v
}

// WaitFor waits until the JavaScript expression is true in the page.
func (tab *Tab) WaitFor(expr string) {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			tab.t.Fatalf("browser: %s did not become true within %v (last error: %v)", expr, browserTimeout, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Screenshot saves a full-page PNG as docs/name.png when LITMUS_SCREENSHOTS=1, so the
// pictures in the docs are made by the tests and stay current; otherwise it does nothing,
// and a test run leaves the work tree clean.
func (tab *Tab) Screenshot(name string) {
	tab.t.Helper()
	if os.Getenv("LITMUS_SCREENSHOTS") != "1" {
		return
	}
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tab.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	path := filepath.Join("..", "docs", name+".png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		tab.t.Fatal(err)
	}
	tab.t.Logf("wrote %s (%d KiB)", path, len(shot)>>10)
}

// jsString quotes s as a JavaScript string literal (JSON escapes U+2028 and U+2029 too).
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
