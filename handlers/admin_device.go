package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The admin's browsers are remembered with a signed cookie, set at a successful sign-in, so
// the lock-outs that stop password guessing never stop the admin: an attacker can make the
// server refuse every guess for a minute (the global cap) or refuse an address (by guessing
// from it, or, behind a NAT, from the admin's own network), but not the browser the admin
// signed in with before. The cookie is not a credential: the password is still checked on
// every request; it only chooses which failure counter a request belongs to.
const (
	deviceCookie = "litmus_admin_device"
	deviceMaxAge = 90 * 24 * time.Hour
)

// deviceKey derives the cookie's signing key from the installation secret, for this use only.
func deviceKey(secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("litmus admin device v1"))
	return mac.Sum(nil)
}

// signDevice returns a new cookie value: issue time, 16 random bytes, and their HMAC.
func signDevice(key []byte, now time.Time) string {
	b := make([]byte, 8+16, 8+16+sha256.Size)
	binary.BigEndian.PutUint64(b, uint64(now.Unix()))
	_, _ = rand.Read(b[8:]) // crypto/rand.Read never fails on supported platforms
	mac := hmac.New(sha256.New, key)
	mac.Write(b)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(b))
}

// checkDevice returns the device's id (its random part) when value is a cookie this server
// signed within deviceMaxAge, else "".
func checkDevice(key []byte, value string, now time.Time) string {
	if len(value) > 100 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(b) != 8+16+sha256.Size {
		return ""
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(b[:24])
	if !hmac.Equal(mac.Sum(nil), b[24:]) {
		return ""
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b)), 0)
	if age := now.Sub(issued); age < -time.Minute || age > deviceMaxAge {
		return ""
	}
	return string(b[8:24])
}

// rememberDevice sets the cookie after a successful sign-in, unless the browser has a valid
// one already.
func (a *admin) rememberDevice(c *fiber.Ctx, known bool, now time.Time) {
	if known {
		return
	}
	c.Cookie(&fiber.Cookie{
		Name:     deviceCookie,
		Value:    signDevice(a.deviceKey, now),
		Path:     "/",
		MaxAge:   int(deviceMaxAge / time.Second),
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode,
		Secure:   a.isHTTPS(c),
	})
}
