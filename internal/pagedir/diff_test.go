package pagedir

import (
	"strings"
	"testing"
)

func render(d []DiffLine) string {
	var b strings.Builder
	for _, l := range d {
		if l.Gap {
			b.WriteString("…\n")
			continue
		}
		b.WriteString(string(l.Op) + l.Text + "\n")
	}
	return b.String()
}

func TestDiffShowsChangesWithContext(t *testing.T) {
	old := "0\n1\na\nb\nc\nd\ne\nf\ng\nh\n"
	new := "0\n1\na\nb\nc\nD\ne\nf\ng\nh\ni\n"
	want := "…\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n+i\n"
	if got := render(Diff(old, new, 3)); got != want {
		t.Errorf("diff:\n%s\nwant:\n%s", got, want)
	}
	if got := Diff("same\n", "same\n", 3); len(got) != 1 || !got[0].Gap {
		t.Errorf("no change: %q", render(got))
	}
	if got := render(Diff("", "x\n", 3)); got != "+x\n" {
		t.Errorf("from nothing: %q", got)
	}
	// Reordered lines: every line is in the diff once, as removed, added or kept.
	got := Diff("1\n2\n3\n4\n", "4\n3\n2\n1\n", 0)
	minus, plus := 0, 0
	for _, l := range got {
		switch l.Op {
		case '-':
			minus++
		case '+':
			plus++
		}
	}
	if minus != 3 || plus != 3 {
		t.Errorf("reorder: %q", render(got))
	}
}
