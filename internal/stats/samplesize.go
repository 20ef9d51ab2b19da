package stats

import "math"

// MaxMoreVisitors caps "about N more visitors needed". When the observed rate sits (almost)
// exactly on the bar, no finite number of visitors is sure to tell which side it is on; past
// a million more visitors the honest answer for a landing-page test is "too close to call",
// and the report says so (Verdict.MoreVisitorsCapped) instead of printing a huge number.
const MaxMoreVisitors = 1_000_000

// MoreVisitorsNeeded estimates how many more visitors (all variants together) the test
// needs before the verdict settles, assuming the true rate equals the rate observed so far:
// the smallest m ≥ 1 such that, with N = n + m visitors in all, the one-sided 5% test
// against the bar has 80% power given the data already in hand.
//
// Formula. The textbook one-sample size for a proportion, with the null rate's spread for
// the test and the assumed rate's spread for the power (Lachin 1981, "Introduction to sample
// size determination and power analysis for clinical trials", Controlled Clinical Trials
// 2:93–113; Chow, Shao & Wang, "Sample Size Calculations in Clinical Research", 2nd ed.,
// §4.1), with a continuity correction of ½ in the manner of Fleiss, Tytun & Ury (1980,
// Biometrics 36:343–346), solves
//
//	|p − p0|·N − ½ = z_0.95·sqrt(p0(1−p0)·N) + z_0.80·sqrt(p(1−p)·N)
//
// for N. Here the visitors already seen are not random any more, only the m to come are
// (conditional power under the current trend: Lan & Wittes 1988, Biometrics 44:579–585), so
// the last term becomes z_0.80·sqrt(p(1−p)·m). With no visitors yet the two are the same.
// The continuity correction (the ½) makes the normal approximation track the exact binomial
// test the verdict uses.
//
// Fallbacks, so the answer is always a usable number:
//   - no visitors yet: there is no rate to plan from, so it plans to tell the bar apart
//     from half the bar (a clear miss);
//   - observed rate equal (or nearly equal) to the bar: no finite sample is enough, so the
//     answer is MaxMoreVisitors with capped = true; likewise whenever the need exceeds it.
//
// bar must be in (0, 1).
func MoreVisitorsNeeded(bar float64, observed Counts) (more int64, capped bool) {
	if observed.Visitors <= 0 {
		return visitorsToSettle(bar, bar/2, 0)
	}
	return visitorsToSettle(bar, observed.Rate(), observed.Visitors)
}

// visitorsToSettle is MoreVisitorsNeeded for an assumed true rate p after n visitors.
func visitorsToSettle(bar, p float64, n int64) (more int64, capped bool) {
	delta := math.Abs(p - bar)
	nullSD := math.Sqrt(bar * (1 - bar))
	trueSD := math.Sqrt(p * (1 - p))
	// settles reports whether N = n+m visitors would give the verdict 80% power.
	settles := func(m int64) bool {
		total := float64(n + m)
		return delta*total-0.5 >= Z95OneSided*nullSD*math.Sqrt(total)+z80Power*trueSD*math.Sqrt(float64(m))
	}
	if delta == 0 || !settles(MaxMoreVisitors) {
		return MaxMoreVisitors, true
	}
	if settles(1) {
		return 1, false
	}
	// The shortfall z·…·sqrt(N) + z·…·sqrt(m) − (delta·N − ½) is concave in m, so once
	// settles turns true it stays true: bisect between a false lo and a true hi.
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
