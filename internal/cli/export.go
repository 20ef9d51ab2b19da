package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// runExport implements `litmus export [--page SLUG] [--format csv|json] [--phase N]`: every
// signup of a page (or of one test phase) to standard output, the same file as the admin's
// CSV download (docs/api.md).
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export", "", "Write every signup of a page to standard output, oldest first: CSV with a header row\n"+
		"(time, email, each form field, phase, variant, counted, UTM tags, referrer, later phases),\n"+
		"the same file as the admin's download; or, with --format json, one JSON object per line\n"+
		"(NDJSON). One row per person: a person who signed up again in a later phase is listed\n"+
		"once, with that phase in later_phases. --phase N keeps the people who signed up in phase N.\n"+
		"Without --page it exports the only page, or the only page with signups.\n"+
		"Example: litmus export --page chaser --phase 2 > chaser-phase-2.csv", stderr)
	cfg, err := config.Register(fs, config.ScopeResults, getenv)
	if err != nil {
		return err
	}
	slug := fs.String("page", "", "the page to export (its slug, as in its URL)")
	format := fs.String("format", "csv", "csv, or json for one JSON object per line")
	phase := fs.Int("phase", 0, "only the signups of this test phase (1 = the page's first); 0 for all")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "litmus export: unexpected argument %q (to choose a page, use --page %s)\n", fs.Arg(0), fs.Arg(0))
		return errUsage
	}
	if *format != "csv" && *format != "json" {
		fmt.Fprintf(stderr, "litmus export: --format %q: want csv or json\n", *format)
		return errUsage
	}
	if *phase < 0 {
		fmt.Fprintf(stderr, "litmus export: --phase %d: want a phase number (1 = the first), or 0 for all\n", *phase)
		return errUsage
	}
	if err := cfg.Validate(config.ScopeResults); err != nil {
		return err
	}
	cfg.Pages = pagesFor(cfg.Pages, cfg.DB)
	ps, err := loadPages(cfg.Pages, cfg.BaseURL)
	if err != nil {
		return pageError(err, cfg.Pages)
	}
	st, err := openExistingDB(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()

	page, err := exportPage(ctx, st, ps, *slug)
	if err != nil {
		return err
	}
	if *phase > 0 {
		phases, err := st.Phases(ctx, page)
		if err != nil {
			return err
		}
		if *phase > len(phases) {
			return fmt.Errorf("page %s has %d test phases, so there is no phase %d; `litmus results --page %s --all-phases` lists them", page, len(phases), *phase, page)
		}
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	if *format == "json" {
		err = results.WriteNDJSON(ctx, st, page, *phase, out)
	} else {
		var fields []string
		if fields, err = exportFields(ctx, st, ps, page); err == nil {
			err = results.WriteCSV(ctx, st, page, fields, *phase, out)
		}
	}
	if err != nil {
		return err
	}
	return out.Flush()
}

// exportPage decides which page to export: the one asked for, else the only page, else the
// only page with signups. A page no longer in the page files can still be exported while
// the database holds its signups.
func exportPage(ctx context.Context, st *store.Store, ps []*pages.Page, slug string) (string, error) {
	withSignups, err := pagesWithSignups(ctx, st, ps)
	if err != nil {
		return "", err
	}
	if slug != "" {
		for _, p := range ps {
			if p.Slug == slug {
				return slug, nil
			}
		}
		if has, err := hasSignups(ctx, st, slug); err != nil || has {
			return slug, err
		}
		return "", fmt.Errorf("no page %q has signups in this database; %s", slug, listPages(withSignups))
	}
	switch {
	case len(ps) == 1:
		return ps[0].Slug, nil
	case len(withSignups) == 1:
		return withSignups[0], nil
	case len(withSignups) == 0:
		return "", fmt.Errorf("no page has signups yet, so there is nothing to export")
	}
	return "", fmt.Errorf("choose a page with --page: %s", listPages(withSignups))
}

func listPages(slugs []string) string {
	if len(slugs) == 0 {
		return "no page has signups yet"
	}
	return "pages with signups: " + strings.Join(slugs, ", ")
}

func pagesWithSignups(ctx context.Context, st *store.Store, ps []*pages.Page) ([]string, error) {
	var slugs []string
	for _, p := range ps {
		has, err := hasSignups(ctx, st, p.Slug)
		if err != nil {
			return nil, err
		}
		if has {
			slugs = append(slugs, p.Slug)
		}
	}
	return slugs, nil
}

func hasSignups(ctx context.Context, st *store.Store, slug string) (bool, error) {
	rows, err := st.LatestSignups(ctx, slug, 1)
	return len(rows) > 0, err
}

// exportFields is the page's form fields in page-file order, or, for a page whose file is
// gone, every field its stored signups have.
func exportFields(ctx context.Context, st *store.Store, ps []*pages.Page, slug string) ([]string, error) {
	for _, p := range ps {
		if p.Slug == slug {
			return results.FieldNames(p), nil
		}
	}
	return results.StoredFieldNames(ctx, st, slug)
}
