package pages

import (
	"slices"
	"strings"
)

// suggestKey returns the key a founder most likely meant when they wrote got, or "".
// Differences of case and '-' come first ("Brand-Color"), then known synonyms ("button"
// for cta, "type" for kind), then near spellings ("titel").
func suggestKey(got string, allowed []string, synonyms map[string]string) string {
	norm := strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToLower(strings.TrimSpace(got)))
	if slices.Contains(allowed, norm) {
		return norm // "Title", "brand-color"
	}
	if s, ok := synonyms[norm]; ok {
		return s
	}
	if len(norm) > 64 {
		return ""
	}
	best, bestDist := "", 0
	for _, k := range allowed {
		d := editDistance(norm, k)
		limit := 2
		if len(k) <= 4 {
			limit = 1
		}
		if d <= limit && (best == "" || d < bestDist) {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance counts the single-character insertions, deletions, substitutions and swaps
// of neighbours that turn a into b (optimal string alignment distance).
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	prev2 := make([]int, len(y)+1)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(y)]
}
