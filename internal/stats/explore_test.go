package stats

import (
	"fmt"
	"testing"
)

func meanStop(b verdictBoundary, p float64, looks []int64) (validated, mean float64) {
	maxN := looks[len(looks)-1]
	dist := []float64{1}
	next := 0
	for n := int64(0); n <= maxN; n++ {
		if n > 0 {
			grown := make([]float64, len(dist)+1)
			for s, m := range dist {
				grown[s] += m * (1 - p)
				grown[s+1] += m * p
			}
			dist = grown
		}
		if next < len(looks) && looks[next] == n {
			next++
			for s := range dist {
				switch {
				case int64(s) >= b.up[n]:
					validated += dist[s]
					mean += dist[s] * float64(n)
					dist[s] = 0
				case int64(s) <= b.down[n]:
					mean += dist[s] * float64(n)
					dist[s] = 0
				}
			}
		}
	}
	rest := 0.0
	for _, m := range dist {
		rest += m
	}
	mean += rest * float64(maxN)
	return validated, mean
}

func fixedN(p0, p1 float64) int64 {
	for n := int64(10); ; n++ {
		c := firstTrue(0, n+1, func(x int64) bool { return BinomialTailAtLeast(x, n, p0) <= 0.05 })
		if BinomialTailAtLeast(c, n, p1) >= 0.8 {
			return n
		}
	}
}

func TestExplorePower(t *testing.T) {
	for _, f := range []float64{0.25, 0.5, 1} {
		priorSDFactor = f
		for _, bar := range []PassBar{{0.05, 400, 0}, {0.05, 0, 0}, {0.01, 0, 0}, {0.3, 0, 0}, {0.2, 100, 0}} {
			perDay := int64(100)
			if bar.TargetRate == 0.01 {
				perDay = 300
			}
			b := boundaryOf(bar, perDay*60)
			dv, _ := firstVerdict(b, bar.TargetRate, daily(perDay, 60))
			pv, mean := meanStop(b, 1.5*bar.TargetRate, daily(perDay, 60))
			fmt.Printf("sd %.2f %v: false V %.4f; 1.5x: validated in 60d %.3f mean %.0f fixedN %d\n", f, bar, dv, pv, mean, fixedN(bar.TargetRate, 1.5*bar.TargetRate))
		}
	}
}
