package stats

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// Random draws for the simulation tests. They are seeded, so every run sees the same
// numbers and the figures quoted in the tests are reproducible.

// newRand returns a deterministic generator for a test.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x11742)) }

// drawBinomial draws from Binomial(n, p) by inversion (walking the distribution function
// from 0 with the ratio of successive probabilities), which needs about n·p steps instead
// of n coin flips. It falls back to coin flips when P(X = 0) underflows.
func drawBinomial(r *rand.Rand, n int64, p float64) int64 {
	if p > 0.5 {
		return n - drawBinomial(r, n, 1-p)
	}
	logP0 := float64(n) * math.Log1p(-p)
	if logP0 < -700 {
		var x int64
		for range n {
			if r.Float64() < p {
				x++
			}
		}
		return x
	}
	u := r.Float64()
	prob := math.Exp(logP0)
	cdf := prob
	odds := p / (1 - p)
	var x int64
	for u > cdf && x < n {
		prob *= odds * float64(n-x) / float64(x+1)
		x++
		cdf += prob
	}
	return x
}

// drawBinomialHalf draws from Binomial(n, 1/2) by counting the set bits of n random bits.
func drawBinomialHalf(r *rand.Rand, n int64) int64 {
	var x int64
	for ; n >= 64; n -= 64 {
		x += int64(bits.OnesCount64(r.Uint64()))
	}
	if n > 0 {
		x += int64(bits.OnesCount64(r.Uint64() & (1<<uint(n) - 1)))
	}
	return x
}

// binomialPMF returns P(X = k) for k = 0..n, X ~ Binomial(n, p), from log-gamma: an
// independent route to the exact tails that the code computes with the incomplete beta.
func binomialPMF(n int64, p float64) []float64 {
	pmf := make([]float64, n+1)
	ln1, _ := math.Lgamma(float64(n) + 1)
	for k := int64(0); k <= n; k++ {
		lk, _ := math.Lgamma(float64(k) + 1)
		lnk, _ := math.Lgamma(float64(n-k) + 1)
		pmf[k] = math.Exp(ln1 - lk - lnk + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	return pmf
}

// near reports whether got is within tol of want, relative to want's size when it is
// above 1e-300 and absolute otherwise.
func near(got, want, tol float64) bool {
	if want == 0 {
		return math.Abs(got) <= tol
	}
	return math.Abs(got-want) <= tol*math.Abs(want)
}
