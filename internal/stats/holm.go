package stats

import (
	"math"
	"sort"
)

// Holm adjusts p-values for testing several variants against the same control, so that the
// chance of calling any no-better variant a winner stays at 5% however many variants there
// are (Holm 1979, "A simple sequentially rejective multiple test procedure", Scandinavian
// Journal of Statistics 6:65–70). It is R's p.adjust(p, method = "holm"): sort ascending,
// multiply the i-th smallest (from 0) by m−i, carry the running maximum, cap at 1.
// The result is in the input's order; NaN inputs are treated as 1.
func Holm(pValues []float64) []float64 {
	m := len(pValues)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	clean := func(p float64) float64 {
		if math.IsNaN(p) {
			return 1
		}
		return clamp01(p)
	}
	sort.SliceStable(order, func(i, j int) bool { return clean(pValues[order[i]]) < clean(pValues[order[j]]) })
	adjusted := make([]float64, m)
	running := 0.0
	for rank, idx := range order {
		running = math.Max(running, math.Min(1, float64(m-rank)*clean(pValues[idx])))
		adjusted[idx] = running
	}
	return adjusted
}
