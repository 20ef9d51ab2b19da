package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// runResults implements `litmus results [--page SLUG] [--json]`: the admin's numbers and
// verdict in the terminal, read from the database file. The server need not run (nor stop:
// SQLite's WAL mode lets this read while it writes).
func runResults(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("results", "", "Print each page's visitors, signups and rates per variant, the comparison with the control,\n"+
		"the split check and the verdict against the pass bar: the numbers of /admin, without the server.\n"+
		"The page files (LITMUS_PAGES, else the built-in examples) say which variants and bar each page has.\n"+
		"--json prints what the API answers: GET /api/v1/pages, or with --page GET /api/v1/pages/SLUG/results (docs/api.md).", stderr)
	cfg, err := config.Register(fs, config.ScopeResults, getenv)
	if err != nil {
		return err
	}
	slug := fs.String("page", "", "only this page (its slug, as in its URL)")
	asJSON := fs.Bool("json", false, "print JSON, as the API answers, instead of a table")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "litmus results: unexpected argument %q (to choose a page, use --page %s)\n", fs.Arg(0), fs.Arg(0))
		return errUsage
	}
	if err := cfg.Validate(config.ScopeResults); err != nil {
		return err
	}
	ps, err := loadPages(cfg.Pages, cfg.BaseURL)
	if err != nil {
		return pageError(err, cfg.Pages)
	}
	if *slug != "" {
		p, err := findPage(ps, *slug, cfg.Pages)
		if err != nil {
			return err
		}
		ps = []*pages.Page{p}
	}
	st, err := openExistingDB(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()

	now := time.Now()
	if *asJSON {
		return printResultsJSON(ctx, st, ps, *slug != "", now, stdout)
	}
	for i, p := range ps {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		e, newer, err := results.OfflineEntry(ctx, st, p)
		if errors.Is(err, results.ErrNotServed) && *slug == "" {
			fmt.Fprintf(stdout, "/%s — %s\n  No results yet: %s\n", p.Slug, p.Title, strings.TrimPrefix(err.Error(), results.ErrNotServed.Error()+": "))
			continue
		}
		if err != nil {
			return notServed(err)
		}
		r, err := results.Page(ctx, st, e, now)
		if err != nil {
			return err
		}
		printResults(stdout, r, newer)
	}
	return nil
}

// printResultsJSON prints the list of pages (handlers.PageList) or, for one page asked for
// by name, its results document.
func printResultsJSON(ctx context.Context, st *store.Store, ps []*pages.Page, one bool, now time.Time, stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if one {
		e, _, err := results.OfflineEntry(ctx, st, ps[0])
		if err != nil {
			return notServed(err)
		}
		r, err := results.Page(ctx, st, e, now)
		if err != nil {
			return err
		}
		return enc.Encode(r)
	}
	list := handlers.PageList{Pages: []results.Summary{}}
	for _, p := range ps {
		e, _, err := results.OfflineEntry(ctx, st, p)
		if errors.Is(err, results.ErrNotServed) {
			// Never served: nothing counted yet, as the server would show it.
			e = &site.Entry{Page: p, Weights: p.Weights()}
		} else if err != nil {
			return err
		}
		sum, err := results.Summarize(ctx, st, e, now)
		if err != nil {
			return err
		}
		list.Pages = append(list.Pages, sum)
	}
	return enc.Encode(list)
}

// notServed strips the sentinel's prefix from an ErrNotServed error, whose message already
// says what to do.
func notServed(err error) error {
	if errors.Is(err, results.ErrNotServed) {
		return errors.New(strings.TrimPrefix(err.Error(), results.ErrNotServed.Error()+": "))
	}
	return err
}

// printResults writes one page's results as a founder reads them in a terminal.
func printResults(w io.Writer, r results.Results, newer bool) {
	fmt.Fprintf(w, "/%s — %s\n", r.Page, r.Title)
	fmt.Fprintf(w, "Test phase %d, live since %s (%s)\n", r.Phase.ID, r.Phase.StartedAt.Format("2 Jan 2006, 15:04 UTC"), results.Days(r.Phase.Days))
	bar := fmt.Sprintf("Your bar: at least %s of visitors sign up, judged after %s visitors", results.Percent(r.PassBar.TargetRate), results.Count(int64(r.PassBar.MinVisitors)))
	if r.PassBar.MinDays > 0 {
		bar += fmt.Sprintf(" and %d days", r.PassBar.MinDays)
	}
	fmt.Fprintln(w, bar)
	if newer {
		fmt.Fprintln(w, "Note: the server runs a newer version of this page than the page file here; these are the results of the file's version.")
	}
	fmt.Fprintln(w)

	header := []string{"VARIANT", "VISITORS", "SIGNUPS", "RATE", "95% RANGE"}
	if r.Trustworthy {
		header = append(header, "LIFT VS CONTROL", "95% RANGE", "P (CORRECTED)", "BEATS CONTROL")
	}
	rows := [][]string{header}
	for _, v := range r.Variants {
		name := v.ID
		if v.Control {
			name += " (control)"
		}
		row := []string{name, results.Count(v.Visitors), results.Count(v.Signups), "–", ""}
		if v.Visitors > 0 {
			row[3], row[4] = results.Percent(v.Rate), results.Range(v.CILow, v.CIHigh)
		}
		if r.Trustworthy {
			row = append(row, comparisonCells(v, r.Variants[0].Visitors > 0)...)
		}
		rows = append(rows, row)
	}
	total := []string{"all variants", results.Count(r.Verdict.Visitors), results.Count(r.Verdict.Signups), "–", ""}
	if r.Verdict.Visitors > 0 {
		total[3] = results.Percent(r.Verdict.Rate)
	}
	rows = append(rows, total)
	writeTable(w, rows, map[int]bool{1: true, 2: true, 3: true, 5: true, 7: true, 8: true})
	fmt.Fprintln(w)

	if !r.Trustworthy {
		fmt.Fprintf(w, "NO VERDICT — the numbers can't be trusted yet. %s\n", r.SRM.Message)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(results.VerdictLabel(r.Verdict.Kind, false)), r.Verdict.Sentence)
	fmt.Fprintf(w, "Split check: %s\n", r.SRM.Message)
	for _, v := range r.Variants {
		if !v.Control {
			fmt.Fprintf(w, "%s: %s\n", v.ID, v.Sentence)
		}
	}
}

// comparisonCells are a variant's lift, its range, the corrected p-value and the chance it
// beats the control; dashes for the control, for numbers that do not exist, and when either
// side has no visitors (a p-value of 1 then says nothing).
func comparisonCells(v stats.VariantReport, controlSeen bool) []string {
	cells := []string{"–", "", "–", "–"}
	if v.Control || v.Visitors == 0 || !controlSeen {
		return cells
	}
	if v.Lift != nil {
		cells[0] = results.SignedPercent(*v.Lift)
	}
	if v.LiftLow != nil && v.LiftHigh != nil {
		cells[1] = results.SignedRange(*v.LiftLow, *v.LiftHigh)
	}
	if v.PValueAdjusted != nil {
		cells[2] = results.PValue(*v.PValueAdjusted)
		if v.Significant {
			cells[2] += " (clear)"
		}
	}
	if v.ProbBeatControl != nil {
		cells[3] = results.Chance(*v.ProbBeatControl)
	}
	return cells
}

// writeTable writes rows as aligned columns, two spaces apart; the columns in right are
// right-aligned (numbers). Widths count characters, not bytes ("–", "−").
func writeTable(w io.Writer, rows [][]string, right map[int]bool) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// findPage returns the page with slug, or an error naming the pages there are.
func findPage(ps []*pages.Page, slug, dir string) (*pages.Page, error) {
	var slugs []string
	for _, p := range ps {
		if p.Slug == slug {
			return p, nil
		}
		slugs = append(slugs, p.Slug)
	}
	return nil, fmt.Errorf("no page %q in %s; the pages are: %s", slug, describeDir(dir), strings.Join(slugs, ", "))
}

// openExistingDB opens the database at path for the offline commands. It never creates
// one: a mistyped LITMUS_DB must say so, not show an empty database's zeros.
func openExistingDB(path string) (*store.Store, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("no database at %s — has `litmus serve` run yet? (set LITMUS_DB or --db to the file it uses)", path)
	case err != nil:
		return nil, fmt.Errorf("database %s: %w", path, err)
	case info.IsDir():
		return nil, fmt.Errorf("database %s is a directory; LITMUS_DB must name the SQLite file, e.g. data/litmus.db", path)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return st, nil
}
