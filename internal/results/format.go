package results

import (
	"math"
	"strconv"
	"strings"

	"github.com/litmuslabs/litmus/internal/stats"
)

// The formats below are shared by the admin pages and `litmus results`, so a number reads
// the same in the browser and in the terminal. They never print NaN or Inf.

// Percent writes a fraction as a percentage: stats.Percent, the one format for
// percentages ("5.1%", "0.45%", "5%", "−12%").
func Percent(fraction float64) string { return stats.Percent(fraction) }

// SignedPercent writes a relative change with its sign: "+45%", "−12%", "0%". From 10% up
// it is a whole number, where decimals would be false precision (stats.LiftPercent).
func SignedPercent(fraction float64) string {
	if math.IsNaN(fraction) || math.IsInf(fraction, 0) {
		return "–"
	}
	s := stats.LiftPercent(math.Abs(fraction))
	switch {
	case s == "0%":
		return s
	case fraction > 0:
		return "+" + s
	default:
		return "−" + s
	}
}

// Range writes an interval of fractions: "3.2% – 8.1%".
func Range(low, high float64) string { return Percent(low) + " – " + Percent(high) }

// SignedRange writes an interval of relative changes: "−20% to +160%".
func SignedRange(low, high float64) string { return SignedPercent(low) + " to " + SignedPercent(high) }

// Count writes a count with thousands separators: 1234567 → "1,234,567".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// PValue writes a p-value to two significant digits, and "< 0.001" below that: smaller
// values differ only in how sure, not in what to do.
func PValue(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 0.001:
		return "< 0.001"
	case p >= 0.995:
		return "1"
	}
	return strconv.FormatFloat(p, 'g', 2, 64)
}

// Chance writes a probability as a whole percentage, kept off 0% and 100%, which a
// posterior never is: "87%", "< 1%", "> 99%".
func Chance(p float64) string {
	switch {
	case math.IsNaN(p):
		return "–"
	case p < 0.01:
		return "< 1%"
	case p > 0.99:
		return "> 99%"
	}
	return strconv.FormatFloat(math.Round(p*100), 'f', 0, 64) + "%"
}

// VerdictLabel is the short name of a verdict kind for a badge or a table cell.
func VerdictLabel(kind stats.VerdictKind, withheld bool) string {
	if withheld {
		return "Numbers in doubt"
	}
	switch kind {
	case stats.Validated:
		return "Validated"
	case stats.Invalidated:
		return "Invalidated"
	case stats.KeepRunning:
		return "Keep running"
	case stats.NotEnoughData:
		return "Not enough data"
	}
	return string(kind)
}

// Days writes a duration in days the way people say it: "less than a day", "1 day",
// "2.5 days", "12 days".
func Days(d float64) string {
	switch {
	case math.IsNaN(d) || d < 1:
		return "less than a day"
	case d < 1.05:
		return "1 day"
	case d < 10:
		return strings.TrimSuffix(strconv.FormatFloat(d, 'f', 1, 64), ".0") + " days"
	}
	return strconv.FormatFloat(math.Floor(d), 'f', 0, 64) + " days"
}
