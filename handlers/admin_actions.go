package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/pages"
)

// handleForget serves POST /admin/forget: erase every signup of an email address, on
// every page (an erasure request), and say how many were erased.
func (a *admin) handleForget(c *fiber.Ctx) error {
	raw := strings.TrimSpace(c.FormValue("email"))
	if raw == "" {
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Nothing was erased",
			"Type the email address of the person who asked to be forgotten.", nil)
	}
	if len(raw) > 254 {
		return a.notice(c, fiber.StatusUnprocessableEntity, false, "Nothing was erased",
			"That is longer than any email address can be (254 characters). Check what was pasted.", nil)
	}
	addr := email.Lookup(raw)
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	n, err := a.Store.ForgetEmail(ctx, addr)
	if err != nil {
		return err
	}
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
		var served []string
		for _, e := range st.Entries {
			served = append(served, pages.URLsOf(e.Page, "").Public+" — "+e.Page.Title)
		}
		return a.notice(c, fiber.StatusOK, true, "Page files reloaded",
			fmt.Sprintf("Now serving %s. A page whose pitch, weights or bar changed starts a new test phase.", plural(int64(len(st.Entries)), "page", "pages")), served)
	}
	var details []string
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		for _, e := range perrs {
			details = append(details, e.Error())
		}
	} else {
		details = []string{err.Error()}
	}
	return a.notice(c, fiber.StatusUnprocessableEntity, false, "The page files have problems",
		"Nothing changed: the pages you were serving are still being served. Fix these, then reload again (`litmus check` shows the same list):", details)
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
