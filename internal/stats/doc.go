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
// the verdict also judges the best variant on its own (Verdict.Best), by the same
// always-valid test at 5%/k for k variants (Bonferroni), and when that variant is clearly
// above the bar while the page as a whole is not, the sentence says so and recommends
// confirming it in a new test with that variant alone. The verdict's kind never changes
// because of it: "validated" keeps meaning what was pre-registered, with its 5% error rate.
//
// # How the verdict decides
//
// Until 0.2 the verdict used the exact one-sided binomial test at one look. It was honest
// only for a founder who looked once: one who looked every day after the minimum and acted
// on the first verdict was told "validated" about 22% of the time with demand exactly at
// the bar (5% bar, 400 minimum, 100 visitors a day). Now the verdict is an always-valid
// sequential test, described in the next two sections. Before the pre-registered visitors
// (and days) are reached the verdict is not_enough_data however the numbers look: the
// founder's own pre-registered guard against judging on too little data, not what makes
// the test valid. Wilson's interval is still used for each variant's rate in the table (a
// description at this look, not a decision: nothing is decided on it).
//
// # Look any time: what it means (for a founder)
//
// Every number Litmus gives you to act on — "validated", "invalidated", "clearly better
// than the control", the split check — stays honest however often you open the dashboard,
// and whenever you decide to stop. If your idea's demand is really just at your bar, the
// chance that Litmus ever tells you "validated", on any of your daily looks, is at most 5%;
// the same for "invalidated". The ranges shown ("likely between") hold at every look too,
// and the verdict is exactly "the whole range is above (or below) your bar", so the two can
// never disagree. Your minimum visitors and days are still respected — no verdict before
// them — but they are a guard against judging too early, not what makes the answer honest.
//
// What it costs: at any single moment the ranges are wider than a once-only test's, and a
// clear pass needs somewhat more visitors on average. With real demand 1.5× your bar and a
// look every day, the verdict comes after a mean of 1.05 to 1.36 times the visitors a
// once-only test would need for 80% power (table below); within 60 days it comes 99–100% of
// the time. In exchange you may stop the day it comes. Before the test, `litmus check` says
// what your bar and minimum can detect.
//
// # Look any time: how (for a statistician)
//
// The verdict. Two one-sided tests of the pooled rate p at 5% each. For "validated"
// (H₀: p ≤ bar), Robbins' (1970) mixture likelihood ratio
//
//	E⁺ₙ(q) = ∫_q^1 L(p) π⁺(p) dp / L(q),   L(p) = p^s (1−p)^(n−s),
//
// is a nonnegative supermartingale under every p ≤ q (each likelihood ratio L(p)/L(q) with
// p ≥ q is one, and the prior's mass above q is ≤ 1), so by Ville's inequality
// P(∃n: E⁺ₙ(bar) ≥ 20) ≤ 5%: optional stopping and continuous monitoring are free. It is
// a closed form in the incomplete beta function the package already has. "Invalidated" is
// the mirror image (E⁻, prior π⁻ below the bar). The "likely between" bounds are the
// confidence sequence {q : E⁺ₙ(q) < 20} ∩ {q : E⁻ₙ(q) < 20}; E⁺ₙ(q) decreases in q up to the
// observed rate and is ≤ 1 above it, so the set is an interval and "validated" is exactly
// "its lower end is above the bar". Candidates considered: the normal-mixture SPRT of
// Johari, Koomen, Pekelis & Walsh ("Always valid inference", Operations Research 2022) is
// asymptotic, and at landing-page rates (a few signups in a few hundred visitors) its
// normal approximation is poor exactly where founders look most; the confidence sequences
// of Howard, Ramdas, McAuliffe & Sekhon (Annals of Statistics 2021) and Waudby-Smith &
// Ramdas (JRSS-B 2024) are valid but untuned to a known bar. The Beta mixture is exact for
// a Bernoulli rate from the first visitor and can be tuned to the bar.
//
// Tuning (verdictPriors). π⁺ is 90% Beta with mean bar+δ and sd δ/4, and 10% Jeffreys'
// Beta(½, ½); π⁻ likewise around bar−δ. δ is half the bar (the planner's 1.5×), or less
// when the pre-registered minimum is large enough to detect a smaller effect with 80% power
// (a founder who plans 1,000 visitors at a 5% bar expects to see a smaller gap). The narrow
// component is where the power is: it makes E⁺ close to the simple likelihood ratio of the
// bar against 1.5× the bar, the most powerful test there (Wald's SPRT), and widths δ/2 and
// δ cost 5% and 15% more visitors. The Jeffreys component costs at most log(1/0.9) of the
// log 20 needed and keeps the far ends of the range and "about N more visitors" sensible
// for rates far from, or close to, bar ± δ.
//
// Exact error rates (TestVerdictIsAlwaysValid): the signups' distribution is carried one
// visitor at a time and absorbed at Judge's own boundary, so these have no simulation
// error. Demand exactly at the bar, up to 6,000 visitors, worst over minimums 0, 100, 400
// and 1,000 (LITMUS_STATS_HEAVY=1; default runs check 2 settings):
//
//	bar   every visitor      every 20 visitors   daily (100/day)
//	      valid.  invalid.   valid.  invalid.    valid.  invalid.
//	  1%   3.42%   4.06%    3.16%   3.85%    2.68%   3.19%
//	  2%   3.87%   4.34%    3.44%   4.04%    2.78%   2.94%
//	  3%   4.04%   4.41%    3.50%   3.92%    2.67%   2.94%
//	  5%   4.05%   4.44%    3.20%   3.47%    2.28%   2.11%
//	 10%   4.15%   4.43%    2.85%   3.08%    1.99%   1.92%
//	 20%   4.16%   4.41%    2.56%   2.67%    2.02%   1.93%
//	 30%   4.03%   4.33%    2.38%   2.54%    1.97%   1.95%
//
// Through Analyze, with 1 to 4 variants, looked at daily for 60 days
// (TestAnalyzeIsAlwaysValidBySimulation, 2,000 pages per setting, seed 12; the limit is 5%
// plus 3 standard errors, 6.5%): validated / invalidated / best variant above the bar were
// 2.5% / 2.8% / – (1% bar, no minimum, 1 variant), 1.9% / 1.3% / 2.6% (5%, 400, 2
// variants), 2.1% / 1.9% / 2.6% (10%, 1,000, 3 variants) and 0.1% / 0.0% / 2.0% (30%, 100
// visitors and 7 days, 4 variants).
//
// Power and cost (TestPowerAndCost, exact): demand 1.5× the bar, a look every day,
// stopping at the first verdict or after 60 days:
//
//	bar   minimum  visitors/day  validated in 60 days  mean visitors to verdict  fixed-horizon N (whole days)
//	  1%        0          300                 99.9%                     3,454          3,011 (11 days: 3,300)
//	  2%      400          100                 99.0%                     1,646          1,469 (15 days: 1,500)
//	  5%        0          100                100.0%                       701            572 (6 days: 600)
//	  5%      400          100                100.0%                       755            572 (6 days: 600)
//	  5%    1,000          100                100.0%                     1,090            572 (the minimum: 1,000)
//	 10%      100          100                100.0%                       369            270 (3 days: 300)
//	 30%        0          100                100.0%                       136             67 (1 day: 100)
//
// The mean is 1.05–1.36× the once-only test's N for 80% power, rounded up to whole days
// (which daily looks make the fair comparison: a test looked at once a day can only stop
// at a day's end), and 1.12–1.37× the unrounded N where the minimum and the day's size do
// not dominate (1.9× at a 1,000 minimum, which a once-only test planned at 572 would not
// have waited for; 2.0× at a 30% bar, where the unrounded N, 67, is less than a day's
// traffic). The aim was at most 1×, its limit 2×. It is above 1× because an
// always-valid test must keep a reserve for all the looks it has not had yet; the narrow
// prior keeps that reserve small at the demand the founder planned for.
//
// "About N more visitors" (MoreVisitorsNeeded) projects the sequential test forward at the
// rate observed so far, at the unlucky 20th percentile of the signups to come, so it is the
// visitors after which the verdict comes about 80% of the time (TestMoreVisitorsNeeded-
// IsHonestAboutPower: 79.0–81.4%, computed exactly from Judge). The planner (PlanFor, in
// `litmus check` and the admin) computes exactly, by the same recursion as the tests, the
// visitors by which 80% of tests at 1.5× the bar are validated and the share validated at
// the minimum itself.
//
// # Variants against the control
//
// Each variant is compared with the first (the control) by the normal-mixture SPRT on the
// log of the ratio of their rates (SequentialComparison; Johari et al. 2022; Howard et al.
// 2021 for the matching confidence sequence), with the mixture's variance tuned to the
// information the pre-registered sample will give (Howard et al. §3.5). Its p-value,
// min(1, 1/E), is valid at any look; the p-values are Holm-adjusted across variants (closed
// testing with Bonferroni's local tests, which stays valid over time when each p-value
// does) and "significant" uses the adjusted value. The lift's range is the confidence
// sequence at 5%/(k−1). The normal approximation is poor with few signups, so a comparison
// waits until both groups have 10 signups. A/A tests (identical variants) looked at daily
// for 60 days (200 visitors a day) show a variant as significant on 1.3% of pages (5%
// rate, 2 variants), 1.5% (30%, 2), 0.5% (2%, 3) and 1.4% (10%, 4) — the old fixed-horizon
// tests, looked at the same way, about 29% (TestAAComparisonsBySimulation, 2,000 pages per
// setting, seed 13).
//
// The Bayesian probability of beating the control is not a test: watched daily, it crosses
// 95% far more often than 5% of the time when nothing differs, and no prior makes "act when
// it passes 95%" safe at every look. So it, and the expected loss, are reported only beside
// a significant difference, where they are safe to act on and say how sure and how costly;
// otherwise they are null and the dashboard shows a dash. They are computed by quadrature,
// never by random sampling.
//
// # Sample-ratio mismatch
//
// The split of visitors between variants is checked by the anytime-valid multinomial test
// of Lindon & Malek ("Anytime-valid inference for multinomial count data", NeurIPS 2022):
// the Dirichlet-multinomial mixture e-value with concentration 100 around the configured
// weights. At e ≥ 1,000 (p < 0.001) the report is marked untrustworthy (Report.Trustworthy
// = false, Verdict.Withheld = true) and SRM.Message explains in plain words; callers must
// then not present the verdict or the comparisons as results. Over every look together a
// healthy test is flagged at most 0.1% of the time: measured 7 of 20,000 tests (0.035%)
// looked at daily for 60 days, where the old chi-square test flagged 1.34%, and 1 of 2,000
// looked at after every one of 5,000 visitors (TestSampleRatioFalseAlarmRate). The price is that a small imbalance needs more visitors
// to be flagged: 52/48 is flagged at 20,000 visitors, not yet at 10,000.
//
// # Numerics
//
// The incomplete beta, log-beta and Gauss–Legendre rules are the package's own, checked
// against R's values and independent sums. gonum's mathext.RegIncBeta (v0.17.0) was
// compared on tails the tests use, against 50-digit mpmath values: relative errors of
// 3.4e-13, 2.7e-13 and 2.3e-14 where the package's own function has 6e-14, 3e-16 and
// 3.6e-14, and it returns I only, so a complement such as 1 − I_0.01(½, 2000.5) = 2.3e-10
// must be formed by the caller. It is not at least as accurate here, so it was not adopted.
//
// # No NaN, no Inf
//
// JSON cannot carry NaN or Inf, and a founder cannot read them. A rate with no visitors is
// 0 with interval (0, 1); a number that does not exist (the lift over a control with no
// signups, any comparison for the control itself) is a nil pointer, which marshals as null;
// a test with nothing to measure has p = 1.
package stats
