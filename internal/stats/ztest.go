package stats

import "math"

// TwoProportionZTest compares a variant's rate with the control's by the pooled two-sided
// z-test and returns z (positive when the variant converts better) and the p-value.
// It is R's prop.test(c(x1, x2), c(n1, n2), correct = FALSE), whose X-squared is z², and
// the large-sample test of Agresti, "Categorical Data Analysis" (3rd ed., 2013), ch. 3.
// When a group has no visitors, or nobody (or everybody) signed up in both groups, the test
// has nothing to measure: z = 0 and p = 1 (R would say NaN).
func TwoProportionZTest(control, variant Counts) (z, p float64) {
	n1, n2 := float64(control.Visitors), float64(variant.Visitors)
	if n1 <= 0 || n2 <= 0 {
		return 0, 1
	}
	pooled := float64(control.Signups+variant.Signups) / (n1 + n2)
	se := math.Sqrt(pooled * (1 - pooled) * (1/n1 + 1/n2))
	if !(se > 0) {
		return 0, 1
	}
	z = (variant.Rate() - control.Rate()) / se
	return z, clamp01(math.Erfc(math.Abs(z) / math.Sqrt2))
}

// needsExactTest reports whether any expected cell count of the 2×2 table (signed up or
// not, control or variant) is under 5: Cochran's (1954) rule for when the z (chi-square)
// approximation is no longer trusted and Fisher's exact test is used instead.
func needsExactTest(control, variant Counts) bool {
	n := float64(control.Visitors + variant.Visitors)
	if n <= 0 {
		return true
	}
	signups := float64(control.Signups + variant.Signups)
	for _, row := range []float64{float64(control.Visitors), float64(variant.Visitors)} {
		for _, col := range []float64{signups, n - signups} {
			if row*col/n < 5 {
				return true
			}
		}
	}
	return false
}
