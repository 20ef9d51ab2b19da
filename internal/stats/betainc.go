package stats

import "math"

// maxContinuedFractionSteps bounds the continued fractions below. They need about
// sqrt(max(a, b)) steps near the distribution's middle (Numerical Recipes, 3rd ed., §6.4),
// so this covers shape parameters far beyond MaxVisitors.
const maxContinuedFractionSteps = 1_000_000

// tinyFloat keeps Lentz's method away from division by zero (Numerical Recipes §5.2).
const tinyFloat = 1e-300

// RegularizedBeta returns I_x(a, b), the regularized incomplete beta function, and its
// complement 1 − I_x(a, b), each computed directly so that small tails keep their precision.
// I_x(a, b) is the Beta(a, b) distribution function at x, which gives exact binomial tails
// (P(X ≥ k) for X ~ Binomial(n, p) is I_p(k, n−k+1)) and the Bayesian posteriors here.
//
// Method: the continued fraction of Numerical Recipes, 3rd ed. (Press et al. 2007), §6.4
// ("betacf"), evaluated with the modified Lentz method, using the symmetry
// I_x(a, b) = 1 − I_{1−x}(b, a) on the side where the fraction converges fast. The tests
// check it, through the binomial tails, against exact rational sums (R's pbeta and
// binom.test give the same numbers). a and b must be positive.
func RegularizedBeta(a, b, x float64) (p, q float64) {
	return regularizedBetaWithLogBeta(a, b, x, logBeta(a, b))
}

// regularizedBetaWithLogBeta is RegularizedBeta with log B(a, b) computed by the caller,
// for loops that evaluate the same distribution at many points.
func regularizedBetaWithLogBeta(a, b, x, logBetaAB float64) (p, q float64) {
	switch {
	case x <= 0:
		return 0, 1
	case x >= 1:
		return 1, 0
	}
	// The factor in front of the continued fraction: x^a (1−x)^b / B(a, b).
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - logBetaAB)
	if x < (a+1)/(a+b+2) {
		p = front * betaContinuedFraction(a, b, x) / a
		return p, 1 - p
	}
	q = front * betaContinuedFraction(b, a, 1-x) / b
	return 1 - q, q
}

// logBeta is log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a+b). For large arguments that
// difference of huge numbers would lose most digits (lgamma(1e7) is 1.5e8), so, like R's
// lbeta, it cancels the big terms analytically and keeps only Stirling's remainders.
func logBeta(a, b float64) float64 {
	p, q := min(a, b), max(a, b)
	switch {
	case p >= 10:
		corr := stirlingRemainder(p) + stirlingRemainder(q) - stirlingRemainder(p+q)
		return -0.5*math.Log(q) + 0.5*math.Log(2*math.Pi) + corr + (p-0.5)*math.Log(p/(p+q)) + q*math.Log1p(-p/(p+q))
	case q >= 10:
		lp, _ := math.Lgamma(p)
		corr := stirlingRemainder(q) - stirlingRemainder(p+q)
		return lp + corr + p - p*math.Log(p+q) + (q-0.5)*math.Log1p(-p/(p+q))
	default:
		la, _ := math.Lgamma(p)
		lb, _ := math.Lgamma(q)
		lab, _ := math.Lgamma(p + q)
		return la + lb - lab
	}
}

// stirlingRemainder is lgamma(x) − ((x − ½)·log x − x + ½·log 2π) for x ≥ 10, by the
// Stirling series (Abramowitz & Stegun 6.1.41) to the x⁻¹¹ term: error below 1e-14.
func stirlingRemainder(x float64) float64 {
	x2 := 1 / (x * x)
	return (1.0/12 - x2*(1.0/360-x2*(1.0/1260-x2*(1.0/1680-x2*(1.0/1188-x2*691.0/360360))))) / x
}

// betaContinuedFraction evaluates the continued fraction for I_x(a, b) (Numerical Recipes
// §6.4, eq. 6.4.5) by the modified Lentz method.
func betaContinuedFraction(a, b, x float64) float64 {
	qab, qap, qam := a+b, a+1, a-1
	c := 1.0
	d := 1 - qab*x/qap
	if math.Abs(d) < tinyFloat {
		d = tinyFloat
	}
	d = 1 / d
	h := d
	for m := 1; m <= maxContinuedFractionSteps; m++ {
		fm := float64(m)
		m2 := 2 * fm
		// Even step.
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = 1 + aa/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		h *= d * c
		// Odd step.
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = 1 + aa/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h
}

// logRegularizedBeta returns log I_x(a, b) and log(1 − I_x(a, b)). Far in a tail the
// probability itself underflows (below 1e-308 it first loses digits, then becomes 0), while
// the always-valid test needs its logarithm there: the tail is multiplied by a likelihood
// ratio of e^2000 or more. So the side the continued fraction computes directly is kept in
// logs, and only the other side, which is then close to 1, is formed with log1p.
func logRegularizedBeta(a, b, x, logBetaAB float64) (logP, logQ float64) {
	switch {
	case x <= 0:
		return math.Inf(-1), 0
	case x >= 1:
		return 0, math.Inf(-1)
	}
	logFront := a*math.Log(x) + b*math.Log1p(-x) - logBetaAB
	if x < (a+1)/(a+b+2) {
		logP = logFront + math.Log(betaContinuedFraction(a, b, x)/a)
		return logP, log1mExp(logP)
	}
	logQ = logFront + math.Log(betaContinuedFraction(b, a, 1-x)/b)
	return log1mExp(logQ), logQ
}

// log1mExp is log(1 − e^v) for v ≤ 0, accurate at both ends (Mächler 2012, "Accurately
// computing log(1 − exp(−|a|))", the Rmpfr package vignette).
func log1mExp(v float64) float64 {
	switch {
	case v >= 0:
		return math.Inf(-1)
	case v > -math.Ln2:
		return math.Log(-math.Expm1(v))
	default:
		return math.Log1p(-math.Exp(v))
	}
}
