// Package config reads Litmus's settings: command-line flags whose defaults come from
// LITMUS_* environment variables, so a flag always wins over the environment and the
// environment over the built-in default. Names are a contract (see DESIGN.md): deploy files,
// docs and other tools rely on them.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/internal/mail"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// Config is everything `litmus serve` needs; other subcommands use a subset.
type Config struct {
	Addr          string // public listener (pages, signups, admin, API)
	MetricsAddr   string // Prometheus /metrics only; never the public port
	DB            string // SQLite file
	Pages         string // directory of page files; "" = the folder pages beside DB (serve creates it)
	Templates     string // directory of template overrides; "" = built-in theme
	AdminPassword string // "" = generate one at start and print it once
	BaseURL       string // public origin for canonical and social links, e.g. https://example.com
	SignupLimit   int    // signups per minute per client; 0 = off
	GlobalLimit   int    // signups per minute for the whole server; 0 = off
	TrustProxy    bool   // take the client address from Fly-Client-IP
	LogFormat     string // "text" or "json"
	Watch         bool   // reload page files when they change (local editing)

	// Webhooks and founder notifications (issue 15). The secrets and URLs that carry a token
	// come from the environment only: flags show up in `ps`.
	WebhookURL    string // every page's events go here; "" = only the pages' [[webhooks]]
	WebhookSecret string // whsec_...; "" = generate one, store it, show it once
	NotifyURL     string // Slack-compatible incoming webhook for the founder
	NotifyEmail   string // the founder's address for notifications

	// Mail (confirmation mails of issue 17, founder notifications of issue 15).
	SMTPURL  string // smtp:// or smtps:// server; "" = no mail
	MailFrom string // sender address of Litmus's mail

	// High availability on LiteFS (docs/high-availability.md); off when LiteFSDir is "".
	LiteFSDir       string        // the LiteFS mount holding DB
	LiteFSHost      string        // how the other nodes reach this one ("" = the host name)
	LiteFSConfirm   time.Duration // how long a signup waits for a replica; 0 = never waits
	LiteFSCandidate bool          // this node may become the primary: its position confirms signups
}

// Env lists the environment variables Litmus reads, with their defaults and meaning, for
// --help and the README. Order is the order shown.
var Env = []struct{ Name, Default, Usage string }{
	{"LITMUS_ADDR", ":8080", "public address (PORT is used when LITMUS_ADDR is unset)"},
	{"LITMUS_METRICS_ADDR", ":9091", "Prometheus metrics address; never the public port"},
	{"LITMUS_DB", "data/litmus.db", "SQLite database file (serve creates it if missing)"},
	{"LITMUS_PAGES", "", "directory of page files (default: the folder pages beside LITMUS_DB, created with copies of the example pages)"},
	{"LITMUS_TEMPLATES", "", "directory of template overrides (default: the built-in theme)"},
	{"LITMUS_ADMIN_PASSWORD", "", "password of user admin for /admin and /api (default: a random one, printed at start)"},
	{"LITMUS_BASE_URL", "", "public URL of the main site, for canonical and social links, e.g. https://try.example.com (a page with domains = [...] uses its own)"},
	{"LITMUS_SIGNUP_LIMIT", "5", "signups per minute from one client address; 0 turns the limit off"},
	{"LITMUS_SIGNUP_GLOBAL_LIMIT", "600", "signups per minute for the whole server; 0 turns the limit off"},
	{"LITMUS_TRUST_PROXY", "false", "take the client address from Fly-Client-IP (set on Fly.io only)"},
	{"LITMUS_LOG_FORMAT", "text", "log format: text or json"},
	{"LITMUS_WEBHOOK_URL", "", "receiver of every page's events (signed webhooks; see docs/webhooks.md)"},
	{"LITMUS_WEBHOOK_SECRET", "", "whsec_ secret that signs webhooks (default: generated once, stored, shown once)"},
	{"LITMUS_NOTIFY_URL", "", "Slack/Discord/Mattermost-compatible incoming webhook for the founder's notifications"},
	{"LITMUS_NOTIFY_EMAIL", "", "the founder's address for notifications (needs LITMUS_SMTP_URL and LITMUS_MAIL_FROM)"},
	{"LITMUS_SMTP_URL", "", "SMTP server for mail, smtp://[user:pass@]host:port (STARTTLS) or smtps://... (needed by pages with double_opt_in and by LITMUS_NOTIFY_EMAIL)"},
	{"LITMUS_MAIL_FROM", "", "sender of Litmus's mail, e.g. \"Chaser <hello@example.com>\""},
	{"LITMUS_LITEFS_DIR", "", "LiteFS mount holding LITMUS_DB: run as one node of a LiteFS cluster (default: off, one machine)"},
	{"LITMUS_LITEFS_HOST", "", "with LiteFS: the host other nodes reach this one at (default: the host name)"},
	{"LITMUS_LITEFS_CONFIRM", "2s", "with LiteFS: how long a signup waits for a replica to hold it before answering 503; 0 never waits (an acknowledged signup can then be lost on failover)"},
	{"LITMUS_LITEFS_CANDIDATE", "true", "with LiteFS: this node may become the primary (as in litefs.yml's lease.candidate); only a candidate's copy confirms a signup"},
}

// Scope selects which flags a subcommand registers.
type Scope int

// Scopes: serving needs everything; the offline commands need only what they read.
const (
	ScopeServe   Scope = iota
	ScopeResults       // results, export: the database and the page files (variants, pass bar, fields)
	ScopeDB            // backup, restore, forget: the database only
	ScopePages         // check
)

// Register defines the flags for scope on fs, with defaults from getenv, and returns the
// Config they fill once fs.Parse ran. Call Validate after parsing.
func Register(fs *flag.FlagSet, scope Scope, getenv func(string) string) (*Config, error) {
	c := &Config{}
	var errs []error
	env := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, e := range Env {
			if e.Name == name {
				return e.Default
			}
		}
		return ""
	}
	envInt := func(name string) int {
		v := env(name)
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole number from 0 to 1000000", name, v))
			return 0
		}
		return n
	}
	envBool := func(name string) bool {
		v := env(name)
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: want true or false (or 1 or 0)", name, v))
		}
		return b
	}
	usage := func(name string) string {
		for _, e := range Env {
			if e.Name == name {
				return e.Usage + " [$" + name + "]"
			}
		}
		return ""
	}

	switch scope {
	case ScopeServe:
		addr := env("LITMUS_ADDR")
		if getenv("LITMUS_ADDR") == "" && getenv("PORT") != "" {
			addr = ":" + strings.TrimSpace(getenv("PORT"))
		}
		fs.StringVar(&c.Addr, "addr", addr, usage("LITMUS_ADDR"))
		fs.StringVar(&c.MetricsAddr, "metrics-addr", env("LITMUS_METRICS_ADDR"), usage("LITMUS_METRICS_ADDR"))
		fs.StringVar(&c.DB, "db", env("LITMUS_DB"), "SQLite database file, created if missing [$LITMUS_DB]")
		fs.StringVar(&c.Pages, "pages", env("LITMUS_PAGES"), usage("LITMUS_PAGES"))
		fs.StringVar(&c.Templates, "templates", env("LITMUS_TEMPLATES"), usage("LITMUS_TEMPLATES"))
		c.AdminPassword = getenv("LITMUS_ADMIN_PASSWORD") // not a flag: flags show up in `ps`
		fs.StringVar(&c.BaseURL, "base-url", env("LITMUS_BASE_URL"), usage("LITMUS_BASE_URL"))
		fs.IntVar(&c.SignupLimit, "signup-limit", envInt("LITMUS_SIGNUP_LIMIT"), usage("LITMUS_SIGNUP_LIMIT"))
		fs.IntVar(&c.GlobalLimit, "signup-global-limit", envInt("LITMUS_SIGNUP_GLOBAL_LIMIT"), usage("LITMUS_SIGNUP_GLOBAL_LIMIT"))
		fs.BoolVar(&c.TrustProxy, "trust-proxy", envBool("LITMUS_TRUST_PROXY"), usage("LITMUS_TRUST_PROXY"))
		fs.StringVar(&c.LogFormat, "log-format", env("LITMUS_LOG_FORMAT"), usage("LITMUS_LOG_FORMAT"))
		fs.BoolVar(&c.Watch, "watch", false, "reload page files when they change (for local editing)")
		// Not flags: they may hold a password or a token.
		c.WebhookURL = env("LITMUS_WEBHOOK_URL")
		c.WebhookSecret = env("LITMUS_WEBHOOK_SECRET")
		c.NotifyURL = env("LITMUS_NOTIFY_URL")
		c.NotifyEmail = env("LITMUS_NOTIFY_EMAIL")
		c.SMTPURL = env("LITMUS_SMTP_URL")
		fs.StringVar(&c.MailFrom, "mail-from", env("LITMUS_MAIL_FROM"), usage("LITMUS_MAIL_FROM"))
		fs.StringVar(&c.LiteFSDir, "litefs-dir", env("LITMUS_LITEFS_DIR"), usage("LITMUS_LITEFS_DIR"))
		fs.StringVar(&c.LiteFSHost, "litefs-host", env("LITMUS_LITEFS_HOST"), usage("LITMUS_LITEFS_HOST"))
		fs.BoolVar(&c.LiteFSCandidate, "litefs-candidate", envBool("LITMUS_LITEFS_CANDIDATE"), usage("LITMUS_LITEFS_CANDIDATE"))
		confirm, err := time.ParseDuration(env("LITMUS_LITEFS_CONFIRM"))
		if err != nil || confirm < 0 || confirm > time.Minute {
			errs = append(errs, fmt.Errorf("LITMUS_LITEFS_CONFIRM=%q: want a duration from 0s to 1m, such as 2s", env("LITMUS_LITEFS_CONFIRM")))
		}
		fs.DurationVar(&c.LiteFSConfirm, "litefs-confirm", confirm, usage("LITMUS_LITEFS_CONFIRM"))
	case ScopeResults:
		fs.StringVar(&c.DB, "db", env("LITMUS_DB"), usage("LITMUS_DB"))
		fs.StringVar(&c.Pages, "pages", env("LITMUS_PAGES"), usage("LITMUS_PAGES"))
	case ScopeDB:
		fs.StringVar(&c.DB, "db", env("LITMUS_DB"), usage("LITMUS_DB"))
	case ScopePages:
		fs.StringVar(&c.Pages, "pages", env("LITMUS_PAGES"), usage("LITMUS_PAGES"))
	}
	return c, errors.Join(errs...)
}

// Validate checks the values after flag parsing and says how to fix each problem.
func (c *Config) Validate(scope Scope) error {
	var errs []error
	if scope == ScopeServe {
		pub, err1 := checkAddr("LITMUS_ADDR (--addr)", c.Addr)
		met, err2 := checkAddr("LITMUS_METRICS_ADDR (--metrics-addr)", c.MetricsAddr)
		errs = append(errs, err1, err2)
		if err1 == nil && err2 == nil && pub == met && pub != "0" {
			errs = append(errs, fmt.Errorf("LITMUS_METRICS_ADDR (--metrics-addr) uses port %s, the same as the public address: metrics must never be public; pick another port, e.g. :9091", met))
		}
		if c.LogFormat != "text" && c.LogFormat != "json" {
			errs = append(errs, fmt.Errorf("LITMUS_LOG_FORMAT (--log-format) %q: want text or json", c.LogFormat))
		}
		if c.BaseURL != "" {
			u, err := url.Parse(c.BaseURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
				errs = append(errs, fmt.Errorf("LITMUS_BASE_URL (--base-url) %q: want an origin like https://try.example.com (no path)", c.BaseURL))
			} else {
				c.BaseURL = u.Scheme + "://" + u.Host
			}
		}
		if c.AdminPassword != "" && utf8.RuneCountInString(c.AdminPassword) < 12 { // characters, not bytes
			errs = append(errs, errors.New("LITMUS_ADMIN_PASSWORD is shorter than 12 characters: choose a longer one, or unset it to have a random one generated"))
		}
		if c.SignupLimit < 0 || c.GlobalLimit < 0 {
			errs = append(errs, errors.New("signup limits cannot be negative; 0 turns a limit off"))
		}
		errs = append(errs, c.validateNotifications()...)
	}
	if scope != ScopePages && strings.TrimSpace(c.DB) == "" {
		errs = append(errs, errors.New("LITMUS_DB (--db) is empty: give the path of the SQLite file, e.g. data/litmus.db"))
	}
	return errors.Join(errs...)
}

// checkAddr validates a host:port listen address and returns its port.
func checkAddr(name, addr string) (string, error) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%s %q: want host:port or :port, e.g. :8080", name, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%s %q: the port must be a number from 0 to 65535", name, addr)
	}
	return port, nil
}

// validateNotifications checks the webhook, notification and mail settings.
func (c *Config) validateNotifications() []error {
	var errs []error
	if c.WebhookURL != "" {
		if problem := webhook.CheckURL(c.WebhookURL); problem != "" {
			errs = append(errs, fmt.Errorf("LITMUS_WEBHOOK_URL %s", problem))
		}
	}
	if c.WebhookSecret != "" {
		if _, err := webhook.SecretKey(c.WebhookSecret); err != nil {
			errs = append(errs, err)
		}
	}
	if c.NotifyURL != "" {
		if problem := webhook.CheckURL(c.NotifyURL); problem != "" {
			errs = append(errs, fmt.Errorf("LITMUS_NOTIFY_URL %s", problem))
		}
	}
	smtpOK := false
	if c.SMTPURL != "" {
		if _, err := mail.ParseURL(c.SMTPURL); err != nil {
			errs = append(errs, err)
		} else {
			smtpOK = true
		}
	}
	if c.NotifyEmail != "" {
		if _, err := netmail.ParseAddress(c.NotifyEmail); err != nil || strings.ContainsAny(c.NotifyEmail, "<>\r\n") {
			errs = append(errs, fmt.Errorf("LITMUS_NOTIFY_EMAIL %q is not a mail address: write founder@example.com", c.NotifyEmail))
		}
		if c.SMTPURL == "" || c.MailFrom == "" {
			errs = append(errs, errors.New("LITMUS_NOTIFY_EMAIL needs LITMUS_SMTP_URL (smtp://user:pass@host:587) and LITMUS_MAIL_FROM (litmus@example.com) to send mail"))
		}
	}
	if c.MailFrom != "" && smtpOK {
		if _, err := mail.NewFromURL(c.SMTPURL, c.MailFrom); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
