package stats

import (
	"math"
	"testing"
)

// mixtureEValueByIntegration is the normal-mixture e-value by direct numerical integration
// of the Gaussian likelihood ratio exp(θ·I·d − I·θ²/2) against the Normal(0, τ²) density,
// d the estimate's distance from the null value (Simpson's rule on ±12 prior SDs).
func mixtureEValueByIntegration(d, info, tau2 float64) float64 {
	sd := math.Sqrt(tau2)
	f := func(theta float64) float64 {
		return math.Exp(theta*info*d-info*theta*theta/2-theta*theta/(2*tau2)) / (sd * math.Sqrt(2*math.Pi))
	}
	return simpson(f, -12*sd, 12*sd, 200_000)
}

func TestSequentialComparisonMatchesIntegration(t *testing.T) {
	bar := PassBar{TargetRate: 0.05, MinVisitors: 1000}
	tau2 := comparisonMixture(bar, 2)
	for _, c := range []struct{ control, variant Counts }{
		{Counts{1000, 50}, Counts{1000, 62}},
		{Counts{1500, 45}, Counts{1500, 105}},
		{Counts{4000, 200}, Counts{4010, 260}},
		{Counts{10_000_000, 520_000}, Counts{10_000_000, 531_000}},
	} {
		got := compareSequentially(c.control, c.variant, tau2, SignificanceLevel)
		v := 1/float64(c.variant.Signups) - 1/float64(c.variant.Visitors) + 1/float64(c.control.Signups) - 1/float64(c.control.Visitors)
		theta := math.Log(c.variant.Rate() / c.control.Rate())
		e := mixtureEValueByIntegration(theta, 1/v, tau2)
		if want := math.Min(1, 1/e); !near(got.PValue, want, 1e-7) {
			t.Errorf("%+v: p %v, by integration %v", c, got.PValue, want)
		}
		// At each end of the lift's range, the e-value against that lift is exactly 20.
		for _, end := range []float64{*got.Low, *got.High} {
			if e := mixtureEValueByIntegration(theta-math.Log1p(end), 1/v, tau2); !near(e, 1/SignificanceLevel, 1e-6) {
				t.Errorf("%+v: e-value at the range's end %v is %v, want 20", c, end, e)
			}
		}
	}
}

func TestSequentialComparisonWaitsForSignups(t *testing.T) {
	got := compareSequentially(Counts{60, 1}, Counts{58, 7}, comparisonMixture(PassBar{TargetRate: 0.05}, 2), SignificanceLevel)
	if got.PValue != 1 || got.Low != nil || got.High != nil {
		t.Errorf("with 1 and 7 signups the normal approximation is not trusted yet: %+v", got)
	}
}
