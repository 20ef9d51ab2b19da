package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestBinomialTailsMatchBinomTest: reference values are R's
// binom.test(k, n, p, alternative = "greater" / "less")$p.value, computed here
// independently by summing the binomial terms in exact rational arithmetic.
func TestBinomialTailsMatchBinomTest(t *testing.T) {
	greater := []struct {
		k, n int64
		p    float64
		want float64
	}{
		{62, 1000, 0.05, 0.05110955904},
		{61, 1000, 0.05, 0.06706251863},
		{3, 20, 0.05, 0.07548367379},
		{7, 100, 0.03, 0.03122750943},
		{0, 100, 0.03, 1},
		{101, 100, 0.03, 0},
	}
	for _, c := range greater {
		if got := BinomialTailAtLeast(c.k, c.n, c.p); !near(got, c.want, 1e-8) {
			t.Errorf("P(X ≥ %d | n=%d, p=%v) = %.10g, binom.test says %.10g", c.k, c.n, c.p, got, c.want)
		}
	}
	less := []struct {
		k, n int64
		p    float64
		want float64
	}{
		{38, 1000, 0.05, 0.04334819061},
		{39, 1000, 0.05, 0.05981487905},
		{0, 59, 0.05, 0.04849452525},
		{1, 200, 0.02, 0.08937548377},
		{200, 200, 0.02, 1},
	}
	for _, c := range less {
		if got := BinomialTailAtMost(c.k, c.n, c.p); !near(got, c.want, 1e-8) {
			t.Errorf("P(X ≤ %d | n=%d, p=%v) = %.10g, binom.test says %.10g", c.k, c.n, c.p, got, c.want)
		}
	}
}

// TestExactBoundsClosedForms uses the two cases where Clopper–Pearson bounds have a closed
// form: with no successes the upper bound is 1 − α^(1/n), with all successes the lower bound
// is α^(1/n) (the "rule of three" in exact form).
func TestExactBoundsClosedForms(t *testing.T) {
	for _, n := range []int64{1, 20, 59, 1000, 10_000_000} {
		low, high := ExactBounds(0, n, 0.05)
		if want := -math.Expm1(math.Log(0.05) / float64(n)); low != 0 || !near(high, want, 1e-9) {
			t.Errorf("ExactBounds(0, %d) = (%v, %v), want (0, %v)", n, low, high, want)
		}
		low, high = ExactBounds(n, n, 0.05)
		if want := math.Pow(0.05, 1/float64(n)); high != 1 || !near(low, want, 1e-9) {
			t.Errorf("ExactBounds(%d, %d) = (%v, %v), want (%v, 1)", n, n, low, high, want)
		}
	}
	if low, high := ExactBounds(0, 0, 0.05); low != 0 || high != 1 {
		t.Errorf("with no visitors the bounds must be (0, 1), got (%v, %v)", low, high)
	}
}

// TestExactBoundsAgreeWithTheTest: the bound sits exactly where the exact test's p-value
// crosses 5%, so the bounds shown in a sentence can never contradict the verdict.
func TestExactBoundsAgreeWithTheTest(t *testing.T) {
	for _, c := range [][2]int64{{25, 812}, {62, 1000}, {1, 29}, {300_000, 10_000_000}} {
		t.Run(fmt.Sprintf("%d of %d", c[0], c[1]), func(t *testing.T) {
			low, high := ExactBounds(c[0], c[1], 0.05)
			if got := BinomialTailAtLeast(c[0], c[1], low); !near(got, 0.05, 1e-6) {
				t.Errorf("P(X ≥ %d) at the lower bound %v is %v, want 0.05", c[0], low, got)
			}
			if got := BinomialTailAtMost(c[0], c[1], high); !near(got, 0.05, 1e-6) {
				t.Errorf("P(X ≤ %d) at the upper bound %v is %v, want 0.05", c[0], high, got)
			}
		})
	}
}

// TestExactBoundsAreWiderThanWilson: exactness costs width; the exact one-sided bounds
// must enclose the Wilson one-sided ones.
func TestExactBoundsAreWiderThanWilson(t *testing.T) {
	low, high := ExactBounds(25, 812, 0.05)
	wl, wh := WilsonOneSided95(25, 812)
	if !(low < wl && wh < high) {
		t.Errorf("exact (%.5f, %.5f) should enclose Wilson (%.5f, %.5f)", low, high, wl, wh)
	}
}

// TestLogBetaKeepsItsDigitsForHugeArguments compares with values that have a closed form:
// B(1, b) = 1/b and B(2, b) = 1/(b(b+1)).
func TestLogBetaKeepsItsDigitsForHugeArguments(t *testing.T) {
	for _, b := range []float64{10, 12.5, 1e4, 1e7, 1e9} {
		if got, want := logBeta(1, b), -math.Log(b); math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("logBeta(1, %v) = %.17g, want %.17g", b, got, want)
		}
		if got, want := logBeta(2, b), -math.Log(b)-math.Log(b+1); math.Abs(got-want) > 1e-13*math.Max(1, math.Abs(want)) {
			t.Errorf("logBeta(2, %v) = %.17g, want %.17g", b, got, want)
		}
	}
	// Both large: log B(a, a) against lgamma differences computed at a moderate size.
	la, _ := math.Lgamma(50)
	l2a, _ := math.Lgamma(100)
	if got, want := logBeta(50, 50), 2*la-l2a; math.Abs(got-want) > 1e-11 {
		t.Errorf("logBeta(50, 50) = %.15g, want %.15g", got, want)
	}
}
