package handlers

import (
	"bufio"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/results"
)

// exportTimeout bounds one CSV download. The server's WriteTimeout also applies to each
// write to the client.
const exportTimeout = 5 * time.Minute

// handleExportCSV serves GET /admin/pages/{slug}/signups.csv: every signup of the page as
// a CSV file (see results.WriteCSV), streamed as it is read from the database, so a long
// list never sits in memory. ?phase=N keeps the signups of phase N.
func (a *admin) handleExportCSV(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	slug := e.Page.Slug
	phase := 0
	if q := c.Query("phase"); q != "" {
		if phase, err = strconv.Atoi(q); err != nil || phase < 1 || phase > 1_000_000 {
			return fiber.NewError(fiber.StatusBadRequest, "phase must be a test phase number, like ?phase=2; leave it out for every signup.")
		}
	}
	fields := results.FieldNames(e.Page)
	name := results.ExportFilename(slug, a.Now())
	if phase > 0 {
		name = strings.TrimSuffix(name, ".csv") + "-phase-" + strconv.Itoa(phase) + ".csv"
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	// Slugs are lowercase letters, digits and dashes: the name needs no escaping.
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	st, logger := a.Store, a.Logger
	// The writer runs after this handler returns, while fasthttp sends the body; it may
	// use only what was copied out of the request above.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
		defer cancel()
		if err := results.WriteCSV(ctx, st, slug, fields, phase, w); err != nil {
			// The status line is sent already; the file ends early and the log says why.
			logger.Error("csv export cut short", "page", slug, "err", err)
		}
		_ = w.Flush()
	})
	return nil
}
