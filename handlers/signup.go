package handlers

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/signup"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// signupTimeout bounds how long a visitor waits for the database; past it they are told
// to try again, with their input kept.
const signupTimeout = 5 * time.Second

// handleSignup serves POST /{slug}/signup (POST /signup on a page's own domain). On success it answers 303 to the thanks page
// (201 JSON for clients that ask for JSON) only after the signup's transaction committed.
// On invalid input it shows the form again (422) with each message next to its field and
// everything the visitor typed kept. Traps for bots answer like a success and store nothing.
func (s *server) handleSignup(c *fiber.Ctx) error {
	e := s.routed(c)
	if e == nil {
		return fiber.ErrNotFound
	}
	page := e.Page.Slug
	msgs := e.Page.Msg()
	reject := func(reason string) { s.Metrics.SignupsRejected.WithLabelValues(page, reason).Inc() }

	if crossSite(c) {
		reject("cross_site")
		return fiber.NewError(fiber.StatusForbidden, msgs.Text("form.cross_site"))
	}

	now := s.Now()
	tok, terr := s.Signer.Check(c.FormValue("_token"), now)
	form, values, ferrs := signup.Read(e.Page, func(k string) string { return c.FormValue(k) })
	again := func(status int, ferrs signup.FieldErrors, summary string) error {
		return s.formAgain(c, e, viewer(c, e, tok, terr), values, ferrs, summary, status)
	}

	switch {
	case errors.Is(terr, formtoken.ErrInvalid) || (terr == nil && tok.Page != page):
		// A stale page from before a restart with a new secret, or a forged post: show the
		// form again with a fresh token and the input kept; a person just sends it again.
		reject("bad_token")
		return again(fiber.StatusUnprocessableEntity, ferrs, msgs.Text("form.bad_token"))
	case errors.Is(terr, formtoken.ErrExpired):
		reject("expired")
		return again(fiber.StatusUnprocessableEntity, ferrs, msgs.Text("form.expired"))
	}
	// The honeypot: a field hidden from people by CSS (not type=hidden) that naive bots fill.
	if strings.TrimSpace(c.FormValue(pages.HoneypotField)) != "" {
		reject("honeypot")
		return s.fakeSuccess(c, e)
	}
	if errors.Is(terr, formtoken.ErrTooFast) {
		reject("too_fast")
		return s.fakeSuccess(c, e)
	}
	if client := s.clientIP(c); !s.limits.Allow(client, now) {
		reject("rate_limited")
		c.Set(fiber.HeaderRetryAfter, "60")
		msg := msgs.Text("form.too_many")
		if ip := net.ParseIP(client); ip != nil && ip.IsLoopback() {
			// Only the founder trying Litmus on their own machine signs up from loopback.
			msg += " " + msgs.Text("form.too_many_local")
		}
		return fiber.NewError(fiber.StatusTooManyRequests, msg)
	}
	if ferrs != nil {
		reject("invalid")
		return again(fiber.StatusUnprocessableEntity, ferrs, "")
	}

	ctx, cancel := context.WithTimeout(c.UserContext(), signupTimeout)
	defer cancel()
	su := store.Signup{
		PhaseID: tok.Phase, Page: page, Email: form.Email, VisitorID: tok.Visitor,
		Variant: tok.Variant, Fields: form.Fields, At: now,
	}
	if e.Page.DoubleOptIn {
		// The confirmation mail is queued in the same transaction; its link goes to the
		// page's own domain when it has one.
		su.ConfirmLinkBase = pages.URLsOf(e.Page, s.origin(c)).Origin
	}
	res, err := s.Store.InsertSignup(ctx, su)
	if err != nil {
		reject("unavailable")
		s.Logger.Error("signup not stored", "page", page, "err", err)
		return again(fiber.StatusServiceUnavailable, nil, msgs.Text("form.unavailable"))
	}
	if s.LiteFS != nil && s.LiteFS.Confirm != nil {
		// Committed here, but acknowledged only once a replica holds it too: a signup
		// on the primary alone would be lost if the primary died now. A duplicate is
		// confirmed as well, since its first attempt may have got this 503.
		if err := s.LiteFS.Confirm(ctx); err != nil {
			reject("unconfirmed")
			s.Logger.Error("signup stored on the primary but not confirmed by a replica; answered 503", "page", page, "err", err)
			return again(fiber.StatusServiceUnavailable, nil, msgs.Text("form.unavailable"))
		}
	}
	if res.Duplicate {
		// The same answer as a first signup: saying "already signed up" would let anyone
		// test which addresses are on the list.
		reject("duplicate")
		return s.success(c, e, 0)
	}
	if su.ConfirmLinkBase != "" && s.MailQueued != nil {
		s.MailQueued()
	}
	if res.Repeat {
		// Counted in this phase, but the contact is the one stored before: like a
		// duplicate, its share link and answers are not handed to whoever typed the address.
		return s.success(c, e, 0)
	}
	return s.success(c, e, res.ID)
}

// success answers a stored (or duplicate) signup: id is the new signup's, 0 for anything
// else (see thanksPath).
func (s *server) success(c *fiber.Ctx, e *site.Entry, id int64) error {
	thanks := s.thanksPath(e, id)
	if wantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ok": true, "redirect": thanks})
	}
	return c.Redirect(thanks, fiber.StatusSeeOther)
}

// fakeSuccess answers a trapped bot exactly like a person, so it learns nothing.
func (s *server) fakeSuccess(c *fiber.Ctx, e *site.Entry) error { return s.success(c, e, 0) }

// formAgain shows the form again with the errors and the visitor's input (status 422, or
// 503 when the database could not take the signup).
func (s *server) formAgain(c *fiber.Ctx, e *site.Entry, who formtoken.Token, values signup.Values, ferrs signup.FieldErrors, summary string, status int) error {
	noStore(c)
	if wantsJSON(c) {
		body := fiber.Map{"ok": false, "errors": ferrs}
		if ferrs == nil {
			body["errors"] = fiber.Map{}
		}
		if summary != "" {
			body["message"] = summary
		}
		return c.Status(status).JSON(body)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", e.Prepared.CSP)
	return e.Prepared.RenderForm(c.Response().BodyWriter(), who.Variant, pages.FormState{
		Token:   s.sign(e, who.Variant, who.Visitor),
		Values:  values,
		Errors:  ferrs,
		Summary: summary,
	})
}

// viewer says who is seeing the form again and which variant they saw: from the token when
// it is genuinely signed for this page (even if too old), else from the visitor cookie,
// else the control for a cookieless client.
func viewer(c *fiber.Ctx, e *site.Entry, tok formtoken.Token, terr error) formtoken.Token {
	if !errors.Is(terr, formtoken.ErrInvalid) && tok.Page == e.Page.Slug && e.Page.Variant(tok.Variant) != nil {
		return tok
	}
	if id, isNew := visitorID(c); !isNew {
		return formtoken.Token{Visitor: id, Variant: e.Page.Variants[assign.Bucket(e.Page.Slug, id, e.Weights)].ID}
	}
	return formtoken.Token{Visitor: "unknown", Variant: e.Page.Control().ID}
}

// crossSite reports a POST that a browser says came from another site, or from another host
// than the one it is sent to. Sec-Fetch-Site is sent by every current browser; Origin is the
// fallback. A request with neither (an old
// browser, curl) is let through: the token and the limits still apply.
func crossSite(c *fiber.Ctx) bool {
	switch c.Get("Sec-Fetch-Site") {
	case "cross-site":
		return true
	case "same-origin", "none":
		return false
	}
	// "same-site" is another host under the same registrable domain, which may be another
	// page's own domain (a.example.com next to b.example.com): like a browser without
	// Sec-Fetch-Site, it must show an Origin that is this request's own host.
	origin := c.Get(fiber.HeaderOrigin)
	if origin == "" {
		return false
	}
	if origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, string(c.Request().Host()))
}

// wantsJSON reports a client that prefers JSON to HTML (the page's script, API clients).
func wantsJSON(c *fiber.Ctx) bool {
	return c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
