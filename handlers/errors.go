package handlers

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/site"
)

// handleError is the one place errors become HTTP answers (Fiber's default would send
// err.Error() to the client). A *fiber.Error carries a status and a message written for the
// visitor; anything else is an internal error: logged in full, answered with a plain 500.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	msg := "Something went wrong on our side. Please try again in a moment."
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		switch {
		case status == fiber.StatusNotFound && (fe.Message == fiber.ErrNotFound.Message || noRoute(c, fe)):
			msg = "There is no page at this address. Check the link, or go to the home page."
		case status == fiber.StatusRequestEntityTooLarge:
			msg = "That was far more data than a signup form sends. Please send the form from the page."
			s.countTooLarge(c)
		case status == fiber.StatusMethodNotAllowed:
			msg = "This address does not accept that kind of request."
		case status == fiber.StatusRequestHeaderFieldsTooLarge:
			msg = "The request headers were too large."
		case status >= 500:
			s.Logger.Error("request failed", "route", c.Route().Name, "status", status, "err", err)
		case beforeRouting(c):
			// fasthttp could not read the request; its message quotes the raw bytes, which
			// are not for the visitor to read back.
			msg = "The request could not be read. Please open the page in a browser and try again."
		default:
			msg = fe.Message
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
	return s.Theme.RenderError(c.Response().BodyWriter(), status, statusTitle(status), msg)
}

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

func isAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 8 && p[:8] == "/api/v1/"
}

func statusTitle(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Page not found"
	case fiber.StatusTooManyRequests:
		return "Please slow down"
	case fiber.StatusForbidden:
		return "Not allowed"
	case fiber.StatusUnauthorized:
		return "Sign in required"
	case fiber.StatusRequestEntityTooLarge:
		return "Too much data"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "That didn't work"
}

// beforeRouting reports an error fasthttp raised while reading the request (413, 431, a
// malformed request line): Fiber then hands the error handler a route with no handlers.
func beforeRouting(c *fiber.Ctx) bool { return len(c.Route().Handlers) == 0 }

// noRoute reports the router's own 404, raised when no route takes the path: its message
// ("Cannot GET /the/path") quotes the path back, so the visitor gets the plain one instead.
func noRoute(c *fiber.Ctx, fe *fiber.Error) bool {
	return strings.HasPrefix(fe.Message, "Cannot "+c.Method()+" ")
}
