package stats

import "math"

// FisherExact returns the two-sided p-value of Fisher's exact test for the 2×2 table
//
//	a b
//	c d
//
// with the definition of R's fisher.test: the sum of the hypergeometric probabilities of
// every table with the same margins that is no more likely than the observed one (with R's
// relative tolerance of 1e-7 for ties). Litmus uses it instead of the z-test when an
// expected cell count is under 5, where the normal approximation misleads.
// Counts must be ≥ 0; an empty table gives 1.
//
// Probabilities are built by the ratio of consecutive hypergeometric terms rather than by
// log-gamma, so that ties stay ties even for a million visitors.
func FisherExact(a, b, c, d int64) float64 {
	if a < 0 || b < 0 || c < 0 || d < 0 {
		return 1
	}
	row1, row2, col1 := a+b, c+d, a+c
	lo := max(0, col1-row2)
	hi := min(col1, row1)
	if hi <= lo {
		return 1
	}
	// logw[i] is log P(X = lo+i) up to a constant, X ~ Hypergeometric(row1, row2, col1).
	logw := make([]float64, hi-lo+1)
	for x := lo; x < hi; x++ {
		num := float64(row1-x) * float64(col1-x)
		den := float64(x+1) * float64(row2-col1+x+1)
		logw[x-lo+1] = logw[x-lo] + math.Log(num) - math.Log(den)
	}
	top := math.Inf(-1)
	for _, l := range logw {
		top = math.Max(top, l)
	}
	observed := math.Exp(logw[a-lo] - top)
	var total, asExtreme float64
	for _, l := range logw {
		w := math.Exp(l - top)
		total += w
		if w <= observed*(1+1e-7) {
			asExtreme += w
		}
	}
	return clamp01(asExtreme / total)
}

// fisherExactCounts is FisherExact for a control and a variant.
func fisherExactCounts(control, variant Counts) float64 {
	return FisherExact(control.Signups, control.nonSignups(), variant.Signups, variant.nonSignups())
}
