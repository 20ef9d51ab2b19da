// Package handlers is Litmus's HTTP surface and the only importer of Fiber. Handlers are
// thin: parse, validate through the domain packages, call the store, then answer (a
// prepared page, a redirect, or the form again with the visitor's input and the errors).
package handlers

import (
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/ratelimit"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Deps is everything the handlers use. main builds it; tests build it with a real store on
// a temporary file.
type Deps struct {
	Store         *store.Store
	Metrics       *metrics.Metrics
	Site          *site.Holder
	Theme         *pages.Theme
	Signer        *formtoken.Signer
	AdminPassword string
	TrustProxy    bool // take the client address from Fly-Client-IP, scheme from X-Forwarded-Proto
	// ProxyNets are the peers whose proxy headers TrustProxy believes; nil means
	// DefaultProxyNets (loopback and private ranges, where Fly's proxy connects from).
	ProxyNets   []netip.Prefix
	SignupLimit int // per client per minute; 0 = off
	GlobalLimit int // whole server per minute; 0 = off
	Logger      *slog.Logger
	Now         func() time.Time // nil = time.Now
	Version     string
	// Reload re-reads the page files and swaps the site; nil when reloading is not possible.
	Reload func() error
	// Pages is the page directory the editor and the page API save into; nil turns them off.
	Pages *pagedir.Dir
	// Links signs thank-you and confirmation links; nil means one keyed by Store.Secret().
	Links *linktoken.Signer
	// BaseURL is the site's public address for share and confirmation links
	// (LITMUS_BASE_URL); empty means the address each request came to.
	BaseURL string
	// MailQueued, if set, is called after a signup queued a confirmation mail, to wake the
	// mail worker (it also polls, so a missed call only delays the mail).
	MailQueued func()
	// LoadPages reads and validates the page files without serving them, for the admin's
	// "check what a reload would do"; nil when reloading is not possible.
	LoadPages func() ([]*pages.Page, error)
	// LiteFS is set when this node is one of a LiteFS cluster (litefs.go); nil: one machine.
	LiteFS *LiteFS
}

// Limits of the public HTTP server. A signup form is well under 4 KiB; the body limit leaves
// room for long optional fields and stops anyone making the server read megabytes. The
// timeouts bound slow and half-open connections (slowloris): a client that does not send
// its request within ReadTimeout is dropped.
//
// The admin and the page API take page files, up to 256 KiB (MaxPageSource). fasthttp reads
// a body before routing, so each request's limit is chosen from its path alone
// (bodyLimitFor): AdminBodyLimit for /admin and /api, BodyLimit for every other route. Not
// from the credentials: a limit that depended on the password would answer a wrong one
// differently (and sooner) than a right one, a way to guess it that the login lock-out would
// not see. The editor's forms are multipart, so a page file is not inflated by
// percent-encoding; the headroom is for the form's other fields.
const (
	BodyLimit      = 16 << 10
	AdminBodyLimit = MaxPageSource + 32<<10
	ReadTimeout    = 10 * time.Second
	WriteTimeout   = 10 * time.Second
	IdleTimeout    = 60 * time.Second
	// MaxConnections caps the connections served at once; past it a new connection gets a
	// 503 and is closed. With ReduceMemoryUsage a held connection costs about 10 KiB (a
	// goroutine; its read and write buffers go back to a pool while it waits), so the cap
	// bounds what held connections can take to about 80 MB: 5,000 of them plus traffic
	// measured 81 MB RSS in all, against 141 MB before (e2e/connections_test.go).
	MaxConnections = 8192
)

// New returns the Fiber app serving the public port.
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Links == nil {
		d.Links = linktoken.NewSigner(d.Store.Secret())
	}
	s := &server{Deps: d, limits: ratelimit.New(d.SignupLimit, d.GlobalLimit), errorCSP: []byte(d.Theme.ErrorCSP())}
	app := fiber.New(fiber.Config{
		// Strings from c.Params / c.FormValue point into fasthttp's reused buffers; Immutable
		// copies them, so nothing taken from a request can change under us later.
		Immutable:       true,
		BodyLimit:       BodyLimit,
		ReadTimeout:     ReadTimeout,
		WriteTimeout:    WriteTimeout,
		IdleTimeout:     IdleTimeout,
		ReadBufferSize:  8 << 10, // request line + headers; larger gets 431
		WriteBufferSize: 4 << 10,
		Concurrency:     MaxConnections,
		// Idle keep-alive connections (and ones that have not sent a request yet) return
		// their buffers to the pool while they wait: 5,000 held connections took RSS from
		// 30 MB to 141 MB without it. It costs a pool round trip per request.
		ReduceMemoryUsage:     true,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		AppName:               "litmus",
	})
	app.Server().HeaderReceived = s.bodyLimitFor
	s.routes(app)
	return app
}

// bodyLimitFor gives each request its body limit before fasthttp reads the body (see the
// limits above).
func (s *server) bodyLimitFor(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	limit := BodyLimit
	if isAdminPath(requestPath(string(h.RequestURI()))) {
		limit = AdminBodyLimit
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: limit}
}

// requestPath is the path of a request URI as sent: "/admin/x?y" or "http://host/admin/x".
func requestPath(uri string) string {
	if i := strings.Index(uri, "://"); i >= 0 {
		rest := uri[i+3:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "/"
		}
		uri = rest[j:]
	}
	path, _, _ := strings.Cut(uri, "?")
	return path
}

type server struct {
	Deps
	limits   *ratelimit.Limiter
	errorCSP []byte // Theme.ErrorCSP(), the strictest policy, set on every response first
}
