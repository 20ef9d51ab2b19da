// Package site is what the server serves at one moment: the validated pages, each variant's
// prepared HTML, and each page's current test phase. A Site is immutable once built; reloading
// page files builds a new one and swaps it in atomically (Holder), so a request always sees
// one consistent set of pages and a bad edit never replaces a good site.
package site

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Entry is one page ready to serve.
type Entry struct {
	Page     *pages.Page
	Prepared *pages.Prepared
	Phase    store.Phase
	Weights  []int
}

// Site is the set of pages being served.
type Site struct {
	Entries  []*Entry // default page first, then by slug
	Default  *Entry
	bySlug   map[string]*Entry
	byHost   map[string]*Entry // each page domain → its page
	LoadedAt time.Time
	// Report is what loading it did to each page's test, compared with the site it
	// replaced (set by Holder.Swap).
	Report []PageReport
}

// Phaser records experiment phases; *store.Store implements it.
type Phaser interface {
	EnsurePhase(ctx context.Context, page, hash string, definition []byte) (store.Phase, error)
}

// Build prepares every page's HTML with theme and makes sure each page has a current phase
// matching its experiment definition (a changed pass bar, variant or weight starts a new one).
func Build(ctx context.Context, ps []*pages.Page, theme *pages.Theme, opts pages.Options, phases Phaser) (*Site, error) {
	s := &Site{bySlug: make(map[string]*Entry, len(ps)), byHost: map[string]*Entry{}, LoadedAt: time.Now()}
	for _, p := range ps {
		prep, err := theme.Prepare(p, opts)
		if err != nil {
			return nil, fmt.Errorf("site: prepare %s: %w", p.Slug, err)
		}
		hash, def := p.Definition()
		ph, err := phases.EnsurePhase(ctx, p.Slug, hash, def)
		if err != nil {
			return nil, fmt.Errorf("site: phase for %s: %w", p.Slug, err)
		}
		e := &Entry{Page: p, Prepared: prep, Phase: ph, Weights: p.Weights()}
		s.Entries = append(s.Entries, e)
		s.bySlug[p.Slug] = e
		for _, host := range p.Domains {
			s.byHost[host] = e
		}
		if p.Default {
			s.Default = e
		}
	}
	if s.Default == nil {
		for _, e := range s.Entries {
			if len(e.Page.Domains) == 0 {
				s.Default = e
				break
			}
		}
	}
	return s, nil
}

// Resolve returns the page a public request is for. On a page's own domain (host, lowercase
// and without a port) that is the page itself at the root (slug "") and nothing else; on any
// other host, the main site: the default page for "", else the page without domains whose
// slug is slug. nil when there is none. An unknown host is the main site, so it can never
// reach a page that lives on its own domain. Handlers reach it through handlers.resolve;
// the admin, which names pages by slug whatever the address, uses Lookup.
func (s *Site) Resolve(host, slug string) *Entry {
	if e := s.byHost[host]; e != nil {
		if slug == "" {
			return e
		}
		return nil
	}
	if slug == "" {
		return s.Default
	}
	if e := s.bySlug[slug]; e != nil && len(e.Page.Domains) == 0 {
		return e
	}
	return nil
}

// MovedTo returns the page with slug when it lives on its own domain and host is the main
// site (an old /{slug} link), or nil.
func (s *Site) MovedTo(host, slug string) *Entry {
	if slug == "" || s.byHost[host] != nil {
		return nil
	}
	if e := s.bySlug[slug]; e != nil && len(e.Page.Domains) > 0 {
		return e
	}
	return nil
}

// HasDomains reports whether any page has its own domain; without one, every request is
// for the main site and the host need not be read.
func (s *Site) HasDomains() bool { return len(s.byHost) > 0 }

// OnDomain returns the page whose domain host is, or nil for the main site.
func (s *Site) OnDomain(host string) *Entry { return s.byHost[host] }

// Lookup returns the page with the given slug, or nil.
func (s *Site) Lookup(slug string) *Entry { return s.bySlug[slug] }

// VariantIDs maps each page slug to its variant ids, for initialising metrics.
func (s *Site) VariantIDs() map[string][]string {
	m := make(map[string][]string, len(s.Entries))
	for _, e := range s.Entries {
		for _, v := range e.Page.Variants {
			m[e.Page.Slug] = append(m[e.Page.Slug], v.ID)
		}
	}
	return m
}

// Holder holds the current Site; Load is safe from any goroutine.
type Holder struct{ p atomic.Pointer[Site] }

// Load returns the current site.
func (h *Holder) Load() *Site { return h.p.Load() }

// Store replaces the current site.
func (h *Holder) Store(s *Site) { h.p.Store(s) }
