package stats

import (
	"math"
	"strconv"
	"strings"
)

// Percent writes a fraction as a percentage a person reads at a glance: one decimal from 1%
// up ("3.1%", "12.5%"), two significant digits below ("0.45%"), no trailing zeros ("5%"),
// never rounded onto 0% or 100% unless it is exactly that, a real minus sign ("−12%", which
// lines up with "+" in tables), and "–" for NaN or Inf. It is the one percentage format of
// the verdict's sentences, the admin pages, the API's text and `litmus results`.
func Percent(fraction float64) string {
	return formatPercentExtra(fraction, 0)
}

// formatPercentExtra is Percent with extra decimals.
func formatPercentExtra(fraction float64, extra int) string {
	if math.IsNaN(fraction) || math.IsInf(fraction, 0) {
		return "–"
	}
	v := math.Abs(fraction) * 100
	if v == 0 {
		return "0%"
	}
	decimals := 1 + extra
	if v < 1 {
		decimals = 1 - int(math.Floor(math.Log10(v))) + extra
	}
	s := trimZeros(strconv.FormatFloat(v, 'f', decimals, 64))
	for (s == "100" && v < 100) && decimals < 6+extra {
		decimals++
		s = trimZeros(strconv.FormatFloat(v, 'f', decimals, 64))
	}
	if fraction < 0 {
		s = "−" + s
	}
	return s + "%"
}

// formatPercents writes several fractions that are read together (a rate, its bounds, the
// bar) with just enough decimals that different numbers never print the same: with ten
// million visitors "5% (likely between 5% and 5%)" becomes "5.02% (likely between 5.01% and
// 5.03%)". At most three extra decimals are added.
func formatPercents(fractions ...float64) []string {
	out := make([]string, len(fractions))
	for extra := 0; ; extra++ {
		for i, f := range fractions {
			out[i] = formatPercentExtra(f, extra)
		}
		if extra == 3 || distinctWhereDifferent(out, fractions) {
			return out
		}
	}
}

// distinctWhereDifferent reports whether every two different numbers got different texts.
func distinctWhereDifferent(texts []string, numbers []float64) bool {
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			if numbers[i] != numbers[j] && texts[i] == texts[j] {
				return false
			}
		}
	}
	return true
}

// formatPercentFixed writes a fraction with exactly one decimal ("52.0%"), for lists of
// shares that are read side by side.
func formatPercentFixed(fraction float64) string {
	return strconv.FormatFloat(fraction*100, 'f', 1, 64) + "%"
}

// trimZeros drops trailing zeros after a decimal point, and the point itself if bare.
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// formatCount writes a count with thousands separators: 1234567 → "1,234,567".
func formatCount(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// countOf writes "1 visitor" or "1,204 visitors".
func countOf(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(n) + " " + many
}

// LiftPercent writes the size of a relative difference (give it without its sign) as a
// whole percentage from 10% up ("45%"), where decimals would be false precision, and as
// Percent below ("4.5%").
func LiftPercent(fraction float64) string {
	if math.Abs(fraction) >= 0.1 {
		return strconv.FormatFloat(math.Round(fraction*100), 'f', 0, 64) + "%"
	}
	return Percent(fraction)
}

// formatRatio writes a ratio with one decimal and no trailing zero: 3.0 → "3", 3.24 → "3.2".
func formatRatio(r float64) string {
	return trimZeros(strconv.FormatFloat(r, 'f', 1, 64))
}

// roundAbout rounds a count that is only an estimate to two significant digits
// (14,372 → 14,000; 583 → 580), so "about" is not followed by false precision.
func roundAbout(n int64) int64 {
	if n < 100 {
		return n
	}
	scale := int64(1)
	for n/scale >= 100 {
		scale *= 10
	}
	return (n + scale/2) / scale * scale
}
