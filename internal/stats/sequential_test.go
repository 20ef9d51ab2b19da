package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// heavy reports whether the long statistical runs were asked for (LITMUS_STATS_HEAVY=1).
// The default runs keep `go test` to a few seconds; the heavy ones produced the figures in
// doc.go.
func heavy() bool { return os.Getenv("LITMUS_STATS_HEAVY") == "1" }

// verdictBoundary is where Judge's answer changes at each sample size, read from Judge
// itself (not from the maths inside it): for n visitors, Judge says "validated" exactly
// when signups ≥ up[n] and "invalidated" exactly when signups ≤ down[n] (up[n] = n+1 and
// down[n] = −1 when it never does). Judge is monotone in the signups, so each boundary is
// found by walking from the previous one. Index n < the minimum holds no verdict.
type verdictBoundary struct {
	up, down []int64
}

func boundaryOf(bar PassBar, maxN int64) verdictBoundary {
	b := verdictBoundary{up: make([]int64, maxN+1), down: make([]int64, maxN+1)}
	kind := func(s, n int64) VerdictKind { return Judge(bar, Counts{n, s}, math.MaxInt32).Kind }
	up, down := int64(1), int64(-1)
	for n := int64(0); n <= maxN; n++ {
		if n < max(bar.MinVisitors, 1) {
			b.up[n], b.down[n] = n+1, -1
			continue
		}
		up = min(up, n+1)
		for up > 0 && kind(up-1, n) == Validated {
			up--
		}
		for up <= n && kind(up, n) != Validated {
			up++
		}
		down = max(down, -1)
		for down < n && down+1 < up && kind(down+1, n) == Invalidated {
			down++
		}
		for down >= 0 && kind(down, n) != Invalidated {
			down--
		}
		b.up[n], b.down[n] = up, down
	}
	return b
}

// firstVerdict returns the exact probabilities that a founder who looks at every visitor
// count in looks (ascending) and stops at the first verdict ever sees "validated" and
// "invalidated", when every visitor signs up with probability p: the binomial distribution
// of the signups is carried one visitor at a time, and the mass past a boundary at a look
// is absorbed. No random numbers, so no Monte Carlo error.
func firstVerdict(b verdictBoundary, p float64, looks []int64) (validated, invalidated float64) {
	maxN := looks[len(looks)-1]
	dist := []float64{1}
	next := 0
	for n := int64(0); n <= maxN; n++ {
		if n > 0 {
			grown := make([]float64, len(dist)+1)
			for s, m := range dist {
				grown[s] += m * (1 - p)
				grown[s+1] += m * p
			}
			dist = grown
		}
		if next < len(looks) && looks[next] == n {
			next++
			for s := range dist {
				switch {
				case int64(s) >= b.up[n]:
					validated += dist[s]
					dist[s] = 0
				case int64(s) <= b.down[n]:
					invalidated += dist[s]
					dist[s] = 0
				}
			}
		}
	}
	return validated, invalidated
}

// everyVisitor and daily are the two ways of looking: after each visitor from from on, or
// once a day with perDay visitors a day.
func everyVisitor(from, to int64) []int64 {
	var looks []int64
	for n := max(from, 1); n <= to; n++ {
		looks = append(looks, n)
	}
	return looks
}

func daily(perDay, days int64) []int64 {
	var looks []int64
	for d := int64(1); d <= days; d++ {
		looks = append(looks, d*perDay)
	}
	return looks
}

// logEvidenceByIntegration computes log E⁺(q) (above) or log E⁻(q) by direct numerical
// integration of the Beta-mixed likelihood ratio, independently of the incomplete beta:
// Simpson's rule on 100,000 panels, each term formed in logs; the two agree to 2e-5 in
// log E (the integration's own error: with 400,000 panels it is under 1e-6). Jeffreys' component has an
// integrable singularity at 0 and 1, so the integral runs over u with p = u² on [0, q]
// and p = 1 − u² on [q, 1] (dp = 2u du), which removes it.
func logEvidenceByIntegration(pr betaPrior, s, n int64, q float64, above bool) float64 {
	sf, ff := float64(s), float64(n-s)
	ref := logLikelihood(sf, ff, q)
	logB := make([]float64, len(pr))
	for i, c := range pr {
		logB[i] = logBetaByLgamma(c.a, c.b)
	}
	// log of the integrand in u, up to the scale removed below.
	logf := func(u float64) float64 {
		p := u * u
		if above {
			p = 1 - u*u
		}
		if u <= 0 || p <= 0 || p >= 1 {
			return math.Inf(-1)
		}
		var terms []float64
		for i, c := range pr {
			terms = append(terms, math.Log(c.w)+(c.a-1)*math.Log(p)+(c.b-1)*math.Log1p(-p)-logB[i])
		}
		peak := math.Max(terms[0], terms[len(terms)-1])
		var sum float64
		for _, t := range terms {
			sum += math.Exp(t - peak)
		}
		return peak + math.Log(sum) + sf*math.Log(p) + ff*math.Log1p(-p) - ref + math.Log(2*u)
	}
	hi := math.Sqrt(q)
	if above {
		hi = math.Sqrt(1 - q)
	}
	const panels = 100_000
	peak := math.Inf(-1)
	for i := 1; i <= panels; i++ {
		peak = math.Max(peak, logf(hi*float64(i)/panels))
	}
	f := func(u float64) float64 { return math.Exp(logf(u) - peak) }
	return math.Log(simpson(f, 0, hi, panels)) + peak
}

func TestEvidenceMatchesNumericalIntegration(t *testing.T) {
	for _, c := range []struct {
		bar  PassBar
		s, n int64
	}{
		{PassBar{TargetRate: 0.05, MinVisitors: 400}, 40, 600},
		{PassBar{TargetRate: 0.01}, 3, 100},
		{PassBar{TargetRate: 0.01}, 0, 2000},
		{PassBar{TargetRate: 0.3, MinVisitors: 1000}, 700, 2000},
	} {
		above, below := verdictPriors(c.bar)
		for _, q := range []float64{c.bar.TargetRate, 1.3 * c.bar.TargetRate} {
			sf, ff := float64(c.s), float64(c.n-c.s)
			if got, want := logEvidenceAbove(above, sf, ff, q), logEvidenceByIntegration(above, c.s, c.n, q, true); math.Abs(got-want) > 2e-5 {
				t.Errorf("%+v %d/%d: log E⁺(%v) = %v, by integration %v", c.bar, c.s, c.n, q, got, want)
			}
			if got, want := logEvidenceBelow(below, sf, ff, q), logEvidenceByIntegration(below, c.s, c.n, q, false); math.Abs(got-want) > 2e-5 {
				t.Errorf("%+v %d/%d: log E⁻(%v) = %v, by integration %v", c.bar, c.s, c.n, q, got, want)
			}
		}
	}
}

// TestVerdictBoundsAgreeWithTheVerdict: "likely between" can never contradict the verdict,
// and each bound is where the test's evidence crosses 20.
func TestVerdictBoundsAgreeWithTheVerdict(t *testing.T) {
	for _, bar := range []PassBar{{0.05, 400, 0}, {0.01, 0, 0}, {0.3, 1000, 0}} {
		above, below := verdictPriors(bar)
		for _, n := range []int64{1, 10, 100, 400, 1000, 5000, 10_000_000} {
			for _, frac := range []float64{0, 0.3, 0.7, 0.9, 1, 1.1, 1.3, 1.6, 3} {
				s := min(int64(frac*bar.TargetRate*float64(n)), n)
				v := Judge(bar, Counts{n, s}, 100)
				if v.Kind == NotEnoughData {
					continue
				}
				if (v.Kind == Validated) != (v.CILow >= bar.TargetRate) || (v.Kind == Invalidated) != (v.CIHigh < bar.TargetRate) {
					t.Errorf("%+v %d/%d: %s with bounds (%v, %v)", bar, s, n, v.Kind, v.CILow, v.CIHigh)
				}
				sf, ff := float64(s), float64(n-s)
				if v.CILow > 0 && v.CILow < v.Rate && math.Abs(logEvidenceAbove(above, sf, ff, v.CILow)-math.Log(20)) > 1e-6 && v.CILow != bar.TargetRate {
					t.Errorf("%+v %d/%d: evidence at the lower bound %v is %v, want log 20", bar, s, n, v.CILow, logEvidenceAbove(above, sf, ff, v.CILow))
				}
				if v.CIHigh < 1 && v.CIHigh > v.Rate && math.Abs(logEvidenceBelow(below, sf, ff, v.CIHigh)-math.Log(20)) > 1e-6 && v.CIHigh != bar.TargetRate {
					t.Errorf("%+v %d/%d: evidence at the upper bound %v is %v, want log 20", bar, s, n, v.CIHigh, logEvidenceBelow(below, sf, ff, v.CIHigh))
				}
			}
		}
	}
}

// TestVerdictIsAlwaysValid computes exactly (firstVerdict: no simulation error) how often a
// founder who acts on the first verdict would be told "validated", or "invalidated", when
// demand is exactly at the bar: looking after every visitor from the minimum on, or once a
// day. The boundaries come from Judge itself. Worst cases measured (doc.go has the table):
// every figure is under 5%.
func TestVerdictIsAlwaysValid(t *testing.T) {
	type config struct {
		bar     PassBar
		perDay  int64
		horizon int64 // visitors
	}
	configs := []config{
		{PassBar{TargetRate: 0.05, MinVisitors: 400}, 100, 2000},
		{PassBar{TargetRate: 0.01}, 100, 2000},
	}
	if heavy() {
		configs = nil
		for _, rate := range []float64{0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3} {
			for _, minimum := range []int64{0, 100, 400, 1000} {
				configs = append(configs, config{PassBar{TargetRate: rate, MinVisitors: minimum}, 100, 6000})
			}
		}
	}
	for _, c := range configs {
		b := boundaryOf(c.bar, c.horizon)
		for _, way := range []struct {
			name  string
			looks []int64
		}{
			{"every visitor", everyVisitor(c.bar.MinVisitors, c.horizon)},
			{"every 20 visitors", daily(20, c.horizon/20)},
			{"daily", daily(c.perDay, c.horizon/c.perDay)},
		} {
			validated, invalidated := firstVerdict(b, c.bar.TargetRate, way.looks)
			t.Logf("bar %v, minimum %d, looking %s up to %d visitors: validated %.2f%%, invalidated %.2f%%",
				c.bar.TargetRate, c.bar.MinVisitors, way.name, c.horizon, 100*validated, 100*invalidated)
			if validated > VerdictAlpha || invalidated > VerdictAlpha {
				t.Errorf("bar %v, minimum %d, looking %s: wrongly validated %.2f%%, invalidated %.2f%%; want ≤ 5%% each",
					c.bar.TargetRate, c.bar.MinVisitors, way.name, 100*validated, 100*invalidated)
			}
		}
	}
}

// pageSim simulates one page: k variants split evenly, perDay visitors a day, each
// converting at rates[i]; look is called after each day with the counts so far and stops
// the page when it returns true.
func pageSim(r *rand.Rand, rates []float64, perDay int64, days int, look func(day int, variants []Variant) bool) {
	variants := make([]Variant, len(rates))
	for i := range variants {
		variants[i] = Variant{ID: fmt.Sprint("v", i), Weight: 1}
	}
	for day := 1; day <= days; day++ {
		before := make([]int64, len(variants))
		for i, v := range variants {
			before[i] = v.Visitors
		}
		split(r, variants, perDay)
		for i := range variants {
			variants[i].Signups += drawBinomial(r, variants[i].Visitors-before[i], rates[i])
		}
		if look(day, variants) {
			return
		}
	}
}

// TestAnalyzeIsAlwaysValidBySimulation runs whole pages through Analyze with one to four
// variants all converting at the bar, looked at once a day for 60 days (100 visitors a
// day), with bars from 1% to 30% and minimums from 0 to 1,000, and counts the pages on
// which the founder ever sees "validated" (or "invalidated"), or the best variant called
// above the bar. 100 pages per setting by default (LITMUS_STATS_HEAVY=1: 2,000): with a
// true rate of 5%, 100 pages give a standard error of 2.2%, so the test fails above 11.5%
// (3 standard errors) and the exact computation above carries the 5% claim; the heavy run's
// figures (limit 6.5%) are in doc.go: at most 2.8% for the verdict, 2.6% for the best variant.
func TestAnalyzeIsAlwaysValidBySimulation(t *testing.T) {
	runs := 100
	if heavy() {
		runs = 2000
	}
	r := newRand(12)
	type setting struct {
		bar PassBar
		k   int
	}
	settings := []setting{
		{PassBar{TargetRate: 0.05, MinVisitors: 400}, 2},
		{PassBar{TargetRate: 0.3, MinVisitors: 100, MinDays: 7}, 4},
	}
	if heavy() {
		settings = append(settings, setting{PassBar{TargetRate: 0.01}, 1}, setting{PassBar{TargetRate: 0.1, MinVisitors: 1000}, 3})
	}
	for _, set := range settings {
		rates := make([]float64, set.k)
		for i := range rates {
			rates[i] = set.bar.TargetRate
		}
		var validated, invalidated, bestAbove int
		for range runs {
			seenBest := false
			pageSim(r, rates, 100, 60, func(day int, variants []Variant) bool {
				rep, err := Analyze(Input{PassBar: set.bar, Variants: variants, DaysElapsed: float64(day)})
				if err != nil {
					t.Fatal(err)
				}
				if b := rep.Verdict.Best; b != nil && b.AboveBar && !seenBest {
					seenBest = true
					bestAbove++
				}
				switch rep.Verdict.Kind {
				case Validated:
					validated++
					return true
				case Invalidated:
					invalidated++
					return true
				}
				return false
			})
		}
		se := math.Sqrt(VerdictAlpha * (1 - VerdictAlpha) / float64(runs))
		limit := VerdictAlpha + 3*se
		t.Logf("bar %v, minimum %d, %d variants, %d pages: validated %.1f%%, invalidated %.1f%%, best variant above the bar %.1f%%",
			set.bar.TargetRate, set.bar.MinVisitors, set.k, runs,
			100*float64(validated)/float64(runs), 100*float64(invalidated)/float64(runs), 100*float64(bestAbove)/float64(runs))
		for name, count := range map[string]int{"validated": validated, "invalidated": invalidated, "best above the bar": bestAbove} {
			if share := float64(count) / float64(runs); share > limit {
				t.Errorf("bar %v, %d variants: %s on %.1f%% of pages at the bar; want ≤ 5%% (tolerance %.1f%%)",
					set.bar.TargetRate, set.k, name, 100*share, 100*limit)
			}
		}
	}
}

// TestAAComparisonsBySimulation: two to four identical variants, looked at daily for 60
// days at 200 visitors a day; how many pages ever show a variant as significantly
// different from the control. 100 pages per setting by default (LITMUS_STATS_HEAVY=1:
// 2,000); the limit is 5% plus 3 standard errors (11.5% at 100 pages, 6.5% at 2,000).
// Heavy run: 1.3%, 1.4%, 1.5% and 0.5% of pages.
func TestAAComparisonsBySimulation(t *testing.T) {
	runs := 100
	if heavy() {
		runs = 2000
	}
	r := newRand(13)
	type setting struct {
		rate float64
		k    int
	}
	settings := []setting{{0.05, 2}, {0.1, 4}}
	if heavy() {
		settings = append(settings, setting{0.3, 2}, setting{0.02, 3})
	}
	for _, set := range settings {
		rates := make([]float64, set.k)
		for i := range rates {
			rates[i] = set.rate
		}
		flagged := 0
		for range runs {
			pageSim(r, rates, 200, 60, func(day int, variants []Variant) bool {
				rep, err := Analyze(Input{PassBar: PassBar{TargetRate: set.rate, MinVisitors: 1000}, Variants: variants, DaysElapsed: float64(day)})
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range rep.Variants {
					if v.Significant {
						flagged++
						return true
					}
				}
				return false
			})
		}
		share := float64(flagged) / float64(runs)
		limit := SignificanceLevel + 3*math.Sqrt(SignificanceLevel*(1-SignificanceLevel)/float64(runs))
		t.Logf("A/A at %v with %d variants, %d pages looked at daily: a variant marked significant on %.1f%%", set.rate, set.k, runs, 100*share)
		if share > limit {
			t.Errorf("A/A at %v with %d variants: significant on %.1f%% of pages; want ≤ 5%% (tolerance %.1f%%)", set.rate, set.k, 100*share, 100*limit)
		}
	}
}

// TestEvidenceNeverPointsTheWrongWay: E⁺(q) ≤ 1 for every q at or above the observed rate
// and E⁻(q) ≤ 1 at or below it (the mathematics guarantees it). Far in a tail the
// incomplete beta underflows; before it was kept in logs, 91 signups of 1,602 visitors
// (5.7%) were "validated" against a 74% bar (found by FuzzAnalyze).
func TestEvidenceNeverPointsTheWrongWay(t *testing.T) {
	for _, bar := range []PassBar{{0.7425925925925926, 732, 7}, {0.01, 0, 0}, {0.3, 1000, 0}, {0.05, 400, 0}} {
		above, below := verdictPriors(bar)
		for _, c := range []Counts{{1602, 91}, {1000, 900}, {10_000_000, 5}, {10_000_000, 9_999_990}, {50, 1}, {2000, 600}} {
			sf, ff := float64(c.Signups), float64(c.Visitors-c.Signups)
			rate := c.Rate()
			for i := 0; i <= 200; i++ {
				q := float64(i) / 200
				if q >= rate && q < 1 {
					if e := logEvidenceAbove(above, sf, ff, q); e > 1e-9 {
						t.Errorf("%+v %+v: log E⁺(%v) = %v above the observed rate", bar, c, q, e)
					}
				}
				if q <= rate && q > 0 {
					if e := logEvidenceBelow(below, sf, ff, q); e > 1e-9 {
						t.Errorf("%+v %+v: log E⁻(%v) = %v below the observed rate", bar, c, q, e)
					}
				}
			}
		}
	}
	if v := Judge(PassBar{TargetRate: 0.7425925925925926, MinVisitors: 732}, Counts{1602, 91}, 30); v.Kind != Invalidated {
		t.Errorf("5.7%% against a 74%% bar: %s", v.Kind)
	}
}
