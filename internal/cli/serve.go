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
	ps, err := loadPages(cfg.Pages, cfg.BaseURL)
	if err != nil {
		return pageError(err, cfg.Pages)
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
	s, err := site.Build(ctx, ps, theme, opts, st)
	if err != nil {
		return err
	}
	holder.Store(s)
	m.InitPages(s.VariantIDs())

	// reload re-reads the page files; on any error the pages being served stay as they are.
	var reloadMu sync.Mutex
	reload := func() error {
		reloadMu.Lock()
		defer reloadMu.Unlock()
		ps, err := loadPages(cfg.Pages, cfg.BaseURL)
		if err == nil {
			var s *site.Site
			if s, err = site.Build(context.Background(), ps, theme, opts, st); err == nil {
				holder.Store(s)
				m.InitPages(s.VariantIDs())
				m.PageReloads.WithLabelValues("ok").Inc()
				logger.Info("pages reloaded", "pages", len(ps))
				return nil
			}
		}
		m.PageReloads.WithLabelValues("error").Inc()
		logger.Error("page reload failed; still serving the previous pages", "err", err)
		return err
	}
	// --watch: reload when the page files change, exactly as on SIGHUP (watch.go).
	var pagesChanged <-chan struct{}
	if cfg.Watch {
		pagesChanged = watchPages(ctx, cfg.Pages, cfg.Templates, logger)
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
		Logger: logger, Version: b.Version, Reload: reload,
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
		"db", cfg.DB, "pages", len(s.Entries))
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
