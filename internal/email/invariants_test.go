package email

import (
	"bufio"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// blnsPath is the Big List of Naughty Strings, which CI keeps in ../shared beside the
// checkout (see /work/shared/testdata/README.md); from this package that is three levels up.
const blnsPath = "../../../shared/testdata/blns.txt"

// TestNaughtyStrings feeds every line of the Big List of Naughty Strings to Normalize, on
// its own and as either half of an address: whatever comes back must be a clean address
// or a refusal with a known rule, never a panic or a smuggled control character.
func TestNaughtyStrings(t *testing.T) {
	f, err := os.Open(blnsPath)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("skipping: %s not found; CI provides it (clone the shared test data beside the checkout to run this locally)", blnsPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, accepted := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		lines++
		for _, in := range []string{line, "x@" + line, line + "@example.com"} {
			out, err := Normalize(in)
			checkResult(t, in, out, err)
			if err == nil {
				accepted++
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if lines < 500 {
		t.Fatalf("read only %d strings from %s; the list has over 500", lines, blnsPath)
	}
	t.Logf("%d naughty strings, %d of %d inputs accepted", lines, accepted, 3*lines)
}

func FuzzNormalize(f *testing.F) {
	// More seeds live in testdata/fuzz/FuzzNormalize.
	for _, s := range []string{"ann@example.com", " Ann@Bücher.DE ", "josé@例え.テスト", "a@[1.2.3.4]", `"a b"@c.de`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		checkResult(t, in, out, err)
	})
}

// checkResult asserts what every caller relies on, independently of how Normalize works:
// a refusal is an *Error with a known rule and its message; an accepted address is short,
// visible, has one @ and a lower-case ASCII domain, and normalises to itself.
func checkResult(t *testing.T, in, out string, err error) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || !slices.Contains(Rules(), e.Rule) || e.Message != e.Rule.Message() || out != "" {
			t.Fatalf("Normalize(%q) = %q, %#v: want an *Error with a known rule and its message, no address", in, out, err)
		}
		return
	}
	if !utf8.ValidString(out) || len(out) > 254 || strings.Count(out, "@") != 1 {
		t.Fatalf("Normalize(%q) = %q: want valid UTF-8, at most 254 bytes, one @", in, out)
	}
	for _, r := range out {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp) || r == '"' {
			t.Fatalf("Normalize(%q) = %q: contains %U, which must never be stored", in, out, r)
		}
	}
	local, domain, _ := strings.Cut(out, "@")
	if local == "" || len(local) > 64 || !strings.Contains(domain, ".") {
		t.Fatalf("Normalize(%q) = %q: want a local part of 1..64 bytes and a dotted domain", in, out)
	}
	for i := 0; i < len(domain); i++ {
		if c := domain[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			t.Fatalf("Normalize(%q) = %q: domain is not lower-case ASCII", in, out)
		}
	}
	again, err := Normalize(out)
	if err != nil || again != out {
		t.Fatalf("not idempotent: Normalize(%q) = %q, but Normalize(%q) = %q, %v", in, out, out, again, err)
	}
}
