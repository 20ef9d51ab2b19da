package stats

import (
	"fmt"
	"testing"
)

func TestJudge(t *testing.T) {
	bar := PassBar{TargetRate: 0.05, MinVisitors: 800}
	cases := []struct {
		name     string
		bar      PassBar
		observed Counts
		days     float64
		kind     VerdictKind
		more     int64 // visitors; -1: any positive number
		capped   bool
		moreDays int
	}{
		{"clearly below the bar", bar, Counts{812, 25}, 30, Invalidated, 0, false, 0},
		{"clearly above the bar", bar, Counts{1204, 82}, 30, Validated, 0, false, 0},
		{"close to the bar", bar, Counts{1050, 48}, 30, KeepRunning, -1, false, 0},
		{"exactly at the bar", bar, Counts{1000, 50}, 30, KeepRunning, MaxMoreVisitors, true, 0},
		{"before the minimum, however good it looks", bar, Counts{400, 60}, 30, NotEnoughData, 400, false, 0},
		{"before the minimum, and right at the bar", bar, Counts{400, 20}, 30, NotEnoughData, MaxMoreVisitors, true, 0},
		{"before the minimum, and near the bar", bar, Counts{400, 22}, 30, NotEnoughData, -1, false, 0},
		{"enough visitors, not enough days", PassBar{0.05, 800, 14}, Counts{1204, 82}, 10.5, NotEnoughData, 0, false, 4},
		{"enough days, not enough visitors", PassBar{0.05, 800, 14}, Counts{700, 40}, 20, NotEnoughData, -1, false, 0},
		{"no visitors yet", bar, Counts{}, 0, NotEnoughData, 800, false, 0},
		{"no visitors and no minimum", PassBar{TargetRate: 0.05}, Counts{}, 0, NotEnoughData, 741, false, 0},
		{"nobody signed up", bar, Counts{800, 0}, 3, Invalidated, 0, false, 0},
		{"everybody signed up", bar, Counts{800, 800}, 3, Validated, 0, false, 0},
		{"huge sample just above the bar", bar, Counts{10_000_000, 510_000}, 30, Validated, 0, false, 0},
		{"huge sample a hair above the bar", bar, Counts{10_000_000, 500_500}, 30, KeepRunning, MaxMoreVisitors, true, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Judge(c.bar, c.observed, c.days)
			if v.Kind != c.kind {
				t.Fatalf("kind %q, want %q (sentence: %s)", v.Kind, c.kind, v.Sentence)
			}
			if (c.more >= 0 && v.MoreVisitorsNeeded != c.more) || (c.more < 0 && v.MoreVisitorsNeeded <= 0) {
				t.Errorf("more visitors %d, want %d", v.MoreVisitorsNeeded, c.more)
			}
			if v.MoreVisitorsCapped != c.capped || v.MoreDaysNeeded != c.moreDays {
				t.Errorf("capped %v and more days %d, want %v and %d", v.MoreVisitorsCapped, v.MoreDaysNeeded, c.capped, c.moreDays)
			}
			if v.Sentence == "" {
				t.Error("no sentence")
			}
			if v.Visitors > 0 && !(v.CILow <= v.Rate && v.Rate <= v.CIHigh) {
				t.Errorf("rate %v outside its bounds (%v, %v)", v.Rate, v.CILow, v.CIHigh)
			}
			if c.kind == Validated && v.CILow < c.bar.TargetRate || c.kind == Invalidated && v.CIHigh >= c.bar.TargetRate {
				t.Errorf("bounds (%v, %v) contradict the verdict %q against %v", v.CILow, v.CIHigh, v.Kind, c.bar.TargetRate)
			}
		})
	}
}

// TestVerdictErrorRateExactly computes, by summing binomial probabilities independently of
// the code under test, how often Judge says "validated" (and "invalidated") at a single
// look when the true rate is exactly the bar, at every 17th sample size from 20 to 2000,
// for bars of 1% to 30%. It never exceeds 5%; with the always-valid test it stays under
// 1% (worst 0.84%): the room a single look leaves for all the others (see
// TestVerdictIsAlwaysValid for every look). The Wilson one-sided bound,
// computed the same way, exceeds it: up to 18.2% (1% bar, 20 visitors, where a single
// signup clears it), 10.0% (2% bar, n = 88), 8.0% (5%, n = 105); that is why the verdict
// never used it.
func TestVerdictErrorRateExactly(t *testing.T) {
	wilsonWorst := 0.0
	for _, rate := range []float64{0.01, 0.02, 0.05, 0.1, 0.3} {
		worstValidated, worstInvalidated := 0.0, 0.0
		for n := int64(20); n <= 2000; n += 17 {
			bar := PassBar{TargetRate: rate, MinVisitors: n}
			kind := func(x int64) VerdictKind { return Judge(bar, Counts{n, x}, 0).Kind }
			// The verdict is monotone in the signups: find where it changes by bisection.
			firstValidated := firstTrue(0, n+1, func(x int64) bool { return kind(x) == Validated })
			firstNotInvalidated := firstTrue(0, n+1, func(x int64) bool { return kind(x) != Invalidated })
			firstWilson := firstTrue(0, n+1, func(x int64) bool { low, _ := WilsonOneSided95(x, n); return low >= rate })
			var validated, invalidated, wilson float64
			for x, px := range binomialPMF(n, rate) {
				if int64(x) >= firstValidated {
					validated += px
				}
				if int64(x) < firstNotInvalidated {
					invalidated += px
				}
				if int64(x) >= firstWilson {
					wilson += px
				}
			}
			worstValidated = max(worstValidated, validated)
			worstInvalidated = max(worstInvalidated, invalidated)
			wilsonWorst = max(wilsonWorst, wilson)
		}
		t.Logf("bar %v: wrongly validated at most %.2f%%, wrongly invalidated at most %.2f%%", rate, 100*worstValidated, 100*worstInvalidated)
		if worstValidated > 0.05 || worstInvalidated > 0.05 {
			t.Errorf("bar %v: with the true rate at the bar, validated up to %.2f%% and invalidated up to %.2f%% of the time; want ≤ 5%%",
				rate, 100*worstValidated, 100*worstInvalidated)
		}
	}
	t.Logf("the Wilson bound would have validated up to %.1f%% of the time", 100*wilsonWorst)
	if wilsonWorst <= 0.05 {
		t.Errorf("the Wilson bound stayed within 5%% (%.2f%%): the reason for the exact test in the docs is stale", 100*wilsonWorst)
	}
}

// firstTrue returns the smallest x in [lo, hi) for which the monotone pred holds, or hi.
func firstTrue(lo, hi int64, pred func(int64) bool) int64 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		if pred(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// TestVerdictFalseValidationBySimulation simulates tests whose true rate is exactly the
// bar, two variants split 50/50 by coin flips, judged at the pre-registered minimum.
// Over 6,000 simulated tests (2,000 each for a 2% bar at 1,000 visitors, a 5% bar at 500
// and a 30% bar at 200; seed 2), "validated" came out 0.95%, 0.60% and 0.70% of the time
// at that one look (computed exactly: 0.43%, 0.46% and 0.62%; the simulation's own noise is
// about ±0.2%).
func TestVerdictFalseValidationBySimulation(t *testing.T) {
	r := newRand(2)
	for _, c := range []struct {
		rate     float64
		visitors int64
	}{{0.02, 1000}, {0.05, 500}, {0.3, 200}} {
		t.Run(fmt.Sprintf("bar %v at %d visitors", c.rate, c.visitors), func(t *testing.T) {
			const trials = 2000
			bar := PassBar{TargetRate: c.rate, MinVisitors: c.visitors}
			validated := 0
			for range trials {
				control := drawBinomialHalf(r, c.visitors)
				variant := c.visitors - control
				signups := drawBinomial(r, control, c.rate) + drawBinomial(r, variant, c.rate)
				if Judge(bar, Counts{c.visitors, signups}, 0).Kind == Validated {
					validated++
				}
			}
			share := float64(validated) / trials
			exact := BinomialTailAtLeast(firstTrue(0, c.visitors+1, func(x int64) bool {
				return Judge(bar, Counts{c.visitors, x}, 0).Kind == Validated
			}), c.visitors, c.rate)
			t.Logf("validated %.2f%% of the time (exactly: %.2f%%)", 100*share, 100*exact)
			if share > 0.05 {
				t.Errorf("validated %.1f%% of %d tests whose true rate is the bar; want ≤ 5%%", 100*share, trials)
			}
		})
	}
}

// TestAnalyzeJudgesThePooledRate: the verdict in a report is Judge applied to all variants
// together, whatever the split and whichever variant is best.
func TestAnalyzeJudgesThePooledRate(t *testing.T) {
	r := newRand(6)
	for range 60 {
		bar := PassBar{TargetRate: 0.05, MinVisitors: 600}
		in := Input{PassBar: bar, DaysElapsed: 30}
		var pooled Counts
		for i, rate := range []float64{0.03, 0.05, 0.07} {
			n := 200 + r.Int64N(400)
			v := Variant{ID: fmt.Sprint("v", i), Weight: 1, Visitors: n, Signups: drawBinomial(r, n, rate)}
			in.Variants = append(in.Variants, v)
			pooled.Visitors += v.Visitors
			pooled.Signups += v.Signups
		}
		report, err := Analyze(in)
		if err != nil {
			t.Fatal(err)
		}
		want := Judge(bar, pooled, 30)
		if report.Verdict.Kind != want.Kind || report.Verdict.Rate != want.Rate || report.Verdict.MoreVisitorsNeeded != want.MoreVisitorsNeeded {
			t.Fatalf("Analyze's verdict %+v differs from Judge on the pooled counts %+v", report.Verdict, want)
		}
	}
}

// TestBestVariantIsCorrectedForPickingIt: with three variants all at the bar, the
// best-looking one is judged by the always-valid test at 5%/3, so it is called above the
// bar at most 5% of the time. Measured over 2,000 simulated pages of 300 visitors per
// variant at one look (seed 5): 0.5%; TestAnalyzeIsAlwaysValidBySimulation looks daily.
func TestBestVariantIsCorrectedForPickingIt(t *testing.T) {
	r := newRand(5)
	const trials, perVariant, rate = 2000, 300, 0.05
	above := 0
	for range trials {
		variants := []Variant{
			{ID: "a", Weight: 1, Visitors: perVariant, Signups: drawBinomial(r, perVariant, rate)},
			{ID: "b", Weight: 1, Visitors: perVariant, Signups: drawBinomial(r, perVariant, rate)},
			{ID: "c", Weight: 1, Visitors: perVariant, Signups: drawBinomial(r, perVariant, rate)},
		}
		if best := judgeBest(PassBar{TargetRate: rate}, variants); best != nil && best.AboveBar {
			above++
		}
	}
	share := float64(above) / trials
	t.Logf("best of 3 called above the bar in %.1f%% of pages", 100*share)
	if share > 0.05 {
		t.Errorf("best of 3 at the bar called above it %.1f%% of the time; want ≤ 5%%", 100*share)
	}
}
