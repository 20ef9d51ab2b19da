// Package linktoken signs the links Litmus gives a person after they signed up: the
// thank-you page's link (which signup answers its questions and whose share code to show)
// and the confirmation link mailed with double opt-in.
//
// A token names a purpose, a page and a signup id, and when it was issued; nothing else,
// so a link never carries the email address, and it cannot be guessed from it: only the
// server's secret makes a valid MAC. The purpose is part of what is signed, so a thank-you
// token cannot be replayed as a confirmation (single purpose), and Check refuses a token
// older than the caller's limit (expiring).
//
// Format: base64url(payload) "." base64url(HMAC-SHA256(key, payload)[:16]), with payload
// "l1|purpose|page|id|unix-seconds". Slugs and purposes cannot contain '|'.
package linktoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Purpose is what a token may be used for.
type Purpose string

// The purposes of the links Litmus signs.
const (
	Thanks  Purpose = "thanks"  // the thank-you page of one signup: its questions and share link
	Confirm Purpose = "confirm" // the confirmation link of double opt-in
)

// Token is what a link was signed for.
type Token struct {
	Purpose Purpose
	Page    string
	Signup  int64     // 0 on a thank-you link of a repeated signup: nothing to attach answers to
	Issued  time.Time // truncated to the second
}

// Errors of Check. ErrInvalid covers every tampered, truncated or foreign token and a token
// of another purpose; ErrExpired a genuine token past its age limit.
var (
	ErrInvalid = errors.New("linktoken: invalid")
	ErrExpired = errors.New("linktoken: expired")
)

const (
	version = "l1"
	macLen  = 16
	maxLen  = 300
)

// Signer signs and checks link tokens. Safe for concurrent use.
type Signer struct{ key []byte }

// NewSigner returns a Signer whose key is derived from secret (the store's form-token key),
// so link tokens and form tokens never share a MAC key.
func NewSigner(secret []byte) *Signer {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("litmus link tokens v1"))
	return &Signer{key: m.Sum(nil)}
}

// Sign returns the token for t.
func (s *Signer) Sign(t Token) string {
	p := version + "|" + string(t.Purpose) + "|" + t.Page + "|" + strconv.FormatInt(t.Signup, 10) +
		"|" + strconv.FormatInt(t.Issued.Unix(), 10)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(p)) + "." + enc.EncodeToString(s.mac([]byte(p)))
}

// Check verifies raw for purpose and returns what it was signed for. A token older than
// maxAge is ErrExpired (returned with the token, so the page can still say which page it
// was for); maxAge 0 means no limit.
func (s *Signer) Check(raw string, purpose Purpose, now time.Time, maxAge time.Duration) (Token, error) {
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
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload)) {
		return Token{}, ErrInvalid
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 5 || parts[0] != version || Purpose(parts[1]) != purpose {
		return Token{}, ErrInvalid
	}
	id, err1 := strconv.ParseInt(parts[3], 10, 64)
	unix, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || id < 0 {
		return Token{}, ErrInvalid
	}
	t := Token{Purpose: purpose, Page: parts[2], Signup: id, Issued: time.Unix(unix, 0).UTC()}
	if s.Sign(t) != raw { // only the canonical spelling: one token, one accepted form
		return Token{}, ErrInvalid
	}
	if maxAge > 0 && now.Sub(t.Issued) > maxAge {
		return t, ErrExpired
	}
	return t, nil
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}
