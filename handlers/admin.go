package handlers

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/handlers/views"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
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
	v := views.Index{Layout: a.layout("Your pages"), Pages: summaries, ReadOnly: "Page editing isn't available on this server."}
	if a.Pages != nil {
		v.ReadOnly = a.Pages.ReadOnly
	}
	return a.render(c, fiber.StatusOK, "index.html", v)
}

// summaries lists every page being served, the default page first.
func (a *admin) summaries(ctx context.Context) ([]results.Summary, error) {
	now := a.Now()
	st := a.Site.Load()
	list := make([]results.Summary, 0, len(st.Entries))
	for _, e := range st.Entries {
		if err := results.Record(ctx, a.Store, e, now); err != nil {
			return nil, err
		}
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
	now := a.Now()
	if err := results.Record(ctx, a.Store, e, now); err != nil {
		return err
	}
	r, err := results.Page(ctx, a.Store, e, now)
	if err != nil {
		return err
	}
	return a.renderPhase(c, fiber.StatusOK, e, r, "", "")
}

// handleAdminPhase serves GET /admin/pages/{slug}/phases/{n}: one phase's full report, as
// it stood when it ended, with the words its visitors read. The current phase's number
// shows the same report as /admin/pages/{slug}.
func (a *admin) handleAdminPhase(c *fiber.Ctx) error {
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
	return a.renderPhase(c, fiber.StatusOK, e, r, "", "")
}

// adminPhase reads the page and the phase number of /admin/pages/{slug}/phases/{n}.
func (a *admin) adminPhase(c *fiber.Ctx) (*site.Entry, int, error) {
	e, err := a.adminEntry(c)
	if err != nil {
		return nil, 0, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 || n > 1_000_000 {
		return nil, 0, fiber.NewError(fiber.StatusNotFound, "A test phase is a number: 1 for the page's first test, 2 for the next. Open /admin/pages/"+e.Page.Slug+" for the list.")
	}
	return e, n, nil
}

func noSuchPhase(slug string, n int) error {
	return fiber.NewError(fiber.StatusNotFound, fmt.Sprintf("The page “%s” has no test phase %d. Open /admin/pages/%s for its history.", slug, n, slug))
}

// renderPhase shows a phase's report r of page e. noteErr and noteText re-show the note
// form with a problem and the founder's text (status 422).
func (a *admin) renderPhase(c *fiber.Ctx, status int, e *site.Entry, r results.Results, noteErr, noteText string) error {
	slug := e.Page.Slug
	urls := pages.URLsOf(e.Page, "")
	today := r.GeneratedAt.Format(time.DateOnly)
	daily := r.Daily
	if r.Verdict.Visitors == 0 {
		daily = nil // a flat line at zero says less than "no visitors yet"
	}
	if !r.Phase.Current && r.Phase.EndedAt != nil {
		today = r.Phase.EndedAt.Format(time.DateOnly)
	}
	title, csvURL, csvLabel := e.Page.Title, pages.CSVURL(slug), "Download all signups (CSV)"
	if !r.Phase.Current {
		title = fmt.Sprintf("Phase %d · %s", r.Phase.Number, title)
		csvURL += fmt.Sprintf("?phase=%d", r.Phase.Number)
		csvLabel = fmt.Sprintf("Download phase %d's signups (CSV)", r.Phase.Number)
	}
	if noteText == "" && noteErr == "" {
		noteText = r.Phase.Note
	}
	v := views.Page{
		Layout:     a.layout(title),
		R:          r,
		URL:        urls.Public, // the page's own domain when it has one
		AdminURL:   pages.AdminURL(slug),
		CSVURL:     csvURL,
		CSVLabel:   csvLabel,
		Lang:       e.Page.Msg().Lang(),
		NoteURL:    pages.PhaseURL(slug, r.Phase.Number) + "/note",
		NoteText:   noteText,
		NoteError:  noteErr,
		NoteMax:    store.MaxNoteLen,
		Saved:      c.Query("saved") == "note",
		FieldNames: results.FieldNames(e.Page),
		VisitorsChart: views.NewChart("chart-visitors", "Visitors per day", "visitors", daily, today,
			func(d results.DayVariant) int64 { return d.Visitors }),
		SignupsChart: views.NewChart("chart-signups", "Signups per day", "signups", daily, today,
			func(d results.DayVariant) int64 { return d.Signups }),
	}
	if r.Phase.Current {
		for i, variant := range e.Page.Variants {
			v.Previews = append(v.Previews, views.Preview{
				ID: variant.ID, URL: urls.Preview(variant.ID), Class: views.VariantClass(i), Control: i == 0,
			})
		}
	}
	return a.render(c, status, "page.html", v)
}

// adminEntry finds the page named in the URL among the pages being served.
func (a *admin) adminEntry(c *fiber.Ctx) (*site.Entry, error) {
	slug := c.Params("slug")
	if e := a.Site.Load().Lookup(slug); e != nil {
		return e, nil
	}
	return nil, fiber.NewError(fiber.StatusNotFound, "No page called “"+store.Clip(slug, 40)+"” is being served. Go to /admin for the list of pages.")
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
