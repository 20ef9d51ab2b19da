package stats

import "math"

// VerdictAlpha is the error rate the verdict allows: "validated" is wrong at most 5% of the
// time when demand is exactly at the bar, and so is "invalidated".
const VerdictAlpha = 0.05

// VerdictKind is the answer to the founder's question "does demand clear my bar?".
type VerdictKind string

// The four verdicts. Their string values are part of the JSON API.
const (
	// NotEnoughData: the pre-registered number of visitors (or days) is not reached yet, so
	// no verdict is given however the numbers look: peeking early and stopping on a good
	// day is the classic way to fool yourself.
	NotEnoughData VerdictKind = "not_enough_data"
	// Validated: the exact one-sided 95% lower bound of the rate is at or above the bar.
	Validated VerdictKind = "validated"
	// Invalidated: the exact one-sided 95% upper bound of the rate is below the bar.
	Invalidated VerdictKind = "invalidated"
	// KeepRunning: enough visitors were seen, but the rate is too close to the bar to say.
	KeepRunning VerdictKind = "keep_running"
)

// PassBar is the success criterion the founder wrote down before the test started
// (Savoia's XYZ hypothesis): "validated if at least TargetRate of visitors sign up, judged
// after MinVisitors visitors (all variants together) and MinDays days".
type PassBar struct {
	TargetRate  float64 // 0 < TargetRate < 1
	MinVisitors int64   // ≥ 0; with 0, a verdict is possible from the first visitor
	MinDays     int     // ≥ 0; 0 means no minimum duration
}

// Verdict is the judgement of the pooled rate (all variants together) against the pass
// bar, with the plain-English sentence the dashboard, API and CLI all show.
type Verdict struct {
	Kind       VerdictKind `json:"kind"`
	TargetRate float64     `json:"target_rate"`
	Visitors   int64       `json:"visitors"` // all variants together
	Signups    int64       `json:"signups"`
	Rate       float64     `json:"rate"` // Signups/Visitors; 0 with no visitors
	// CILow and CIHigh are the exact (Clopper–Pearson) one-sided 95% lower and upper
	// bounds the verdict is decided on; together a 90% interval. They are shown in the
	// sentence, so "likely between" always agrees with the verdict. (0, 1) with no visitors.
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
	// MoreVisitorsNeeded is, for not_enough_data and keep_running, about how many more
	// visitors (all variants together) to expect before a verdict; 0 otherwise. Before the
	// minimum it is at least the visitors still missing to reach it. See MoreVisitorsNeeded.
	MoreVisitorsNeeded int64 `json:"more_visitors_needed"`
	// MoreVisitorsCapped says MoreVisitorsNeeded hit MaxMoreVisitors: read "more than".
	MoreVisitorsCapped bool `json:"more_visitors_capped"`
	// MoreDaysNeeded is the whole days still to wait before MinDays is reached; 0 if none.
	MoreDaysNeeded int `json:"more_days_needed"`
	// Best is the best-converting variant judged on its own, corrected for having picked
	// it after the fact; nil with a single variant or no visitors. It never changes Kind.
	Best *BestVariant `json:"best_variant"`
	// Withheld is set by Analyze when the sample-ratio check failed: the numbers can't be
	// trusted, the sentence says so, and Kind must not be shown as a result.
	Withheld bool   `json:"withheld"`
	Sentence string `json:"sentence"`
}

// BestVariant judges the variant with the highest observed rate against the bar on its own.
// Picking the best of k variants after the fact flatters it, so its bounds are exact
// one-sided bounds at 5%/k each (Bonferroni): the chance that a variant whose true rate is
// at the bar shows up as AboveBar stays at most 5% whichever one ends up best.
type BestVariant struct {
	ID       string  `json:"id"`
	Visitors int64   `json:"visitors"`
	Signups  int64   `json:"signups"`
	Rate     float64 `json:"rate"`
	CILow    float64 `json:"ci_low"`  // exact one-sided lower bound at 5%/Compared
	CIHigh   float64 `json:"ci_high"` // exact one-sided upper bound at 5%/Compared
	Compared int     `json:"variants_compared"`
	AboveBar bool    `json:"above_bar"` // CILow ≥ the bar
	BelowBar bool    `json:"below_bar"` // CIHigh < the bar: even the best-looking variant is below it
}

// Judge gives the verdict for the observed counts (all variants together) against the pass
// bar, daysElapsed days after the test phase started. It is what Analyze uses; it is
// exported for callers that only need the verdict.
//
// The decision uses the exact binomial test (R: binom.test(signups, visitors, bar,
// alternative = "greater") for validated, "less" for invalidated) at VerdictAlpha. The
// Wilson bound would be the obvious choice, but it is anti-conservative for small rates:
// with the true rate exactly at the bar it says "validated" up to 18% of the time (1% bar,
// 20 visitors: one signup is enough) and still 5.07% at a 2% bar and 1,000 visitors. The
// exact test never exceeds 5%.
func Judge(bar PassBar, observed Counts, daysElapsed float64) Verdict {
	v := Verdict{
		TargetRate: bar.TargetRate,
		Visitors:   observed.Visitors,
		Signups:    observed.Signups,
		Rate:       observed.Rate(),
	}
	v.CILow, v.CIHigh = ExactBounds(observed.Signups, observed.Visitors, VerdictAlpha)

	evidence := KeepRunning
	if observed.Visitors > 0 {
		switch {
		case BinomialTailAtLeast(observed.Signups, observed.Visitors, bar.TargetRate) <= VerdictAlpha:
			evidence = Validated
		case BinomialTailAtMost(observed.Signups, observed.Visitors, bar.TargetRate) <= VerdictAlpha:
			evidence = Invalidated
		}
	}

	if bar.MinDays > 0 && !(daysElapsed >= float64(bar.MinDays)) {
		days := float64(bar.MinDays)
		if daysElapsed > 0 {
			days -= daysElapsed
		}
		v.MoreDaysNeeded = int(math.Ceil(days))
	}
	missing := max(bar.MinVisitors-observed.Visitors, 0)
	if observed.Visitors == 0 || missing > 0 || v.MoreDaysNeeded > 0 {
		v.Kind = NotEnoughData
		v.MoreVisitorsNeeded = missing
		if evidence == KeepRunning {
			if more, capped := MoreVisitorsNeeded(bar.TargetRate, observed); more > missing {
				v.MoreVisitorsNeeded, v.MoreVisitorsCapped = more, capped
			}
		}
	} else {
		v.Kind = evidence
		if evidence == KeepRunning {
			v.MoreVisitorsNeeded, v.MoreVisitorsCapped = MoreVisitorsNeeded(bar.TargetRate, observed)
		}
	}
	v.Sentence = verdictSentence(v, bar, missing)
	return v
}

// judgeBest finds the variant with the highest observed rate (the first on ties) and
// judges it alone with Bonferroni-corrected exact bounds; nil if fewer than two variants or
// no visitors.
func judgeBest(bar PassBar, variants []Variant) *BestVariant {
	if len(variants) < 2 {
		return nil
	}
	best := -1
	for i, v := range variants {
		if v.Visitors > 0 && (best < 0 || v.Counts().Rate() > variants[best].Counts().Rate()) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	v := variants[best]
	alpha := VerdictAlpha / float64(len(variants))
	b := &BestVariant{ID: v.ID, Visitors: v.Visitors, Signups: v.Signups, Rate: v.Counts().Rate(), Compared: len(variants)}
	b.CILow, b.CIHigh = ExactBounds(v.Signups, v.Visitors, alpha)
	b.AboveBar = BinomialTailAtLeast(v.Signups, v.Visitors, bar.TargetRate) <= alpha
	b.BelowBar = BinomialTailAtMost(v.Signups, v.Visitors, bar.TargetRate) <= alpha
	return b
}
