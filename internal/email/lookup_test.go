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

// The addresses from issue 14: the same person typed with other case or width shares a Key;
// look-alike letters of another script do not.
func TestKeyJoinsCaseAndWidthNotScripts(t *testing.T) {
	same := [][]string{
		{"émile@x.com", "ÉMILE@x.com", "E\u0301mile@x.com"},
		{"σ@x.com", "ς@x.com", "Σ@x.com"},
		{"ａ@x.com", "A@x.com", "a@x.com"},
		{"straße@x.com", "STRASSE@x.com"},
		{"ﬁn@x.com", "FIN@x.com"},
	}
	for _, group := range same {
		for _, raw := range group {
			addr, err := Normalize(raw)
			if err != nil {
				t.Fatalf("Normalize(%q): %v", raw, err)
			}
			if Key(addr) != Key(group[0]) || Key(raw) != Key(group[0]) {
				t.Errorf("Key(%q) = %q, want the Key of %q, %q", raw, Key(addr), group[0], Key(group[0]))
			}
		}
	}
	distinct := [][2]string{
		{"a@x.com", "\u0430@x.com"},                // Latin a, Cyrillic a
		{"o@x.com", "\u03bf@x.com"},                // Latin o, Greek omicron
		{"paypal@x.com", "р\u0430yp\u0430l@x.com"}, // mixed Cyrillic
	}
	for _, d := range distinct {
		if Key(d[0]) == Key(d[1]) {
			t.Errorf("Key(%q) == Key(%q): look-alikes of another script must stay distinct", d[0], d[1])
		}
	}
	// Key is idempotent, so a stored Key can be compared with a fresh one.
	for _, s := range []string{"ÉMILE@x.com", "ﬁn@x.com", "Σ@x.com"} {
		if k := Key(s); Key(k) != k {
			t.Errorf("Key(Key(%q)) = %q, want %q", s, Key(k), k)
		}
	}
}
