package stats

import (
	"math"
	"strings"
	"testing"
)

func TestSampleRatio(t *testing.T) {
	cases := []struct {
		name     string
		variants []Variant
		chi2, p  float64
		checked  bool
		mismatch bool
		message  []string // phrases the founder must see
	}{
		{
			name:     "52/48 of 10,000 against 50/50 is flagged",
			variants: []Variant{{ID: "control", Weight: 1, Visitors: 5200}, {ID: "b", Weight: 1, Visitors: 4800}},
			chi2:     16, p: math.Erfc(math.Sqrt(8)), // 6.3e-5
			checked: true, mismatch: true,
			message: []string{"not split the way the page file says", "control 50% / b 50%", "control 52.0% / b 48.0%", "10,000 visitors", "can't be trusted"},
		},
		{
			name: "2:1:1 weights, split as asked",
			variants: []Variant{{ID: "a", Weight: 2, Visitors: 500}, {ID: "b", Weight: 1, Visitors: 260},
				{ID: "c", Weight: 1, Visitors: 240}},
			chi2: 0.8, p: math.Exp(-0.4), // df 2: exp(−chi2/2)
			checked: true,
			message: []string{"split between the variants as the page file says"},
		},
		{
			name:     "too few visitors to tell",
			variants: []Variant{{ID: "a", Weight: 1, Visitors: 3}, {ID: "b", Weight: 1, Visitors: 1}},
			p:        1,
			message:  []string{"Too few visitors"},
		},
		{
			name:     "one variant has no split",
			variants: []Variant{{ID: "a", Weight: 1, Visitors: 3000}},
			p:        1,
			message:  []string{"Only one variant"},
		},
		{
			name:     "no visitors",
			variants: []Variant{{ID: "a", Weight: 1}, {ID: "b", Weight: 1}},
			p:        1,
			message:  []string{"Too few visitors"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := SampleRatio(c.variants)
			if !near(got.Chi2, c.chi2, 1e-12) || !near(got.PValue, c.p, 1e-9) || got.Checked != c.checked || got.Mismatch != c.mismatch {
				t.Errorf("SampleRatio = %+v, want chi2 %v, p %v, checked %v, mismatch %v", got, c.chi2, c.p, c.checked, c.mismatch)
			}
			for _, phrase := range c.message {
				if !strings.Contains(got.Message, phrase) {
					t.Errorf("message %q does not say %q", got.Message, phrase)
				}
			}
		})
	}
}

// TestSampleRatioFalseAlarmRate: with visitors split exactly as the weights ask, the check
// should cry wolf about 0.1% of the time. Over 40,000 simulated tests of 1,000 visitors
// (20,000 with weights 1:1 and 20,000 with 2:1:1; seed 4) it flagged 0.090% (19 + 17 of them).
func TestSampleRatioFalseAlarmRate(t *testing.T) {
	r := newRand(4)
	const trials, visitors = 20000, 1000
	flagged := 0
	for range trials {
		a := drawBinomialHalf(r, visitors)
		if SampleRatio([]Variant{{ID: "a", Weight: 1, Visitors: a}, {ID: "b", Weight: 1, Visitors: visitors - a}}).Mismatch {
			flagged++
		}
	}
	flaggedTwo := flagged
	for range trials {
		a := drawBinomialHalf(r, visitors)
		b := drawBinomialHalf(r, visitors-a)
		v := []Variant{{ID: "a", Weight: 2, Visitors: a}, {ID: "b", Weight: 1, Visitors: b}, {ID: "c", Weight: 1, Visitors: visitors - a - b}}
		if SampleRatio(v).Mismatch {
			flagged++
		}
	}
	rate := float64(flagged) / (2 * trials)
	t.Logf("false alarms: %d of %d two-way, %d of %d three-way: %.3f%%", flaggedTwo, trials, flagged-flaggedTwo, trials, 100*rate)
	if rate > 0.0025 || rate < 0.0002 {
		t.Errorf("the sample-ratio check flagged %.3f%% of correctly split tests, want about 0.1%%", 100*rate)
	}
}
