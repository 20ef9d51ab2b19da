package results

import (
	"math"
	"testing"

	"github.com/litmuslabs/litmus/internal/stats"
)

func TestFormats(t *testing.T) {
	cases := []struct {
		name string
		got  string
		want string
	}{
		{"a rate from 1% up has one decimal", Percent(0.0512), "5.1%"},
		{"trailing zeros go", Percent(0.05), "5%"},
		{"small rates keep two significant digits", Percent(0.00456), "0.46%"},
		{"zero", Percent(0), "0%"},
		{"never rounded onto 100% (the verdict's sentences read the same)", Percent(0.99999), "99.999%"},
		{"negative uses a real minus", Percent(-0.12), "−12%"},
		{"NaN is a dash, never NaN", Percent(math.NaN()), "–"},
		{"lift from 10% up is whole", SignedPercent(1.2829), "+128%"},
		{"small lift keeps decimals", SignedPercent(0.0091), "+0.91%"},
		{"negative lift", SignedPercent(-0.22), "−22%"},
		{"no lift has no sign", SignedPercent(0), "0%"},
		{"range", Range(0.032, 0.0815), "3.2% – 8.2%"},
		{"lift range", SignedRange(-0.2, 1.6), "−20% to +160%"},
		{"thousands", Count(1234567), "1,234,567"},
		{"small count", Count(12), "12"},
		{"tiny p", PValue(0.0002), "< 0.001"},
		{"p to two digits", PValue(0.01927), "0.019"},
		{"p of one", PValue(1), "1"},
		{"likely", Chance(0.8712), "87%"},
		{"never 100%", Chance(0.9991), "> 99%"},
		{"never 0%", Chance(0.004), "< 1%"},
		{"hours", Days(0.4), "less than a day"},
		{"one day", Days(1.02), "1 day"},
		{"days with a decimal", Days(2.46), "2.5 days"},
		{"whole days from ten", Days(12.9), "12 days"},
		{"verdict label", VerdictLabel(stats.KeepRunning, false), "Keep running"},
		{"withheld wins", VerdictLabel(stats.Validated, true), "Numbers in doubt"},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
