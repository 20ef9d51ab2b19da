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
	// Webhooks and notifications (issue 15): recent deliveries, send again, a test event.
	app.Get("/admin/webhooks", a.requireAdmin, a.handleWebhooks).Name("admin")
	app.Post("/admin/webhooks/test", a.requireAdmin, a.handleWebhookTest).Name("admin")
	app.Post("/admin/webhooks/:id/resend", a.requireAdmin, a.handleWebhookResend).Name("admin")
	app.Get("/api/v1/pages", a.requireAdmin, a.handleAPIPages).Name("api")
	app.Get("/api/v1/pages/:slug/results", a.requireAdmin, a.handleAPIResults).Name("api")

	// Issue 16, editing pages in the browser: the page API (pages_api.go) and the editor
	// in the admin (editor.go). Writes go through internal/pagedir.
	app.Get("/api/v1/pages/:slug/source", a.requireAdmin, a.handlePageSource).Name("api")
	app.Put("/api/v1/pages/:slug/source", a.requireAdmin, a.handlePutPageSource).Name("api")
	app.Post("/api/v1/pages", a.requireAdmin, a.handleCreatePage).Name("api")
	app.Delete("/api/v1/pages/:slug", a.requireAdmin, a.handleArchivePage).Name("api")
	app.Get("/api/v1/pages/:slug/versions", a.requireAdmin, a.handlePageVersions).Name("api")
	app.Get("/api/v1/pages/:slug/versions/:id", a.requireAdmin, a.handlePageVersion).Name("api")
	app.Get(views.EditorJSPath, a.handleEditorJS).Name("admin")
	app.Get("/admin/pages/:slug/edit", a.requireAdmin, a.handleEditForm).Name("admin")
	app.Post("/admin/pages/:slug/edit", a.requireAdmin, a.handlePostForm).Name("admin")
	app.Get("/admin/pages/:slug/source", a.requireAdmin, a.handleEditSource).Name("admin")
	app.Post("/admin/pages/:slug/source", a.requireAdmin, a.handlePostSource).Name("admin")
	app.Get("/admin/pages/:slug/preview", a.requireAdmin, a.handlePreview).Name("admin")
	app.Post("/admin/pages/:slug/preview", a.requireAdmin, a.handlePreview).Name("admin")
	app.Get("/admin/pages/:slug/history", a.requireAdmin, a.handleHistory).Name("admin")
	app.Post("/admin/pages/:slug/history/:id/restore", a.requireAdmin, a.handleRestore).Name("admin")
	app.Post("/admin/pages/:slug/archive", a.requireAdmin, a.handleArchiveForm).Name("admin")
	app.Post("/admin/pages", a.requireAdmin, a.handleNewPage).Name("admin")

	// The learning log (issue 13): every test phase of a page, reopened with its words,
	// and the founder's note on each.
	app.Get("/admin/pages/:slug/phases/:n", a.requireAdmin, a.handleAdminPhase).Name("admin")
	app.Post("/admin/pages/:slug/phases/:n/note", a.requireAdmin, a.handlePhaseNote).Name("admin")
	app.Get("/api/v1/pages/:slug/phases", a.requireAdmin, a.handleAPIPhases).Name("api")
	app.Get("/api/v1/pages/:slug/phases/:n/results", a.requireAdmin, a.handleAPIPhaseResults).Name("api")
	app.Get("/admin/reload/preview", a.requireAdmin, a.handleReloadPreview).Name("admin")

	// A domain per page: on a page's own host its form posts to /signup, its thanks is
	// /thanks, and the demand signals' answers and confirmation link are /answers and
	// /confirm (GET / is the page itself, below). On the main site these answer 404 (they
	// are reserved slugs). Before /:slug, which would take GET /thanks and /confirm.
	app.Post("/signup", s.handleSignup).Name("signup")
	app.Get("/thanks", s.handleThanks).Name("thanks")
	app.Post("/answers", s.handleAnswers).Name("answers")
	app.Get("/confirm", s.handleConfirmPage).Name("confirm")
	app.Post("/confirm", s.handleConfirm).Name("confirm")

	// Landing pages.
	app.Get("/", s.handlePage).Name("page")
	app.Get("/:slug", s.handlePage).Name("page")
	app.Post("/:slug/signup", s.handleSignup).Name("signup")
	app.Get("/:slug/thanks", s.handleThanks).Name("thanks")

	// Deeper demand signals (issue 17): the thank-you page's answers, and the confirmation
	// link of double opt-in (a GET shows the button, only the POST confirms).
	app.Post("/:slug/answers", s.handleAnswers).Name("answers")
	app.Get("/:slug/confirm", s.handleConfirmPage).Name("confirm")
	app.Post("/:slug/confirm", s.handleConfirm).Name("confirm")
}
