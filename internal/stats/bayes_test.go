package stats

import (
	"fmt"
	"math"
	"testing"
)

// evanMillerProbability is P(p_B > p_A) for p_A ~ Beta(aA, bA), p_B ~ Beta(aB, bB) by the
// exact finite sum of Evan Miller, "Formulas for Bayesian A/B Testing" (2015):
// Σ_{i=0}^{aB−1} B(aA+i, bA+bB) / ((bB+i)·B(1+i, bB)·B(aA, bA)). It is exact for integer
// aB, which a count of signups plus one always is: an independent route to check the
// quadrature against.
func evanMillerProbability(aA, bA, aB, bB float64) float64 {
	var total float64
	for i := 0.0; i < aB; i++ {
		total += math.Exp(logBeta(aA+i, bA+bB) - math.Log(bB+i) - logBeta(1+i, bB) - logBeta(aA, bA))
	}
	return total
}

// bruteForceLoss is E[max(p_c − p_v, 0)] by a plain midpoint double sum over a 2000×2000
// grid: slow and crude, but shares nothing with the code under test.
func bruteForceLoss(control, variant Counts) float64 {
	const grid = 2000
	ac, bc := betaPosterior(control)
	av, bv := betaPosterior(variant)
	dens := func(a, b float64) []float64 {
		d := make([]float64, grid)
		var sum float64
		for i := range d {
			x := (float64(i) + 0.5) / grid
			d[i] = math.Pow(x, a-1) * math.Pow(1-x, b-1)
			sum += d[i]
		}
		for i := range d {
			d[i] /= sum
		}
		return d
	}
	dc, dv := dens(ac, bc), dens(av, bv)
	var loss float64
	for i, wc := range dc {
		for j := 0; j < i; j++ {
			loss += wc * dv[j] * float64(i-j) / grid
		}
	}
	return loss
}

func TestBayesProbabilityMatchesEvanMillersExactSum(t *testing.T) {
	cases := []struct{ control, variant Counts }{
		{Counts{0, 0}, Counts{0, 0}},
		{Counts{100, 10}, Counts{100, 15}},
		{Counts{1000, 3}, Counts{1000, 9}},
		{Counts{20, 0}, Counts{29, 1}},
		{Counts{4000, 200}, Counts{4000, 260}},
		{Counts{1, 1}, Counts{1, 0}},
		{Counts{50, 50}, Counts{50, 49}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v vs %v", c.control, c.variant), func(t *testing.T) {
			got, _ := BayesComparison(c.control, c.variant)
			ac, bc := betaPosterior(c.control)
			av, bv := betaPosterior(c.variant)
			if want := evanMillerProbability(ac, bc, av, bv); math.Abs(got-want) > 1e-9 {
				t.Errorf("P(variant beats control) = %.12f, exact sum says %.12f", got, want)
			}
		})
	}
}

func TestBayesExpectedLossMatchesBruteForce(t *testing.T) {
	cases := []struct{ control, variant Counts }{
		{Counts{0, 0}, Counts{0, 0}}, // two uniforms: E[max(X−Y, 0)] = 1/6
		{Counts{100, 10}, Counts{100, 15}},
		{Counts{100, 15}, Counts{100, 10}},
		{Counts{20, 0}, Counts{29, 1}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v vs %v", c.control, c.variant), func(t *testing.T) {
			_, got := BayesComparison(c.control, c.variant)
			if want := bruteForceLoss(c.control, c.variant); math.Abs(got-want) > 2e-5 {
				t.Errorf("expected loss = %.8f, brute force says %.8f", got, want)
			}
		})
	}
	if _, loss := BayesComparison(Counts{0, 0}, Counts{0, 0}); !near(loss, 1.0/6, 1e-9) {
		t.Errorf("two uniform posteriors: expected loss %v, want 1/6", loss)
	}
}

// TestBayesAtHugeCounts: with ten million visitors per variant the posteriors are normal to
// many digits, so P(p_v > p_c) ≈ Φ((r_v − r_c)/sqrt(v_v + v_c)) with the Beta variances.
func TestBayesAtHugeCounts(t *testing.T) {
	control, variant := Counts{10_000_000, 300_000}, Counts{10_000_000, 301_000}
	got, loss := BayesComparison(control, variant)
	ac, bc := betaPosterior(control)
	av, bv := betaPosterior(variant)
	mc, sc := betaSpread(ac, bc)
	mv, sv := betaSpread(av, bv)
	want := 0.5 * math.Erfc(-(mv-mc)/math.Hypot(sc, sv)/math.Sqrt2)
	if math.Abs(got-want) > 1e-4 {
		t.Errorf("P(variant beats control) = %.6f, normal approximation %.6f", got, want)
	}
	if !(loss > 0 && loss < 1e-4) {
		t.Errorf("expected loss %v should be tiny but positive", loss)
	}
	// A billion visitors on one side, ten on the other: still finite and sensible.
	p, l := BayesComparison(Counts{1_000_000_000, 1}, Counts{10, 0})
	if !(p > 0.9999 && p < 1) || math.IsNaN(l) || l < 0 {
		t.Errorf("a variant with 0 of 10 against 1 in a billion: got P = %v, loss = %v", p, l)
	}
}

func TestBayesIsSymmetric(t *testing.T) {
	a, b := Counts{812, 25}, Counts{790, 31}
	pab, _ := BayesComparison(a, b)
	pba, _ := BayesComparison(b, a)
	if math.Abs(pab+pba-1) > 1e-9 {
		t.Errorf("P(b > a) + P(a > b) = %v, want 1", pab+pba)
	}
}
