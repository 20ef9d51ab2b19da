// Package mail sends plain-text (and optionally HTML) mail through an SMTP server named by
// LITMUS_SMTP_URL. It is the only package that imports github.com/wneessen/go-mail: SMTP,
// STARTTLS and MIME are solved problems, and hand-written SMTP gets them wrong.
//
// The TLS policy follows DESIGN.md: smtp:// upgrades with STARTTLS whenever the server offers
// it, and requires it before any credentials are sent; smtps:// uses implicit TLS; a server
// named without credentials (a local relay or test server on 127.0.0.1) may be plain text.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultTimeout bounds one Send: connecting, the SMTP dialogue and the data. A mail server
// that hangs must not hold a worker forever.
const DefaultTimeout = 15 * time.Second

// Config is a parsed LITMUS_SMTP_URL plus the sender address.
type Config struct {
	Host        string
	Port        int
	Username    string
	Password    string
	ImplicitTLS bool // smtps://
	From        string
	Timeout     time.Duration
}

// ParseURL reads smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]. The port
// defaults to 587 for smtp:// and 465 for smtps://. The error says what to write instead.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Config{}, fmt.Errorf("LITMUS_SMTP_URL is not a URL: write smtp://user:pass@host:587 or smtps://user:pass@host:465")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return Config{}, fmt.Errorf("LITMUS_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (implicit TLS), not %q", u.Scheme+"://")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return Config{}, errors.New("LITMUS_SMTP_URL has no host: write smtp://user:pass@host:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("LITMUS_SMTP_URL has a bad port %q: use a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return Config{}, errors.New("LITMUS_SMTP_URL must not have a path: write smtp://user:pass@host:587")
	}
	c.Timeout = DefaultTimeout
	return c, nil
}

// Message is one mail. Text is required (every client can read it); HTML, when set, is sent
// as an alternative part.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
	// Headers are extra headers such as List-Unsubscribe; names must be canonical.
	Headers map[string]string
}

// Sender sends Messages. It keeps no connection open between sends: founder notifications
// and confirmation mails are rare enough that one connection per message is simplest and
// survives server restarts without any reconnection logic.
type Sender struct {
	cfg Config
}

// New checks the configuration and returns a Sender. from is LITMUS_MAIL_FROM.
func New(cfg Config, from string) (*Sender, error) {
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("LITMUS_MAIL_FROM is empty: set it to the address mail is sent from, such as litmus@example.com")
	}
	probe := gomail.NewMsg()
	if err := probe.From(from); err != nil {
		return nil, fmt.Errorf("LITMUS_MAIL_FROM %q is not a mail address: write litmus@example.com or \"Litmus <litmus@example.com>\"", from)
	}
	cfg.From = from
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	return &Sender{cfg: cfg}, nil
}

// NewFromURL is ParseURL followed by New, for callers holding the two environment values.
func NewFromURL(smtpURL, from string) (*Sender, error) {
	cfg, err := ParseURL(smtpURL)
	if err != nil {
		return nil, err
	}
	return New(cfg, from)
}

// From returns the sender address, as configured.
func (s *Sender) From() string { return s.cfg.From }

// Send delivers m, returning once the server accepted it. The context and the configured
// timeout both bound it.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("mail: from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("mail: to %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail: send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// client builds a go-mail client with the policy described in the package comment.
func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}),
	}
	switch {
	case s.cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.cfg.Username != "":
		// Credentials never cross the wire in clear: no STARTTLS, no send.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: client for %s: %w", s.cfg.Host, err)
	}
	return c, nil
}
