package stats

import (
	"slices"
	"testing"
)

func TestFormatPercent(t *testing.T) {
	cases := map[float64]string{
		0:        "0%",
		0.05:     "5%",
		0.031:    "3.1%",
		0.03078:  "3.1%",
		0.125:    "12.5%",
		0.0045:   "0.45%",
		0.00045:  "0.045%",
		0.99999:  "99.999%",
		1:        "100%",
		-0.2:     "−20%",
		3.5:      "350%",
		0.999949: "99.99%",
	}
	for in, want := range cases {
		if got := Percent(in); got != want {
			t.Errorf("Percent(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatPercentsKeepsDifferentNumbersApart(t *testing.T) {
	cases := []struct {
		in   []float64
		want []string
	}{
		{[]float64{0.0502, 0.0501, 0.0503, 0.05}, []string{"5.02%", "5.01%", "5.03%", "5%"}},
		{[]float64{0.031, 0.021, 0.045, 0.05}, []string{"3.1%", "2.1%", "4.5%", "5%"}},
		{[]float64{0.05, 0.05}, []string{"5%", "5%"}},
	}
	for _, c := range cases {
		if got := formatPercents(c.in...); !slices.Equal(got, c.want) {
			t.Errorf("formatPercents(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestFormatCountAndRoundAbout(t *testing.T) {
	counts := map[int64]string{0: "0", 7: "7", 812: "812", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"}
	for in, want := range counts {
		if got := formatCount(in); got != want {
			t.Errorf("formatCount(%d) = %q, want %q", in, got, want)
		}
	}
	rounded := map[int64]int64{7: 7, 99: 99, 583: 580, 14372: 14000, 8852: 8900, 1_000_000: 1_000_000, 995: 1000}
	for in, want := range rounded {
		if got := roundAbout(in); got != want {
			t.Errorf("roundAbout(%d) = %d, want %d", in, got, want)
		}
	}
	if got := countOf(1, "visitor", "visitors"); got != "1 visitor" {
		t.Errorf("countOf(1) = %q", got)
	}
}

func TestLiftPhrases(t *testing.T) {
	cases := []struct {
		low, high float64
		want      string
	}{
		{0.12, 0.88, "likely between 12% and 88% more often"},
		{-0.7, -0.2, "likely between 20% and 70% less often"},
		{-0.27, 6.4, "likely between 27% less often and 7.4 times as often"},
		{3.2, 14.3, "likely between 4.2 and 15.3 times as often"},
		{-0.031, 0.045, "likely between 3.1% less often and 4.5% more often"},
	}
	for _, c := range cases {
		if got := liftRangePhrase(c.low, c.high); got != c.want {
			t.Errorf("liftRangePhrase(%v, %v) = %q, want %q", c.low, c.high, got, c.want)
		}
	}
}
