package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"strings"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/problem"
)

// ErrNoAddress and ErrAddressTooLong are what Forget refuses before looking anything up;
// their text is a plain sentence for the person who typed the address.
var (
	ErrNoAddress      = problem.New("give the email address of the person who asked to be forgotten")
	ErrAddressTooLong = problem.New("that is longer than any email address can be (%d characters): check what was pasted", email.MaxLength)
)

// Erasure is what Forget did: the address as looked up, and how many signups it erased.
type Erasure struct {
	Address string
	Signups int64
}

// Forget is the erasure request of one person, shared by `litmus forget` and the admin's
// "Forget a person" form: it trims and bounds raw, looks it up as the signup form would
// have stored it, erases every signup with its email.Key on every page, and records the
// erasure (a keyed hash, no address) so that restoring an older backup erases it again.
func (s *Store) Forget(ctx context.Context, raw string) (Erasure, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return Erasure{}, ErrNoAddress
	case len(raw) > email.MaxLength:
		return Erasure{}, ErrAddressTooLong
	}
	addr := email.Lookup(raw)
	n, err := s.forget(ctx, addr)
	return Erasure{Address: addr, Signups: n}, err
}

// erasureHash is the record of an erased person: HMAC-SHA256 of their email.Key under a key
// derived from the installation's secret (which backups carry, so a restored file computes
// the same hashes). Without the database it cannot be matched against a list of addresses.
func erasureHash(secret []byte, key string) []byte {
	derive := hmac.New(sha256.New, secret)
	derive.Write([]byte("litmus erasure record v1"))
	mac := hmac.New(sha256.New, derive.Sum(nil))
	mac.Write([]byte(key))
	return mac.Sum(nil)
}
