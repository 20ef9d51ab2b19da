package handlers

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/botdetect"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// handlePage serves GET / and GET /{slug}: the visitor's variant, prepared at load time, with
// a freshly signed form token spliced in. Only people count: bots get the control variant
// (stable for search engines) with no cookie; prefetches, previews and HEAD are served but
// not counted. A person's first view in the current phase is queued as an exposure.
func (s *server) handlePage(c *fiber.Ctx) error {
	e, err := s.entry(c)
	if e == nil {
		return err
	}
	page := e.Page.Slug
	h := &c.Response().Header
	h.SetContentType(fiber.MIMETextHTMLCharsetUTF8)
	// The page carries a per-visitor token: shared caches must not keep it, browsers may
	// revalidate. Vary on Cookie for the same reason.
	h.SetCanonical(headerCacheControl, valuePrivateNoCache)
	h.SetCanonical(headerVary, valueCookie)
	h.Set("Content-Security-Policy", e.Prepared.CSP)

	if preview := c.Query("variant"); preview != "" {
		return s.servePreview(c, e, preview)
	}
	if class := botdetect.Classify(c.Get(fiber.HeaderUserAgent)); class != botdetect.Human {
		s.Metrics.BotRequests.WithLabelValues(page, string(class)).Inc()
		s.Store.RecordFiltered(page, string(class), c.Get(fiber.HeaderUserAgent), s.Now())
		control := e.Page.Control().ID
		return s.writePage(c, e.Prepared.Variants[control], s.sign(e, control, "bot"))
	}

	id, isNew := visitorID(c)
	variant := e.Page.Variants[assign.Bucket(page, id, e.Weights)].ID
	if isNew {
		s.setVisitorCookie(c, id)
	}
	uncounted := ""
	switch {
	case c.Method() == fiber.MethodHead:
		uncounted = "head"
	case botdetect.IsPrefetch(func(k string) string { return c.Get(k) }):
		uncounted = "prefetch"
	}
	if uncounted != "" {
		s.Metrics.UncountedViews.WithLabelValues(page, uncounted).Inc()
		s.Store.RecordFiltered(page, uncounted, c.Get(fiber.HeaderUserAgent), s.Now())
	} else {
		s.Metrics.PageView(page, variant).Inc()
		if !s.Store.Seen(e.Phase.ID, id) { // a returning visitor's exposure is kept already
			s.Store.RecordExposure(store.Exposure{
				PhaseID: e.Phase.ID, Page: page, VisitorID: id, Variant: variant, At: s.Now(),
				Source: source(c), RefCode: refCode(c, e.Page),
			})
		}
	}
	return s.writePage(c, e.Prepared.Variants[variant], s.sign(e, variant, id))
}

// Fixed headers of a page, set with SetCanonical (see fixedHeaders).
var (
	headerCacheControl  = []byte(fiber.HeaderCacheControl)
	valuePrivateNoCache = []byte("private, no-cache")
	headerVary          = []byte(fiber.HeaderVary)
	valueCookie         = []byte("Cookie")
)

// servePreview shows the founder one variant: never counted, never changes the visitor's
// assignment (no cookie is set or read), marked noindex, with its form switched off.
func (s *server) servePreview(c *fiber.Ctx, e *site.Entry, variant string) error {
	b, ok := e.Prepared.Previews[variant]
	if !ok {
		return fiber.NewError(fiber.StatusNotFound, e.Page.Msg().Text("preview.no_variant", "variant", store.Clip(variant, 40)))
	}
	s.Metrics.UncountedViews.WithLabelValues(e.Page.Slug, "preview").Inc()
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return c.Send(b)
}

// sign returns the form token for this page view. Bots get a placeholder visitor id, so a
// signup they send is stored but never counted as a conversion.
func (s *server) sign(e *site.Entry, variant, visitor string) string {
	return s.Signer.Sign(formtoken.Token{
		Page: e.Page.Slug, Phase: e.Phase.ID, Variant: variant, Visitor: visitor, Rendered: s.Now(),
	})
}

// writePage writes a prepared page with the token spliced into its form. For HEAD, fasthttp
// sends the headers (Content-Length included) and drops the body.
func (s *server) writePage(c *fiber.Ctx, r *pages.Rendered, token string) error {
	return r.WriteWithToken(c.Response().BodyWriter(), token)
}

// entry finds the page for GET / or /{slug}, or answers 404. A nil entry with a nil error
// means the answer (a redirect) is already written.
func (s *server) entry(c *fiber.Ctx) (*site.Entry, error) {
	slug := c.Params("slug")
	if e := s.resolve(c, slug); e != nil {
		return e, nil
	}
	if e := s.movedTo(c, slug); e != nil {
		// An old /{slug} link to a page that now has its own domain: send the visitor there,
		// with its query (a share link's ?ref=, a campaign's utm_*) kept.
		to := pages.URLsOf(e.Page, "").Public
		if q := c.Request().URI().QueryString(); len(q) > 0 {
			to += "?" + string(q)
		}
		return nil, c.Redirect(to, fiber.StatusFound)
	}
	return nil, fiber.ErrNotFound
}

// Length caps for attribution values: enough for any real campaign name, bounded so a
// crafted link cannot bloat the database.
const (
	maxUTMLen  = 100
	maxHostLen = 253
)

// source reads first-touch attribution from the query string and the Referer header. Only
// the referrer's host is kept (a full URL can carry personal data in its path or query).
func source(c *fiber.Ctx) store.Source {
	src := store.Source{
		UTMSource:   clean(c.Query("utm_source"), maxUTMLen),
		UTMMedium:   clean(c.Query("utm_medium"), maxUTMLen),
		UTMCampaign: clean(c.Query("utm_campaign"), maxUTMLen),
		UTMTerm:     clean(c.Query("utm_term"), maxUTMLen),
		UTMContent:  clean(c.Query("utm_content"), maxUTMLen),
	}
	if ref := c.Get(fiber.HeaderReferer); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host != "" && !strings.EqualFold(u.Hostname(), requestHost(c)) {
			src.ReferrerHost = clean(strings.ToLower(u.Hostname()), maxHostLen)
		}
	}
	return src
}

// clean keeps printable text only and cuts it to max bytes at a rune boundary.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	return store.Clip(s, max)
}
