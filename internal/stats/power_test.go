package stats

import (
	"testing"
)

// firstVerdictTimes is firstVerdict that also returns the mean visitors at which the
// founder stops (a verdict, or the last look when none came).
func firstVerdictTimes(b verdictBoundary, p float64, looks []int64) (validated, mean float64) {
	maxN := looks[len(looks)-1]
	dist := []float64{1}
	next := 0
	for n := int64(0); n <= maxN; n++ {
		if n > 0 {
			dist = append(dist, 0)
			for s := len(dist) - 1; s > 0; s-- {
				dist[s] = dist[s]*(1-p) + dist[s-1]*p
			}
			dist[0] *= 1 - p
		}
		if next < len(looks) && looks[next] == n {
			next++
			for s := range dist {
				if int64(s) >= b.up[n] || int64(s) <= b.down[n] {
					if int64(s) >= b.up[n] {
						validated += dist[s]
					}
					mean += dist[s] * float64(n)
					dist[s] = 0
				}
			}
		}
	}
	for _, m := range dist {
		mean += m * float64(maxN)
	}
	return validated, mean
}

// fixedHorizonN is the smallest n at which the exact one-sided 5% binomial test of the bar
// p0 has 80% power at p1: the sample a founder who looks once would plan.
func fixedHorizonN(p0, p1 float64) int64 {
	for n := int64(10); ; n++ {
		c := firstTrue(0, n+1, func(x int64) bool { return BinomialTailAtLeast(x, n, p0) <= 0.05 })
		if BinomialTailAtLeast(c, n, p1) >= 0.8 {
			return n
		}
	}
}

// TestPowerAndCost measures, exactly, what always-valid costs: with demand 1.5× the bar and
// a look every day (100 visitors a day; 300 at a 1% bar), the share of tests validated
// within 60 days and the mean visitors to a verdict, next to the fixed-horizon test's N for
// 80% power. The figures are in doc.go. It fails if the mean exceeds 2× that N rounded up
// to whole days (the limit), which daily looks make the fair comparison.
func TestPowerAndCost(t *testing.T) {
	bars := []PassBar{{0.05, 400, 0}}
	if heavy() {
		bars = []PassBar{{0.01, 0, 0}, {0.02, 400, 0}, {0.05, 0, 0}, {0.05, 400, 0}, {0.05, 1000, 0}, {0.1, 100, 0}, {0.3, 0, 0}}
	}
	for _, bar := range bars {
		perDay := int64(100)
		if bar.TargetRate < 0.02 {
			perDay = 300
		}
		days := int64(60)
		if !heavy() {
			days = 20 // at 1.5× the bar nearly every test has its verdict by then
		}
		b := boundaryOf(bar, perDay*days)
		validated, mean := firstVerdictTimes(b, 1.5*bar.TargetRate, daily(perDay, days))
		n := fixedHorizonN(bar.TargetRate, 1.5*bar.TargetRate)
		fixedDays := (n + perDay - 1) / perDay
		t.Logf("bar %v, minimum %d, %d visitors a day: validated within %d days %.1f%%, mean visitors to a verdict %.0f; fixed-horizon N %d (%d days: %d visitors)",
			bar.TargetRate, bar.MinVisitors, perDay, days, 100*validated, mean, n, fixedDays, fixedDays*perDay)
		if mean > 2*float64(max(fixedDays*perDay, bar.MinVisitors)) {
			t.Errorf("bar %v: mean visitors to a verdict %.0f, more than twice the fixed test's %d", bar.TargetRate, mean, fixedDays*perDay)
		}
	}
}
