package pages

import (
	"slices"
	"strings"
)

// HoneypotField is the name of the hidden form input that people never see and bots fill
// in. The renderer adds it to every form and the signup handler rejects submissions that
// carry a value in it, so no page may declare a field with this name.
const HoneypotField = "website"

// ReservedFieldPrefix starts the names of the form inputs Litmus adds itself (for example
// the variant shown or an anti-forgery token). Page fields may not start with it, so
// Litmus's own inputs can never collide with a founder's.
const ReservedFieldPrefix = "_"

// IsReservedFieldName reports whether name is taken by Litmus's own form inputs. The
// renderer and the signup handler use it too, so the three agree on one list.
func IsReservedFieldName(name string) bool {
	return name == HoneypotField || strings.HasPrefix(name, ReservedFieldPrefix)
}

// reservedSlugs are the first path segments the server routes itself (see DESIGN's route
// list), plus a few that crawlers, load balancers and debuggers request by convention. A
// page with one of these slugs would be unreachable or would shadow a route.
var reservedSlugs = []string{
	"admin", "api", "static", "healthz", "readyz", "livez", "metrics", "debug",
	"favicon.ico", "robots.txt", "sitemap.xml", ".well-known",
	"signup", "thanks", "answers", "confirm", // a page's own domain serves its form, thanks and demand signals there
}

// ReservedSlugs returns the slugs no page may use because the server routes them itself.
// It returns a copy: callers cannot change the list the loader checks against.
func ReservedSlugs() []string {
	return slices.Clone(reservedSlugs)
}

// IsReservedSlug reports whether slug is routed by the server itself.
func IsReservedSlug(slug string) bool {
	return slices.Contains(reservedSlugs, slug)
}
