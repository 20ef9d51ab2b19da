package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/ratelimit"
)

// The admin's credentials: HTTP Basic, user "admin", password Deps.AdminPassword.
const (
	adminUser  = "admin"
	adminRealm = `Basic realm="Litmus admin", charset="UTF-8"`
	// maxLoginFailures is how many wrong passwords a client may send per minute. Past it,
	// the client gets 429 for the rest of the minute, even with the right password, so
	// guessing a 26-character generated password stays hopeless.
	maxLoginFailures = 10
	// maxGlobalLoginFailures caps wrong passwords per minute from all clients together,
	// browsers the admin signed in with excepted (see admin_device.go). Without it, 150
	// addresses made 1,500 guesses in 0.4 s; with it, at most this many are checked a minute.
	maxGlobalLoginFailures = 100
	// csrfField is the hidden input of every admin form.
	csrfField = "_csrf"
)

// admin serves /admin and /api/v1: the founder's view of the results. It holds the state
// those routes share; routes creates one per app.
type admin struct {
	*server
	logins    *loginGuard
	forms     *formtoken.Signer // signs the admin forms' anti-forgery tokens
	deviceKey []byte            // signs the cookie of browsers the admin signed in with
}

func (s *server) newAdmin() *admin {
	return &admin{server: s, logins: newLoginGuard(), forms: adminFormSigner(s.Store.Secret()),
		deviceKey: deviceKey(s.Store.Secret())}
}

// adminFormSigner signs admin form tokens with a key of their own, derived from the
// installation secret: a visitor's signup token can never pass for an admin form's token.
func adminFormSigner(secret []byte) *formtoken.Signer {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("litmus admin forms v1"))
	return formtoken.NewSigner(mac.Sum(nil))
}

// requireAdmin guards every admin and API route. In order:
//   - every answer, the refusals included, is Cache-Control: no-store;
//   - a client that sent too many wrong passwords this minute gets 429, before its
//     password is even compared, and so does everyone once maxGlobalLoginFailures were
//     sent this minute; a browser the admin signed in with before (its signed cookie) is
//     counted on its own instead, so neither lock-out can be aimed at the admin;
//   - the credentials are compared in constant time (SHA-256 digests, so not even the
//     length leaks); a wrong one is counted, logged and answered 401 with the challenge;
//   - a POST must come from the admin itself (see checkAdminForm).
func (a *admin) requireAdmin(c *fiber.Ctx) error {
	noStore(c)
	now := a.Now()
	client, known := a.clientIP(c), false
	if id := checkDevice(a.deviceKey, c.Cookies(deviceCookie), now); id != "" {
		client, known = "device:"+id, true
	}
	if locked, global := a.logins.lockedOut(client, known, now); locked {
		return a.tooManyFailures(c, now, global)
	}
	user, password, sent := basicAuth(c.Get(fiber.HeaderAuthorization))
	if sent && a.validCredentials(user, password) {
		switch m := c.Method(); {
		case m == fiber.MethodGet || m == fiber.MethodHead:
		case isAPI(c):
			if err := checkAPIWrite(c); err != nil {
				return err
			}
		default:
			if err := a.checkAdminForm(c, now); err != nil {
				return err
			}
		}
		a.rememberDevice(c, known, now)
		return c.Next()
	}
	if sent {
		// The log says which route and whether the user name was right; never the
		// password, the name typed, or the client's address.
		a.Metrics.AdminLoginFails.Inc()
		a.Logger.Warn("admin login failed", "route", c.Route().Name, "user_admin", user == adminUser)
		if locked, global := a.logins.fail(client, known, now); locked {
			return a.tooManyFailures(c, now, global)
		}
	}
	c.Set(fiber.HeaderWWWAuthenticate, adminRealm)
	return fiber.NewError(fiber.StatusUnauthorized,
		`Sign in as user "admin" with the admin password: LITMUS_ADMIN_PASSWORD, or the one Litmus printed when it started.`)
}

func (a *admin) tooManyFailures(c *fiber.Ctx, now time.Time, global bool) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secondsToNextMinute(now)))
	if global {
		return fiber.NewError(fiber.StatusTooManyRequests,
			"Too many wrong passwords were sent to this server in the last minute, so sign-ins from new browsers are paused. "+
				"Please wait a minute, then sign in again. Browsers you signed in with before are let in.")
	}
	return fiber.NewError(fiber.StatusTooManyRequests,
		"Too many wrong passwords from your network. Please wait a minute, then sign in again.")
}

// validCredentials compares SHA-256 digests in constant time: the time taken says nothing
// about how much of the name or password matched, nor about their lengths. Both are always
// compared. With no admin password configured nobody gets in.
func (a *admin) validCredentials(user, password string) bool {
	gotUser, wantUser := sha256.Sum256([]byte(user)), sha256.Sum256([]byte(adminUser))
	gotPass, wantPass := sha256.Sum256([]byte(password)), sha256.Sum256([]byte(a.AdminPassword))
	ok := subtle.ConstantTimeCompare(gotUser[:], wantUser[:]) & subtle.ConstantTimeCompare(gotPass[:], wantPass[:])
	return ok == 1 && a.AdminPassword != ""
}

// basicAuth decodes an "Authorization: Basic ..." header. sent is false when there is no
// Basic header at all (a browser's first request, before it asks for the password); a
// header that is present but malformed counts as sent, and wrong.
func basicAuth(header string) (user, password string, sent bool) {
	scheme, encoded, found := strings.Cut(header, " ")
	if !found || !strings.EqualFold(scheme, "Basic") {
		return "", "", header != ""
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return "", "", true
	}
	user, password, _ = strings.Cut(string(raw), ":")
	return user, password, true
}

// checkAdminForm refuses an admin POST that did not come from the admin's own pages.
// Browsers send Basic credentials with every request to the site, including one a
// hostile page triggers (a form posting to /admin/forget), so the credentials alone prove
// nothing about who wanted the request (cross-site request forgery).
//
// The first defence is the browser's own word: every current browser sends Sec-Fetch-Site,
// and a cross-site or same-site (another subdomain) request is refused; older ones send
// Origin with a POST, which must be this host (crossSite). That alone stops a forged form
// in any browser from the last five years. The second defence covers the rest (a client
// that sends neither header): each form carries a token signed with a key only this server
// has, valid for a day, which another site can neither read nor make. Neither needs
// JavaScript or a session.
func (a *admin) checkAdminForm(c *fiber.Ctx, now time.Time) error {
	if crossSite(c) || c.Get("Sec-Fetch-Site") == "same-site" {
		return fiber.NewError(fiber.StatusForbidden,
			"This form can only be sent from the Litmus admin itself. Open /admin and use the form there.")
	}
	tok, err := a.forms.Check(c.FormValue(csrfField), now)
	if errors.Is(err, formtoken.ErrExpired) {
		return fiber.NewError(fiber.StatusForbidden,
			"This admin page was open for more than a day, so its form expired. Reload the page and send the form again.")
	}
	// ErrTooFast is the signup forms' bot trap; a founder clicking at once is fine.
	if (err != nil && !errors.Is(err, formtoken.ErrTooFast)) || tok.Page != adminUser {
		return fiber.NewError(fiber.StatusForbidden,
			"This form did not come from the Litmus admin. Open /admin and use the form there.")
	}
	return nil
}

// checkAPIWrite refuses an API write a browser would send on behalf of another site. The
// API has no form tokens (scripts call it), so it relies on what a forged request cannot
// do: a cross-site page cannot send PUT or DELETE, nor a POST with a JSON body, without
// the browser first asking this server (CORS), which never says yes; and a browser marks
// the request cross-site (Sec-Fetch-Site, Origin), which is refused outright.
func checkAPIWrite(c *fiber.Ctx) error {
	if crossSite(c) || c.Get("Sec-Fetch-Site") == "same-site" {
		return fiber.NewError(fiber.StatusForbidden, "The API does not accept requests sent by another website.")
	}
	if c.Method() == fiber.MethodPost {
		ct, _, _ := strings.Cut(c.Get(fiber.HeaderContentType), ";")
		if !strings.EqualFold(strings.TrimSpace(ct), fiber.MIMEApplicationJSON) {
			return fiber.NewError(fiber.StatusUnsupportedMediaType, "Send the body as JSON, with Content-Type: application/json.")
		}
	}
	return nil
}

// formToken is the anti-forgery token for the admin forms rendered now.
func (a *admin) formToken(now time.Time) string {
	return a.forms.Sign(formtoken.Token{Page: adminUser, Variant: "form", Visitor: adminUser, Rendered: now})
}

func secondsToNextMinute(now time.Time) int { return 60 - int(now.Unix()%60) }

// loginGuard locks out a client that sent maxLoginFailures wrong passwords in a minute, for
// the rest of that minute, and every client but the admin's known browsers once
// maxGlobalLoginFailures were sent in the minute. Failures are counted by internal/ratelimit (clients told apart
// by a salted hash, never stored); the lock-out list holds the same kind of hash, under a
// key made at start and never written anywhere, and is emptied every minute.
type loginGuard struct {
	failures *ratelimit.Limiter
	key      [32]byte

	mu     sync.Mutex
	minute int64
	global int // wrong passwords this minute from clients that are not known browsers
	locked map[[sha256.Size]byte]bool
}

func newLoginGuard() *loginGuard {
	g := &loginGuard{failures: ratelimit.New(maxLoginFailures, 0), locked: map[[sha256.Size]byte]bool{}}
	_, _ = rand.Read(g.key[:]) // crypto/rand.Read never fails on supported platforms
	return g
}

// lockedOut reports whether client is locked out at now, and whether by the global cap.
// known marks a browser the admin signed in with: only its own failures count against it.
func (g *loginGuard) lockedOut(client string, known bool, now time.Time) (locked, global bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.turn(now)
	if g.locked[g.hash(client)] {
		return true, false
	}
	if !known && g.global >= maxGlobalLoginFailures {
		return true, true
	}
	return false, false
}

// fail records a wrong password from client and reports whether it is now locked out (and
// whether by the global cap).
func (g *loginGuard) fail(client string, known bool, now time.Time) (locked, global bool) {
	allowed := g.failures.Allow(client, now)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.turn(now)
	if !known {
		g.global++
	}
	if !allowed {
		if len(g.locked) < ratelimit.MaxClients {
			g.locked[g.hash(client)] = true
		}
		return true, false
	}
	if !known && g.global >= maxGlobalLoginFailures {
		return true, true
	}
	return false, false
}

// turn empties the lock-out list when a new minute starts. Must hold g.mu.
func (g *loginGuard) turn(now time.Time) {
	if m := now.Unix() / 60; m != g.minute {
		g.minute = m
		g.global = 0
		clear(g.locked)
	}
}

func (g *loginGuard) hash(client string) [sha256.Size]byte {
	mac := hmac.New(sha256.New, g.key[:])
	mac.Write([]byte(client))
	var sum [sha256.Size]byte
	copy(sum[:], mac.Sum(nil))
	return sum
}
