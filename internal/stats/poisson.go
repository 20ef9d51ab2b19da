package stats

import "math"

// ReferralRate is the referral rate of a page: the signups brought by share links per
// signup, Referred/Signups, with an exact 95% interval. It can exceed 1 (one person may
// bring several), so it is a rate, not a proportion: the referred signups are treated as a
// Poisson count over the signups that could have shared, and the interval is Garwood's
// exact Poisson interval for the count, divided by the signups.
type ReferralRate struct {
	Referred int64   `json:"referred_signups"`
	Signups  int64   `json:"signups"`
	Rate     float64 `json:"rate"`    // Referred/Signups; 0 with no signups
	CILow    float64 `json:"ci_low"`  // exact (Garwood) two-sided 95% interval of the rate
	CIHigh   float64 `json:"ci_high"` // +Inf is never returned: with no signups both are 0
}

// NewReferralRate returns the referral rate of referred signups among signups.
func NewReferralRate(referred, signups int64) ReferralRate {
	r := ReferralRate{Referred: referred, Signups: signups}
	if signups <= 0 || referred < 0 {
		return r
	}
	low, high := PoissonExact(referred, 0.05)
	n := float64(signups)
	r.Rate, r.CILow, r.CIHigh = float64(referred)/n, low/n, high/n
	return r
}

// PoissonExact returns Garwood's (1936) exact two-sided 1−alpha interval for the mean of a
// Poisson count k: the alpha/2 quantile of Gamma(k, 1) and the 1−alpha/2 quantile of
// Gamma(k+1, 1) (0 as the lower bound when k = 0). R: poisson.test(k)$conf.int, which gives
// (4.795389, 18.390356) for k = 10.
func PoissonExact(k int64, alpha float64) (low, high float64) {
	if k > 0 {
		low = gammaQuantile(float64(k), alpha/2)
	}
	high = gammaQuantile(float64(k+1), 1-alpha/2)
	return low, high
}

// gammaQuantile returns x with P(a, x) = p (the lower regularized incomplete gamma), by
// bisection on RegularizedGammaQ: monotone in x, so 200 halvings reach float64 precision.
func gammaQuantile(a, p float64) float64 {
	lo, hi := 0.0, a+10*math.Sqrt(a)+10
	for 1-RegularizedGammaQ(a, hi) < p {
		hi *= 2
	}
	for range 200 {
		mid := (lo + hi) / 2
		if 1-RegularizedGammaQ(a, mid) < p {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-12*hi {
			break
		}
	}
	return (lo + hi) / 2
}
