package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes lists every route of the public port in one place. Each route has a name, used as
// the `route` label of litmus_http_request_duration_seconds (a bounded set).
func (s *server) routes(app *fiber.App) {
	app.Use(s.observe)                                           // metrics + access log
	app.Use(recover.New(recover.Config{EnableStackTrace: true})) // a panic becomes a 500, the process stays up
	app.Use(s.securityHeaders)

	app.Get("/healthz", s.handleHealth).Name("healthz")
	app.Get("/robots.txt", s.handleRobots).Name("static")
	app.Get("/favicon.ico", s.handleFavicon).Name("static")
	app.Use("/static", s.staticFiles()).Name("static")

	// Landing pages.
	app.Get("/", s.handlePage).Name("page")
	app.Get("/:slug", s.handlePage).Name("page")
	app.Post("/:slug/signup", s.handleSignup).Name("signup")
	app.Get("/:slug/thanks", s.handleThanks).Name("thanks")
}
