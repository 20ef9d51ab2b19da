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

	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/problem"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// runResults implements `litmus results [--page SLUG] [--phase N | --all-phases] [--json]`:
// the admin's numbers and verdict in the terminal, read from the database file. The server
// need not run (nor stop: SQLite's WAL mode lets this read while it writes).
func runResults(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("results", "", "Print each page's visitors, signups and rates per variant, the comparison with the control,\n"+
		"the split check and the verdict against the pass bar: the numbers of /admin, without the server.\n"+
		"The page files (LITMUS_PAGES, else the pages folder beside the database, else the built-in examples) say which variants and bar each page has;\n"+
		"a page the files lack is read from its latest test in the database (--page SLUG).\n"+
		"--phase N prints an earlier test phase of the page as it ended, with the words its visitors read;\n"+
		"--all-phases lists every phase: dates, numbers, verdict, what changed and your note.\n"+
		"--json prints what the API answers: GET /api/v1/pages, or with --page GET /api/v1/pages/SLUG/results,\n"+
		"/phases/N/results with --phase, /phases with --all-phases (docs/api.md).", stderr)
	cfg, err := config.Register(fs, config.ScopeResults, getenv)
	if err != nil {
		return err
	}
	slug := fs.String("page", "", "only this page (its slug, as in its URL)")
	asJSON := fs.Bool("json", false, "print JSON, as the API answers, instead of a table")
	phase := fs.Int("phase", 0, "this test phase of the page (1 = its first), instead of the current one")
	allPhases := fs.Bool("all-phases", false, "list every test phase of the page, newest first")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *phase < 0 || (*phase > 0 && *allPhases) {
		fmt.Fprintln(stderr, "litmus results: --phase takes a phase number (1 = the first), and --all-phases lists them all; use one of the two")
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "litmus results: unexpected argument %q (to choose a page, use --page %s)\n", fs.Arg(0), fs.Arg(0))
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
	stored, err := st.PageSlugs(ctx)
	if err != nil {
		return err
	}
	if *slug != "" {
		p, err := findPage(ps, *slug, cfg.Pages)
		if err != nil {
			if p, err = pageFromDB(ctx, st, *slug, ps, stored, cfg.Pages, stderr); err != nil {
				return err
			}
		}
		ps = []*pages.Page{p}
	}

	now := time.Now()
	if *phase > 0 || *allPhases {
		if *slug == "" && len(ps) != 1 {
			fmt.Fprintln(stderr, "litmus results: --phase and --all-phases are about one page: add --page SLUG")
			return errUsage
		}
		return printHistory(ctx, st, ps[0], *phase, *asJSON, now, stdout)
	}
	if *asJSON {
		return printResultsJSON(ctx, st, ps, *slug != "", now, stdout)
	}
	for i, p := range ps {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		e, newer, err := results.OfflineEntry(ctx, st, p)
		if errors.Is(err, results.ErrNotServed) && *slug == "" {
			fmt.Fprintf(stdout, "/%s — %s\n  No results yet: %s\n", p.Slug, p.Title, problem.Message(err))
			continue
		}
		if err != nil {
			return err
		}
		r, err := results.Page(ctx, st, e, now)
		if err != nil {
			return err
		}
		printResults(stdout, r, newer)
	}
	if *slug == "" {
		hintOtherPages(ps, stored, cfg.Pages, stdout)
	}
	return nil
}

// pageFromDB rebuilds page slug from its latest test phase in the database when the page
// files lack it (a page that was removed or renamed, or another directory of page files), and
// says so on stderr; else it returns an error naming the pages of both.
func pageFromDB(ctx context.Context, st *store.Store, slug string, ps []*pages.Page, stored []string, dir string, stderr io.Writer) (*pages.Page, error) {
	phases, err := st.Phases(ctx, slug)
	if err != nil {
		return nil, err
	}
	if len(phases) == 0 {
		var inFiles []string
		for _, p := range ps {
			inFiles = append(inFiles, p.Slug)
		}
		return nil, fmt.Errorf("no page %q in %s (pages: %s) nor in the database (pages: %s)",
			slug, describeDir(dir), strings.Join(inFiles, ", "), orNone(stored))
	}
	p, err := pages.FromDefinition(slug, phases[0].Definition)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "Note: /%s is not in %s; these are the results of its latest test, as the database recorded it.\n", slug, describeDir(dir))
	return p, nil
}

// hintOtherPages names the pages the database holds results of that the page files lack.
func hintOtherPages(ps []*pages.Page, stored []string, dir string, stdout io.Writer) {
	var other []string
	for _, slug := range stored {
		found := false
		for _, p := range ps {
			found = found || p.Slug == slug
		}
		if !found {
			other = append(other, slug)
		}
	}
	if len(other) > 0 {
		fmt.Fprintf(stdout, "\nThe database also holds results of pages not in %s: %s. See one with `litmus results --page %s`.\n",
			describeDir(dir), strings.Join(other, ", "), other[0])
	}
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}

// printResultsJSON prints the list of pages (results.PageList) or, for one page asked for
// by name, its results document.
func printResultsJSON(ctx context.Context, st *store.Store, ps []*pages.Page, one bool, now time.Time, stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if one {
		e, _, err := results.OfflineEntry(ctx, st, ps[0])
		if err != nil {
			return err
		}
		r, err := results.Page(ctx, st, e, now)
		if err != nil {
			return err
		}
		return enc.Encode(r)
	}
	list := results.PageList{Pages: []results.Summary{}}
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

// printHistory prints phase n of page p (n > 0), or every phase of it (n == 0).
func printHistory(ctx context.Context, st *store.Store, p *pages.Page, n int, asJSON bool, now time.Time, stdout io.Writer) error {
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if n > 0 {
		r, ok, err := results.PhaseResults(ctx, st, p, n, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("/%s has no test phase %d; `litmus results --page %s --all-phases` lists them", p.Slug, n, p.Slug)
		}
		if asJSON {
			return enc.Encode(r)
		}
		printResults(stdout, r, false)
		return nil
	}
	list, err := results.History(ctx, st, p.Slug, now)
	if err != nil {
		return err
	}
	if asJSON {
		return enc.Encode(results.PhaseList{Page: p.Slug, Phases: list})
	}
	fmt.Fprintf(stdout, "/%s — %s\n", p.Slug, p.Title)
	if len(list) == 0 {
		fmt.Fprintln(stdout, "No test phases yet: the server has not served this page with this database.")
	}
	for _, ph := range list {
		fmt.Fprintln(stdout)
		printPhaseLine(stdout, ph)
	}
	return nil
}

// printPhaseLine writes one phase of a page's history.
func printPhaseLine(w io.Writer, ph results.PhaseSummary) {
	when := "since " + ph.StartedAt.Format("2 Jan 2006") + " (current)"
	if ph.EndedAt != nil {
		when = ph.StartedAt.Format("2 Jan 2006") + " – " + ph.EndedAt.Format("2 Jan 2006")
	}
	rate := "–"
	if ph.Visitors > 0 {
		rate = results.Percent(ph.Rate)
	}
	fmt.Fprintf(w, "Phase %d, %s: %s visitors, %s signups, %s. %s\n", ph.Number, when,
		results.Count(ph.Visitors), results.Count(ph.Signups), rate, results.VerdictLabel(ph.Verdict, ph.Withheld))
	if ph.Decision != nil {
		fmt.Fprintf(w, "  Decision: %s\n", ph.Decision.Sentence)
	}
	if ph.Promise != "" {
		fmt.Fprintf(w, "  You promised: %s\n", ph.Promise)
	}
	for _, c := range ph.Changes {
		fmt.Fprintf(w, "  Changed: %s\n", c.Text)
	}
	if ph.Note != "" {
		fmt.Fprintf(w, "  Note: %s\n", strings.ReplaceAll(ph.Note, "\n", "\n        "))
	}
}

// printResults writes one page's results as a founder reads them in a terminal.
func printResults(w io.Writer, r results.Results, newer bool) {
	fmt.Fprintf(w, "/%s — %s\n", r.Page, r.Title)
	if r.Phase.Current {
		fmt.Fprintf(w, "Test phase %d, live since %s (%s)\n", r.Phase.Number, r.Phase.StartedAt.Format("2 Jan 2006, 15:04 UTC"), results.Days(r.Phase.Days))
	} else {
		fmt.Fprintf(w, "Test phase %d, ran from %s to %s (%s); the page has changed since\n", r.Phase.Number,
			r.Phase.StartedAt.Format("2 Jan 2006, 15:04 UTC"), r.Phase.EndedAt.Format("2 Jan 2006, 15:04 UTC"), results.Days(r.Phase.Days))
	}
	for _, c := range r.Phase.Changes {
		fmt.Fprintf(w, "Changed from phase %d: %s\n", r.Phase.Number-1, c.Text)
	}
	act := "sign up"
	if r.Counts == pages.CountsConfirmed {
		act = "sign up and confirm their address (the SIGNUPS column counts confirmed signups)"
	}
	bar := fmt.Sprintf("Your bar: at least %s of visitors %s, judged after %s visitors", results.Percent(r.PassBar.TargetRate), act, results.Count(int64(r.PassBar.MinVisitors)))
	if r.PassBar.MinDays > 0 {
		bar += fmt.Sprintf(" and %d days", r.PassBar.MinDays)
	}
	fmt.Fprintln(w, bar)
	if r.PassBar.IfValidated != "" || r.PassBar.IfInvalidated != "" {
		fmt.Fprintf(w, "You promised: if validated, %s; if invalidated, %s\n", orDash(r.PassBar.IfValidated), orDash(r.PassBar.IfInvalidated))
	}
	if r.Phase.Note != "" {
		fmt.Fprintf(w, "Your note: %s\n", r.Phase.Note)
	}
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

	if r.SRMAlarm != nil {
		fmt.Fprintf(w, "Split check: %s\n", r.SRMAlarm.Sentence)
	}
	if !r.Trustworthy {
		fmt.Fprintf(w, "NO VERDICT — the numbers can't be trusted yet. %s\n", r.SRM.Message)
		printSignals(w, r)
		return
	}
	if r.Decision != nil { // the recorded first verdict stands
		fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(results.VerdictLabel(stats.VerdictKind(r.Decision.Kind), false)), r.Decision.Sentence)
		numbers := "Today's numbers"
		if !r.Phase.Current {
			numbers = "Its final numbers"
		}
		fmt.Fprintf(w, "%s: %s\n", numbers, r.Verdict.Sentence)
	} else {
		fmt.Fprintf(w, "%s: %s\n", strings.ToUpper(results.VerdictLabel(r.Verdict.Kind, false)), r.Verdict.Sentence)
	}
	fmt.Fprintf(w, "Plan: %s\n", r.Plan.Sentence)
	if r.Promise != "" {
		fmt.Fprintf(w, "You promised to: %s\n", r.Promise)
	}
	fmt.Fprintf(w, "Split check: %s\n", r.SRM.Message)
	for _, v := range r.Variants {
		if !v.Control {
			fmt.Fprintf(w, "%s: %s\n", v.ID, v.Sentence)
		}
	}
	printSignals(w, r)
}

// printSignals prints the page's confirmed signups, share links and question answers.
func printSignals(w io.Writer, r results.Results) {
	if c := r.Confirmation; c != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Confirmed: %s of %s counted signups", results.Count(c.Confirmed), results.Count(c.Signups))
		if c.Signups > 0 {
			fmt.Fprintf(w, " (%s, 95%% range %s)", results.Percent(c.Rate), results.Range(c.CILow, c.CIHigh))
		}
		fmt.Fprintln(w)
		rows := [][]string{{"VARIANT", "SIGNUPS", "CONFIRMED", "RATE"}}
		for _, v := range c.Variants {
			rate := "–"
			if v.Signups > 0 {
				rate = results.Percent(v.Rate)
			}
			rows = append(rows, []string{v.ID, results.Count(v.Signups), results.Count(v.Confirmed), rate})
		}
		writeTable(w, rows, map[int]bool{1: true, 2: true, 3: true})
	}
	if ref := r.Referrals; ref != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Share links: %s referred visitors, %s referred signups", results.Count(ref.ReferredVisitors), results.Count(ref.ReferredSignups))
		if ref.Rate.Signups > 0 {
			fmt.Fprintf(w, "; %.2f signups brought per signup (95%% range %.2f–%.2f)", ref.Rate.Rate, ref.Rate.CILow, ref.Rate.CIHigh)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Without referred visitors: %s: %s\n", strings.ToUpper(results.VerdictLabel(ref.VerdictWithout.Kind, false)), ref.VerdictWithout.Sentence)
	}
	for _, q := range r.Questions {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%s (%s answered)\n", q.Label, results.Count(q.All.Answered))
		if q.Kind == string(pages.QuestionChoice) {
			header := []string{"ANSWER", "ALL"}
			for _, v := range q.Variants {
				header = append(header, strings.ToUpper(v.ID))
			}
			rows := [][]string{header}
			right := map[int]bool{}
			for j, c := range q.All.Choices {
				row := []string{c.Answer, shareCell(c)}
				for _, v := range q.Variants {
					row = append(row, shareCell(v.Choices[j]))
				}
				rows = append(rows, row)
			}
			for i := 1; i < len(header); i++ {
				right[i] = true
			}
			writeTable(w, rows, right)
			continue
		}
		for _, a := range q.Latest {
			fmt.Fprintf(w, "  %s  [%s] %s\n", a.At.Format("2006-01-02 15:04"), a.Variant, strings.ReplaceAll(a.Text, "\n", " "))
		}
	}
}

func shareCell(c results.ChoiceCount) string {
	if c.Count == 0 {
		return "0"
	}
	return fmt.Sprintf("%s (%s)", results.Count(c.Count), results.Percent(c.Share))
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
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
