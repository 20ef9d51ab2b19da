package stats

import (
	"fmt"
	"strings"
)

// SRMThreshold is the p-value under which the split of visitors between variants is called
// a sample-ratio mismatch (Fabijan et al. 2019, "Diagnosing Sample Ratio Mismatch in Online
// Controlled Experiments", KDD, describe the problem and its usual causes). It is strict
// because the check runs every time the dashboard is opened: a looser bar would cry wolf
// on healthy tests.
const SRMThreshold = 0.001

// srmMinExpected is the smallest expected visitor count per variant before the split is
// checked: below it the chi-square approximation overstates how surprising a split is
// (Cochran 1954), and a handful of visitors cannot reveal a broken split anyway.
const srmMinExpected = 5

// SRM is the sample-ratio check: were visitors split between the variants in the
// proportions the page file asked for? When they were not (Mismatch), something counts one
// variant's visitors differently from another's (a redirect, a cache, bots that reach only
// one variant), so every comparison and the verdict are suspect: Report.Trustworthy is then
// false and the verdict is withheld.
type SRM struct {
	Chi2     float64 `json:"chi2"`     // Pearson's goodness-of-fit statistic
	PValue   float64 `json:"p_value"`  // P(chi-square with k−1 df ≥ Chi2); 1 when not checked
	Checked  bool    `json:"checked"`  // false with one variant or too few visitors to tell
	Mismatch bool    `json:"mismatch"` // Checked and PValue < SRMThreshold
	Message  string  `json:"message"`  // plain words for the dashboard
}

// SampleRatio runs Pearson's chi-square goodness-of-fit test of each variant's visitors
// against the share its weight asks for: expected_i = total·w_i/Σw,
// chi2 = Σ (observed_i − expected_i)²/expected_i with k−1 degrees of freedom (R:
// chisq.test(visitors, p = weights/sum(weights))). Weights must be positive.
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
	var chi2 float64
	enough := weightSum > 0
	for _, v := range variants {
		expected := float64(total) * float64(v.Weight) / weightSum
		if !(expected >= srmMinExpected) {
			enough = false
			continue
		}
		diff := float64(v.Visitors) - expected
		chi2 += diff * diff / expected
	}
	if !enough {
		return SRM{PValue: 1, Message: "Too few visitors yet to check that they are split between the variants as the page file says."}
	}
	srm := SRM{Chi2: chi2, PValue: ChiSquarePValue(chi2, len(variants)-1), Checked: true}
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
