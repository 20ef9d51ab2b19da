package stats

import "testing"

// TestChiSquarePValue: reference values are R's pchisq(x, df, lower.tail = FALSE), computed
// independently from the closed forms for small df (df 1: erfc(sqrt(x/2)); df 2: exp(−x/2);
// df 3: erfc(sqrt(x/2)) + sqrt(2x/π)·exp(−x/2); df 4: exp(−x/2)(1 + x/2)). The first rows
// are the textbook critical values: 3.841 and 10.828 for df 1 at 5% and 0.1%, 13.816 for
// df 2 at 0.1%.
func TestChiSquarePValue(t *testing.T) {
	cases := []struct {
		chi2 float64
		df   int
		want float64
	}{
		{3.841, 1, 0.05001368376},
		{10.828, 1, 0.0009997657196},
		{13.816, 2, 0.0009997553089},
		{5.991, 2, 0.05001161503},
		{7.815, 3, 0.04999390297},
		{16.266, 3, 0.001000111605},
		{9.488, 4, 0.04999440558},
		{1.0, 4, 0.9097959896},
		{0, 1, 1},
		{-3, 1, 1},
		{2, 0, 1},
		{2000, 1, 0},
	}
	for _, c := range cases {
		if got := ChiSquarePValue(c.chi2, c.df); !near(got, c.want, 1e-9) {
			t.Errorf("ChiSquarePValue(%v, %d) = %.10g, want %.10g", c.chi2, c.df, got, c.want)
		}
	}
}

func TestRegularizedGammaQAgreesOnBothSidesOfItsSwitch(t *testing.T) {
	// The series is used for x < a+1, the continued fraction beyond: the two must meet.
	a := 3.5
	below, above := RegularizedGammaQ(a, a+1-1e-9), RegularizedGammaQ(a, a+1+1e-9)
	if !near(below, above, 1e-8) {
		t.Errorf("Q(%v, x) jumps at x = a+1: %v vs %v", a, below, above)
	}
}
