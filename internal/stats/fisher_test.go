package stats

import (
	"fmt"
	"testing"
)

// TestFisherExactMatchesR: reference values are R's fisher.test(matrix(c(a, c, b, d), 2))
// two-sided p-values, computed here independently by enumerating every table with the same
// margins in exact rational arithmetic. The first is R's own TeaTasting example (0.4857),
// the second its Convictions data (0.0005367).
func TestFisherExactMatchesR(t *testing.T) {
	cases := []struct {
		a, b, c, d int64
		want       float64
	}{
		{3, 1, 1, 3, 0.4857142857},
		{2, 10, 15, 3, 0.0005367241191},
		{1, 9, 11, 3, 0.002759456185},
		{0, 20, 5, 15, 0.04712404712},
		{10, 90, 2, 98, 0.03304010932},
		{3, 97, 0, 100, 0.2462311558},
		{1, 99, 8, 92, 0.03489915197},
		{0, 5, 0, 5, 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d %d / %d %d", c.a, c.b, c.c, c.d), func(t *testing.T) {
			if got := FisherExact(c.a, c.b, c.c, c.d); !near(got, c.want, 1e-8) {
				t.Errorf("FisherExact = %.10g, fisher.test says %.10g", got, c.want)
			}
		})
	}
}

// TestFisherExactCountsTiesForHugeTables: a table and its mirror image are equally likely;
// both tails must count, whatever the size (this is why R has a 1e-7 tolerance and why the
// code avoids log-gamma differences).
func TestFisherExactCountsTiesForHugeTables(t *testing.T) {
	for _, n := range []int64{10, 1000, 1_000_000, 100_000_000} {
		// 2 signups out of n vs 4 out of n: the mirror table (4 vs 2) has the same probability.
		left := FisherExact(2, n-2, 4, n-4)
		right := FisherExact(4, n-4, 2, n-2)
		if !near(left, right, 1e-9) {
			t.Errorf("n=%d: mirror tables give %v and %v", n, left, right)
		}
		if left < 0.5 || left > 1 {
			t.Errorf("n=%d: 2 vs 4 signups is no evidence at all, p should be large, got %v", n, left)
		}
	}
	if got := FisherExact(3, 3, 3, 3); got != 1 {
		t.Errorf("identical rows must give p = 1, got %v", got)
	}
}
