package stats

import "math"

// MaxMoreVisitors caps "about N more visitors needed". When the observed rate sits (almost)
// exactly on the bar, no finite number of visitors is sure to tell which side it is on; past
// a million more visitors the honest answer for a landing-page test is "too close to call",
// and the report says so (Verdict.MoreVisitorsCapped) instead of printing a huge number.
const MaxMoreVisitors = 1_000_000

// MoreVisitorsNeeded estimates how many more visitors (all variants together) the test
// needs before the always-valid verdict settles, assuming the true rate equals the rate
// observed so far: the smallest m ≥ 1 such that, if the next m visitors sign up at that
// rate but at the unlucky end (the 20th percentile of the binomial count, by the normal
// approximation: m·p − z_0.80·sqrt(m·p(1−p)) signups when the rate is above the bar, + when
// below), the sequential test of Judge would decide. The visitors already seen are not
// random any more, only the m to come are (conditional power under the current trend: Lan
// & Wittes 1988, Biometrics 44:579–585). It is an estimate for planning ("about"); the
// verdict itself never depends on it.
//
// Fallbacks, so the answer is always a usable number:
//   - no visitors yet: there is no rate to plan from, so it plans for demand at half the
//     bar (a clear miss);
//   - observed rate equal (or nearly equal) to the bar: no finite sample is enough, so the
//     answer is MaxMoreVisitors with capped = true; likewise whenever the need exceeds it.
//
// bar.TargetRate must be in (0, 1).
func MoreVisitorsNeeded(bar PassBar, observed Counts) (more int64, capped bool) {
	if observed.Visitors <= 0 {
		return visitorsToSettle(bar, bar.TargetRate/2, Counts{})
	}
	return visitorsToSettle(bar, observed.Rate(), observed)
}

// visitorsToSettle is MoreVisitorsNeeded for an assumed true rate p after the observed
// counts.
func visitorsToSettle(bar PassBar, p float64, observed Counts) (more int64, capped bool) {
	p0 := bar.TargetRate
	above, below := verdictPriors(bar)
	threshold := math.Log(1 / VerdictAlpha)
	s0, n0 := float64(observed.Signups), float64(observed.Visitors)
	spread := math.Sqrt(p * (1 - p))
	// settles reports whether m more visitors at the unlucky end would decide the verdict.
	settles := func(m int64) bool {
		mf := float64(m)
		if p > p0 {
			s := math.Max(s0, s0+mf*p-z80Power*spread*math.Sqrt(mf))
			return logEvidenceAbove(above, s, n0+mf-s, p0) >= threshold
		}
		s := math.Min(s0+mf, s0+mf*p+z80Power*spread*math.Sqrt(mf))
		return logEvidenceBelow(below, s, n0+mf-s, p0) >= threshold
	}
	if math.Abs(p-p0) <= 1e-12 || !settles(MaxMoreVisitors) {
		return MaxMoreVisitors, true
	}
	if settles(1) {
		return 1, false
	}
	// Once the projected evidence clears the threshold it keeps clearing it (the drift
	// m·KL grows faster than the penalty's log m and the unlucky sqrt(m)): bisect between a
	// false lo and a true hi.
	lo, hi := int64(1), int64(MaxMoreVisitors)
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if settles(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, false
}
