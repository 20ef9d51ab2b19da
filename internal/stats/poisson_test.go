package stats

import (
	"math"
	"testing"
)

// TestPoissonExactMatchesR checks Garwood's interval against reference values: R's
// poisson.test(10)$conf.int = (4.795389, 18.390356), and for every k the gamma quantiles
// computed independently with mpmath at 30 digits
// (findroot(gammainc(a, 0, x, regularized=True) - p)).
func TestPoissonExactMatchesR(t *testing.T) {
	for _, c := range []struct {
		k         int64
		low, high float64
	}{
		{0, 0, 3.688879},
		{1, 0.02531781, 5.571643},
		{10, 4.795389, 18.390356},
		{100, 81.363991, 121.626794},
	} {
		low, high := PoissonExact(c.k, 0.05)
		if math.Abs(low-c.low) > 1e-5*math.Max(1, c.low) || math.Abs(high-c.high) > 1e-5*math.Max(1, c.high) {
			t.Errorf("PoissonExact(%d) = (%.7g, %.7g), R says (%.7g, %.7g)", c.k, low, high, c.low, c.high)
		}
	}
}

func TestReferralRateIsSignupsBroughtPerSignup(t *testing.T) {
	r := NewReferralRate(10, 40)
	if r.Rate != 0.25 || math.Abs(r.CILow-4.795389/40) > 1e-6 || math.Abs(r.CIHigh-18.390356/40) > 1e-6 {
		t.Errorf("NewReferralRate(10, 40) = %+v", r)
	}
	if r := NewReferralRate(0, 0); r.Rate != 0 || r.CILow != 0 || r.CIHigh != 0 {
		t.Errorf("no signups: %+v", r)
	}
}
