package store_test

import (
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestClip: never more than n bytes, never half a character, never invalid UTF-8.
func TestClip(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"Zoë Ångström", 3, "Zo"},  // ë is two bytes: not split
		{"Zoë Ångström", 4, "Zoë"}, // now it fits
		{"a\xffb", 10, "a\uFFFDb"}, // a bad byte becomes U+FFFD
		{"日本語", 5, "日"},            // three-byte characters
		{"", 5, ""},
	}
	for _, c := range cases {
		if got := store.Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
