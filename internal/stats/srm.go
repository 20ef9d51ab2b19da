package stats

import (
	"fmt"
	"math"
	"strings"
)

// SRMThreshold is the always-valid p-value under which the split of visitors between
// variants is called a sample-ratio mismatch (Fabijan et al. 2019, "Diagnosing Sample Ratio
// Mismatch in Online Controlled Experiments", KDD, describe the problem and its usual
// causes). The check runs every time the dashboard is opened, and its p-value is valid over
// all those looks together, so a healthy test is flagged at most 0.1% of the time ever.
const SRMThreshold = 0.001

// srmConcentration is the Dirichlet mixture's concentration: its mean is the configured
// split and its weight that of 100 visitors, the default of Lindon & Malek's savvi package.
const srmConcentration = 100

// SRM is the sample-ratio check: were visitors split between the variants in the
// proportions the page file asked for? When they were not (Mismatch), something counts one
// variant's visitors differently from another's (a redirect, a cache, bots that reach only
// one variant), so every comparison and the verdict are suspect: Report.Trustworthy is then
// false and the verdict is withheld.
type SRM struct {
	Chi2     float64 `json:"chi2"`     // Pearson's goodness-of-fit statistic, for reference
	PValue   float64 `json:"p_value"`  // always-valid p-value (1/e-value, at most 1); 1 when not checked
	Checked  bool    `json:"checked"`  // false with one variant or no visitors
	Mismatch bool    `json:"mismatch"` // Checked and PValue < SRMThreshold
	Message  string  `json:"message"`  // plain words for the dashboard
}

// SampleRatio tests each variant's visitors against the share its weight asks for by the
// anytime-valid test for multinomial counts of Lindon & Malek ("Anytime-valid inference
// for multinomial count data", NeurIPS 2022): the Dirichlet-multinomial mixture e-value
//
//	E = B(α + x)/B(α) / ∏ θᵢ^xᵢ,  α = 100·θ,  θᵢ = wᵢ/Σw
//
// (B the multivariate Beta function) is a nonnegative martingale when visitors are split
// as asked, so by Ville's inequality it reaches 1/SRMThreshold with probability at most
// 0.1% over every look; PValue is 1/E. Chi2 is Pearson's statistic, kept for reference
// (R: chisq.test(visitors, p = weights/sum(weights))). Weights must be positive.
func SampleRatio(variants []Variant) SRM {
	if len(variants) < 2 {
		return SRM{PValue: 1, Message: "Only one variant, so there is no split of visitors to check."}
	}
	var total int64
	var weightSum float64
	for _, v := range variants {
		total += v.Visitors
		weightSum += float64(v.Weight)
	}
	if total == 0 || !(weightSum > 0) {
		return SRM{PValue: 1, Message: "No visitors yet, so there is no split of visitors to check."}
	}
	var chi2, logE float64
	var priorSoFar, postSoFar float64 // running sums for the multivariate Beta function
	for i, v := range variants {
		theta := float64(v.Weight) / weightSum
		expected := float64(total) * theta
		diff := float64(v.Visitors) - expected
		chi2 += diff * diff / expected
		a, x := srmConcentration*theta, float64(v.Visitors)
		// log B(α₁..αₖ) = Σ log B(α₁+…+αᵢ₋₁, αᵢ): each step is an accurate two-argument
		// logBeta, which keeps its digits at a billion visitors.
		if i > 0 {
			logE += logBeta(postSoFar, a+x) - logBeta(priorSoFar, a)
		}
		priorSoFar += a
		postSoFar += a + x
		if x > 0 {
			logE -= x * math.Log(theta)
		}
	}
	srm := SRM{Chi2: chi2, PValue: math.Min(1, math.Exp(-logE)), Checked: true}
	srm.Mismatch = srm.PValue < SRMThreshold
	if !srm.Mismatch {
		srm.Message = "Visitors are split between the variants as the page file says."
		return srm
	}
	var want, got []string
	for _, v := range variants {
		want = append(want, fmt.Sprintf("%s %s", v.ID, Percent(float64(v.Weight)/weightSum)))
		got = append(got, fmt.Sprintf("%s %s", v.ID, formatPercentFixed(float64(v.Visitors)/float64(total))))
	}
	srm.Message = fmt.Sprintf("Visitors are not split the way the page file says: it asks for %s, but the %s visitors so far went %s. "+
		"A gap this big almost never happens by chance, so something is counting one variant's visitors differently "+
		"(often a redirect, a cache, or bots that reach only one variant), and the comparison and verdict can't be trusted. "+
		"Find and fix the cause, then restart the test.",
		strings.Join(want, " / "), formatCount(total), strings.Join(got, " / "))
	return srm
}
