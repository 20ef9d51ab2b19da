package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/litmuslabs/litmus/static"
)

// handleHealth serves GET /healthz: 200 "ok" when the database answers a query and its
// writer is running, else 503. Fly.io's check and load balancers use it.
func (s *server) handleHealth(c *fiber.Ctx) error {
	noStore(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Error("health check failed", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable\n")
	}
	if s.LiteFS != nil && s.LiteFS.Status != nil {
		return c.SendString("ok\n" + s.LiteFS.Status())
	}
	return c.SendString("ok\n")
}

// handleThanks serves GET /{slug}/thanks, prepared at load time.
func (s *server) handleThanks(c *fiber.Ctx) error {
	e := s.Site.Load().Lookup(c.Params("slug"))
	if e == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", e.Prepared.CSP) // its brand-colour style and logo
	c.Set("X-Robots-Tag", "noindex")
	return c.Send(e.Prepared.Thanks)
}

// robots keeps crawlers out of what is not a landing page.
const robots = "User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /*/thanks\n"

func (s *server) handleRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.SendString(robots)
}

func (s *server) handleFavicon(c *fiber.Ctx) error {
	return c.Redirect("/static/favicon.svg", fiber.StatusMovedPermanently)
}

// staticFiles serves the embedded assets. URLs carry a content hash (?v=...), so they can be
// cached for a year and still change the moment a file does.
func (s *server) staticFiles() fiber.Handler {
	return filesystem.New(filesystem.Config{
		Root:   http.FS(static.FS),
		MaxAge: 365 * 24 * 3600,
	})
}
