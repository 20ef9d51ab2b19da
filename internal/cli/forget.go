package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/notify"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
	"github.com/litmuslabs/litmus/pages"
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
	// The erasure reaches the tools the signups were sent to: signup.erased goes in the
	// outbox for the same receivers `litmus serve` uses, and the server delivers it.
	st, err := openExistingDBWith(cfg.DB, store.Options{Route: erasureRoute(cfg.DB, getenv, stderr)})
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

// erasureRoute routes signup.erased as `litmus serve` would: LITMUS_WEBHOOK_URL and the
// [[webhooks]] of the page files serve uses (LITMUS_PAGES, else the pages folder beside the
// database db). Page files that do not load leave only the global receiver, with a warning.
func erasureRoute(db string, getenv func(string) string, stderr io.Writer) store.Route {
	global := strings.TrimSpace(getenv("LITMUS_WEBHOOK_URL"))
	if global != "" && webhook.CheckURL(global) != "" {
		fmt.Fprintf(stderr, "litmus forget: LITMUS_WEBHOOK_URL %s; no erasure webhook is sent there\n", webhook.CheckURL(global))
		global = ""
	}
	hooks := map[string][]pages.Webhook{}
	ps, err := loadPages(pagesFor(strings.TrimSpace(getenv("LITMUS_PAGES")), db), strings.TrimSpace(getenv("LITMUS_BASE_URL")))
	if err != nil {
		fmt.Fprintf(stderr, "litmus forget: the page files did not load, so only LITMUS_WEBHOOK_URL hears of the erasure: %v\n", err)
	}
	for _, p := range ps {
		hooks[p.Slug] = p.Webhooks
	}
	return func(page, event string) []string { return notify.Receivers(global, hooks[page], event) }
}
