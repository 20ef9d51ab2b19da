package handlers

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/litmuslabs/litmus/handlers/views"
)

// routes lists every route of the public port in one place. Each route has a name, used as
// the `route` label of litmus_http_request_duration_seconds (a bounded set).
func (s *server) routes(app *fiber.App) {
	app.Use(s.observe)                                           // metrics + access log
	app.Use(recover.New(recover.Config{EnableStackTrace: true})) // a panic becomes a 500, the process stays up
	app.Use(s.securityHeaders)

	// High availability on LiteFS (issue 19): a replica forwards every write to the primary.
	app.Use(s.forwardWrites)

	app.Get("/healthz", s.handleHealth).Name("healthz")
	app.Get("/robots.txt", s.handleRobots).Name("static")
	app.Get("/favicon.ico", s.handleFavicon).Name("static")
	app.Use("/static", s.staticFiles()).Name("static")

	// Admin and JSON API: HTTP Basic (user "admin"), no-store, POSTs only from the admin
	// itself. requireAdmin is on each route rather than a prefix, because Fiber's Use
	// matches "/admin" as a plain prefix and would also guard a page called /admin-tips.
	a := s.newAdmin()
	app.Get(views.CSSPath, a.handleAdminCSS).Name("admin")
	app.Get("/admin", a.requireAdmin, a.handleAdminIndex).Name("admin")
	app.Get("/admin/pages/:slug", a.requireAdmin, a.handleAdminPage).Name("admin")
	app.Get("/admin/pages/:slug/signups.csv", a.requireAdmin, a.handleExportCSV).Name("admin")
	app.Post("/admin/forget", a.requireAdmin, a.handleForget).Name("admin")
	app.Post("/admin/reload", a.requireAdmin, a.handleReload).Name("admin")
	app.Get("/api/v1/pages", a.requireAdmin, a.handleAPIPages).Name("api")
	app.Get("/api/v1/pages/:slug/results", a.requireAdmin, a.handleAPIResults).Name("api")

	// The learning log (issue 13): every test phase of a page, reopened with its words,
	// and the founder's note on each.
	app.Get("/admin/pages/:slug/phases/:n", a.requireAdmin, a.handleAdminPhase).Name("admin")
	app.Post("/admin/pages/:slug/phases/:n/note", a.requireAdmin, a.handlePhaseNote).Name("admin")
	app.Get("/api/v1/pages/:slug/phases", a.requireAdmin, a.handleAPIPhases).Name("api")
	app.Get("/api/v1/pages/:slug/phases/:n/results", a.requireAdmin, a.handleAPIPhaseResults).Name("api")
	app.Get("/admin/reload/preview", a.requireAdmin, a.handleReloadPreview).Name("admin")

	// Landing pages.
	app.Get("/", s.handlePage).Name("page")
	app.Get("/:slug", s.handlePage).Name("page")
	app.Post("/:slug/signup", s.handleSignup).Name("signup")
	app.Get("/:slug/thanks", s.handleThanks).Name("thanks")
}
