package stats

import (
	"math"
	"os"
)

// heavy reports whether the long statistical runs were asked for (LITMUS_STATS_HEAVY=1).
// The default runs keep `go test` to a few seconds; the heavy ones produced the figures in
// doc.go.
func heavy() bool { return os.Getenv("LITMUS_STATS_HEAVY") == "1" }

// verdictBoundary is where Judge's answer changes at each sample size, read from Judge
// itself (not from the maths inside it): for n visitors, Judge says "validated" exactly
// when signups ≥ up[n] and "invalidated" exactly when signups ≤ down[n] (up[n] = n+1 and
// down[n] = −1 when it never does). Judge is monotone in the signups, so each boundary is
// found by walking from the previous one. Index n < the minimum holds no verdict.
type verdictBoundary struct {
	up, down []int64
}

func boundaryOf(bar PassBar, maxN int64) verdictBoundary {
	b := verdictBoundary{up: make([]int64, maxN+1), down: make([]int64, maxN+1)}
	kind := func(s, n int64) VerdictKind { return Judge(bar, Counts{n, s}, math.MaxInt32).Kind }
	up, down := int64(1), int64(-1)
	for n := int64(0); n <= maxN; n++ {
		if n < max(bar.MinVisitors, 1) {
			b.up[n], b.down[n] = n+1, -1
			continue
		}
		up = min(up, n+1)
		for up > 0 && kind(up-1, n) == Validated {
			up--
		}
		for up <= n && kind(up, n) != Validated {
			up++
		}
		down = max(down, -1)
		for down < n && down+1 < up && kind(down+1, n) == Invalidated {
			down++
		}
		for down >= 0 && kind(down, n) != Invalidated {
			down--
		}
		b.up[n], b.down[n] = up, down
	}
	return b
}

// firstVerdict returns the exact probabilities that a founder who looks at every visitor
// count in looks (ascending) and stops at the first verdict ever sees "validated" and
// "invalidated", when every visitor signs up with probability p: the binomial distribution
// of the signups is carried one visitor at a time, and the mass past a boundary at a look
// is absorbed. No random numbers, so no Monte Carlo error.
func firstVerdict(b verdictBoundary, p float64, looks []int64) (validated, invalidated float64) {
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
					dist[s] = 0
				case int64(s) <= b.down[n]:
					invalidated += dist[s]
					dist[s] = 0
				}
			}
		}
	}
	return validated, invalidated
}

// everyVisitor and daily are the two ways of looking: after each visitor from from on, or
// once a day with perDay visitors a day.
func everyVisitor(from, to int64) []int64 {
	var looks []int64
	for n := max(from, 1); n <= to; n++ {
		looks = append(looks, n)
	}
	return looks
}

func daily(perDay, days int64) []int64 {
	var looks []int64
	for d := int64(1); d <= days; d++ {
		looks = append(looks, d*perDay)
	}
	return looks
}
