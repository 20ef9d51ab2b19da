package email

import "testing"

func TestLookupFindsWhatTheFormStored(t *testing.T) {
	cases := map[string]string{
		"  Ada@Example.COM ":       "Ada@example.com", // as a signup stored it
		"user@BÜCHER.example":      "user@xn--bcher-kva.example",
		"not an address":           "not an address", // refused by the form today: looked up as typed
		"  old..style@example.com": "old..style@example.com",
	}
	for in, want := range cases {
		if got := Lookup(in); got != want {
			t.Errorf("Lookup(%q) = %q, want %q", in, got, want)
		}
	}
}
