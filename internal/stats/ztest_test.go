package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestTwoProportionZTestMatchesPropTest: reference values are R's
// prop.test(c(x1, x2), c(n1, n2), correct = FALSE), whose X-squared is z², computed here
// independently as Pearson's chi-square of the 2×2 table in exact rational arithmetic.
func TestTwoProportionZTestMatchesPropTest(t *testing.T) {
	cases := []struct {
		control, variant Counts
		chi2, p          float64
	}{
		{Counts{100, 15}, Counts{100, 25}, 3.125, 0.07709987174},
		{Counts{1000, 48}, Counts{1000, 65}, 2.710675277, 0.099678789},
		{Counts{4000, 200}, Counts{4000, 260}, 8.3035405374, 0.003956786601},
		{Counts{500, 30}, Counts{520, 31}, 0.0006706229, 0.9793399812},
		{Counts{60, 7}, Counts{62, 19}, 6.5491013579, 0.01049371466},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v vs %v", c.control, c.variant), func(t *testing.T) {
			z, p := TwoProportionZTest(c.control, c.variant)
			if !near(z*z, c.chi2, 1e-8) || !near(p, c.p, 1e-8) {
				t.Errorf("z² = %.10g, p = %.10g; prop.test says X-squared = %.10g, p = %.10g", z*z, p, c.chi2, c.p)
			}
			if (z > 0) != (c.variant.Rate() > c.control.Rate()) {
				t.Errorf("z = %v should be positive exactly when the variant converts better", z)
			}
		})
	}
}

func TestTwoProportionZTestWithNothingToMeasure(t *testing.T) {
	cases := map[string][2]Counts{
		"no visitors in the variant":   {{100, 5}, {0, 0}},
		"nobody signed up anywhere":    {{100, 0}, {100, 0}},
		"everybody signed up anywhere": {{100, 100}, {50, 50}},
	}
	for name, c := range cases {
		z, p := TwoProportionZTest(c[0], c[1])
		if z != 0 || p != 1 || math.IsNaN(p) {
			t.Errorf("%s: got z = %v, p = %v; want 0 and 1", name, z, p)
		}
	}
}

func TestNeedsExactTestFollowsCochransRule(t *testing.T) {
	cases := []struct {
		control, variant Counts
		want             bool
	}{
		{Counts{100, 5}, Counts{100, 4}, true},    // 9/200·100 = 4.5 expected signups per row
		{Counts{100, 6}, Counts{100, 5}, false},   // 11/200·100 = 5.5 in each row
		{Counts{1000, 2}, Counts{1000, 3}, true},  // 2.5 expected signups per row
		{Counts{0, 0}, Counts{100, 50}, true},     // an empty row
		{Counts{100, 99}, Counts{100, 97}, true},  // 2 expected non-signups per row
		{Counts{400, 20}, Counts{400, 20}, false}, // 20 expected signups per row
	}
	for _, c := range cases {
		if got := needsExactTest(c.control, c.variant); got != c.want {
			t.Errorf("needsExactTest(%v, %v) = %v, want %v", c.control, c.variant, got, c.want)
		}
	}
}
