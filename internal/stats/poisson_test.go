package stats

import (
	"math"
	"math/rand/v2"
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

// TestPoissonExactCoversAtLeast95Percent simulates Poisson counts at several means and
// checks that Garwood's interval contains the true mean in at least 95% of runs (it is
// conservative by construction). 20,000 runs per mean; the tolerance is 3 standard errors
// of a 95% coverage estimate (3 × 0.0015), so a correct interval fails about once in 700.
func TestPoissonExactCoversAtLeast95Percent(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 17))
	const runs = 20000
	type bounds struct{ low, high float64 }
	memo := map[int64]bounds{} // counts repeat: each interval is computed once
	for _, mu := range []float64{0.5, 3, 10, 40} {
		covered := 0
		limit := math.Exp(-mu)
		for range runs {
			// Knuth's method: fine for these means.
			k, p := int64(0), rng.Float64()
			for p > limit {
				k++
				p *= rng.Float64()
			}
			b, ok := memo[k]
			if !ok {
				b.low, b.high = PoissonExact(k, 0.05)
				memo[k] = b
			}
			if b.low <= mu && mu <= b.high {
				covered++
			}
		}
		if c := float64(covered) / runs; c < 0.95-3*0.0015 {
			t.Errorf("mean %g: coverage %.4f, want at least 0.95", mu, c)
		} else {
			t.Logf("mean %g: coverage %.4f over %d runs", mu, c, runs)
		}
	}
}
