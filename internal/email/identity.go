package email

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxLength is the longest address there can be, in bytes: RFC 5321 (section 4.5.3.1)
// allows a 256-octet path, which is 254 without its angle brackets. Every bound on an email
// (the form field, the store, the erasure forms) uses this one constant.
const MaxLength = 254

// Key returns the identity of an address: two addresses with the same Key are the same
// person for "one signup per email per page", for erasure and for look-ups. It is the
// NFKC_Casefold of the whole address (NFKC, full Unicode case folding, NFKC again, as
// Unicode's UAX #31 and RFC 8265 recommend for comparing identifiers): "ÉMILE@x.com" and
// "émile@x.com", "Σ@x.com", "σ@x.com" and "ς@x.com", "ａ@x.com" and "A@x.com" share a
// Key. Letters of other scripts that merely look alike ("а", Cyrillic, and "a", Latin)
// do not: they are different addresses. See the package documentation for why NFKC here
// while the stored address stays NFC.
//
// Key is meant for addresses Normalize returned, but it is total: any string has a Key.
func Key(addr string) string {
	s := norm.NFKC.String(strings.TrimSpace(addr))
	s = cases.Fold().String(s) // a new Caser each time: a Caser is not safe for concurrent use
	return norm.NFKC.String(s)
}
