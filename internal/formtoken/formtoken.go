// Package formtoken signs and checks the hidden token every signup form carries.
//
// The token binds a form to the page, test phase, visitor and variant it was rendered for,
// and to the time it was rendered. It is what makes a signup trustworthy without server-side
// session state:
//   - the variant a signup is credited to comes from the token, so a visitor cannot pick it
//     by editing the form, and a visitor whose browser refuses cookies is still credited to
//     the variant they saw;
//   - the render time is a stateless time trap: a form submitted faster than a person can
//     type, or long after it was shown, is refused.
//
// Format: base64url(payload) "." base64url(HMAC-SHA256(secret, payload)[:16]), where payload
// is "v1|page|phase|variant|visitor|unix-seconds". Slugs, variant ids and visitor ids cannot
// contain '|', so the fields split unambiguously. The whole token is URL-safe base64 and '.',
// which HTML needs no escaping for.
package formtoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Token is what a form was rendered for.
type Token struct {
	Page     string
	Phase    int64
	Variant  string
	Visitor  string
	Rendered time.Time // truncated to the second
}

// Errors Check returns. ErrInvalid covers every tampered, truncated or foreign token.
var (
	ErrInvalid = errors.New("formtoken: invalid")
	ErrTooFast = errors.New("formtoken: submitted too soon after the form was shown")
	ErrExpired = errors.New("formtoken: form is too old")
)

// Limits of the time trap. A person needs a few seconds to read a headline and type an
// address (browser autofill still takes a click and a keystroke); scripts post at once.
// A day covers a tab left open overnight.
const (
	MinAge = 2 * time.Second
	MaxAge = 24 * time.Hour
)

const (
	version = "v1"
	macLen  = 16 // 128-bit truncated HMAC (NIST SP 800-107 allows truncation to >= 64 bits)
	maxLen  = 512
)

// Signer signs and checks tokens with one secret key. It is safe for concurrent use.
type Signer struct {
	key    []byte
	minAge time.Duration // the time trap's minimum: MinAge unless SetMinAge changed it
	// macs pools keyed HMAC states: hmac.New costs a few allocations and about 1.5 µs, paid
	// on every page view without the pool (bench/RESULTS.md).
	macs sync.Pool
}

// NewSigner returns a Signer for key, which should be 32 random bytes kept across restarts
// (the store keeps one), so that forms open in visitors' tabs survive a deploy.
func NewSigner(key []byte) *Signer {
	s := &Signer{key: append([]byte(nil), key...), minAge: MinAge}
	s.macs.New = func() any { return hmac.New(sha256.New, s.key) }
	return s
}

// SetMinAge replaces the time trap's minimum (MinAge) and returns s. Only tests of a whole
// server use it (with 0), so that a scripted visitor need not wait 2 s before each signup;
// the trap itself is tested here and in handlers with an injected clock. Call it before
// s is shared.
func (s *Signer) SetMinAge(d time.Duration) *Signer {
	s.minAge = d
	return s
}

// Sign returns the token for t. It runs on every page view, so it builds the payload and its
// encoding in one buffer (one allocation for the result).
func (s *Signer) Sign(t Token) string {
	var buf [192]byte
	p := append(buf[:0], version...)
	p = append(append(p, '|'), t.Page...)
	p = strconv.AppendInt(append(p, '|'), t.Phase, 10)
	p = append(append(p, '|'), t.Variant...)
	p = append(append(p, '|'), t.Visitor...)
	p = strconv.AppendInt(append(p, '|'), t.Rendered.Unix(), 10)
	var sum [sha256.Size]byte
	mac := s.mac(p, sum[:0])
	enc := base64.RawURLEncoding
	var out [384]byte
	o := enc.AppendEncode(out[:0], p)
	o = enc.AppendEncode(append(o, '.'), mac)
	return string(o)
}

// Check verifies raw and returns what it was signed for. It returns ErrInvalid for anything
// not signed with this key, and ErrTooFast or ErrExpired (with the decoded token, so the
// caller can still say which page it was) when the signature is good but the age is not.
func (s *Signer) Check(raw string, now time.Time) (Token, error) {
	if raw == "" || len(raw) > maxLen {
		return Token{}, ErrInvalid
	}
	p64, m64, ok := strings.Cut(raw, ".")
	if !ok {
		return Token{}, ErrInvalid
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	var sum [sha256.Size]byte
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload, sum[:0])) {
		return Token{}, ErrInvalid
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 6 || parts[0] != version {
		return Token{}, ErrInvalid
	}
	phase, err1 := strconv.ParseInt(parts[2], 10, 64)
	unix, err2 := strconv.ParseInt(parts[5], 10, 64)
	if err1 != nil || err2 != nil {
		return Token{}, ErrInvalid
	}
	t := Token{Page: parts[1], Phase: phase, Variant: parts[3], Visitor: parts[4], Rendered: time.Unix(unix, 0).UTC()}
	// Only the canonical spelling is accepted: base64 with stray trailing bits or numbers
	// like "007" would otherwise give one token many accepted forms.
	if !hmac.Equal([]byte(s.Sign(t)), []byte(raw)) {
		return Token{}, ErrInvalid
	}
	age := now.Sub(t.Rendered)
	switch {
	case age < s.minAge:
		return t, ErrTooFast
	case age > MaxAge:
		return t, ErrExpired
	}
	return t, nil
}

// mac appends the truncated HMAC of payload to dst and returns it.
func (s *Signer) mac(payload, dst []byte) []byte {
	h := s.macs.Get().(hash.Hash)
	h.Reset()
	h.Write(payload)
	dst = h.Sum(dst)[:len(dst)+macLen]
	s.macs.Put(h)
	return dst
}
