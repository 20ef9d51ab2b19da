package results

import (
	"context"
	"errors"
	"fmt"

	"github.com/litmuslabs/litmus/internal/problem"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// ErrNotServed means a page file's test has no phase in the database: the server never ran
// the page as the file now defines it.
var ErrNotServed = errors.New("results: page not served with this definition")

// OfflineEntry finds, without writing anything, the test phase of page p as the page file
// defines it: the newest phase whose definition hash is p's. It is how `litmus results`
// reads a database that a running server may be writing to; building a site.Site instead
// would start a new phase whenever the file differs from what the server runs.
//
// newer reports that the database holds a more recent phase than the one found: the server
// is running a different definition than this file (it was edited, or another directory of
// page files is being served). The error wraps ErrNotServed when no phase matches; its problem.Message says what to do.
func OfflineEntry(ctx context.Context, st *store.Store, p *pages.Page) (e *site.Entry, newer bool, err error) {
	phases, err := st.Phases(ctx, p.Slug) // newest first
	if err != nil {
		return nil, false, fmt.Errorf("results: %w", err)
	}
	hash, _ := p.Definition()
	for i, ph := range phases {
		if ph.Hash == hash {
			return &site.Entry{Page: p, Phase: ph, Weights: p.Weights()}, i > 0, nil
		}
	}
	if len(phases) == 0 {
		return nil, false, problem.Wrap(ErrNotServed, "/%s has had no visitors in this database yet; start `litmus serve` with these page files to begin its test", p.Slug)
	}
	return nil, false, problem.Wrap(ErrNotServed, "the page file of /%s (%s) differs from every test the database holds of it: "+
		"it was edited since the server last loaded it, so its test has not started yet. "+
		"Reload or restart the server to start it, or point LITMUS_PAGES at the files the server runs", p.Slug, p.File)
}
