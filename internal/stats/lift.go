package stats

import "math"

// Lift is how much better (positive) or worse (negative) a variant converts than the
// control, relative to the control: variant rate / control rate − 1, so 0.25 reads "25%
// more signups per visitor". A nil field is a number that does not exist for these counts
// (JSON null), never NaN or Inf.
type Lift struct {
	Estimate *float64 // nil when the control has no visitors or no signups (÷0)
	Low      *float64 // 95% interval; nil when either group has no signups
	High     *float64
}

// RelativeLift returns the lift of variant over control with a 95% interval by the Katz
// log risk-ratio method: log(RR) ± 1.96·sqrt(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂) (Katz, Baptista,
// Azen & Pike 1978, "Obtaining confidence intervals for the risk ratio in cohort studies",
// Biometrics 34:469–474; Agresti, "Categorical Data Analysis", 3rd ed., 2013, ch. 3).
// The interval is on the ratio's log scale, so it is asymmetric and never below −100%.
//
// Zeros: with no signups in a group the log ratio is infinite. Rather than invent counts
// with a continuity correction (which moves the interval away from the observed lift), the
// interval is left nil; the estimate is still given when only the variant has none (−100%).
// When everybody signed up in both groups the formula's spread is zero; a zero-width
// interval would claim certainty the data do not have, so it is nil too.
func RelativeLift(control, variant Counts) Lift {
	var lift Lift
	if control.Visitors <= 0 || variant.Visitors <= 0 || control.Signups <= 0 {
		return lift
	}
	ratio := variant.Rate() / control.Rate()
	lift.Estimate = ptr(ratio - 1)
	if variant.Signups <= 0 {
		return lift
	}
	se := math.Sqrt(1/float64(variant.Signups) - 1/float64(variant.Visitors) +
		1/float64(control.Signups) - 1/float64(control.Visitors))
	if !(se > 0) {
		return lift
	}
	logRatio := math.Log(ratio)
	lift.Low = ptr(math.Exp(logRatio-Z95TwoSided*se) - 1)
	lift.High = ptr(math.Exp(logRatio+Z95TwoSided*se) - 1)
	return lift
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
