package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/store"
)

// runNote implements `litmus note --page SLUG [--phase N] [TEXT]`: write the founder's note
// on a test phase (what it taught, what comes next), as the admin's note form does. Without
// TEXT it prints the note; --clear removes it. The server may keep running: SQLite takes
// the write between its own.
func runNote(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("note", " [TEXT]", "Write your note on a test phase of a page: what it taught you and what you will do next,\n"+
		"shown in the admin's history, in `litmus results` and in the API. It replaces the phase's note.\n"+
		"Without TEXT it prints the note. The phase is the current one unless --phase says which.\n"+
		"Example: litmus note --page chaser --phase 1 \"priced variant won; next: test €9 vs €19\"", stderr)
	cfg, err := config.Register(fs, config.ScopeDB, getenv)
	if err != nil {
		return err
	}
	slug := fs.String("page", "", "the page (its slug, as in its URL); required")
	phase := fs.Int("phase", 0, "the test phase (1 = the page's first); default: the current one")
	clearNote := fs.Bool("clear", false, "remove the phase's note")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	switch {
	case *slug == "":
		fmt.Fprintln(stderr, "litmus note: say which page with --page SLUG, e.g. litmus note --page chaser \"what I learned\"")
		return errUsage
	case *phase < 0:
		fmt.Fprintln(stderr, "litmus note: --phase takes a phase number (1 = the first)")
		return errUsage
	case *clearNote && text != "":
		fmt.Fprintln(stderr, "litmus note: --clear removes the note; give either --clear or the text")
		return errUsage
	}
	if err := cfg.Validate(config.ScopeDB); err != nil {
		return err
	}
	st, err := openExistingDB(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	phases, err := st.Phases(ctx, *slug)
	if err != nil {
		return err
	}
	if len(phases) == 0 {
		return fmt.Errorf("the database has no test of a page called %q; `litmus results` lists the pages", *slug)
	}
	n := *phase
	if n == 0 {
		n = phases[0].Number
	}
	if n > len(phases) {
		return fmt.Errorf("/%s has %d test phases, so there is no phase %d; `litmus results --page %s --all-phases` lists them", *slug, len(phases), n, *slug)
	}
	if text == "" && !*clearNote {
		if note := phases[len(phases)-n].Note; note != "" {
			fmt.Fprintln(stdout, note)
		} else {
			fmt.Fprintf(stdout, "Phase %d of /%s has no note yet.\n", n, *slug)
		}
		return nil
	}
	p, err := st.SetPhaseNote(ctx, *slug, n, text)
	if errors.Is(err, store.ErrInvalid) {
		return fmt.Errorf("the note was not saved: %s", strings.TrimPrefix(err.Error(), "store: invalid input: "))
	}
	if err != nil {
		return err
	}
	if p.Note == "" {
		fmt.Fprintf(stdout, "Removed the note of phase %d of /%s.\n", p.Number, *slug)
	} else {
		fmt.Fprintf(stdout, "Saved the note of phase %d of /%s.\n", p.Number, *slug)
	}
	return nil
}
