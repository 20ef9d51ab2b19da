package stats

import (
	"slices"
	"testing"
)

// TestHolmMatchesPAdjust: reference values are R's p.adjust(p, method = "holm"), worked by
// hand from the definition (sort, multiply the i-th smallest by m−i+1, running maximum, cap
// at 1) and written down.
func TestHolmMatchesPAdjust(t *testing.T) {
	cases := []struct {
		name string
		p    []float64
		want []float64
	}{
		{"results come back in input order", []float64{0.01, 0.04, 0.03}, []float64{0.03, 0.06, 0.06}},
		{"running maximum keeps the order", []float64{0.01, 0.02, 0.03, 0.04, 0.05}, []float64{0.05, 0.08, 0.09, 0.09, 0.09}},
		{"capped at one", []float64{0.3, 0.5}, []float64{0.6, 0.6}},
		{"a single comparison is unchanged", []float64{0.042}, []float64{0.042}},
		{"ties are handled", []float64{0.02, 0.02, 0.5}, []float64{0.06, 0.06, 0.5}},
		{"nothing to adjust", nil, []float64{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Holm(c.p)
			if len(got) != len(c.want) {
				t.Fatalf("Holm(%v) = %v, want %v", c.p, got, c.want)
			}
			for i := range got {
				if !near(got[i], c.want[i], 1e-12) {
					t.Fatalf("Holm(%v) = %v, want %v", c.p, got, c.want)
				}
			}
		})
	}
}

func TestHolmLeavesItsInputAlone(t *testing.T) {
	p := []float64{0.04, 0.01}
	Holm(p)
	if !slices.Equal(p, []float64{0.04, 0.01}) {
		t.Errorf("Holm changed its input: %v", p)
	}
}
