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
	// Validated: the always-valid test says demand is above the bar (wrong at most 5% of
	// the time, however often the results are looked at).
	Validated VerdictKind = "validated"
	// Invalidated: the always-valid test says demand is below the bar.
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
	// CILow and CIHigh are the always-valid one-sided 95% lower and upper bounds (the
	// confidence sequence of the verdict's test): each holds at every look with 95%
	// confidence, together 90%. Validated exactly when CILow ≥ the bar, invalidated exactly
	// when CIHigh < the bar, so "likely between" always agrees with the verdict. (0, 1)
	// with no visitors.
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
// Picking the best of k variants after the fact flatters it, so it is judged by the
// always-valid test at 5%/k (Bonferroni): the chance that a variant whose true rate is at
// the bar ever shows up as AboveBar stays at most 5% whichever one ends up best, at any look.
type BestVariant struct {
	ID       string  `json:"id"`
	Visitors int64   `json:"visitors"`
	Signups  int64   `json:"signups"`
	Rate     float64 `json:"rate"`
	CILow    float64 `json:"ci_low"`  // always-valid one-sided lower bound at 5%/Compared
	CIHigh   float64 `json:"ci_high"` // always-valid one-sided upper bound at 5%/Compared
	Compared int     `json:"variants_compared"`
	AboveBar bool    `json:"above_bar"` // CILow ≥ the bar
	BelowBar bool    `json:"below_bar"` // CIHigh < the bar: even the best-looking variant is below it
}

// Judge gives the verdict for the observed counts (all variants together) against the pass
// bar, daysElapsed days after the test phase started. It is what Analyze uses; it is
// exported for callers that only need the verdict.
//
// The decision is the always-valid test of sequential.go at VerdictAlpha in each
// direction: "validated" when the mixture likelihood ratio against "demand is at most the
// bar" reaches 1/VerdictAlpha = 20, "invalidated" when the one against "demand is at least
// the bar" does. Each is wrong at most 5% of the time however often the founder looks
// (package documentation). The minimum visitors and days only hold the verdict back.
func Judge(bar PassBar, observed Counts, daysElapsed float64) Verdict {
	v := Verdict{
		TargetRate: bar.TargetRate,
		Visitors:   observed.Visitors,
		Signups:    observed.Signups,
		Rate:       observed.Rate(),
	}
	above, below := verdictPriors(bar)
	evidence := judgeSequentially(above, below, observed, bar.TargetRate, VerdictAlpha)
	v.CILow, v.CIHigh = boundsAgreeing(above, below, observed, bar.TargetRate, VerdictAlpha, evidence)

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
			if more, capped := MoreVisitorsNeeded(bar, observed); more > missing {
				v.MoreVisitorsNeeded, v.MoreVisitorsCapped = more, capped
			}
		}
	} else {
		v.Kind = evidence
		if evidence == KeepRunning {
			v.MoreVisitorsNeeded, v.MoreVisitorsCapped = MoreVisitorsNeeded(bar, observed)
		}
	}
	v.Sentence = verdictSentence(v, bar, missing)
	return v
}

// judgeSequentially is the evidence alone: Validated, Invalidated or KeepRunning.
func judgeSequentially(above, below betaPrior, c Counts, bar, alpha float64) VerdictKind {
	if c.Visitors <= 0 {
		return KeepRunning
	}
	threshold := math.Log(1 / alpha)
	s, f := float64(c.Signups), float64(c.nonSignups())
	switch {
	case logEvidenceAbove(above, s, f, bar) >= threshold:
		return Validated
	case logEvidenceBelow(below, s, f, bar) >= threshold:
		return Invalidated
	}
	return KeepRunning
}

// boundsAgreeing returns the confidence sequence's bounds, placed on the verdict's side
// of the bar when bisection's last digits would put them a hair on the other.
func boundsAgreeing(above, below betaPrior, c Counts, bar, alpha float64, kind VerdictKind) (low, high float64) {
	low, high = sequentialBounds(above, below, c.Signups, c.Visitors, alpha)
	switch {
	case kind == Validated:
		low = math.Max(low, bar)
	case low >= bar:
		low = math.Nextafter(bar, 0)
	}
	switch {
	case kind == Invalidated:
		high = math.Min(high, math.Nextafter(bar, 0))
	case high < bar:
		high = bar
	}
	return low, high
}

// judgeBest finds the variant with the highest observed rate (the first on ties) and
// judges it alone by the same always-valid test at VerdictAlpha/k for k variants
// (Bonferroni: the union of k always-valid tests is always valid), tuned to its share of
// the minimum; nil if fewer than two variants or no visitors.
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
	k := len(variants)
	alpha := VerdictAlpha / float64(k)
	own := PassBar{TargetRate: bar.TargetRate, MinVisitors: bar.MinVisitors / int64(k)}
	above, below := verdictPriors(own)
	kind := judgeSequentially(above, below, v.Counts(), bar.TargetRate, alpha)
	b := &BestVariant{ID: v.ID, Visitors: v.Visitors, Signups: v.Signups, Rate: v.Counts().Rate(), Compared: k}
	b.CILow, b.CIHigh = boundsAgreeing(above, below, v.Counts(), bar.TargetRate, alpha, kind)
	b.AboveBar, b.BelowBar = kind == Validated, kind == Invalidated
	return b
}
