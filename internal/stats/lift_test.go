package stats

import (
	"fmt"
	"testing"
)

// TestRelativeLiftKatz: reference values computed independently from the Katz formula,
// exp(log RR ± 1.96·sqrt(1/x₂ − 1/n₂ + 1/x₁ − 1/n₁)) − 1 (as epitools::riskratio.wald in R).
func TestRelativeLiftKatz(t *testing.T) {
	cases := []struct {
		control, variant Counts
		lift, low, high  float64
	}{
		{Counts{1000, 48}, Counts{1000, 65}, 0.3541666667, -0.0576417079, 0.9459343399},
		{Counts{100, 15}, Counts{100, 25}, 0.6666666667, -0.0640302769, 1.9678073011},
		{Counts{400, 20}, Counts{400, 8}, -0.6, -0.8217208297, -0.1025311608},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v vs %v", c.control, c.variant), func(t *testing.T) {
			l := RelativeLift(c.control, c.variant)
			if l.Estimate == nil || l.Low == nil || l.High == nil {
				t.Fatalf("RelativeLift = %+v, want all three numbers", l)
			}
			if !near(*l.Estimate, c.lift, 1e-9) || !near(*l.Low, c.low, 1e-9) || !near(*l.High, c.high, 1e-9) {
				t.Errorf("lift %.10f (%.10f, %.10f), want %.10f (%.10f, %.10f)", *l.Estimate, *l.Low, *l.High, c.lift, c.low, c.high)
			}
		})
	}
}

func TestRelativeLiftWithZeros(t *testing.T) {
	cases := []struct {
		name             string
		control, variant Counts
		estimate         *float64
		interval         bool
	}{
		{"control without signups: a ratio over zero does not exist", Counts{100, 0}, Counts{100, 3}, nil, false},
		{"variant without signups: -100%, but no interval", Counts{100, 4}, Counts{100, 0}, ptr(-1.0), false},
		{"no visitors in the variant", Counts{100, 4}, Counts{0, 0}, nil, false},
		{"everybody signed up in both: no difference, no spread to build a range on", Counts{10, 10}, Counts{20, 20}, ptr(0.0), false},
		{"everybody signed up in one group only", Counts{10, 10}, Counts{20, 15}, ptr(-0.25), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := RelativeLift(c.control, c.variant)
			switch {
			case (l.Estimate == nil) != (c.estimate == nil):
				t.Errorf("estimate = %v, want %v", l.Estimate, c.estimate)
			case l.Estimate != nil && *l.Estimate != *c.estimate:
				t.Errorf("estimate = %v, want %v", *l.Estimate, *c.estimate)
			case (l.Low != nil) != c.interval || (l.High != nil) != c.interval:
				t.Errorf("interval present = %v/%v, want %v", l.Low != nil, l.High != nil, c.interval)
			}
		})
	}
}
