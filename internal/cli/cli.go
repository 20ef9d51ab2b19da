// Package cli holds Litmus's subcommands (serve, check, results, export, note, forget, backup,
// restore, version): flag parsing, wiring the packages together, and what each prints. The
// root main.go only calls Run, so every command can be run in-process by tests.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/litmuslabs/litmus/internal/problem"
)

// Build names the binary: the version main.go carries (or -ldflags sets) and the commit.
type Build struct {
	Version, Revision string
}

// Run is the whole program, with its dependencies passed in so tests can run it in-process.
func Run(ctx context.Context, b Build, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runWith(ctx, b.withVCS(), args, getenv, stdout, stderr)
}

// ExitCode maps Run's error to the process exit status, printing an error a person should
// read: 0 for success and -h, 2 for a command-line mistake (already explained), 1 otherwise.
func ExitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	default:
		fmt.Fprintln(stderr, "litmus:", say(err))
		return 1
	}
}

// say is what a person reads about err: its problem.Message when it has one (no package
// prefixes, no internal chain), else the error whole (the commands' own errors are written
// for people).
func say(err error) string {
	if m := problem.Message(err); m != "" {
		return m
	}
	return err.Error()
}

// errUsage marks a mistake in the command line, already explained on stderr (exit code 2).
var errUsage = errors.New("usage")

// command is one subcommand.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

func commands(b Build) []command {
	return []command{
		{"serve", "serve the landing pages (the default command)", func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
			return runServe(ctx, b, args, getenv, stdout, stderr)
		}},
		{"check", "validate page files and report every problem with file and line", runCheck},
		{"results", "print each page's numbers and verdict (the admin's, without the server)", runResults},
		{"export", "write a page's signups as CSV or JSON lines to standard output", runExport},
		{"note", "write what a test phase taught you and what you will do next", runNote},
		{"forget", "erase every signup of an email address (an erasure request)", runForget},
		{"backup", "copy the database to a file while the server runs", runBackup},
		{"restore", "put a backup back in place of the database (server stopped)", runRestore},
		{"version", "print the version", func(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
			return runVersion(b, args, stdout, stderr)
		}},
	}
}

func runWith(ctx context.Context, b Build, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	} else if len(args) == 1 {
		// Alone, these are what a newcomer types first; they name the program, not serve.
		switch args[0] {
		case "-h", "-help", "--help":
			name, args = "help", nil
		case "-v", "-version", "--version":
			name, args = "version", nil
		}
	}
	if name == "help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands(b) {
		if c.name == name {
			return c.run(ctx, args, getenv, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "litmus: unknown command %q\n\n", name)
	usage(stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Litmus serves landing pages for an idea that is not built yet, splits visitors
between variants of the pitch, collects signups, and tells you whether demand
cleared the bar you set before you started.

Usage: litmus [command] [flags]

Commands:
`)
	for _, c := range commands(Build{}) {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "litmus COMMAND -h" for a command's flags and environment variables,
"litmus --version" for the version.
Quick start: "litmus" copies the example pages into data/pages (beside the database) and
serves them on http://localhost:8080; edit them in the browser at /admin.
`)
}

// newFlagSet returns a flag set whose -h prints the command's usage, description and flags.
func newFlagSet(name, args, description string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("litmus "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n == 0 { // check and version take no flags: no empty "Flags" heading
			fmt.Fprintf(stderr, "Usage: litmus %s%s\n\n%s\n", name, args, description)
			return
		}
		fmt.Fprintf(stderr, "Usage: litmus %s [flags]%s\n\n%s\n\nFlags (defaults come from the environment variables in brackets):\n", name, args, description)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args and maps a bad flag to errUsage (the flag package already printed
// what was wrong and the usage).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func runVersion(b Build, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", "Print the version (and the commit it was built from).", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(stdout, b.String())
	return nil
}

// String is what `litmus version` prints: "litmus 0.2.0 (abc1234)".
func (b Build) String() string {
	if b.Revision == "" {
		return "litmus " + b.Version
	}
	return "litmus " + b.Version + " (" + b.Revision + ")"
}
