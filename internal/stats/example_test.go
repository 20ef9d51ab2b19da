package stats_test

import (
	"fmt"

	"github.com/litmuslabs/litmus/internal/stats"
)

// A founder's page after three weeks: two pitches, a 5% bar judged after 1,000 visitors.
func ExampleAnalyze() {
	report, err := stats.Analyze(stats.Input{
		PassBar: stats.PassBar{TargetRate: 0.05, MinVisitors: 1000, MinDays: 14},
		Variants: []stats.Variant{
			{ID: "control", Weight: 1, Visitors: 506, Signups: 14},
			{ID: "price-anchor", Weight: 1, Visitors: 506, Signups: 17},
		},
		DaysElapsed: 21,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if !report.Trustworthy {
		fmt.Println(report.SRM.Message)
		return
	}
	fmt.Println(report.Verdict.Kind)
	fmt.Println(report.Verdict.Sentence)
	for _, v := range report.Variants {
		fmt.Printf("%s: %d/%d = %.1f%% (95%% CI %.1f%%–%.1f%%)\n", v.ID, v.Signups, v.Visitors, 100*v.Rate, 100*v.CILow, 100*v.CIHigh)
	}
	fmt.Println(report.Variants[1].Sentence)
	// Output:
	// invalidated
	// 3.1% of 1,012 visitors signed up (likely between 1.3% and 4.7%). Your bar was 5%: demand is below it — the idea did not pass.
	// control: 14/506 = 2.8% (95% CI 1.7%–4.6%)
	// price-anchor: 17/506 = 3.4% (95% CI 2.1%–5.3%)
	// No clear difference from the control yet: 3.4% vs 2.8% signed up (likely between 59% less often and 3.6 times as often). The gap could be luck.
}
