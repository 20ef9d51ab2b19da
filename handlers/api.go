package handlers

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/results"
)

// The JSON API serves the same numbers as the admin pages, for scripts and dashboards. Its
// shape is documented in docs/api.md; `litmus results --json` prints the same documents.

// handleAPIPages serves GET /api/v1/pages: every page with its visitors, signups, rate
// and verdict, the default page first.
func (a *admin) handleAPIPages(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	list, err := a.summaries(ctx)
	if err != nil {
		return err
	}
	return c.JSON(results.PageList{Pages: list})
}

// handleAPIResults serves GET /api/v1/pages/{slug}/results: the page's full results
// (results.Results), without personal data.
func (a *admin) handleAPIResults(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	now := a.Now()
	if err := results.Record(ctx, a.Store, e, now); err != nil {
		return err
	}
	r, err := results.Page(ctx, a.Store, e, now)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
