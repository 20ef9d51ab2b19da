package handlers

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// observe times every request into litmus_http_request_duration_seconds and logs server
// errors. It runs the error handler itself so the status it records is the one sent.
// Logs carry the route and status, never the client address or anything the visitor typed.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route := c.Route().Name
	if route == "" {
		route = "other"
	}
	method := c.Method()
	switch method {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost:
	default:
		method = "OTHER" // bounded label set
	}
	s.Metrics.HTTPObserver(route, method, status).Observe(time.Since(start).Seconds())
	return nil
}

// securityHeaders sets the headers every response carries. The Content-Security-Policy here
// is the theme's strictest (error pages, admin); a landing page replaces it with the one its
// prepared bytes need, which still allows nothing from third parties but a logo the page file
// names, and no inline script.
//
// The policy is set after the handler, and only if it set none: a landing page's policy is
// long, and writing the strictest one first only to replace it cost every view two copies
// and scans of a few hundred bytes.
func (s *server) securityHeaders(c *fiber.Ctx) error {
	s.setFixedHeaders(c)
	err := c.Next()
	if h := &c.Response().Header; len(h.PeekBytes(headerCSP)) == 0 {
		h.SetCanonical(headerCSP, s.errorCSP)
	}
	return err
}

// fixedHeaders are the security headers every response carries with the same value. They
// are set with SetCanonical from these byte slices, which skips fasthttp's copying and
// normalising of each key on every request (bench/RESULTS.md, change 9); the keys are
// written canonically here.
var fixedHeaders = [][2][]byte{
	{[]byte("X-Content-Type-Options"), []byte("nosniff")},
	{[]byte("Referrer-Policy"), []byte("strict-origin-when-cross-origin")},
	{[]byte("X-Frame-Options"), []byte("DENY")}, // for browsers that predate frame-ancestors
	{[]byte("Cross-Origin-Opener-Policy"), []byte("same-origin")},
	{[]byte("Permissions-Policy"), []byte("camera=(), microphone=(), geolocation=(), interest-cohort=()")},
}

var (
	headerCSP  = []byte("Content-Security-Policy")
	headerHSTS = []byte("Strict-Transport-Security")
	valueHSTS  = []byte("max-age=31536000; includeSubDomains")
)

// setSecurityHeaders sets the headers of securityHeaders. handleError calls it too, because
// errors fasthttp raises before routing (413, 431, a malformed request) skip the middleware.
func (s *server) setSecurityHeaders(c *fiber.Ctx) {
	c.Response().Header.SetCanonical(headerCSP, s.errorCSP)
	s.setFixedHeaders(c)
}

// setFixedHeaders sets the security headers that do not depend on the response.
func (s *server) setFixedHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	for _, kv := range fixedHeaders {
		h.SetCanonical(kv[0], kv[1])
	}
	if s.isHTTPS(c) {
		h.SetCanonical(headerHSTS, valueHSTS)
	}
}

// isHTTPS reports whether the visitor's connection is HTTPS: TLS here, or, behind a trusted
// proxy (Fly.io terminates TLS), X-Forwarded-Proto: https.
func (s *server) isHTTPS(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	return s.fromProxy(c) && strings.EqualFold(c.Get("X-Forwarded-Proto"), "https")
}

// noStore marks a response as never to be cached (admin, API, anything per-person).
func noStore(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
}
