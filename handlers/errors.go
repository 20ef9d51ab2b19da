package handlers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/litmuslabs/litmus/internal/i18n"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// handleError is the one place errors become HTTP answers (Fiber's default would send
// err.Error() to the client). A *fiber.Error carries a status and a message written for the
// visitor; anything else is an internal error: logged in full, answered with a plain 500.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	m := errorMessages(s.errorPage(c))
	status := fiber.StatusInternalServerError
	msg := m.Text("error.server")
	var pe *problemsError
	if errors.As(err, &pe) { // page-file problems: 422 with every problem by line
		c.Response().ResetBody()
		s.setSecurityHeaders(c)
		return c.Status(fiber.StatusUnprocessableEntity).JSON(pe.list)
	}
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		switch {
		case status == fiber.StatusNotFound && (fe.Message == fiber.ErrNotFound.Message || noRoute(c, fe)):
			msg = m.Text("error.not_found")
		case status == fiber.StatusRequestEntityTooLarge && isAdminPath(c.Path()):
			// The admin stays English (README): the founder's page file was too big.
			msg = fmt.Sprintf("That is more than the admin accepts: a page file may hold at most %d KiB. Nothing was saved.", MaxPageSource>>10)
		case status == fiber.StatusRequestEntityTooLarge:
			msg = m.Text("error.too_large")
			s.countTooLarge(c)
		case status == fiber.StatusMethodNotAllowed:
			msg = m.Text("error.method")
		case status == fiber.StatusRequestHeaderFieldsTooLarge:
			msg = m.Text("error.headers")
		case status >= 500:
			s.Logger.Error("request failed", "route", c.Route().Name, "status", status, "err", err)
			if fe.Message != "" && fe.Message != utils.StatusMessage(status) {
				// A handler's own sentence: "couldn't save your answer just now" for a visitor,
				// "nothing changed" for the founder in the admin.
				msg = fe.Message
			}
		case beforeRouting(c):
			// fasthttp could not read the request; its message quotes the raw bytes, which
			// are not for the visitor to read back.
			msg = m.Text("error.unreadable")
		default:
			msg = fe.Message // written for the visitor, in the page's language
		}
	} else {
		s.Logger.Error("request failed", "route", c.Route().Name, "method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Response().ResetBody()
	c.Status(status)
	s.setSecurityHeaders(c)
	if wantsJSON(c) || isAPI(c) {
		return c.JSON(fiber.Map{"ok": false, "message": msg})
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return s.Theme.RenderErrorIn(c.Response().BodyWriter(), m, status, statusTitle(m, status), msg)
}

// errorPage is the page whose language an error is told in: the page of the domain the
// request came to, else the main site's default page; nil (English) for the admin and the
// API, which stay in English. It reads only the host and the path: fasthttp may fail a
// request before routing, when c.Params must not be called.
func (s *server) errorPage(c *fiber.Ctx) *pages.Page {
	p := c.Path()
	if p == "/admin" || strings.HasPrefix(p, "/admin/") || isAPI(c) {
		return nil
	}
	if e := s.resolve(c, ""); e != nil {
		return e.Page
	}
	return nil
}

// errorMessages are the messages of p, English without a page.
func errorMessages(p *pages.Page) *i18n.Messages { return p.Msg() }

// countTooLarge counts an oversized signup body against its page, when the page exists.
// fasthttp refuses the body before routing, so there is no route and c.Params must not be
// called (it dereferences the route: a nil-pointer panic outside the recover middleware,
// which took the whole process down on any 2 MB POST). The slug comes from the path.
func (s *server) countTooLarge(c *fiber.Ctx) {
	if c.Method() != fiber.MethodPost {
		return
	}
	var e *site.Entry
	if c.Path() == "/signup" {
		e = s.Site.Load().OnDomain(requestHost(c))
	} else if slug, ok := strings.CutSuffix(strings.TrimPrefix(c.Path(), "/"), "/signup"); ok && !strings.Contains(slug, "/") {
		e = s.resolve(c, slug)
	}
	if e != nil {
		s.Metrics.SignupsRejected.WithLabelValues(e.Page.Slug, "too_large").Inc()
	}
}

// isAdminPath reports the admin and API paths, which take larger bodies (page files).
func isAdminPath(p string) bool {
	return p == "/admin" || strings.HasPrefix(p, "/admin/") || strings.HasPrefix(p, "/api/")
}

func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 8 && p[:8] == "/api/v1/"
}

func statusTitle(m *i18n.Messages, status int) string {
	switch status {
	case fiber.StatusNotFound:
		return m.Text("error.title.not_found")
	case fiber.StatusTooManyRequests:
		return m.Text("error.title.too_many")
	case fiber.StatusForbidden:
		return m.Text("error.title.forbidden")
	case fiber.StatusUnauthorized:
		return "Sign in required" // only the admin and the API ask for a password: English
	case fiber.StatusRequestEntityTooLarge:
		return m.Text("error.title.too_large")
	}
	if status >= 500 {
		return m.Text("error.title.server")
	}
	return m.Text("error.title.other")
}

// beforeRouting reports an error fasthttp raised while reading the request (413, 431, a
// malformed request line): Fiber then hands the error handler a route with no handlers.
func beforeRouting(c *fiber.Ctx) bool { return len(c.Route().Handlers) == 0 }

// noRoute reports the router's own 404, raised when no route takes the path: its message
// ("Cannot GET /the/path") quotes the path back, so the visitor gets the plain one instead.
func noRoute(c *fiber.Ctx, fe *fiber.Error) bool {
	return strings.HasPrefix(fe.Message, "Cannot "+c.Method()+" ")
}
