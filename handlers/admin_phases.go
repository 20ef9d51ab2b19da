package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// handlePhaseNote serves POST /admin/pages/{slug}/phases/{n}/note: the founder writes what
// the phase taught and what they will do next. Saved, it redirects back to the phase
// (POST/redirect/GET); refused, the phase is shown again with the text kept.
func (a *admin) handlePhaseNote(c *fiber.Ctx) error {
	e, n, err := a.adminPhase(c)
	if err != nil {
		return err
	}
	note := strings.TrimSpace(strings.ReplaceAll(c.FormValue("note"), "\r\n", "\n"))
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	var problem string
	switch {
	case !utf8.ValidString(note) || strings.ContainsRune(note, 0):
		problem = "The note has characters that are not text. Type it again, or paste it as plain text."
	case utf8.RuneCountInString(note) > store.MaxNoteLen:
		problem = fmt.Sprintf("The note is %d characters long; at most %d are kept. Shorten it and save again.", utf8.RuneCountInString(note), store.MaxNoteLen)
	}
	if problem == "" {
		_, err = a.Store.SetPhaseNote(ctx, e.Page.Slug, n, note)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return noSuchPhase(e.Page.Slug, n)
		case err != nil:
			return err
		}
		a.Logger.Info("phase note saved", "page", e.Page.Slug, "phase", n, "chars", utf8.RuneCountInString(note))
		return c.Redirect(pages.PhaseURL(e.Page.Slug, n)+"?saved=note#note", fiber.StatusSeeOther)
	}
	r, ok, err := results.PhaseResults(ctx, a.Store, e.Page, n, a.Now())
	if err != nil {
		return err
	}
	if !ok {
		return noSuchPhase(e.Page.Slug, n)
	}
	if !utf8.ValidString(note) {
		note = strings.ToValidUTF8(note, "�")
	}
	return a.renderPhase(c, fiber.StatusUnprocessableEntity, e, r, problem, note)
}

// handleAPIPhases serves GET /api/v1/pages/{slug}/phases: every test phase of the page.
func (a *admin) handleAPIPhases(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	list, err := results.History(ctx, a.Store, e.Page.Slug, a.Now())
	if err != nil {
		return err
	}
	return c.JSON(results.PhaseList{Page: e.Page.Slug, Phases: list})
}

// handleAPIPhaseResults serves GET /api/v1/pages/{slug}/phases/{n}/results: one phase's
// report, the same document as /results gives for the current phase.
func (a *admin) handleAPIPhaseResults(c *fiber.Ctx) error {
	e, n, err := a.adminPhase(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	r, ok, err := results.PhaseResults(ctx, a.Store, e.Page, n, a.Now())
	if err != nil {
		return err
	}
	if !ok {
		return noSuchPhase(e.Page.Slug, n)
	}
	return c.JSON(r)
}
