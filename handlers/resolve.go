package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/site"
)

// resolve is the one place a public request is matched to its page: every page route and
// the error handler ask it, so they never disagree about which page an address means.
// slug is the path segment that names the page ("" for the site's root). It returns nil
// when no page is served there.
func (s *server) resolve(c *fiber.Ctx, slug string) *site.Entry {
	return s.Site.Load().Resolve(slug)
}
