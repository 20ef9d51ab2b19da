package pages

import (
	"net/url"
	"strconv"
	"strings"
)

// URLs are the addresses of one page: the one place they are built, so the renderer, the
// handlers and the admin never disagree about where a page, its form or its thanks live.
// Paths are relative to the host that serves the page.
type URLs struct {
	Page string // the landing page: "/" for the default page and on a page's own domain, else "/{slug}"
	// Named is "/{slug}", the page by name on the main site (the default page is at both;
	// for a page with domains it is only a redirect to its domain, see site.MovedTo).
	Named  string
	Action string // where the form posts
	Thanks string // the thank-you page
	// Answers is where the thank-you page's questions post; Confirm is the page a
	// confirmation link opens (GET shows the button, POST confirms). Both are paths on the
	// page's host, like Action; a confirmation mail's link is Origin + Confirm.
	Answers string
	Confirm string
	// Public is the page's full address for search engines, link previews and share links:
	// https:// + the first domain + "/" for a page with domains; else the site's base URL +
	// Page, or just Page when there is no base URL.
	Public string
	// Origin is the scheme and host of Public ("https://shiftmeals.app"), "" when Public
	// is only a path.
	Origin string
	// preview is where previews are served: the slug's own path on the main site, so a
	// preview link says which page it is even for the default page; a page with domains
	// has its previews on its own domain.
	preview string
}

// URLsOf returns p's addresses. base is the main site's public address (Options.BaseURL,
// no trailing slash needed); it may be empty. A page with domains lives at the root of its
// first domain over HTTPS, whatever base is.
func URLsOf(p *Page, base string) URLs {
	if len(p.Domains) > 0 {
		origin := "https://" + p.Domains[0]
		return URLs{
			Page: "/", Named: "/" + p.Slug, Action: "/signup", Thanks: "/thanks", Answers: "/answers", Confirm: "/confirm",
			Public: origin + "/", Origin: origin, preview: origin + "/",
		}
	}
	path := "/" + p.Slug
	if p.Default {
		path = "/"
	}
	return URLs{
		Page:    path,
		Named:   "/" + p.Slug,
		Action:  "/" + p.Slug + "/signup",
		Thanks:  "/" + p.Slug + "/thanks",
		Answers: "/" + p.Slug + "/answers",
		Confirm: "/" + p.Slug + "/confirm",
		Public:  strings.TrimSuffix(base, "/") + path,
		Origin:  strings.TrimSuffix(base, "/"),
		preview: "/" + p.Slug,
	}
}

// Preview is the address of one variant's preview (never counted, form switched off).
func (u URLs) Preview(variant string) string {
	return withQuery(u.preview, "variant", variant)
}

func withQuery(addr, key, value string) string {
	return addr + "?" + key + "=" + url.QueryEscape(value)
}

// AdminURL is the admin's page for the page with slug; CSVURL its signups export.
func AdminURL(slug string) string { return "/admin/pages/" + url.PathEscape(slug) }

// PhaseURL is the admin's page of the page's test phase n.
func PhaseURL(slug string, n int) string { return AdminURL(slug) + "/phases/" + strconv.Itoa(n) }

// CSVURL is the address of the page's signups as CSV, in the admin.
func CSVURL(slug string) string { return AdminURL(slug) + "/signups.csv" }
