// Package handlers is Litmus's HTTP surface and the only importer of Fiber. Handlers are
// thin: parse, validate through the domain packages, call the store, then answer (a
// prepared page, a redirect, or the form again with the visitor's input and the errors).
package handlers

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
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
	SignupLimit   int  // per client per minute; 0 = off
	GlobalLimit   int  // whole server per minute; 0 = off
	Logger        *slog.Logger
	Now           func() time.Time // nil = time.Now
	Version       string
	// Reload re-reads the page files and swaps the site; nil when reloading is not possible.
	Reload func() error
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
const (
	BodyLimit    = 16 << 10
	ReadTimeout  = 10 * time.Second
	WriteTimeout = 10 * time.Second
	IdleTimeout  = 60 * time.Second
)

// New returns the Fiber app serving the public port.
func New(d Deps) *fiber.App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &server{Deps: d, limits: ratelimit.New(d.SignupLimit, d.GlobalLimit), errorCSP: []byte(d.Theme.ErrorCSP())}
	app := fiber.New(fiber.Config{
		// Strings from c.Params / c.FormValue point into fasthttp's reused buffers; Immutable
		// copies them, so nothing taken from a request can change under us later.
		Immutable:             true,
		BodyLimit:             BodyLimit,
		ReadTimeout:           ReadTimeout,
		WriteTimeout:          WriteTimeout,
		IdleTimeout:           IdleTimeout,
		ReadBufferSize:        8 << 10, // request line + headers; larger gets 431
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
		AppName:               "litmus",
	})
	s.routes(app)
	return app
}

type server struct {
	Deps
	limits   *ratelimit.Limiter
	errorCSP []byte // Theme.ErrorCSP(), the strictest policy, set on every response first
}
