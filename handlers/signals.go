package handlers

import (
	"context"
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/signup"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// The routes of the deeper demand signals (issue 17): the thank-you page of one signup with
// its questions and share link, the answers it posts, and the confirmation link of double
// opt-in (GET shows a button, POST confirms).

// thanksPath is where a signup is sent after its commit: the page's thank-you page, with a
// signed token of the signup when the page asks questions or hands out share links. id 0
// (a repeated email, a trapped bot) gets a token that attaches to nothing, so its page
// looks the same as a new signup's and reveals nothing about who is on the list.
func (s *server) thanksPath(e *site.Entry, id int64) string {
	path := pages.URLsOf(e.Page, "").Thanks
	if len(e.Page.Questions) == 0 && !e.Page.Referrals {
		return path
	}
	tok := s.Links.Sign(linktoken.Token{Purpose: linktoken.Thanks, Page: e.Page.Slug, Signup: id, Issued: s.Now()})
	return path + "?s=" + tok
}

// handleThanks serves GET /{slug}/thanks (GET /thanks on a page's own domain): the page
// prepared at load time, or, with a valid thank-you token, that page with the questions and
// the visitor's own share link.
func (s *server) handleThanks(c *fiber.Ctx) error {
	e := s.routed(c)
	if e == nil {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", e.Prepared.CSP) // its brand-colour style and logo
	c.Set("X-Robots-Tag", "noindex")
	p := e.Page
	raw := c.Query("s")
	if raw == "" || (len(p.Questions) == 0 && !p.Referrals) {
		return c.Send(e.Prepared.Thanks)
	}
	tok, err := s.Links.Check(raw, linktoken.Thanks, s.Now(), ThanksLinkAge)
	if err != nil || tok.Page != p.Slug {
		return c.Send(e.Prepared.Thanks) // an old or damaged link: the page without its extras
	}
	noStore(c) // it holds a personal link
	st := pages.ThanksState{Token: raw, Answered: c.Query("answered") == "1"}
	if st.ShareURL, err = s.shareURL(c, e, tok.Signup); err != nil {
		s.Logger.Error("share code not read", "page", p.Slug, "err", err)
	}
	return e.Prepared.RenderThanks(c.Response().BodyWriter(), st)
}

// shareURL is the personal share link of signup id, "" when the page gives none: the page's
// public address (https:// + its first domain for a page with domains) with ?ref=. For id 0
// (see thanksPath) and for a signup forgotten since, it is a link with a random code that
// tags nobody: the page looks the same either way.
func (s *server) shareURL(c *fiber.Ctx, e *site.Entry, id int64) (string, error) {
	if !e.Page.Referrals {
		return "", nil
	}
	code := ""
	if id > 0 {
		got, ok, err := s.Store.ShareCode(c.UserContext(), e.Page.Slug, id)
		if err != nil {
			return "", err
		}
		if ok {
			code = got
		}
	}
	if code == "" {
		code = strings.ToLower(rand.Text()[:16])
	}
	return pages.URLsOf(e.Page, s.origin(c)).Public + "?ref=" + url.QueryEscape(code), nil
}

// origin is the main site's public address: LITMUS_BASE_URL, or the address this request
// came to (the scheme from X-Forwarded-Proto only behind a trusted proxy). A page with
// domains has its own (pages.URLsOf).
func (s *server) origin(c *fiber.Ctx) string {
	if s.BaseURL != "" {
		return strings.TrimSuffix(s.BaseURL, "/")
	}
	scheme := "http"
	if c.Protocol() == "https" {
		scheme = "https"
	}
	return scheme + "://" + clean(string(c.Request().Host()), maxHostLen)
}

// handleAnswers serves POST /{slug}/answers (POST /answers on a page's own domain): the
// thank-you page's questions. The answers attach to the signup named by the signed token,
// never to anything in the form. Invalid answers show the page again (422) with the
// messages and what the visitor typed.
func (s *server) handleAnswers(c *fiber.Ctx) error {
	e := s.routed(c)
	if e == nil || len(e.Page.Questions) == 0 {
		return fiber.ErrNotFound
	}
	p, msgs := e.Page, e.Page.Msg()
	if crossSite(c) {
		return fiber.NewError(fiber.StatusForbidden, msgs.Text("answers.cross_site"))
	}
	raw := c.FormValue(pages.AnswersField)
	tok, err := s.Links.Check(raw, linktoken.Thanks, s.Now(), ThanksLinkAge)
	if err != nil || tok.Page != p.Slug {
		return fiber.NewError(fiber.StatusUnprocessableEntity, msgs.Text("answers.bad_link"))
	}
	answers, values, ferrs := signup.ReadAnswers(p, func(k string) string { return c.FormValue(k) })
	if ferrs != nil {
		noStore(c)
		share, _ := s.shareURL(c, e, tok.Signup)
		c.Status(fiber.StatusUnprocessableEntity)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set("Content-Security-Policy", e.Prepared.CSP)
		return e.Prepared.RenderThanks(c.Response().BodyWriter(), pages.ThanksState{
			Token: raw, ShareURL: share, Values: values, Errors: ferrs,
		})
	}
	if len(answers) > 0 && tok.Signup > 0 {
		ctx, cancel := context.WithTimeout(c.UserContext(), signupTimeout)
		defer cancel()
		if _, err := s.Store.SaveAnswers(ctx, p.Slug, tok.Signup, answers, s.Now()); err != nil {
			s.Logger.Error("answers not stored", "page", p.Slug, "err", err)
			return fiber.NewError(fiber.StatusServiceUnavailable, msgs.Text("answers.unavailable"))
		}
	}
	return c.Redirect(pages.URLsOf(p, "").Thanks+"?s="+url.QueryEscape(raw)+"&answered=1", fiber.StatusSeeOther)
}

// handleConfirmPage serves GET /{slug}/confirm?t=... (GET /confirm?t=... on a page's own
// domain): a page with the confirm button. It
// never confirms: mail security gateways open every link in a mail, and must not confirm an
// address nobody looked at.
func (s *server) handleConfirmPage(c *fiber.Ctx) error {
	e, raw, st, err := s.confirmLink(c, c.Query(pages.ConfirmTokenField))
	if err != nil {
		return err
	}
	if st.Problem == "" {
		st.Token = raw
	}
	return s.writeConfirm(c, e, st)
}

// handleConfirm serves POST /{slug}/confirm (POST /confirm on a page's own domain): the
// button. Confirming twice is harmless: the second time shows the same confirmed page.
func (s *server) handleConfirm(c *fiber.Ctx) error {
	e, _, st, err := s.confirmLink(c, c.FormValue(pages.ConfirmTokenField))
	if err == nil && crossSite(c) {
		return fiber.NewError(fiber.StatusForbidden, e.Page.Msg().Text("confirm.cross_site"))
	}
	if err != nil || st.Problem != "" {
		if err != nil {
			return err
		}
		return s.writeConfirm(c, e, st)
	}
	tok, _ := s.Links.Check(c.FormValue(pages.ConfirmTokenField), linktoken.Confirm, s.Now(), ConfirmLinkAge)
	ctx, cancel := context.WithTimeout(c.UserContext(), signupTimeout)
	defer cancel()
	res, err := s.Store.ConfirmSignup(ctx, e.Page.Slug, tok.Signup, s.Now())
	if err != nil {
		s.Logger.Error("confirmation not stored", "page", e.Page.Slug, "err", err)
		return fiber.NewError(fiber.StatusServiceUnavailable, e.Page.Msg().Text("confirm.unavailable"))
	}
	if !res.Found {
		msgs := e.Page.Msg()
		return s.writeConfirm(c, e, pages.ConfirmState{Title: msgs.Text("confirm.gone_title"), Problem: msgs.Text("confirm.gone")})
	}
	if !res.Already {
		s.Metrics.SignupsConfirmed.WithLabelValues(e.Page.Slug).Inc()
		// Webhooks (issue 15) hook in here: a signup.confirmed event for res, once.
	}
	return s.writeConfirm(c, e, pages.ConfirmState{Done: true})
}

// confirmLink checks a confirmation token. A problem the person should read (expired,
// damaged) comes back as a ConfirmState with a Problem, shown with status 410 or 400.
func (s *server) confirmLink(c *fiber.Ctx, raw string) (*site.Entry, string, pages.ConfirmState, error) {
	e := s.routed(c)
	if e == nil || !e.Page.DoubleOptIn {
		return nil, "", pages.ConfirmState{}, fiber.ErrNotFound
	}
	msgs := e.Page.Msg()
	tok, err := s.Links.Check(raw, linktoken.Confirm, s.Now(), ConfirmLinkAge)
	switch {
	case errors.Is(err, linktoken.ErrExpired) && tok.Page == e.Page.Slug:
		c.Status(fiber.StatusGone)
		return e, raw, pages.ConfirmState{Title: msgs.Text("confirm.expired_title"),
			Problem: msgs.Text("confirm.expired", "n", confirmLinkDays)}, nil
	case err != nil || tok.Page != e.Page.Slug:
		c.Status(fiber.StatusBadRequest)
		return e, raw, pages.ConfirmState{Title: msgs.Text("confirm.broken_title"), Problem: msgs.Text("confirm.broken")}, nil
	}
	return e, raw, pages.ConfirmState{}, nil
}

func (s *server) writeConfirm(c *fiber.Ctx, e *site.Entry, st pages.ConfirmState) error {
	noStore(c)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", e.Prepared.CSP)
	c.Set("X-Robots-Tag", "noindex")
	c.Set("Referrer-Policy", "no-referrer") // the URL holds the token
	return e.Prepared.RenderConfirm(c.Response().BodyWriter(), st)
}

// refCode reads ?ref= on a page that gives share links: Litmus's codes are 16 characters of
// lowercase base32; anything else is not one and is ignored.
func refCode(c *fiber.Ctx, p *pages.Page) string {
	if !p.Referrals {
		return ""
	}
	code := c.Query("ref")
	if len(code) != 16 {
		return ""
	}
	for i := 0; i < len(code); i++ {
		if ch := code[i]; !('a' <= ch && ch <= 'z' || '2' <= ch && ch <= '7') {
			return ""
		}
	}
	return code
}

// How long the links of one signup work. A thank-you link is revisited from the browser's
// history to copy the share link again; a confirmation link waits in an inbox over a
// weekend or a holiday, and a stale address is a weaker signal than a prompt one anyway.
const (
	ThanksLinkAge   = 30 * 24 * time.Hour
	confirmLinkDays = 7 // as the expired link's page says it
	ConfirmLinkAge  = confirmLinkDays * 24 * time.Hour
)
