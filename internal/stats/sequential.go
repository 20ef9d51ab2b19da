package stats

import "math"

// The verdict's always-valid test. A founder looks at the dashboard whenever they like and
// acts on the first verdict they see, so "validated" must be wrong at most VerdictAlpha of
// the time over every look, not at one look fixed in advance. The test is Robbins' (1970)
// Beta-mixture likelihood ratio for a Bernoulli rate, one for each direction, and the
// "likely between" bounds are the confidence sequence it defines (package documentation,
// "How the verdict decides").

// betaPrior is a mixing distribution over the true rate: a weighted sum of Beta(a, b)
// distributions.
type betaPrior []betaComponent

// betaComponent is one Beta(a, b) distribution of a betaPrior with its weight.
type betaComponent struct{ w, a, b float64 }

// wideWeight is the share of each verdict prior spread over every rate (Jeffreys'
// Beta(½, ½)) rather than tuned to the bar. It costs at most log(1/0.9) = 0.1 of the
// log 20 = 3 of evidence needed near the tuned rate, and keeps the bounds and "about N more
// visitors" sensible when demand is far from, or very near, the rates the prior was tuned to.
const wideWeight = 0.1

// verdictPriors returns the mixing distributions of the two one-sided tests of a page:
// above puts almost all its weight above the bar (it accumulates evidence for "validated"),
// below almost all below it (for "invalidated"). Both depend only on the pre-registered bar
// and minimum, never on the data, which is what keeps the test valid.
//
// Tuning. A mixture test gathers evidence fastest when its mixing distribution sits on the
// rate that is true. Each is centred at the bar ± δ with standard deviation δ/4 (so all
// but 0.003% of its weight is on its own side), where δ is the smaller of half the bar (demand 1.5×
// or 0.5× the bar: the effect the planner quotes) and the effect a fixed test of
// MinVisitors visitors would detect with 80% power (a founder who pre-registers a large
// sample is looking for a smaller effect). Exact computations (doc.go) chose the width:
// δ/4 reaches a verdict about 5% sooner than δ/2 and 15% sooner than δ at 1.5× the bar.
func verdictPriors(bar PassBar) (above, below betaPrior) {
	p0 := bar.TargetRate
	delta := 0.5 * p0
	if bar.MinVisitors > 0 {
		delta = math.Min(delta, (Z95OneSided+z80Power)*math.Sqrt(p0*(1-p0)/float64(bar.MinVisitors)))
	}
	wide := betaComponent{w: wideWeight, a: 0.5, b: 0.5}
	above = betaPrior{priorAround(p0+math.Min(delta, (1-p0)/2), delta/4), wide}
	below = betaPrior{priorAround(p0-delta, delta/4), wide}
	return above, below
}

// priorAround is the tuned component: the Beta distribution with the given mean and
// standard deviation (shrunk if no Beta distribution has it), weighted 1 − wideWeight.
func priorAround(mean, sd float64) betaComponent {
	nu := mean*(1-mean)/(sd*sd) - 1 // a + b
	nu = math.Max(nu, 1)
	return betaComponent{w: 1 - wideWeight, a: nu * mean, b: nu * (1 - mean)}
}

// logEvidenceAbove returns the log of Robbins' one-sided mixture likelihood ratio against
// "the true rate is at most q" after s signups in n visitors:
//
//	E⁺(q) = ∫_q^1 p^s (1−p)^(n−s) π(p) dp / (q^s (1−q)^(n−s))
//	      = Σ w · B(a+s, b+n−s)/B(a, b) · (1 − I_q(a+s, b+n−s)) / (q^s (1−q)^(n−s))
//
// summed over the prior's Beta(a, b) components of weight w.
//
// For every p ≥ q the ratio of likelihoods at p and at q is a nonnegative supermartingale
// when the true rate is at most q (its expected factor per visitor is
// r·p/q + (1−r)(1−p)/(1−q) ≤ 1 for r ≤ q ≤ p), and so is their mixture, which starts at
// Π(p > q) ≤ 1. Ville's inequality then bounds the chance that it ever reaches 1/α by α,
// however many looks. It decreases in q up to the observed rate and stays at most 1 above
// it, so {q : E⁺(q) < 1/α} is an interval [low, 1].
//
// s and f (the visitors who did not sign up) are float64 so that the planner can project
// fractional expected counts; Judge passes whole numbers.
func logEvidenceAbove(pr betaPrior, sf, ff, q float64) float64 {
	if sf+ff <= 0 {
		return math.Inf(-1) // E⁺ = Π(p > q) ≤ 1, never evidence
	}
	return pr.logIntegral(sf, ff, q, true) - logLikelihood(sf, ff, q)
}

// logEvidenceBelow is logEvidenceAbove's mirror, against "the true rate is at least q":
// E⁻(q) = ∫_0^q p^s (1−p)^(n−s) π(p) dp / (q^s (1−q)^(n−s)).
func logEvidenceBelow(pr betaPrior, sf, ff, q float64) float64 {
	if sf+ff <= 0 {
		return math.Inf(-1)
	}
	return pr.logIntegral(sf, ff, q, false) - logLikelihood(sf, ff, q)
}

// logIntegral is log ∫ p^s (1−p)^f π(p) dp over [q, 1] (above) or [0, q]: for each
// component, log B(a+s, b+f) − log B(a, b) (the data's probability averaged over it) plus
// the log of the part of its posterior on that side, summed in logs so nothing overflows.
func (pr betaPrior) logIntegral(s, f, q float64, above bool) float64 {
	terms := make([]float64, 0, len(pr))
	peak := math.Inf(-1)
	for _, c := range pr {
		logPost := logBeta(c.a+s, c.b+f)
		logHead, logTail := logRegularizedBeta(c.a+s, c.b+f, q, logPost)
		part := logHead
		if above {
			part = logTail
		}
		term := math.Log(c.w) + logPost - logBeta(c.a, c.b) + part
		terms = append(terms, term)
		peak = math.Max(peak, term)
	}
	if math.IsInf(peak, -1) {
		return peak
	}
	var sum float64
	for _, t := range terms {
		sum += math.Exp(t - peak)
	}
	return peak + math.Log(sum)
}

// logLikelihood is log(q^s (1−q)^f), with 0·log 0 = 0.
func logLikelihood(s, f, q float64) float64 {
	var l float64
	if s > 0 {
		l += s * math.Log(q)
	}
	if f > 0 {
		l += f * math.Log1p(-q)
	}
	return l
}

// sequentialBounds returns the always-valid one-sided bounds at level alpha each: low is
// the smallest q that E⁺(q) has not rejected (the lower end of the confidence sequence),
// high the largest q that E⁻(q) has not rejected. With no visitors they are (0, 1).
//
// By construction low > q exactly when E⁺(q) ≥ 1/alpha, up to the bisection's precision
// of 1e-12 relative; Judge decides on E⁺(bar) itself and then places the bound on the
// right side of the bar, so the sentence never contradicts the verdict.
func sequentialBounds(above, below betaPrior, s, n int64, alpha float64) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	threshold := math.Log(1 / alpha)
	sf, ff := float64(s), float64(n-s)
	rate := sf / float64(n)
	low, high = 0, 1
	if s > 0 && logEvidenceAbove(above, sf, ff, math.SmallestNonzeroFloat64) >= threshold {
		// E⁺ decreases on (0, rate] and is below the threshold from rate on.
		low = bisect(0, rate, func(q float64) bool { return logEvidenceAbove(above, sf, ff, q) < threshold })
	}
	if s < n && logEvidenceBelow(below, sf, ff, math.Nextafter(1, 0)) >= threshold {
		high = bisect(rate, 1, func(q float64) bool { return logEvidenceBelow(below, sf, ff, q) >= threshold })
	}
	return low, high
}

// bisect returns the point in [lo, hi] where the monotone pred turns from false to true
// (pred(hi) is taken as true), to a relative precision of 1e-12.
func bisect(lo, hi float64, pred func(float64) bool) float64 {
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi || hi-lo <= 1e-12*hi {
			break
		}
		if pred(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return lo + (hi-lo)/2
}
