package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/pages"
)

// runCheck implements `litmus check [DIR|FILE]`: validate page files and report every
// problem as file:line: message, exiting non-zero when there is one. With no argument it
// checks the pages serve would load: LITMUS_PAGES, else the pages folder beside the
// database, else the built-in examples.
func runCheck(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", " [DIR|FILE]", "Validate the page files in DIR, or the one page file FILE (default: $LITMUS_PAGES, else the pages\nfolder beside the database, else the built-in examples), and print every problem with its file and line.\nPage domains are checked against $LITMUS_BASE_URL, the main site.", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	db := getenv("LITMUS_DB")
	if db == "" {
		db = "data/litmus.db"
	}
	dir := pagesFor(getenv("LITMUS_PAGES"), db)
	switch fs.NArg() {
	case 0:
	case 1:
		dir = fs.Arg(0)
	default:
		fmt.Fprintln(stderr, "litmus check: give at most one directory or file")
		return errUsage
	}
	ps, err := loadPages(dir, getenv("LITMUS_BASE_URL"))
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		for _, e := range perrs {
			fmt.Fprintln(stdout, e.Error())
		}
		return fmt.Errorf("%d problem(s) in %s", len(perrs), describeDir(dir))
	}
	if err != nil {
		return err
	}
	for _, p := range ps {
		where := pages.URLsOf(p, "").Named
		switch {
		case len(p.Domains) > 0:
			where = pages.URLsOf(p, "").Public + " (" + p.Slug + ")"
		case p.Default:
			where += " (default page, served at /)"
		}
		fmt.Fprintf(stdout, "ok  %s: %d variants, bar %.4g%% after %d visitors\n", where, len(p.Variants), p.PassBar.TargetRate*100, p.PassBar.MinVisitors)
		// What this bar and minimum can detect, from the always-valid test.
		plan := stats.PlanFor(stats.PassBar{TargetRate: p.PassBar.TargetRate, MinVisitors: int64(p.PassBar.MinVisitors), MinDays: p.PassBar.MinDays})
		fmt.Fprintf(stdout, "    %s\n", plan.Sentence)
	}
	return nil
}

// pagesFor is the page directory the commands use: the one configured (LITMUS_PAGES or
// --pages), else the pages folder beside the database if it exists (serve creates it),
// else "" for the built-in examples.
func pagesFor(configured, db string) string {
	if configured != "" {
		return configured
	}
	if def := pagedir.DefaultPath(db); isDir(def) {
		return def
	}
	return ""
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// loadPages loads the page files in dir, the one page file dir names, or the built-in
// examples when dir is "", and checks
// their domains against the main site's address (LITMUS_BASE_URL).
func loadPages(dir, baseURL string) ([]*pages.Page, error) {
	ps, err := loadPageFiles(dir)
	if err != nil {
		return nil, err
	}
	if perrs := pages.CheckBaseURL(ps, baseURL); perrs != nil {
		if dir != "" {
			for i := range perrs {
				perrs[i].File = filepath.Join(dir, perrs[i].File)
			}
		}
		return nil, perrs
	}
	return ps, nil
}

func loadPageFiles(dir string) ([]*pages.Page, error) {
	if dir == "" {
		return pages.LoadExamples()
	}
	info, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("page directory %s does not exist. Create it and put your .toml page files in it "+
			"(mkdir -p %s, then `litmus check %s`), or unset LITMUS_PAGES: Litmus then keeps editable pages in a folder "+
			"named pages beside the database, filled with the examples on first start", dir, dir, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("page directory %s: %w (set LITMUS_PAGES to a directory of .toml page files)", dir, err)
	}
	var ps []*pages.Page
	if info.IsDir() {
		ps, err = pages.LoadDir(os.DirFS(dir), ".")
	} else {
		ps, err = loadOneFile(dir)
	}
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		for i := range perrs { // name files as the founder would type them
			if info.IsDir() {
				perrs[i].File = filepath.Join(dir, perrs[i].File)
			} else {
				perrs[i].File = dir
			}
		}
		return nil, perrs
	}
	return ps, err
}

// loadOneFile checks a single page file on its own, as the only page of a directory.
func loadOneFile(file string) ([]*pages.Page, error) {
	if ext := filepath.Ext(file); ext != ".toml" && ext != ".TOML" {
		return nil, fmt.Errorf("%s is not a page file: page files end in .toml (give a directory to check all of them)", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 256<<10+1))
	if err != nil {
		return nil, err
	}
	return pages.LoadSources(map[string][]byte{"page.toml": data})
}

func describeDir(dir string) string {
	if dir == "" {
		return "the built-in example pages"
	}
	return dir
}
