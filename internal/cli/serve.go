package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/confirmmail"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/linktoken"
	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/notify"
	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// shutdownTimeout bounds a graceful stop: in-flight requests get this long to finish; the
// writer then commits what is queued. fly.toml's kill_timeout is longer than the total.
const shutdownTimeout = 8 * time.Second

// formMinAge, when set, replaces the signup form's time trap minimum (formtoken.MinAge, 2 s)
// with this duration. Only tests set it, so that whole-server tests need not wait 2 s before
// each signup: this package's tests assign it, and the e2e tests link their binary with
// -ldflags "-X github.com/litmuslabs/litmus/internal/cli.formMinAge=0s". No release sets it
// (a variable set at link time is not a setting anyone can change on a running server).
var formMinAge string

// runServe implements `litmus serve`, the default command.
func runServe(ctx context.Context, b Build, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "", "Serve the landing pages on the public address and Prometheus metrics on the metrics address.\n"+
		"The admin password comes from LITMUS_ADMIN_PASSWORD (never a flag: flags show in `ps`).\n"+
		"Webhooks and notifications are set in the environment only (they hold secrets):\n"+
		"LITMUS_WEBHOOK_URL, LITMUS_WEBHOOK_SECRET, LITMUS_NOTIFY_URL, LITMUS_NOTIFY_EMAIL,\n"+
		"LITMUS_SMTP_URL (with LITMUS_MAIL_FROM or --mail-from); see docs/webhooks.md.\n"+
		"\"litmus help\" lists the other commands (check, results, export, note, forget, backup, restore, version).", stderr)
	cfg, err := config.Register(fs, config.ScopeServe, getenv)
	if err != nil {
		return err
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "litmus serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if err := cfg.Validate(config.ScopeServe); err != nil {
		return err
	}
	logger := newLogger(cfg.LogFormat, stderr)
	err = serve(ctx, b, cfg, logger, stdout)
	if err != nil && say(err) != err.Error() {
		// The person reads say(err) (ExitCode); the whole chain goes to the log.
		logger.Error("serve failed", "err", err)
	}
	return err
}

// serve runs the server until ctx is cancelled (SIGINT/SIGTERM), then shuts down gracefully:
// stop accepting, finish requests in flight, flush the writer, close the database. It is
// the three steps below: build, run, shut down.
func serve(ctx context.Context, b Build, cfg *config.Config, logger *slog.Logger, stdout io.Writer) error {
	srv, err := buildServer(ctx, b, cfg, logger, stdout)
	if err != nil {
		return err
	}
	defer srv.st.Close() // a no-op after shutdown's Close
	if err := srv.listen(stdout); err != nil {
		return err
	}
	runErr := srv.run(ctx)
	if err := srv.shutdown(); err != nil {
		return err
	}
	return runErr
}

// server is what serve builds before it listens: the parts run and shutdown use.
type server struct {
	b      Build
	cfg    *config.Config
	logger *slog.Logger
	st     *store.Store
	m      *metrics.Metrics
	theme  *pages.Theme
	holder site.Holder
	app    interface {
		Listener(net.Listener) error
		ShutdownWithContext(context.Context) error
	}
	password  string              // the admin password
	generated bool                // the password was generated, so it is printed once the ports are ours
	haveMail  bool                // a mail server is set (LITMUS_SMTP_URL), so double_opt_in pages may be served
	mailer    *confirmmail.Worker // sends the confirmation mails; nil without a mail server
	outbox    outbox              // webhooks and founder notifications (outbox.go)

	// pages is the page directory: it does every load and reload (start, SIGHUP, --watch,
	// the admin's button, every save in the editor or the page API), one at a time.
	pages        *pagedir.Dir
	pagesDir     string          // its folder; "" for the built-in examples
	started      atomic.Bool     // the first load is done: later loads count as reloads
	pagesChanged <-chan struct{} // --watch: the page files changed (nil without --watch)

	lfs *liteFSNode // set when LITMUS_LITEFS_DIR is: one node of a LiteFS cluster

	// Set by listen.
	pub, met    net.Listener
	metricsSrv  *http.Server
	errc        chan error // a listener that stopped serving
	stopWorkers context.CancelFunc
	workers     sync.WaitGroup // the mail worker, the decision watcher and the outbox's goroutines
}

// buildServer loads the theme and page files, opens the database, builds the site, the
// metrics, the workers (started by listen) and the HTTP app. Nothing listens yet.
func buildServer(ctx context.Context, b Build, cfg *config.Config, logger *slog.Logger, stdout io.Writer) (*server, error) {
	theme, err := loadTheme(cfg.Templates)
	if err != nil {
		return nil, err
	}
	pagesDir, err := servePagesDir(cfg, logger, stdout)
	if err != nil {
		return nil, err
	}
	// Checked before the database is opened, so a broken page folder fails fast and says why.
	ps, err := loadPages(pagesDir, cfg.BaseURL)
	if err != nil {
		return nil, pageError(err, pagesDir)
	}

	// Mail is needed by pages with double_opt_in; without it they would queue confirmation
	// mails that never leave, so the server refuses to start (a reload refuses such pages).
	var sender *mail.Sender
	if cfg.SMTPURL != "" {
		if sender, err = mail.NewFromURL(cfg.SMTPURL, cfg.MailFrom); err != nil {
			return nil, err
		}
	}
	if err := checkMail(ps, sender != nil); err != nil {
		return nil, err
	}
	if cfg.BaseURL == "" && slices.ContainsFunc(ps, func(p *pages.Page) bool { return p.DoubleOptIn && len(p.Domains) == 0 }) {
		logger.Warn("LITMUS_BASE_URL is not set: confirmation links will point at the host name each signup was sent to, " +
			"which a client can choose; set LITMUS_BASE_URL to your site's address in production")
	}

	srv := &server{b: b, cfg: cfg, logger: logger, theme: theme, m: metrics.New(b.Version, b.Revision), haveMail: sender != nil, pagesDir: pagesDir}
	// The outbox's hooks: a stored signup makes delivery yield, a written message wakes it.
	hooks := srv.m.StoreHooks()
	countSignup := hooks.SignupStored
	hooks.SignupStored = func(page, variant string) {
		countSignup(page, variant)
		srv.outbox.signupStored()
	}
	hooks.Outboxed = srv.outbox.wake
	opts := store.Options{
		Logger: logger, Hooks: hooks,
		// Webhooks of signups and erasures go in the outbox in the same transaction.
		Route: notify.Route(cfg.WebhookURL, &srv.holder),
	}
	// load does the first load through the page directory: it builds the site and records
	// each file's text as its first version (on a LiteFS replica it only builds: the
	// primary keeps the history).
	load := func(st *store.Store) error {
		srv.st = st
		srv.pages = pagedir.Open(pagesDir, srv.pageDirOptions())
		return pageError(srv.pages.Reload(ctx), pagesDir)
	}
	if cfg.LiteFSDir == "" {
		st, err := store.Open(cfg.DB, opts)
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", cfg.DB, err)
		}
		if err := load(st); err != nil {
			st.Close()
			return nil, err
		}
	} else {
		if srv.lfs, err = newLiteFSNode(cfg, logger); err != nil {
			return nil, err
		}
		if err := srv.lfs.open(ctx, opts, load); err != nil {
			return nil, err
		}
	}
	fail := func(err error) (*server, error) {
		srv.st.Close()
		return nil, err
	}
	srv.m.ObserveQueue(srv.st.QueueLen)
	srv.m.ObserveDiskFree(srv.st.DiskFree)
	srv.m.ObserveOutbox(func() (int64, time.Time, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return srv.st.OutboxState(ctx)
	})
	if srv.pages.ReadOnly != "" {
		logger.Info("pages can't be edited in the admin", "why", srv.pages.ReadOnly)
	}
	srv.started.Store(true)
	// --watch takes its first look at the page files now, before the server says it is
	// serving: an edit saved right after that line is then a change, not the starting point.
	if cfg.Watch {
		srv.pagesChanged = watchPages(ctx, srv.pagesDir, cfg.Templates, logger)
	}

	srv.password = cfg.AdminPassword
	if srv.password == "" {
		srv.password, srv.generated = randomPassword(), true
	}
	signer := formtoken.NewSigner(srv.st.Secret())
	if formMinAge != "" {
		d, err := time.ParseDuration(formMinAge)
		if err != nil {
			return fail(fmt.Errorf("formMinAge %q (set at link time): %w", formMinAge, err))
		}
		signer.SetMinAge(d)
	}
	links := linktoken.NewSigner(srv.st.Secret())
	if sender != nil && srv.writes() {
		srv.mailer = confirmmail.New(srv.st, &srv.holder, links, sender, logger)
		srv.mailer.Sent = func(err error) {
			if err != nil {
				srv.m.ConfirmationMails.WithLabelValues("failed").Inc()
			} else {
				srv.m.ConfirmationMails.WithLabelValues("sent").Inc()
			}
		}
	}
	if srv.writes() { // a LiteFS replica neither stores a secret nor delivers: the primary does
		if err := srv.outbox.prepare(ctx, cfg, srv.st, &srv.holder, srv.m, sender, logger); err != nil {
			return fail(err)
		}
	}
	deps := handlers.Deps{
		Store: srv.st, Metrics: srv.m, Site: &srv.holder, Theme: theme,
		Signer:        signer,
		AdminPassword: srv.password, TrustProxy: cfg.TrustProxy,
		SignupLimit: cfg.SignupLimit, GlobalLimit: cfg.GlobalLimit,
		Logger: logger, Version: b.Version, Reload: srv.reload,
		LoadPages: func() ([]*pages.Page, error) { return loadPages(pagesDir, cfg.BaseURL) },
		Links:     links, BaseURL: cfg.BaseURL, Pages: srv.pages,
		Outbox: srv.outbox.admin,
	}
	if srv.mailer != nil {
		deps.MailQueued = srv.mailer.Wake
	}
	if srv.lfs != nil {
		deps.LiteFS = srv.lfs.deps(srv.st)
		srv.lfs.observe(srv.m)
	}
	srv.app = handlers.New(deps)
	return srv, nil
}

func (srv *server) pageOptions() pages.Options { return pages.Options{BaseURL: srv.cfg.BaseURL} }

// writes reports whether this process writes the database: always on one machine, only on
// the primary of a LiteFS cluster. The background writers (the confirmation mail worker,
// the decision watcher, page-version history, the webhook outbox's delivery, checker and
// pruning) run only where it does.
func (srv *server) writes() bool { return srv.lfs == nil || srv.lfs.primary }

// pageDirOptions are the page directory's options; on a LiteFS cluster the page files are
// the same on every node (built into the image), so they can't be edited in the admin,
// and only the primary keeps their history.
func (srv *server) pageDirOptions() pagedir.Options {
	o := pagedir.Options{Apply: srv.apply, Check: srv.checkPages, Logger: srv.logger}
	if srv.writes() {
		o.Versions = srv.st
	}
	if srv.lfs != nil {
		o.ReadOnly = liteFSPagesReadOnly
	}
	return o
}

// reload re-reads the page files; on any error the pages being served stay as they are.
func (srv *server) reload() error {
	err := srv.pages.Reload(context.Background())
	if err != nil {
		srv.m.PageReloads.WithLabelValues("error").Inc()
		srv.logger.Error("page reload failed; still serving the previous pages", "err", err)
	}
	return err
}

// checkPages is what serve asks of a set of pages beyond `litmus check`'s rules, on every
// load and before a save is written.
func (srv *server) checkPages(ps []*pages.Page) error {
	if perrs := pages.CheckBaseURL(ps, srv.cfg.BaseURL); perrs != nil {
		return perrs // a save that gives a page the main site's host is a 422 with its line
	}
	return checkMail(ps, srv.haveMail)
}

// apply serves a freshly loaded, valid set of pages: it is the page directory's Apply, so
// every load (start, SIGHUP, --watch, the admin's button, a save) goes through it.
func (srv *server) apply(ps []*pages.Page) error {
	if err := srv.checkPages(ps); err != nil {
		return err
	}
	s, err := site.Build(context.Background(), ps, srv.theme, srv.pageOptions(), srv.st)
	if err != nil {
		return err
	}
	reports := srv.holder.Swap(s)
	srv.m.InitPages(s.VariantIDs())
	if srv.started.Load() {
		// Counted as the new pages go live, before their versions are recorded, so the
		// metric never lags the pages being served.
		srv.m.PageReloads.WithLabelValues("ok").Inc()
		srv.logger.Info("pages reloaded", "pages", len(ps))
	}
	logReports(srv.logger, reports)
	return nil
}

// listen binds both ports (before announcing, so a busy port fails here with a clear
// message), starts serving on them, and says where.
func (srv *server) listen(stdout io.Writer) error {
	cfg := srv.cfg
	pub, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (LITMUS_ADDR): %w", cfg.Addr, err)
	}
	met, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		pub.Close()
		return fmt.Errorf("listen on %s (LITMUS_METRICS_ADDR): %w", cfg.MetricsAddr, err)
	}
	srv.pub, srv.met = pub, met
	// Shown only now that both ports are ours: a password printed by a server that then
	// failed to start would be one nobody can use.
	if srv.generated {
		fmt.Fprintf(stdout, "\n  Admin password (generated, shown once): %s\n  Sign in at /admin as user \"admin\". Set LITMUS_ADMIN_PASSWORD to choose your own.\n\n", srv.password)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.m.Handler())
	if srv.lfs != nil {
		if err := srv.lfs.listen(context.Background(), srv.st, mux, pub.Addr(), met.Addr()); err != nil {
			pub.Close()
			met.Close()
			return err
		}
	}
	srv.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}

	srv.errc = make(chan error, 2)
	go func() { srv.errc <- srv.app.Listener(pub) }()
	srv.outbox.announce(srv.logger, stdout)
	var workCtx context.Context
	workCtx, srv.stopWorkers = context.WithCancel(context.Background())
	if srv.mailer != nil {
		srv.workers.Add(1)
		go func() {
			defer srv.workers.Done()
			srv.mailer.Run(workCtx) // first round at once: mails a crash left unsent go out now
		}()
	}
	// Each phase's first verdict is written down within a minute of being reached, even
	// with nobody looking (results.Record, the decision record).
	// On a LiteFS replica the primary's watcher does it, and the record reaches the replica
	// with the rest.
	if srv.writes() {
		srv.workers.Add(1)
		go func() {
			defer srv.workers.Done()
			results.WatchDecisions(workCtx, srv.st, &srv.holder, time.Minute, srv.logger)
		}()
		// Webhooks and notifications leave from the primary only: it owns the outbox.
		srv.outbox.start(workCtx, &srv.workers, srv.st, srv.logger)
	}
	go func() {
		if err := srv.metricsSrv.Serve(met); !errors.Is(err, http.ErrServerClosed) {
			srv.errc <- err
		}
	}()
	s := srv.holder.Load()
	srv.logger.Info("litmus started", "version", srv.b.Version, "addr", pub.Addr().String(), "metrics", met.Addr().String(),
		"db", cfg.DB, "pages", len(s.Entries))
	fmt.Fprintf(stdout, "Litmus is serving %d page(s) on http://localhost:%d/ (metrics on :%d/metrics)\n",
		len(s.Entries), pub.Addr().(*net.TCPAddr).Port, met.Addr().(*net.TCPAddr).Port)
	return nil
}

// run serves until ctx is cancelled or a listener fails, reloading the page files on SIGHUP
// and, with --watch, when they change (watch.go; started by buildServer). It returns the listener's error, if any.
func (srv *server) run(ctx context.Context) error {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	var roleCheck <-chan time.Time
	if srv.lfs != nil {
		lctx, cancel := context.WithCancel(context.Background())
		done := srv.lfs.start(lctx)
		defer func() { cancel(); <-done }() // a replica ships what it holds before stopping
		t := time.NewTicker(time.Second)
		defer t.Stop()
		roleCheck = t.C
	}
	for {
		select {
		case <-roleCheck:
			if err := srv.lfs.roleChanged(); err != nil {
				srv.logger.Warn("litefs: " + err.Error())
				return err
			}
		case <-ctx.Done():
			return nil
		case <-hup:
			_ = srv.reload()
		case <-srv.pagesChanged:
			_ = srv.reload()
		case err := <-srv.errc:
			return err
		}
	}
}

// shutdown stops accepting, gives requests in flight shutdownTimeout to finish, stops the
// metrics server and the workers (confirmation mails, the decision watcher, webhook
// delivery, notification checks, pruning), then flushes the writer and closes the database.
func (srv *server) shutdown() error {
	srv.logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.app.ShutdownWithContext(sctx); err != nil {
		srv.logger.Error("public server shutdown", "err", err)
	}
	_ = srv.metricsSrv.Shutdown(sctx)
	// The workers stop before the database closes: a confirmation mail cut short stays
	// unsent and goes out after the restart; a decision not yet written is recorded at the
	// next look or start; the delivery worker records what it sent (an attempt cut short is
	// not recorded, and is made again).
	srv.stopWorkers()
	srv.workers.Wait()
	if err := srv.st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	srv.logger.Info("stopped cleanly: every queued write is committed")
	return nil
}

// logReports logs what loading the page files did to each page's test: "no change", "same
// phase (…)" or "new phase N started because: …", so a founder watching the log knows
// whether an edit restarted the count (the admin's reload notice says the same).
func logReports(logger *slog.Logger, reports []site.PageReport) {
	for _, r := range reports {
		logger.Info("page "+r.String(), "page", r.Page, "phase", r.Phase)
	}
}

// checkMail refuses pages with double_opt_in when no mail server is configured: their
// signups would wait for a confirmation mail that is never sent.
func checkMail(ps []*pages.Page, haveMail bool) error {
	if haveMail {
		return nil
	}
	for _, p := range ps {
		if p.DoubleOptIn {
			return fmt.Errorf("page %s has double_opt_in = true, which sends a confirmation mail after each signup, "+
				"but no mail server is set: set LITMUS_SMTP_URL (smtp://user:pass@host:587) and LITMUS_MAIL_FROM, "+
				"or remove double_opt_in from %s", p.Slug, p.File)
		}
	}
	return nil
}

// servePagesDir decides which page directory serve uses: LITMUS_PAGES, which must exist and
// be a directory; or, when it is unset, the folder named pages beside the database, created
// on first start with copies of the built-in examples, so a new installation (a laptop, or
// the first Fly deploy) serves pages the admin can edit with no extra step. "" (the
// built-in examples, read-only) only when that folder cannot be created.
func servePagesDir(cfg *config.Config, logger *slog.Logger, stdout io.Writer) (string, error) {
	if cfg.Pages != "" {
		if info, err := os.Stat(cfg.Pages); err == nil && !info.IsDir() {
			return "", fmt.Errorf("LITMUS_PAGES is %s, a file: it must name a folder of .toml page files (`litmus check %s` checks this one file)", cfg.Pages, cfg.Pages)
		}
		return cfg.Pages, nil // loadPages explains a missing folder
	}
	if cfg.LiteFSDir != "" {
		// Beside the database is the LiteFS mount, which holds databases only, and page
		// files must be the same on every node: they belong in the image (LITMUS_PAGES).
		logger.Warn("LITMUS_PAGES is unset on a LiteFS node: serving the built-in example pages; " +
			"build your page files into the image and point LITMUS_PAGES at them (docs/high-availability.md)")
		return "", nil
	}
	dir := pagedir.DefaultPath(cfg.DB)
	created, err := pagedir.Seed(dir)
	if err != nil {
		logger.Warn("cannot create the page folder beside the database; serving the built-in examples, which can't be edited",
			"dir", dir, "err", err)
		return "", nil
	}
	if created {
		fmt.Fprintf(stdout, "Created %s with the example pages: edit them at /admin, or with any text editor.\n", dir)
	}
	return dir, nil
}

func loadTheme(dir string) (*pages.Theme, error) {
	if dir == "" {
		return pages.DefaultTheme(), nil
	}
	t, err := pages.LoadTheme(dir)
	if err != nil {
		return nil, fmt.Errorf("templates in %s (LITMUS_TEMPLATES): %w", dir, err)
	}
	return t, nil
}

// pageError explains page-file problems in the terms a founder uses.
func pageError(err error, dir string) error {
	var perrs pages.Errors
	if errors.As(err, &perrs) {
		return fmt.Errorf("the page files have problems; nothing was served:\n%w\nRun `litmus check %s` after fixing them", err, dir)
	}
	return err
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// randomPassword returns 26 characters of base32 from crypto/rand (128 bits).
func randomPassword() string { return rand.Text() }
