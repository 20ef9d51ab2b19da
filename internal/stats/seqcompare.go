package stats

import "math"

// SequentialComparison is a variant against the control by a test that stays valid however
// often it is looked at: the normal-mixture sequential probability ratio test (mSPRT) on
// the log of the ratio of the two rates, whose estimate is asymptotically normal with the
// Katz variance 1/x₁ − 1/n₁ + 1/x₂ − 1/n₂ (Katz et al. 1978).
//
// With θ̂ the observed log ratio and I = 1/variance its information, mixing the likelihood
// ratio of "the true log ratio is θ" against "it is 0" over θ ~ Normal(0, τ²) gives the
// e-value (Robbins 1970; Johari, Koomen, Pekelis & Walsh, "Always valid inference",
// Operations Research 70(3), 2022, eq. (11)):
//
//	E = (1 + Iτ²)^(−½) · exp( τ² (Iθ̂)² / (2(1 + Iτ²)) )
//
// a nonnegative martingale under "no difference" (asymptotically), so by Ville's inequality
// P(E ever ≥ 1/α) ≤ α, and p = min(1, 1/E) is an always-valid p-value. Inverting it at
// level α gives the confidence sequence θ̂ ± h with
//
//	h = sqrt( (1 + Iτ²)/(τ² I²) · (2 log(1/α) + log(1 + Iτ²)) )
//
// (Howard, Ramdas, McAuliffe & Sekhon, Annals of Statistics 49(2), 2021, eq. (14), for
// the normal case; Waudby-Smith et al. 2021, "Time-uniform central limit theory", for the
// asymptotic one). τ² is tuned so that the sequence is narrowest at the information the
// pre-registered test will have (Howard et al. §3.5: τ²·I* = −2 log α + log(1 − 2 log α)).
//
// The normal approximation is poor with few signups, so below minSignupsToCompare signups
// in either group the comparison waits (p = 1, no range); the A/A simulation in the tests
// measures what this costs and that "significant" stays under 5% at daily looks.
type SequentialComparison struct {
	PValue float64  // always-valid p-value, min(1, 1/E); 1 when waiting
	Low    *float64 // lift's always-valid range at the given level; nil when waiting
	High   *float64
}

// minSignupsToCompare is the signups each group needs before it is compared.
const minSignupsToCompare = 10

// compareSequentially compares variant with control; tau2 is the mixture's variance and
// alpha the level of the lift's range (already corrected for the number of variants).
func compareSequentially(control, variant Counts, tau2, alpha float64) SequentialComparison {
	out := SequentialComparison{PValue: 1}
	if control.Signups < minSignupsToCompare || variant.Signups < minSignupsToCompare {
		return out
	}
	v := 1/float64(variant.Signups) - 1/float64(variant.Visitors) + 1/float64(control.Signups) - 1/float64(control.Visitors)
	if !(v > 0) {
		return out // everybody signed up in both groups: nothing to measure
	}
	info := 1 / v
	theta := math.Log(variant.Rate() / control.Rate())
	shrink := 1 + info*tau2
	logE := -0.5*math.Log(shrink) + tau2*(info*theta)*(info*theta)/(2*shrink)
	out.PValue = math.Min(1, math.Exp(-logE))
	h := math.Sqrt(shrink / (tau2 * info * info) * (2*math.Log(1/alpha) + math.Log(shrink)))
	out.Low, out.High = ptr(math.Exp(theta-h)-1), ptr(math.Exp(theta+h)-1)
	return out
}

// comparisonMixture returns τ² for a page: the information about the log ratio of two
// variants that, at the bar's rate, the pre-registered minimum would give (at least 1,000
// visitors, so a page without a minimum is tuned to a modest test), split evenly.
func comparisonMixture(bar PassBar, variants int) float64 {
	planned := math.Max(float64(bar.MinVisitors), 1000) / float64(max(variants, 2))
	p := bar.TargetRate
	info := 1 / (2 * (1 - p) / (p * planned))
	a := -2 * math.Log(SignificanceLevel)
	return (a + math.Log(1+a)) / info
}
