package pages

import "testing"

func TestLineIndexFindsEveryKindOfKey(t *testing.T) {
	src := `# comment
slug = "a"
thanks.headline = "dotted"

[pass_bar]
target = "5%"

[[variants]]
id = "first"

[[variants]]
id = "second"
  [variants.extra]
  deep = 1

[[fields]]
name = "role"
options = [
  "one",
  "two",
]
rows = [{ a = 1 },
  { a = 2 }]
`
	idx := indexLines([]byte(src))
	tests := []struct {
		path string
		line int
	}{
		{"", 1},
		{"slug", 2},
		{"thanks", 3},
		{"thanks.headline", 3},
		{"pass_bar", 5},
		{"pass_bar.target", 6},
		{"pass_bar.min_visitors", 5}, // missing: the line of its section
		{"variants", 8},
		{"variants[0]", 8},
		{"variants[0].id", 9},
		{"variants[1]", 11},
		{"variants[1].id", 12},
		{"variants[1].extra", 13},
		{"variants[1].extra.deep", 14},
		{"variants[1].cta", 11},
		{"variants[7].id", 8}, // never written: falls back to the list
		{"fields[0].options", 18},
		{"fields[0].options[0]", 19},
		{"fields[0].options[1]", 20},
		{"fields[0].rows[1].a", 23},
		{"nowhere.at.all", 1},
	}
	for _, tc := range tests {
		if got := idx.line(tc.path); got != tc.line {
			t.Errorf("line(%q) = %d, want %d", tc.path, got, tc.line)
		}
	}
}
