package stats

import "math"

// Standard normal quantiles used throughout (R: qnorm). They are written out rather than
// computed so every number in a report can be traced to a textbook table.
const (
	// Z95TwoSided is qnorm(0.975): a two-sided 95% interval.
	Z95TwoSided = 1.959963984540054
	// Z95OneSided is qnorm(0.95): a one-sided 95% bound.
	Z95OneSided = 1.6448536269514722
	// z80Power is qnorm(0.80): the power used to say how many more visitors are needed.
	z80Power = 0.8416212335729143
)

// Wilson returns the Wilson score interval for a binomial proportion: the rates p for which
// |successes/n − p| ≤ z·sqrt(p(1−p)/n). It is the interval shown next to every conversion
// rate because, unlike the textbook "rate ± 1.96·SE" (Wald) interval, it stays inside
// [0, 1], is not zero-width at 0 or n successes, and covers close to its nominal level on
// average even for rates of a few percent (Brown, Cai & DasGupta 2001, "Interval estimation
// for a binomial proportion", Statistical Science 16:101–133).
//
// Formula: Wilson (1927), JASA 22:209–212; Newcombe (1998), Statistics in Medicine
// 17:857–872, method 3 (R: prop.test(x, n, correct = FALSE)$conf.int).
// With n = 0 nothing is known and the interval is (0, 1). successes is clamped to [0, n].
func Wilson(successes, n int64, z float64) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	successes = min(max(successes, 0), n)
	nf := float64(n)
	p := float64(successes) / nf
	z2 := z * z
	denom := 1 + z2/nf
	center := (p + z2/(2*nf)) / denom
	half := z / denom * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	low, high = center-half, center+half
	// The interval's end is exactly 0 (or 1) when no visitor (or every visitor) signed up;
	// rounding must not turn that into 1e-18 or 0.9999999999999999.
	if successes == 0 {
		low = 0
	}
	if successes == n {
		high = 1
	}
	return clamp01(low), clamp01(high)
}

// Wilson95 is the two-sided 95% Wilson interval, the one shown next to each variant's rate.
func Wilson95(successes, n int64) (low, high float64) {
	return Wilson(successes, n, Z95TwoSided)
}

// WilsonOneSided95 returns the one-sided 95% Wilson lower bound and the one-sided 95%
// Wilson upper bound; together they form a 90% two-sided interval.
func WilsonOneSided95(successes, n int64) (low, high float64) {
	return Wilson(successes, n, Z95OneSided)
}
