package handlers

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/site"
)

// resolve is the one place a public request is matched to its page: every page route and
// the error handler ask it, so they never disagree about which page an address means.
// slug is the path segment that names the page ("" for the root). On a page's own domain
// only that page's root answers; any other host is the main site (site.Site.Resolve).
func (s *server) resolve(c *fiber.Ctx, slug string) *site.Entry {
	st := s.Site.Load()
	host := ""
	if st.HasDomains() {
		host = requestHost(c)
	}
	return st.Resolve(host, slug)
}

// movedTo is the page a main-site /{slug} request named when that page now lives on its own
// domain, or nil.
func (s *server) movedTo(c *fiber.Ctx, slug string) *site.Entry {
	st := s.Site.Load()
	if !st.HasDomains() {
		return nil
	}
	return st.MovedTo(requestHost(c), slug)
}

// routed resolves the routes that exist in two forms: /{slug}/signup and /{slug}/thanks on
// the main site, /signup and /thanks on a page's own domain (no slug in the path).
func (s *server) routed(c *fiber.Ctx) *site.Entry {
	if slug := c.Params("slug"); slug != "" {
		return s.resolve(c, slug)
	}
	return s.Site.Load().OnDomain(requestHost(c))
}

// requestHost is the host the visitor asked for, as page files list it: lowercase, without
// the port or a trailing dot. It is the Host header itself (never X-Forwarded-Host, which
// any client can write; Fly's proxy passes the visitor's Host through).
func requestHost(c *fiber.Ctx) string {
	h := string(c.Request().Host())
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.ToLower(h), ".")
}
