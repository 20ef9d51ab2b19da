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
	"sync"
	"syscall"
	"time"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
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
	fs := newFlagSet("serve", "", "Serve the landing pages on the public address and Prometheus metrics on the metrics address.\nThe admin password comes from LITMUS_ADMIN_PASSWORD (never a flag: flags show in `ps`).", stderr)
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
	srv, err := buildServer(ctx, b, cfg, logger)
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
	password  string // the admin password
	generated bool   // the password was generated, so it is printed once the ports are ours

	reloadMu sync.Mutex // one reload at a time (SIGHUP, --watch, the admin's button)

	lfs *liteFSNode // set when LITMUS_LITEFS_DIR is: one node of a LiteFS cluster

	// Set by listen.
	pub, met   net.Listener
	metricsSrv *http.Server
	errc       chan error // a listener that stopped serving
}

// buildServer loads the theme and page files, opens the database, builds the site, the
// metrics and the HTTP app. Nothing listens yet.
func buildServer(ctx context.Context, b Build, cfg *config.Config, logger *slog.Logger) (*server, error) {
	theme, err := loadTheme(cfg.Templates)
	if err != nil {
		return nil, err
	}
	ps, err := loadPages(cfg.Pages)
	if err != nil {
		return nil, pageError(err, cfg.Pages)
	}
	srv := &server{b: b, cfg: cfg, logger: logger, theme: theme, m: metrics.New(b.Version, b.Revision)}
	opts := store.Options{Logger: logger, Hooks: srv.m.StoreHooks()}
	var s *site.Site
	build := func(st *store.Store) (err error) {
		s, err = site.Build(ctx, ps, theme, srv.pageOptions(), st)
		return err
	}
	if cfg.LiteFSDir == "" {
		if srv.st, err = store.Open(cfg.DB, opts); err == nil {
			if err = build(srv.st); err != nil {
				srv.st.Close()
			}
		}
	} else {
		if srv.lfs, err = newLiteFSNode(cfg, logger); err != nil {
			return nil, err
		}
		srv.st, err = srv.lfs.open(ctx, opts, build)
	}
	if err != nil {
		if srv.st == nil {
			return nil, fmt.Errorf("open database %s: %w", cfg.DB, err)
		}
		return nil, err
	}
	fail := func(err error) (*server, error) {
		srv.st.Close()
		return nil, err
	}
	srv.m.ObserveQueue(srv.st.QueueLen)
	logReports(logger, srv.holder.Swap(s))
	srv.m.InitPages(s.VariantIDs())

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
	var lfs *handlers.LiteFS
	if srv.lfs != nil {
		lfs = srv.lfs.deps(srv.st)
		srv.lfs.observe(srv.m)
	}
	srv.app = handlers.New(handlers.Deps{
		LiteFS: lfs,
		Store:  srv.st, Metrics: srv.m, Site: &srv.holder, Theme: theme,
		Signer:        signer,
		AdminPassword: srv.password, TrustProxy: cfg.TrustProxy,
		SignupLimit: cfg.SignupLimit, GlobalLimit: cfg.GlobalLimit,
		Logger: logger, Version: b.Version, Reload: srv.reload,
		LoadPages: func() ([]*pages.Page, error) { return loadPages(cfg.Pages) },
	})
	return srv, nil
}

func (srv *server) pageOptions() pages.Options { return pages.Options{BaseURL: srv.cfg.BaseURL} }

// reload re-reads the page files; on any error the pages being served stay as they are.
func (srv *server) reload() error {
	srv.reloadMu.Lock()
	defer srv.reloadMu.Unlock()
	ps, err := loadPages(srv.cfg.Pages)
	if err == nil {
		var s *site.Site
		if s, err = site.Build(context.Background(), ps, srv.theme, srv.pageOptions(), srv.st); err == nil {
			reports := srv.holder.Swap(s)
			srv.m.InitPages(s.VariantIDs())
			srv.m.PageReloads.WithLabelValues("ok").Inc()
			srv.logger.Info("pages reloaded", "pages", len(ps))
			logReports(srv.logger, reports)
			return nil
		}
	}
	srv.m.PageReloads.WithLabelValues("error").Inc()
	srv.logger.Error("page reload failed; still serving the previous pages", "err", err)
	return err
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
	go func() {
		if err := srv.metricsSrv.Serve(met); !errors.Is(err, http.ErrServerClosed) {
			srv.errc <- err
		}
	}()
	s := srv.holder.Load()
	srv.logger.Info("litmus started", "version", srv.b.Version, "addr", pub.Addr().String(), "metrics", met.Addr().String(),
		"db", cfg.DB, "pages", len(s.Entries), "default", "/"+s.Default.Page.Slug)
	fmt.Fprintf(stdout, "Litmus is serving %d page(s) on http://localhost:%d/ (metrics on :%d/metrics)\n",
		len(s.Entries), pub.Addr().(*net.TCPAddr).Port, met.Addr().(*net.TCPAddr).Port)
	return nil
}

// run serves until ctx is cancelled or a listener fails, reloading the page files on SIGHUP
// and, with --watch, when they change (watch.go). It returns the listener's error, if any.
func (srv *server) run(ctx context.Context) error {
	var pagesChanged <-chan struct{}
	if srv.cfg.Watch {
		pagesChanged = watchPages(ctx, srv.cfg.Pages, srv.cfg.Templates, srv.logger)
	}
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
		case <-pagesChanged:
			_ = srv.reload()
		case err := <-srv.errc:
			return err
		}
	}
}

// shutdown stops accepting, gives requests in flight shutdownTimeout to finish, stops the
// metrics server, then flushes the writer and closes the database.
func (srv *server) shutdown() error {
	srv.logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.app.ShutdownWithContext(sctx); err != nil {
		srv.logger.Error("public server shutdown", "err", err)
	}
	_ = srv.metricsSrv.Shutdown(sctx)
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
