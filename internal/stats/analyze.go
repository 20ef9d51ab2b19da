package stats

import (
	"errors"
	"fmt"
	"math"
)

// Bounds on Analyze's input. Every input is bounded so that the maths stays exact and fast
// (all counts fit a float64 exactly; the slowest step grows with the square root of the
// visitors) and so that a corrupt count is reported rather than silently analysed.
const (
	MaxVariants = 100           // variants per page
	MaxVisitors = 1_000_000_000 // visitors per page, all variants together
	MaxWeight   = 1_000_000     // a variant's weight
	MaxIDLength = 64            // bytes of a variant id
	MaxMinDays  = 3650          // PassBar.MinDays
)

// SignificanceLevel is the Holm-adjusted p-value under which a variant is said to differ
// from the control.
const SignificanceLevel = 0.05

// Variant is what was observed for one variant of a page.
type Variant struct {
	ID       string // as in the page file; used in sentences
	Weight   int    // its configured share of visitors, relative to the others; ≥ 1
	Visitors int64  // distinct visitors assigned to it in this phase
	Signups  int64  // of those visitors, how many signed up (≤ Visitors)
}

// Counts returns the variant's visitors and signups.
func (v Variant) Counts() Counts { return Counts{Visitors: v.Visitors, Signups: v.Signups} }

// Input is everything Analyze needs: the pre-registered bar, the variants in page order
// (the first is the control) and how long the current phase has run.
type Input struct {
	PassBar     PassBar
	Variants    []Variant
	DaysElapsed float64 // since the phase started; ≥ 0
}

// TestMethod names the significance test used for a comparison.
type TestMethod string

// The significance tests. Their string values are part of the JSON API.
const (
	ZTest      TestMethod = "z"      // TwoProportionZTest (0.1; no longer used by Analyze)
	FisherTest TestMethod = "fisher" // FisherExact (0.1; no longer used by Analyze)
	// SequentialTest is the always-valid mSPRT of SequentialComparison, which Analyze uses.
	SequentialTest TestMethod = "msprt"
)

// Report is the full analysis of a page: what the dashboard, the JSON API (which marshals
// it as is) and `litmus results` show. It never holds NaN or Inf: a number that does not
// exist is a nil pointer (JSON null) and is documented on its field.
type Report struct {
	Variants []VariantReport `json:"variants"`
	SRM      SRM             `json:"srm"`
	Verdict  Verdict         `json:"verdict"`
	// Trustworthy is false when the sample-ratio check failed. Then the verdict is
	// withheld (Verdict.Withheld) and the comparisons must not be presented as results;
	// SRM.Message says why in plain words.
	Trustworthy bool `json:"trustworthy"`
}

// VariantReport is one variant's numbers and, for every variant but the control, its
// comparison with the control. The comparison fields are nil (null) for the control.
type VariantReport struct {
	ID       string  `json:"id"`
	Control  bool    `json:"control"`
	Weight   int     `json:"weight"`
	Visitors int64   `json:"visitors"`
	Signups  int64   `json:"signups"`
	Rate     float64 `json:"rate"`    // 0 with no visitors
	CILow    float64 `json:"ci_low"`  // 95% Wilson interval; (0, 1) with no visitors
	CIHigh   float64 `json:"ci_high"` //
	// Lift is rate/control rate − 1; nil when the control has no signups. LiftLow and
	// LiftHigh are its always-valid range at 95% (corrected across variants: see
	// SequentialComparison); nil until both groups have 10 signups.
	Lift     *float64 `json:"lift"`
	LiftLow  *float64 `json:"lift_low"`
	LiftHigh *float64 `json:"lift_high"`
	// PValue is the always-valid two-sided p-value of Test (valid at any look);
	// PValueAdjusted is Holm-adjusted across all variants compared with the control.
	// Significant is PValueAdjusted < 0.05.
	PValue         *float64   `json:"p_value"`
	PValueAdjusted *float64   `json:"p_value_adjusted"`
	Test           TestMethod `json:"test"` // "" for the control
	Significant    bool       `json:"significant"`
	// ProbBeatControl is the posterior probability that this variant's true rate is above
	// the control's; ExpectedLoss the rate (as a fraction) lost on average by choosing it
	// if it is worse. See BayesComparison. Both are nil unless Significant: on their own
	// they are not safe to act on at any look (see compareWithControl).
	ProbBeatControl *float64 `json:"prob_beat_control"`
	ExpectedLoss    *float64 `json:"expected_loss"`
	Sentence        string   `json:"sentence"`
}

// Analyze computes the whole report for a page. It is the single entry point the
// dashboard, the JSON API and the CLI call, so they can never disagree. It returns an error
// only for input that cannot be analysed honestly (see Validate).
func Analyze(in Input) (Report, error) {
	if err := in.Validate(); err != nil {
		return Report{}, err
	}
	report := Report{Variants: make([]VariantReport, len(in.Variants))}
	var pooled Counts
	for i, v := range in.Variants {
		low, high := Wilson95(v.Signups, v.Visitors)
		report.Variants[i] = VariantReport{
			ID: v.ID, Control: i == 0, Weight: v.Weight, Visitors: v.Visitors, Signups: v.Signups,
			Rate: v.Counts().Rate(), CILow: low, CIHigh: high,
		}
		pooled.Visitors += v.Visitors
		pooled.Signups += v.Signups
	}

	compareWithControl(in.PassBar, in.Variants, report.Variants)

	report.SRM = SampleRatio(in.Variants)
	report.Trustworthy = !report.SRM.Mismatch

	verdict := Judge(in.PassBar, pooled, in.DaysElapsed)
	verdict.Best = judgeBest(in.PassBar, in.Variants)
	verdict.Sentence = verdictSentence(verdict, in.PassBar, max(in.PassBar.MinVisitors-pooled.Visitors, 0))
	if report.SRM.Mismatch {
		verdict.Withheld = true
		verdict.Sentence = "No verdict for now. " + report.SRM.Message
	}
	report.Verdict = verdict
	return report, nil
}

// compareWithControl fills the comparison fields of every variant after the first, with
// the always-valid test of SequentialComparison: the p-values are Holm-adjusted across the
// variants (closed testing with Bonferroni's local tests holds at every look when each
// p-value does), and the lift's range is at level 5%/(k−1) for k−1 comparisons
// (Bonferroni), so a founder may act on "significant" or on the range whenever they look.
//
// The Bayesian chance to beat the control is a belief, not a test: read day after day it
// crosses 95% far more often than 5% of the time when nothing differs. So it (and the
// expected loss) is only reported beside a significant difference, where acting on it is
// safe; otherwise it is nil.
func compareWithControl(bar PassBar, variants []Variant, reports []VariantReport) {
	if len(variants) < 2 {
		reports[0].Sentence = "The only variant, so there is nothing to compare it with."
		return
	}
	control := variants[0].Counts()
	comparisons := len(variants) - 1
	tau2 := comparisonMixture(bar, len(variants))
	alpha := SignificanceLevel / float64(comparisons)
	pValues := make([]float64, 0, comparisons)
	for i := 1; i < len(variants); i++ {
		v := variants[i].Counts()
		r := &reports[i]
		r.Test = SequentialTest
		seq := compareSequentially(control, v, tau2, alpha)
		r.PValue = ptr(seq.PValue)
		pValues = append(pValues, seq.PValue)
		r.Lift = RelativeLift(control, v).Estimate
		r.LiftLow, r.LiftHigh = seq.Low, seq.High
	}
	for i, adjusted := range Holm(pValues) {
		r := &reports[i+1]
		r.PValueAdjusted = ptr(adjusted)
		r.Significant = adjusted < SignificanceLevel
		if r.Significant {
			prob, loss := BayesComparison(control, variants[i+1].Counts())
			r.ProbBeatControl, r.ExpectedLoss = ptr(prob), ptr(loss)
		}
	}
	for i := 1; i < len(reports); i++ {
		reports[i].Sentence = comparisonSentence(reports[0], reports[i], comparisons)
	}
	reports[0].Sentence = "The control: the other variants are compared with it."
}

// Validate reports the first reason the input cannot be analysed, in words that say what
// to fix. Counts come from Litmus's own database, so most of these mean a bug or a damaged
// database rather than a user's typo; they are still worded for the person who sees them.
func (in Input) Validate() error {
	bar := in.PassBar
	switch {
	case !(bar.TargetRate > 0 && bar.TargetRate < 1):
		return fmt.Errorf("stats: the pass bar's target rate is %v; it must be a fraction between 0 and 1 (0.05 means 5%% of visitors sign up)", bar.TargetRate)
	case bar.MinVisitors < 0 || bar.MinVisitors > MaxVisitors:
		return fmt.Errorf("stats: the pass bar's minimum visitors is %d; it must be between 0 and %s", bar.MinVisitors, formatCount(MaxVisitors))
	case bar.MinDays < 0 || bar.MinDays > MaxMinDays:
		return fmt.Errorf("stats: the pass bar's minimum days is %d; it must be between 0 and %d", bar.MinDays, MaxMinDays)
	case !(in.DaysElapsed >= 0) || math.IsInf(in.DaysElapsed, 1):
		return fmt.Errorf("stats: days elapsed is %v; it must be a finite number ≥ 0 (is the test phase's start time in the future?)", in.DaysElapsed)
	case len(in.Variants) == 0:
		return errors.New("stats: no variants to analyse; a page needs at least one variant")
	case len(in.Variants) > MaxVariants:
		return fmt.Errorf("stats: %d variants; at most %d can be analysed", len(in.Variants), MaxVariants)
	}
	seen := make(map[string]bool, len(in.Variants))
	var total int64
	for i, v := range in.Variants {
		switch {
		case v.ID == "" || len(v.ID) > MaxIDLength:
			return fmt.Errorf("stats: variant %d has id %q; ids must be 1 to %d bytes", i+1, v.ID, MaxIDLength)
		case seen[v.ID]:
			return fmt.Errorf("stats: variant id %q appears twice; each variant needs its own id", v.ID)
		case v.Weight < 1 || v.Weight > MaxWeight:
			return fmt.Errorf("stats: variant %q has weight %d; weights must be between 1 and %d", v.ID, v.Weight, MaxWeight)
		case v.Visitors < 0 || v.Signups < 0:
			return fmt.Errorf("stats: variant %q has %d visitors and %d signups; counts can't be negative", v.ID, v.Visitors, v.Signups)
		case v.Signups > v.Visitors:
			return fmt.Errorf("stats: variant %q has %d signups but only %d visitors; every signup must come from a counted visitor, "+
				"so visitor records are missing (for example lost in a crash) and the rates would be wrong", v.ID, v.Signups, v.Visitors)
		case v.Visitors > MaxVisitors-total:
			return fmt.Errorf("stats: more than %s visitors in all; that is beyond what Litmus analyses", formatCount(MaxVisitors))
		}
		seen[v.ID] = true
		total += v.Visitors
	}
	return nil
}
