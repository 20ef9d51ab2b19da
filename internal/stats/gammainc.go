package stats

import "math"

// RegularizedGammaQ returns Q(a, x) = Γ(a, x)/Γ(a), the upper regularized incomplete gamma
// function, for a > 0 and x ≥ 0. Litmus needs it for chi-square p-values: the chi-square
// distribution with k degrees of freedom has P(X > x) = Q(k/2, x/2).
//
// Method: Numerical Recipes, 3rd ed. (Press et al. 2007), §6.2: the power series ("gser")
// for x < a+1 and the continued fraction ("gcf", modified Lentz) otherwise, each where it
// converges fast. R's pgamma(x, a, lower.tail = FALSE) is the reference.
func RegularizedGammaQ(a, x float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x < a+1:
		return 1 - gammaSeries(a, x)
	default:
		return gammaContinuedFraction(a, x)
	}
}

// gammaSeries is P(a, x) by its power series (Numerical Recipes §6.2, eq. 6.2.5).
func gammaSeries(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	ap := a
	sum := 1 / a
	del := sum
	for range maxContinuedFractionSteps {
		ap++
		del *= x / ap
		sum += del
		if math.Abs(del) < math.Abs(sum)*1e-16 {
			break
		}
	}
	return sum * math.Exp(-x+a*math.Log(x)-lg)
}

// gammaContinuedFraction is Q(a, x) by its continued fraction (Numerical Recipes §6.2,
// eq. 6.2.7), evaluated with the modified Lentz method.
func gammaContinuedFraction(a, x float64) float64 {
	lg, _ := math.Lgamma(a)
	b := x + 1 - a
	c := 1 / tinyFloat
	d := 1 / b
	h := d
	for i := 1; i <= maxContinuedFractionSteps; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tinyFloat {
			d = tinyFloat
		}
		c = b + an/c
		if math.Abs(c) < tinyFloat {
			c = tinyFloat
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-16 {
			break
		}
	}
	return math.Exp(-x+a*math.Log(x)-lg) * h
}

// ChiSquarePValue returns P(X ≥ chi2) for X chi-square distributed with df degrees of
// freedom: the p-value of a chi-square test (R: pchisq(chi2, df, lower.tail = FALSE)).
// df < 1 or chi2 ≤ 0 give 1: no evidence of anything.
func ChiSquarePValue(chi2 float64, df int) float64 {
	if df < 1 || !(chi2 > 0) {
		return 1
	}
	if math.IsInf(chi2, 1) {
		return 0
	}
	return clamp01(RegularizedGammaQ(float64(df)/2, chi2/2))
}

// clamp01 keeps a probability inside [0, 1] against rounding.
func clamp01(p float64) float64 {
	return math.Min(1, math.Max(0, p))
}
