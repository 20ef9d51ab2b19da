package stats

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// pageOf builds an Input with the usual 5% bar judged after 1,000 visitors.
func pageOf(days float64, variants ...Variant) Input {
	return Input{PassBar: PassBar{TargetRate: 0.05, MinVisitors: 1000}, Variants: variants, DaysElapsed: days}
}

// goldenCases are whole pages whose reports are kept in testdata/<name>.json: the JSON the
// API serves, with every sentence a founder reads. Review the sentences when they change.
var goldenCases = []struct {
	name string
	in   Input
}{
	{"no_visitors_yet", pageOf(0, Variant{"control", 1, 0, 0}, Variant{"b", 1, 0, 0})},
	{"too_early", Input{PassBar{0.05, 1000, 14}, []Variant{{"control", 1, 212, 4}, {"b", 1, 205, 9}}, 5.2}},
	{"enough_visitors_waiting_for_days", Input{PassBar{0.05, 1000, 14}, []Variant{{"control", 1, 640, 41}, {"b", 1, 652, 47}}, 9.5}},
	{"invalidated", pageOf(21, Variant{"control", 1, 506, 14}, Variant{"b", 1, 506, 17})},
	{"validated", pageOf(21, Variant{"control", 1, 602, 40}, Variant{"b", 1, 602, 42})},
	{"keep_running", pageOf(21, Variant{"control", 1, 525, 23}, Variant{"b", 1, 525, 25})},
	{"right_at_the_bar", pageOf(21, Variant{"control", 1, 1000, 50})},
	{"one_pitch_clears_the_bar", pageOf(21, Variant{"control", 1, 1000, 10}, Variant{"b", 1, 1000, 80})},
	{"three_variants", pageOf(21, Variant{"control", 2, 2000, 90}, Variant{"b", 1, 1010, 66}, Variant{"c", 1, 990, 38})},
	{"sample_ratio_mismatch", pageOf(21, Variant{"control", 1, 10400, 520}, Variant{"b", 1, 9600, 500})},
	{"small_counts_wait", pageOf(3, Variant{"control", 1, 60, 1}, Variant{"b", 1, 58, 7})},
	{"clear_winner", pageOf(21, Variant{"control", 1, 1500, 45}, Variant{"b", 1, 1500, 105})},
	{"nobody_signed_up", pageOf(21, Variant{"control", 1, 600, 0}, Variant{"b", 1, 600, 0})},
	{"everybody_signed_up", pageOf(21, Variant{"control", 1, 600, 600}, Variant{"b", 1, 600, 600})},
	{"ten_million_visitors", pageOf(60, Variant{"control", 1, 10_000_000, 520_000}, Variant{"b", 1, 10_000_000, 531_000})},
}

func TestAnalyzeGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			report, err := Analyze(c.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(report, "", "  ")
			if err != nil {
				t.Fatalf("the report cannot be sent as JSON (NaN or Inf?): %v", err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", c.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("report differs from %s (run go test -update and review the diff):\n%s", path, got)
			}
		})
	}
}

func TestAnalyzeEdgeCases(t *testing.T) {
	t.Run("zero visitors: nothing known, nothing compared", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(0, Variant{"control", 1, 0, 0}, Variant{"b", 1, 0, 0}))
		v := r.Variants[1]
		if v.Rate != 0 || v.CILow != 0 || v.CIHigh != 1 || v.Lift != nil || v.LiftLow != nil {
			t.Errorf("variant with no visitors: %+v", v)
		}
		if *v.PValue != 1 || v.Test != SequentialTest || v.ProbBeatControl != nil {
			t.Errorf("no data must mean no evidence: p %v (%s), P(beat) %v", *v.PValue, v.Test, v.ProbBeatControl)
		}
		if r.Verdict.Kind != NotEnoughData || r.Verdict.MoreVisitorsNeeded != 1000 || r.SRM.Checked {
			t.Errorf("verdict %+v, SRM %+v", r.Verdict, r.SRM)
		}
	})
	t.Run("a variant not yet significant shows no chance to beat the control", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(21, Variant{"control", 1, 1000, 50}, Variant{"b", 1, 1000, 62}))
		if v := r.Variants[1]; v.Significant || v.ProbBeatControl != nil || v.ExpectedLoss != nil {
			t.Errorf("a chance to beat the control beside a gap that could be luck is not safe to act on: %+v", v)
		}
	})
	t.Run("zero signups: invalidated, lift has no interval", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(21, Variant{"control", 1, 600, 0}, Variant{"b", 1, 600, 0}))
		if r.Verdict.Kind != Invalidated || r.Verdict.CILow != 0 {
			t.Errorf("verdict %+v", r.Verdict)
		}
		if v := r.Variants[1]; v.Lift != nil || v.LiftLow != nil || *v.PValue != 1 {
			t.Errorf("comparison of 0 vs 0: %+v", v)
		}
	})
	t.Run("all signups: validated, no difference", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(21, Variant{"control", 1, 600, 600}, Variant{"b", 1, 600, 600}))
		if r.Verdict.Kind != Validated || r.Verdict.CIHigh != 1 || r.Variants[0].CIHigh != 1 {
			t.Errorf("verdict %+v", r.Verdict)
		}
		if v := r.Variants[1]; *v.Lift != 0 || *v.PValue != 1 || v.Significant {
			t.Errorf("comparison of 100%% vs 100%%: %+v", v)
		}
	})
	t.Run("one variant: no comparison, no split to check", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(21, Variant{"only", 1, 1200, 84}))
		v := r.Variants[0]
		if !v.Control || v.PValue != nil || v.Lift != nil || v.ProbBeatControl != nil || v.Test != "" {
			t.Errorf("a lone variant has nothing to be compared with: %+v", v)
		}
		if r.SRM.Checked || r.Verdict.Best != nil || r.Verdict.Kind != Validated || !r.Trustworthy {
			t.Errorf("SRM %+v, verdict %+v", r.SRM, r.Verdict)
		}
	})
	t.Run("three variants: Holm across both comparisons", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(21, Variant{"control", 2, 2000, 90}, Variant{"b", 1, 1010, 66}, Variant{"c", 1, 990, 38}))
		b, c := r.Variants[1], r.Variants[2]
		// Holm with two p-values: the smaller is doubled, the larger kept if bigger.
		lo, hi := math.Min(*b.PValue, *c.PValue), math.Max(*b.PValue, *c.PValue)
		wantLo, wantHi := math.Min(1, 2*lo), math.Max(math.Min(1, 2*lo), hi)
		gotLo, gotHi := math.Min(*b.PValueAdjusted, *c.PValueAdjusted), math.Max(*b.PValueAdjusted, *c.PValueAdjusted)
		if gotLo != wantLo || gotHi != wantHi {
			t.Errorf("adjusted p-values %v, %v; want %v, %v", gotLo, gotHi, wantLo, wantHi)
		}
		if r.Verdict.Best == nil || r.Verdict.Best.ID != "b" || r.Verdict.Best.Compared != 3 {
			t.Errorf("best variant %+v, want b of 3", r.Verdict.Best)
		}
	})
	t.Run("huge n: finite numbers everywhere", func(t *testing.T) {
		r := mustAnalyze(t, pageOf(60, Variant{"control", 1, 10_000_000, 520_000}, Variant{"b", 1, 10_000_000, 531_000}))
		v := r.Variants[1]
		if v.Test != SequentialTest || !v.Significant || *v.ProbBeatControl < 0.999 || r.Verdict.Kind != Validated {
			t.Errorf("a 2%% lift on ten million visitors each should be clear: %+v, verdict %q", v, r.Verdict.Kind)
		}
	})
}

func TestAnalyzeWithholdsTheVerdictOnSampleRatioMismatch(t *testing.T) {
	r := mustAnalyze(t, pageOf(21, Variant{"control", 1, 10400, 520}, Variant{"b", 1, 9600, 500}))
	if r.Trustworthy || !r.SRM.Mismatch || !r.Verdict.Withheld {
		t.Fatalf("trustworthy %v, SRM %+v, withheld %v", r.Trustworthy, r.SRM, r.Verdict.Withheld)
	}
	if !strings.HasPrefix(r.Verdict.Sentence, "No verdict for now.") || !strings.Contains(r.Verdict.Sentence, "52.0% / b 48.0%") {
		t.Errorf("the verdict sentence must say why there is no verdict: %q", r.Verdict.Sentence)
	}
	if strings.Contains(r.Verdict.Sentence, "passed") {
		t.Errorf("a withheld verdict must not say whether the idea passed: %q", r.Verdict.Sentence)
	}
}

func TestAnalyzeRejectsInputItCannotAnalyseHonestly(t *testing.T) {
	good := Variant{"control", 1, 100, 5}
	cases := []struct {
		name string
		in   Input
		says string
	}{
		{"target rate of zero", Input{PassBar{0, 100, 0}, []Variant{good}, 1}, "between 0 and 1"},
		{"target rate given as a percentage", Input{PassBar{5, 100, 0}, []Variant{good}, 1}, "0.05 means 5%"},
		{"target rate NaN", Input{PassBar{math.NaN(), 100, 0}, []Variant{good}, 1}, "between 0 and 1"},
		{"negative minimum visitors", Input{PassBar{0.05, -1, 0}, []Variant{good}, 1}, "minimum visitors"},
		{"negative minimum days", Input{PassBar{0.05, 100, -2}, []Variant{good}, 1}, "minimum days"},
		{"negative days elapsed", Input{PassBar{0.05, 100, 0}, []Variant{good}, -1}, "start time in the future"},
		{"infinite days elapsed", Input{PassBar{0.05, 100, 0}, []Variant{good}, math.Inf(1)}, "finite"},
		{"no variants", Input{PassBar{0.05, 100, 0}, nil, 1}, "at least one variant"},
		{"too many variants", Input{PassBar{0.05, 100, 0}, make([]Variant, MaxVariants+1), 1}, "at most 100"},
		{"empty id", Input{PassBar{0.05, 100, 0}, []Variant{{"", 1, 1, 0}}, 1}, "ids must be"},
		{"duplicate id", Input{PassBar{0.05, 100, 0}, []Variant{good, good}, 1}, "appears twice"},
		{"zero weight", Input{PassBar{0.05, 100, 0}, []Variant{{"a", 0, 1, 0}}, 1}, "weights must be"},
		{"negative visitors", Input{PassBar{0.05, 100, 0}, []Variant{{"a", 1, -1, 0}}, 1}, "can't be negative"},
		{"more signups than visitors", Input{PassBar{0.05, 100, 0}, []Variant{{"a", 1, 10, 12}}, 1}, "visitor records are missing"},
		{"more visitors than analysable", Input{PassBar{0.05, 100, 0}, []Variant{{"a", 1, MaxVisitors, 0}, {"b", 1, 1, 0}}, 1}, "beyond what Litmus analyses"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Analyze(c.in)
			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %v, want one that says %q", err, c.says)
			}
		})
	}
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	in := pageOf(21, Variant{"control", 2, 2000, 90}, Variant{"b", 1, 1010, 66}, Variant{"c", 1, 990, 38})
	first, _ := json.Marshal(mustAnalyze(t, in))
	for range 3 {
		again, _ := json.Marshal(mustAnalyze(t, in))
		if !bytes.Equal(first, again) {
			t.Fatal("the same input gave two different reports")
		}
	}
}

func mustAnalyze(t *testing.T, in Input) Report {
	t.Helper()
	r, err := Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("the report cannot be sent as JSON: %v", err)
	}
	return r
}
