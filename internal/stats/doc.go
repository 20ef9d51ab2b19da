// Package stats turns the counts Litmus collects (visitors and signups per variant) into
// the numbers and plain-English sentences a founder reads: each variant's rate with an
// interval, each variant against the control, a check that visitors were split as asked,
// and the verdict against the pass bar written down before the test started.
//
// It is pure: no I/O, no clock, no randomness, only the standard library. The same input
// always gives the same Report, byte for byte, so the dashboard, the JSON API and the CLI,
// which all call Analyze, can never disagree. Every formula names its source in its doc
// comment, and the tests check it against published or independently computed values.
//
// # What the verdict judges, and why
//
// The founder's question is "does demand clear my bar?", and the bar they pre-registered is
// "at least X% of visitors sign up, judged after N visitors" — visitors of the page, all
// variants together. So the verdict judges the pooled rate: every signup over every
// visitor. It is the only rate that answers the question as it was asked before the data
// came in, it uses all the data, and it is not flattered by hindsight.
//
// Judging the best variant instead would be biased upwards: with three variants that all
// truly convert at the bar, the best-looking one is above the bar seven times in eight,
// and testing it as if it had been chosen in advance would say "validated" nearly three
// times as often as the promised 5%. Yet a founder whose
// control converts at 2% and whose new pitch converts at 8% deserves to hear about it. So
// the verdict also judges the best variant on its own (Verdict.Best), with Bonferroni-
// corrected bounds (each at 5%/k for k variants), and when that variant is clearly above the
// bar while the page as a whole is not, the sentence says so and recommends confirming it
// in a new test with that variant alone. The verdict's kind never changes because of it:
// "validated" keeps meaning what was pre-registered, with its 5% error rate.
//
// # How the verdict decides
//
// The decision is the exact one-sided binomial test at 5% (Clopper–Pearson bounds; R's
// binom.test): validated when the one-sided 95% lower bound is at or above the bar,
// invalidated when the one-sided 95% upper bound is below it. Wilson's bound, used for the
// intervals shown beside each variant, is anti-conservative at the low rates landing
// pages see: its lower bound for 1 signup in 20 visitors is 1.1%, so it would "validate" a
// 1% bar on a single signup, which happens 18% of the time when the true rate is exactly
// 1%; at a 2% bar and 1,000 visitors it still passes 5.07% of the time. The exact test is
// never wrong more than 5% of the time (TestVerdictErrorRateExactly). The sentence
// shows the same two bounds the decision used ("likely between"), so it cannot contradict
// the verdict. Before the pre-registered visitors (and days) are reached the verdict is
// not_enough_data however the numbers look. "About N more visitors" comes from
// MoreVisitorsNeeded.
//
// # Variants against the control
//
// Each variant is compared with the first (the control) by the pooled two-proportion
// z-test, or by Fisher's exact test when an expected cell count is under 5; the p-values
// are Holm-adjusted across variants, and "significant" uses the adjusted value. The lift
// comes with a Katz (log risk ratio) 95% interval, and a Bayesian probability of beating the
// control and expected loss are computed by quadrature, never by random sampling.
//
// # Sample-ratio mismatch
//
// A chi-square goodness-of-fit test compares visitors per variant with the configured
// weights. At p < 0.001 the report is marked untrustworthy (Report.Trustworthy = false,
// Verdict.Withheld = true) and SRM.Message explains in plain words; callers must then not
// present the verdict or the comparisons as results.
//
// # No NaN, no Inf
//
// JSON cannot carry NaN or Inf, and a founder cannot read them. A rate with no visitors is
// 0 with interval (0, 1); a number that does not exist (the lift over a control with no
// signups, any comparison for the control itself) is a nil pointer, which marshals as null;
// a test with nothing to measure has p = 1.
package stats
