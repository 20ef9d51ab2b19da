package stats

import "testing"

// BenchmarkJudge measures one verdict at a typical size. On the shared 2-core machine, busy
// with other builds, it measured about 23 µs; Analyze on three variants about 2 ms, most of
// it the Bayesian quadrature.
func BenchmarkJudge(b *testing.B) {
	bar := PassBar{TargetRate: 0.05, MinVisitors: 800}
	for b.Loop() {
		Judge(bar, Counts{1050, 48}, 30)
	}
}

// BenchmarkAnalyzeThreeVariants measures a whole report for a three-variant page.
func BenchmarkAnalyzeThreeVariants(b *testing.B) {
	in := Input{
		PassBar: PassBar{TargetRate: 0.05, MinVisitors: 1000},
		Variants: []Variant{
			{ID: "control", Weight: 1, Visitors: 4000, Signups: 200},
			{ID: "b", Weight: 1, Visitors: 4010, Signups: 260},
			{ID: "c", Weight: 1, Visitors: 3990, Signups: 180},
		},
		DaysElapsed: 20,
	}
	for b.Loop() {
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeHuge measures a report with ten million visitors per variant.
func BenchmarkAnalyzeHuge(b *testing.B) {
	in := Input{
		PassBar: PassBar{TargetRate: 0.03, MinVisitors: 1000},
		Variants: []Variant{
			{ID: "control", Weight: 1, Visitors: 10_000_000, Signups: 300_000},
			{ID: "b", Weight: 1, Visitors: 10_000_000, Signups: 301_000},
		},
	}
	for b.Loop() {
		if _, err := Analyze(in); err != nil {
			b.Fatal(err)
		}
	}
}
