package stats

import (
	"fmt"
	"testing"
)

func TestExploreAA(t *testing.T) {
	r := newRand(7)
	for _, k := range []int{2, 4} {
		for _, rate := range []float64{0.01, 0.05, 0.3} {
			runs, hits := 500, 0
			for range runs {
				vs := make([]Variant, k)
				for i := range vs {
					vs[i] = Variant{ID: fmt.Sprint("v", i), Weight: 1}
				}
				for day := 1; day <= 60; day++ {
					left := int64(200)
					for i := range vs {
						n := left
						if i < k-1 {
							n = drawBinomial(r, left, 1/float64(k-i))
						}
						left -= n
						vs[i].Visitors += n
						vs[i].Signups += drawBinomial(r, n, rate)
					}
					rep, err := Analyze(Input{PassBar: PassBar{TargetRate: rate, MinVisitors: 400}, Variants: vs, DaysElapsed: float64(day)})
					if err != nil {
						t.Fatal(err)
					}
					sig := false
					for _, v := range rep.Variants {
						sig = sig || v.Significant
					}
					if sig {
						hits++
						break
					}
				}
			}
			fmt.Printf("k=%d rate %v: A/A significant at some daily look %.3f\n", k, rate, float64(hits)/float64(runs))
		}
	}
}
