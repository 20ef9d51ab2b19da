package store

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/problem"
)

// ErrClosed is returned by writes after Close: the server is shutting down.
var ErrClosed = errors.New("store: closed (the server is shutting down)")

// ErrInvalid marks input the store refuses to keep. Callers validate first and show their own
// message; this is the last line, so nothing unbounded reaches the file.
var ErrInvalid = errors.New("invalid input")

// ErrNotFound marks a request for something the database does not hold (a phase number
// the page never had).
var ErrNotFound = errors.New("not found")

// Bounds on what is stored. Values from visitors that are merely long (referrer, UTM tags,
// user agents) are cut to size; identifiers that are too long are refused.
const (
	maxIDLen        = 64 // page slug, visitor id, variant id, phase hash
	maxEmailLen     = email.MaxLength
	maxSourceLen    = 200      // referrer host and each utm_* value
	maxAgentLen     = 200      // user agent of a filtered request
	maxClassLen     = 32       // class of a filtered request
	maxFields       = 32       // extra form fields per signup
	maxFieldNameLen = 64       // name of an extra form field
	maxFieldsJSON   = 64 << 10 // all extra form fields of one signup, as JSON
	maxDefinition   = 1 << 20  // a phase definition, as JSON
	maxListLimit    = 1000     // rows in one list answer
	defaultList     = 50       // rows when the caller asks for 0
)

// invalid is an ErrInvalid whose message says, for people, what was wrong.
func invalid(format string, args ...any) error {
	return problem.Wrap(ErrInvalid, format, args...)
}

// checkID refuses an empty or oversized identifier; what names the field in the message.
func checkID(what, s string) error {
	switch {
	case s == "":
		return invalid("%s is empty", what)
	case len(s) > maxIDLen:
		return invalid("%s is %d bytes long; at most %d are allowed", what, len(s), maxIDLen)
	case !utf8.ValidString(s):
		return invalid("%s is not valid UTF-8 text", what)
	}
	return nil
}

// Clip returns s as valid UTF-8 (bad bytes become U+FFFD), cut at a character boundary to
// at most n bytes. It is the one way Litmus bounds free text: what the store keeps (user
// agents, sources, names in messages) and what the handlers echo or pass on.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// listLimit turns a caller's limit into a bounded one: 0 or less means the default.
func listLimit(limit int) int {
	switch {
	case limit <= 0:
		return defaultList
	case limit > maxListLimit:
		return maxListLimit
	}
	return limit
}

// orNow returns t, or the current time when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// dayOf returns the UTC calendar day of t, the key of daily_counts and filtered.
func dayOf(t time.Time) string { return t.UTC().Format(time.DateOnly) }
