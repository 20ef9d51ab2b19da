package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/static"
)

// handleHealth serves GET /healthz: 200 "ok" when a signup could be stored now (the
// database answers a query, its disk has room, and the writer commits a real write), else
// 503 saying which. Fly.io's check and load balancers use it.
func (s *server) handleHealth(c *fiber.Ctx) error {
	noStore(c)
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Error("health check failed", "err", err)
		if errors.Is(err, store.ErrDiskFull) {
			return c.Status(fiber.StatusServiceUnavailable).SendString("disk full: signups cannot be stored\n")
		}
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable\n")
	}
	if s.LiteFS != nil && s.LiteFS.Status != nil {
		return c.SendString("ok\n" + s.LiteFS.Status())
	}
	return c.SendString("ok\n")
}

// robots keeps crawlers out of what is not a landing page.
const robots = "User-agent: *\nDisallow: /admin\nDisallow: /api/\nDisallow: /*/thanks\nDisallow: /thanks\n"

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
