package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/litmuslabs/litmus/pages"
)

// runCheck implements `litmus check [DIR]`: validate page files and report every problem as
// file:line: message, exiting non-zero when there is one. With no DIR it checks LITMUS_PAGES,
// or the built-in examples.
func runCheck(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", " [DIR]", "Validate the page files in DIR (default: $LITMUS_PAGES, else the built-in examples)\nand print every problem with its file and line. Page domains are checked against\n$LITMUS_BASE_URL, the main site.", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	dir := getenv("LITMUS_PAGES")
	switch fs.NArg() {
	case 0:
	case 1:
		dir = fs.Arg(0)
	default:
		fmt.Fprintln(stderr, "litmus check: give at most one directory")
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
	}
	return nil
}

// loadPages loads the page files in dir, or the built-in examples when dir is "", and checks
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
	if err != nil {
		return nil, fmt.Errorf("page directory %s: %w (set LITMUS_PAGES to a directory of .toml page files)", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("page directory %s is a file; LITMUS_PAGES must name a directory of .toml page files", dir)
	}
	ps, err := pages.LoadDir(os.DirFS(dir), ".")
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		for i := range perrs { // name files as the founder would type them
			perrs[i].File = filepath.Join(dir, perrs[i].File)
		}
		return nil, perrs
	}
	return ps, err
}

func describeDir(dir string) string {
	if dir == "" {
		return "the built-in example pages"
	}
	return dir
}
