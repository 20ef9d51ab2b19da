// Package assign decides which variant of a page a visitor sees.
//
// Assignment is a pure function of (page slug, visitor id, weights): no state, no database
// lookup, the same answer on every server and after every restart. That is what makes it
// sticky without storing anything, and what lets a signup be attributed to the variant the
// visitor actually saw. The mapping is frozen by golden vectors in the tests: changing it
// would silently move returning visitors to another variant mid-test.
package assign

import (
	"crypto/rand"
	"encoding/base64"
	"hash/fnv"
	"math/bits"
	"time"
)

// VisitorIDLen is the length of a visitor id: 16 random bytes in unpadded base64url.
const VisitorIDLen = 22

// NewVisitorID returns a fresh visitor id, safe to put in a cookie and in a form token
// without escaping: 6 bytes of Unix time in milliseconds (big-endian) then 10 random bytes
// (80 bits from crypto/rand), like a UUIDv7.
//
// Why time first: the store keys exposures by (phase, visitor id). Fully random ids land
// every new visitor on a random page of that B-tree, so a batch of 1,000 new visitors dirtied
// about 1,000 pages, and the writer ran about ten times slower than with ids made close
// together in time, which share a prefix and land on a few adjacent pages (bench/RESULTS.md).
// The cost: the cookie tells its owner (and only them: it is first-party and HttpOnly) when
// they first came. Assignment hashes the whole id, so the split between variants is as
// uniform as before.
func NewVisitorID() string {
	var b [16]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// ValidVisitorID reports whether id has the shape NewVisitorID produces. Anything else in the
// cookie (tampered, truncated, from another app) is replaced by a fresh id.
func ValidVisitorID(id string) bool {
	if len(id) != VisitorIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Bucket maps (page, visitor) to an index into weights, with probability proportional to each
// weight. It hashes "page\x00visitor" with 64-bit FNV-1a, scrambles the result with the
// SplitMix64 finaliser (FNV alone is weak in its high bits for short, similar inputs), and
// scales it onto [0, total) with a 128-bit multiply (Lemire's method), which avoids the bias of
// a modulo. Weights must be positive; an empty slice returns 0.
func Bucket(page, visitor string, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(page))
	h.Write([]byte{0})
	h.Write([]byte(visitor))
	x := mix64(h.Sum64())
	point, _ := bits.Mul64(x, uint64(total))
	for i, w := range weights {
		if point < uint64(w) {
			return i
		}
		point -= uint64(w)
	}
	return len(weights) - 1
}

// mix64 is the SplitMix64 finaliser (Steele, Lea, Flood 2014): a bijection that spreads every
// input bit over the whole output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
