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
	"sync/atomic"
	"syscall"
	"time"

	"github.com/litmuslabs/litmus/handlers"
	"github.com/litmuslabs/litmus/internal/config"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// shutdownTimeout bounds a graceful stop: in-flight requests get this long to finish; the
// writer then commits what is queued. fly.toml's kill_timeout is longer than the total.
const shutdownTimeout = 8 * time.Second

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
	return serve(ctx, b, cfg, logger, stdout)
}

// serve runs the server until ctx is cancelled (SIGINT/SIGTERM), then shuts down gracefully:
// stop accepting, finish requests in flight, flush the writer, close the database.
func serve(ctx context.Context, b Build, cfg *config.Config, logger *slog.Logger, stdout io.Writer) error {
	theme, err := loadTheme(cfg.Templates)
	if err != nil {
		return err
	}
	pagesDir, err := servePagesDir(cfg, logger, stdout)
	if err != nil {
		return err
	}
	// Checked before the database is opened, so a broken page folder fails fast and says why.
	if _, err := loadPages(pagesDir); err != nil {
		return pageError(err, pagesDir)
	}

	m := metrics.New(b.Version, b.Revision)
	st, err := store.Open(cfg.DB, store.Options{
		Logger: logger,
		Hooks: store.Hooks{
			NewVisitor:   func(page, variant string) { m.Visitors.WithLabelValues(page, variant).Inc() },
			SignupStored: func(page, variant string) { m.Signups.WithLabelValues(page, variant).Inc() },
			Committed:    m.ObserveCommit,
		},
	})
	if err != nil {
		return fmt.Errorf("open database %s: %w", cfg.DB, err)
	}
	defer st.Close()
	m.ObserveQueue(st.QueueLen)

	var holder site.Holder
	opts := pages.Options{BaseURL: cfg.BaseURL}
	// The page directory serves, saves and versions the page files (internal/pagedir).
	// Reloading is the same for SIGHUP, --watch, "Reload pages" and every save in the
	// editor or the API: on any error the pages being served stay as they are.
	// started: the first load below is not a reload, so it is not counted as one.
	var started atomic.Bool
	pd := pagedir.Open(pagesDir, pagedir.Options{
		Apply: func(ps []*pages.Page) error {
			s, err := site.Build(context.Background(), ps, theme, opts, st)
			if err != nil {
				return err
			}
			holder.Store(s)
			m.InitPages(s.VariantIDs())
			if started.Load() {
				// Counted as the new pages go live, before their versions are recorded, so
				// the metric never lags the pages being served.
				m.PageReloads.WithLabelValues("ok").Inc()
				logger.Info("pages reloaded", "pages", len(ps))
			}
			return nil
		},
		Versions: st, Logger: logger,
	})
	if pd.ReadOnly != "" {
		logger.Info("pages can't be edited in the admin", "why", pd.ReadOnly)
	}
	reload := func() error {
		err := pd.Reload(context.Background())
		if err != nil {
			m.PageReloads.WithLabelValues("error").Inc()
			logger.Error("page reload failed; still serving the previous pages", "err", err)
		}
		return err
	}
	// The first load through the page directory records each file's text as its first version.
	if err := pd.Reload(ctx); err != nil {
		return pageError(err, pagesDir)
	}
	started.Store(true)
	s := holder.Load()
	// --watch: reload when the page files change, exactly as on SIGHUP (watch.go).
	var pagesChanged <-chan struct{}
	if cfg.Watch {
		pagesChanged = watchPages(ctx, pagesDir, cfg.Templates, logger)
	}

	password, generated := cfg.AdminPassword, false
	if password == "" {
		password, generated = randomPassword(), true
	}

	app := handlers.New(handlers.Deps{
		Store: st, Metrics: m, Site: &holder, Theme: theme,
		Signer:        formtoken.NewSigner(st.Secret()),
		AdminPassword: password, TrustProxy: cfg.TrustProxy,
		SignupLimit: cfg.SignupLimit, GlobalLimit: cfg.GlobalLimit,
		Logger: logger, Version: b.Version, Reload: reload, Pages: pd,
	})

	// Listen before announcing, so a busy port fails here with a clear message.
	pub, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (LITMUS_ADDR): %w", cfg.Addr, err)
	}
	met, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		pub.Close()
		return fmt.Errorf("listen on %s (LITMUS_METRICS_ADDR): %w", cfg.MetricsAddr, err)
	}
	// Shown only now that both ports are ours: a password printed by a server that then
	// failed to start would be one nobody can use.
	if generated {
		fmt.Fprintf(stdout, "\n  Admin password (generated, shown once): %s\n  Sign in at /admin as user \"admin\". Set LITMUS_ADMIN_PASSWORD to choose your own.\n\n", password)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	metricsSrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second}

	errc := make(chan error, 2)
	go func() { errc <- app.Listener(pub) }()
	go func() {
		if err := metricsSrv.Serve(met); !errors.Is(err, http.ErrServerClosed) {
			errc <- err
		}
	}()
	logger.Info("litmus started", "version", b.Version, "addr", pub.Addr().String(), "metrics", met.Addr().String(),
		"db", cfg.DB, "pages", len(s.Entries), "default", "/"+s.Default.Page.Slug)
	fmt.Fprintf(stdout, "Litmus is serving %d page(s) on http://localhost:%d/ (metrics on :%d/metrics)\n",
		len(s.Entries), pub.Addr().(*net.TCPAddr).Port, met.Addr().(*net.TCPAddr).Port)

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	var runErr error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-hup:
			_ = reload()
		case <-pagesChanged:
			_ = reload()
		case runErr = <-errc:
			break loop
		}
	}
	logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := app.ShutdownWithContext(sctx); err != nil {
		logger.Error("public server shutdown", "err", err)
	}
	_ = metricsSrv.Shutdown(sctx)
	if err := st.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	logger.Info("stopped cleanly: every queued write is committed")
	return runErr
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
