package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// handleForget serves POST /admin/forget: erase every signup of an email address, on
// every page (an erasure request), and say how many were erased.
func (a *admin) handleForget(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	erased, err := a.Store.Forget(ctx, c.FormValue("email"))
	switch {
	case errors.Is(err, store.ErrNoAddress):
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Nothing was erased",
			"Type the email address of the person who asked to be forgotten.", nil)
	case errors.Is(err, store.ErrAddressTooLong):
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Nothing was erased",
			fmt.Sprintf("That is longer than any email address can be (%d characters). Check what was pasted.", email.MaxLength), nil)
	case err != nil:
		return err
	}
	n, addr := erased.Signups, erased.Address
	a.Logger.Info("signups erased on request", "signups", n) // never the address
	if n == 0 {
		return a.notice(c, fiber.StatusOK, true, "No signups found",
			fmt.Sprintf("No page has a signup from %s, so nothing was erased. Check the spelling if you expected one.", addr), nil)
	}
	return a.notice(c, fiber.StatusOK, true, "Signups erased",
		fmt.Sprintf("Erased %s of %s from every page. Backups made before now still hold them: delete or re-make those too.",
			plural(n, "signup", "signups"), addr), nil)
}

// handleReload serves POST /admin/reload: read the page files again. On a mistake in them
// the pages being served stay as they were, and every problem is listed with its file and
// line.
func (a *admin) handleReload(c *fiber.Ctx) error {
	if a.Reload == nil {
		return a.notice(c, fiber.StatusNotImplemented, false, "Reloading isn't available",
			"This server can't reload page files while it runs. Restart Litmus to load changed page files.", nil)
	}
	err := a.Reload()
	if err == nil {
		st := a.Site.Load()
		var report []string
		for _, r := range st.Report {
			report = append(report, r.String())
		}
		return a.notice(c, fiber.StatusOK, true, "Page files reloaded",
			fmt.Sprintf("Now serving %s. What the reload did to each page's test:", plural(int64(len(st.Entries)), "page", "pages")), report)
	}
	return a.pageProblems(c, err, "Nothing changed: the pages you were serving are still being served. Fix these, then reload again (`litmus check` shows the same list):")
}

// pageProblems lists what is wrong with the page files.
func (a *admin) pageProblems(c *fiber.Ctx, err error, message string) error {
	var details []string
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		for _, e := range perrs {
			details = append(details, e.Error())
		}
	} else {
		details = []string{err.Error()}
	}
	return a.notice(c, fiber.StatusUnprocessableEntity, false, "The page files have problems", message, details)
}

// handleReloadPreview serves GET /admin/reload/preview: what reloading the page files would
// do to each page's test (no change, same phase, or a new phase and why), before anything
// changes. It only reads: the page files and the counts.
func (a *admin) handleReloadPreview(c *fiber.Ctx) error {
	if a.LoadPages == nil {
		return a.notice(c, fiber.StatusNotImplemented, false, "Reloading isn't available",
			"This server can't reload page files while it runs. Restart Litmus to load changed page files.", nil)
	}
	ps, err := a.LoadPages()
	if err != nil {
		return a.pageProblems(c, err, "A reload now would change nothing: the pages you are serving would still be served. Fix these first (`litmus check` shows the same list):")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	reports, err := site.Preview(a.Site.Load(), ps, func(id int64) (bool, error) {
		counts, err := a.Store.Counts(ctx, id)
		return len(counts) > 0, err
	})
	if err != nil {
		return err
	}
	var details []string
	for _, r := range reports {
		details = append(details, r.String())
	}
	return a.notice(c, fiber.StatusOK, true, "What a reload would do",
		"Nothing has changed yet. Reloading the page files now would do this to each page's test:", details)
}

func (a *admin) notice(c *fiber.Ctx, status int, ok bool, heading, message string, details []string) error {
	return a.render(c, status, "notice.html", views.Notice{
		Layout: a.layout(heading), OK: ok, Heading: heading, Message: message, Details: details,
	})
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
