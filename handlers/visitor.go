package handlers

import (
	"net"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/assign"
)

// VisitorCookie is the first-party cookie holding a random visitor id. It is functional,
// not tracking: it keeps a visitor on the same variant and counts them once. It holds no
// personal data and is never shared.
const VisitorCookie = "litmus_vid"

// visitorCookieMaxAge outlives any sensible smoke test.
const visitorCookieMaxAge = 180 * 24 * time.Hour

// visitorID returns the visitor's id from their cookie, or a new one (and whether it is new).
func visitorID(c *fiber.Ctx) (string, bool) {
	if id := c.Cookies(VisitorCookie); assign.ValidVisitorID(id) {
		return id, false
	}
	return assign.NewVisitorID(), true
}

// setVisitorCookie sends the visitor id cookie: HttpOnly (no script reads it), SameSite=Lax
// (sent on the top-level navigation that brings a visitor from an ad or a post), Secure
// behind HTTPS.
func (s *server) setVisitorCookie(c *fiber.Ctx, id string) {
	c.Cookie(&fiber.Cookie{
		Name:     VisitorCookie,
		Value:    id,
		Path:     "/",
		MaxAge:   int(visitorCookieMaxAge / time.Second),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
		Secure:   s.isHTTPS(c),
	})
}

// clientIP returns the visitor's address for rate limiting (it is never stored). Behind
// Fly.io's proxy (TrustProxy, on a connection from a proxy network: see fromProxy) it is
// Fly-Client-IP, which the proxy sets and a client cannot forge; the header is used only
// when it parses as an address. X-Forwarded-For is never trusted: any client can write it.
func (s *server) clientIP(c *fiber.Ctx) string {
	if s.fromProxy(c) {
		if ip := net.ParseIP(c.Get("Fly-Client-IP")); ip != nil {
			return ip.String()
		}
	}
	return c.Context().RemoteIP().String()
}
