package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/proxy"

	"github.com/litmuslabs/litmus/internal/litefs"
)

// LiteFS is what the handlers need to know when Litmus runs as one node of a LiteFS
// cluster (docs/high-availability.md). Nil in Deps means one machine, as before.
type LiteFS struct {
	// Primary returns the primary's address on a replica; nil on the primary.
	Primary func(context.Context) (litefs.Address, error)
	// FlyMachine is this node's Fly Machine ID ("" off Fly.io): with it, a replica answers
	// a write with a fly-replay header and Fly's proxy replays it on the primary.
	FlyMachine string
	// Confirm, on the primary, waits until a replica holds what was committed (nil: never).
	Confirm func(context.Context) error
	// Status is the role and lag shown by /healthz.
	Status func() string
}

// forwardTimeout bounds a write forwarded to the primary: the primary's own signup
// timeout plus the wait for a replica.
const forwardTimeout = 10 * time.Second

// forwardWrites, on a replica, sends every request that may write (anything but GET and
// HEAD: signups, admin actions) to the primary. Page views stay here: they are served
// from the local copy and their exposures are shipped (internal/litefs).
func (s *server) forwardWrites(c *fiber.Ctx) error {
	if s.LiteFS == nil || s.LiteFS.Primary == nil || c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), forwardTimeout)
	defer cancel()
	p, err := s.LiteFS.Primary(ctx)
	if err != nil {
		s.Logger.Error("litefs: cannot find the primary to forward a write", "path", c.Path(), "err", err)
		return s.unreachable(c)
	}
	if s.LiteFS.FlyMachine != "" && p.Machine != "" {
		// Fly's proxy replays the whole request on the primary Machine (bodies up to 1 MB;
		// the body limit here is far below).
		c.Set("fly-replay", "instance="+p.Machine)
		return c.SendStatus(fiber.StatusConflict)
	}
	// A direct proxy, keeping the Host header so the primary's cross-site check still
	// compares the browser's Origin with the host it typed.
	c.Request().UseHostHeader = true
	if err := proxy.DoTimeout(c, p.Public+c.OriginalURL(), forwardTimeout); err != nil {
		s.Logger.Error("litefs: forwarding a write to the primary failed", "primary", p.Public, "path", c.Path(), "err", err)
		return s.unreachable(c)
	}
	return nil
}

// unreachable answers a write the primary could not be asked to do (a failover in
// progress). A visitor's request (a signup, answers, a confirmation) goes on to its own
// handler here, whose store refuses it (store.ErrReplica): the visitor gets that handler's
// 503 in the page's language, a signup with the form and their input kept. The admin and
// the API, which stay in English, get unavailable.
func (s *server) unreachable(c *fiber.Ctx) error {
	if !isAdminPath(c.Path()) {
		return c.Next()
	}
	return s.unavailable(c)
}

// unavailable is the answer to an admin or API write when the primary cannot be reached.
func (s *server) unavailable(c *fiber.Ctx) error {
	noStore(c)
	c.Set(fiber.HeaderRetryAfter, "5")
	return fiber.NewError(fiber.StatusServiceUnavailable, "The primary node cannot be reached just now (a failover takes seconds). Please go back and try again in a moment.")
}
