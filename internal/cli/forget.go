package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/litmuslabs/litmus/internal/config"
)

// runForget implements `litmus forget EMAIL`: erase every signup of a person, on every
// page (an erasure request), as the admin's "Forget a person" form does.
func runForget(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("forget", " EMAIL", "Erase every signup of EMAIL, on every page, and print how many were erased.\n"+
		"Their answers to thank-you questions, share codes and unsent confirmation mails go too.\n"+
		"The totals in the results keep counting them: they hold no personal data.\n"+
		"Backups made earlier still hold the address; delete or re-make them too.", stderr)
	cfg, err := config.Register(fs, config.ScopeDB, getenv)
	if err != nil {
		return err
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		fmt.Fprintln(stderr, "litmus forget: give one email address, e.g. litmus forget ada@example.com")
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
	erased, err := st.Forget(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	n, addr := erased.Signups, erased.Address
	switch n {
	case 0:
		fmt.Fprintf(stdout, "No signups of %s found; nothing was erased.\n", addr)
	case 1:
		fmt.Fprintf(stdout, "Erased 1 signup of %s. Backups made before now still hold it.\n", addr)
	default:
		fmt.Fprintf(stdout, "Erased %d signups of %s, on every page. Backups made before now still hold them.\n", n, addr)
	}
	return nil
}
