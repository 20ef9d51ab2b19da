package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// adminTimeout bounds the queries behind one admin page or API answer; they read a few
// rows of running totals, so this is only reached when the database is in trouble.
const adminTimeout = 10 * time.Second

// handleAdminIndex serves GET /admin: every page with its visitors, signups, rate and
// verdict, and the site tools (forget a person, reload page files).
func (a *admin) handleAdminIndex(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	summaries, err := a.summaries(ctx)
	if err != nil {
		return err
	}
	return a.render(c, fiber.StatusOK, "index.html", views.Index{Layout: a.layout("Your pages"), Pages: summaries})
}

// summaries lists every page being served, the default page first.
func (a *admin) summaries(ctx context.Context) ([]results.Summary, error) {
	now := a.Now()
	st := a.Site.Load()
	list := make([]results.Summary, 0, len(st.Entries))
	for _, e := range st.Entries {
		sum, err := results.Summarize(ctx, a.Store, e, now)
		if err != nil {
			return nil, err
		}
		list = append(list, sum)
	}
	return list, nil
}

// handleAdminPage serves GET /admin/pages/{slug}: the page's verdict, variants, daily
// chart, sources, filtered traffic, previews, latest signups and earlier phases.
func (a *admin) handleAdminPage(c *fiber.Ctx) error {
	e, err := a.adminEntry(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), adminTimeout)
	defer cancel()
	r, err := results.Page(ctx, a.Store, e, a.Now())
	if err != nil {
		return err
	}
	urls := pages.URLsOf(e.Page, "")
	today := r.GeneratedAt.Format(time.DateOnly)
	daily := r.Daily
	if r.Verdict.Visitors == 0 {
		daily = nil // a flat line at zero says less than "no visitors yet"
	}
	v := views.Page{
		Layout:     a.layout(e.Page.Title),
		R:          r,
		URL:        urls.Public, // the page's own domain when it has one
		CSVURL:     pages.CSVURL(e.Page.Slug),
		Lang:       e.Page.Msg().Lang(),
		FieldNames: results.FieldNames(e.Page),
		VisitorsChart: views.NewChart("chart-visitors", "Visitors per day", "visitors", daily, today,
			func(d results.DayVariant) int64 { return d.Visitors }),
		SignupsChart: views.NewChart("chart-signups", "Signups per day", "signups", daily, today,
			func(d results.DayVariant) int64 { return d.Signups }),
	}
	for i, variant := range e.Page.Variants {
		v.Previews = append(v.Previews, views.Preview{
			ID: variant.ID, URL: urls.Preview(variant.ID), Class: views.VariantClass(i), Control: i == 0,
		})
	}
	return a.render(c, fiber.StatusOK, "page.html", v)
}

// adminEntry finds the page named in the URL among the pages being served.
func (a *admin) adminEntry(c *fiber.Ctx) (*site.Entry, error) {
	slug := c.Params("slug")
	if e := a.Site.Load().Lookup(slug); e != nil {
		return e, nil
	}
	return nil, fiber.NewError(fiber.StatusNotFound, "No page called “"+clip(slug, 40)+"” is being served. Go to /admin for the list of pages.")
}

// handleAdminCSS serves the admin stylesheet. It holds no data, so unlike the admin pages
// it needs no password and may be cached: its URL changes with its content.
func (a *admin) handleAdminCSS(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(views.CSS())
}

// layout is the frame every admin page shares.
func (a *admin) layout(title string) views.Layout {
	return views.Layout{Title: title, CSRF: a.formToken(a.Now()), Version: a.Version, Reloadable: a.Reload != nil}
}

// render writes an admin page. The admin uses the strictest Content-Security-Policy (set
// for every response by securityHeaders): its stylesheet is a file on this server, its
// charts are inline SVG drawn by the server, and it runs no script.
func (a *admin) render(c *fiber.Ctx, status int, name string, data any) error {
	c.Status(status)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("X-Robots-Tag", "noindex, nofollow")
	return views.Render(c.Response().BodyWriter(), name, data)
}
