package pagedir

import "strings"

// DiffLine is one line of a readable diff: Op is ' ' (unchanged), '-' (removed) or '+'
// (added); Gap marks a run of unchanged lines left out.
type DiffLine struct {
	Op   byte
	Text string
	Gap  bool
}

// maxDiffCells bounds the comparison table (lines × lines of the changed middle). Page files
// are at most 256 KiB; past the bound the middle is shown as removed then added, which is
// still correct, only less tidy.
const maxDiffCells = 4_000_000

// Diff compares two texts line by line (longest common subsequence after trimming the
// common start and end) and keeps context lines of unchanged text around each change.
func Diff(old, new string, context int) []DiffLine {
	a, b := splitLines(old), splitLines(new)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var all []DiffLine
	for _, l := range a[:pre] {
		all = append(all, DiffLine{Op: ' ', Text: l})
	}
	all = append(all, diffMiddle(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		all = append(all, DiffLine{Op: ' ', Text: l})
	}
	return trimContext(all, context)
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func diffMiddle(a, b []string) []DiffLine {
	var out []DiffLine
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			out = append(out, DiffLine{Op: '-', Text: l})
		}
		for _, l := range b {
			out = append(out, DiffLine{Op: '+', Text: l})
		}
		return out
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{Op: ' ', Text: a[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{Op: '-', Text: a[i]})
			i++
		default:
			out = append(out, DiffLine{Op: '+', Text: b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{Op: '-', Text: a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{Op: '+', Text: b[j]})
	}
	return out
}

// trimContext keeps changed lines and up to n unchanged lines around each, replacing each
// longer unchanged run by one Gap line.
func trimContext(all []DiffLine, n int) []DiffLine {
	keep := make([]bool, len(all))
	for i, l := range all {
		if l.Op != ' ' {
			for k := max(0, i-n); k <= min(len(all)-1, i+n); k++ {
				keep[k] = true
			}
		}
	}
	var out []DiffLine
	for i, l := range all {
		switch {
		case keep[i]:
			out = append(out, l)
		case len(out) == 0 || !out[len(out)-1].Gap:
			out = append(out, DiffLine{Gap: true})
		}
	}
	return out
}
