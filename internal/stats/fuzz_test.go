package stats

import (
	"encoding/json"
	"testing"
)

// FuzzAnalyze feeds Analyze arbitrary counts: it must either refuse them with an error or
// return a report that marshals to JSON (no NaN or Inf) and whose numbers are in range.
// `go test` runs the seeds; `go test -fuzz FuzzAnalyze` explores further.
func FuzzAnalyze(f *testing.F) {
	f.Add(int64(0), int64(0), int64(0), int64(0), 1, 1, 0.05, int64(1000), 0.0)
	f.Add(int64(812), int64(25), int64(790), int64(31), 1, 1, 0.05, int64(800), 30.0)
	f.Add(int64(10_000_000), int64(10_000_000), int64(1), int64(0), 1000, 1, 0.999, int64(0), 1.0)
	f.Add(int64(3), int64(1), int64(500_000_000), int64(7), 1, 999, 0.0001, int64(1), 0.5)
	f.Add(int64(10), int64(11), int64(5), int64(5), 1, 1, 0.05, int64(0), 0.0)
	f.Fuzz(func(t *testing.T, visitorsA, signupsA, visitorsB, signupsB int64, weightA, weightB int, rate float64, minVisitors int64, days float64) {
		in := Input{
			PassBar: PassBar{TargetRate: rate, MinVisitors: minVisitors, MinDays: 7},
			Variants: []Variant{
				{ID: "a", Weight: weightA, Visitors: visitorsA, Signups: signupsA},
				{ID: "b", Weight: weightB, Visitors: visitorsB, Signups: signupsB},
			},
			DaysElapsed: days,
		}
		report, err := Analyze(in)
		if err != nil {
			return
		}
		if _, err := json.Marshal(report); err != nil {
			t.Fatalf("report for %+v does not marshal: %v", in, err)
		}
		for _, v := range report.Variants {
			if !(0 <= v.CILow && v.CILow <= v.Rate && v.Rate <= v.CIHigh && v.CIHigh <= 1) {
				t.Errorf("variant %s: rate %v outside its interval (%v, %v)", v.ID, v.Rate, v.CILow, v.CIHigh)
			}
			for name, p := range map[string]*float64{"p": v.PValue, "adjusted p": v.PValueAdjusted, "P(beat)": v.ProbBeatControl} {
				if p != nil && !(*p >= 0 && *p <= 1) {
					t.Errorf("variant %s: %s = %v", v.ID, name, *p)
				}
			}
		}
		verdict := report.Verdict
		if verdict.Visitors > 0 && !(verdict.CILow <= verdict.Rate && verdict.Rate <= verdict.CIHigh) {
			t.Errorf("verdict rate %v outside its bounds (%v, %v)", verdict.Rate, verdict.CILow, verdict.CIHigh)
		}
		if verdict.Sentence == "" || verdict.MoreVisitorsNeeded < 0 || verdict.MoreVisitorsNeeded > max(MaxMoreVisitors, minVisitors) {
			t.Errorf("verdict %+v", verdict)
		}
	})
}
