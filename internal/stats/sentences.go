package stats

import (
	"fmt"
	"strings"
)

// The sentences are the product: a founder reads them instead of the numbers. Rules kept
// throughout: say what was observed, then what it means for the bar, then what to do; give
// ranges as "likely between"; never call a result before the pre-registered sample; never
// use statistical jargon.

// verdictSentence writes the verdict in plain English. missing is the visitors still needed
// to reach the pre-registered minimum.
func verdictSentence(v Verdict, bar PassBar, missing int64) string {
	var b strings.Builder
	texts := formatPercents(v.Rate, v.CILow, v.CIHigh, bar.TargetRate)
	b.WriteString(observedPhrase(v, texts[0], texts[1], texts[2]))
	barText := texts[3]
	switch v.Kind {
	case Validated:
		fmt.Fprintf(&b, " Your bar was %s: demand is above it — the idea passed.", barText)
	case Invalidated:
		fmt.Fprintf(&b, " Your bar was %s: demand is below it — the idea did not pass.", barText)
	case KeepRunning:
		if v.MoreVisitorsCapped {
			fmt.Fprintf(&b, " Your bar is %s: the rate is so close to it that even %s more visitors might not settle which side it is on — "+
				"you may have to decide whether being right at the bar is good enough.", barText, formatCount(MaxMoreVisitors))
		} else {
			fmt.Fprintf(&b, " Your bar is %s: too close to call yet — keep the test running; about %s will probably settle it.",
				barText, countOf(roundAbout(v.MoreVisitorsNeeded), "more visitor", "more visitors"))
		}
	case NotEnoughData:
		fmt.Fprintf(&b, " Your bar is %s%s: too early for a verdict — %s.", barText, plannedPhrase(bar), toGoPhrase(v, missing))
		if v.MoreVisitorsNeeded > missing && v.Visitors > 0 {
			if v.MoreVisitorsCapped {
				fmt.Fprintf(&b, " The rate so far is right around your bar, so it may take more than %s more visitors to settle it.",
					formatCount(MaxMoreVisitors))
			} else {
				fmt.Fprintf(&b, " At the rate so far, about %s may be needed to settle it.",
					countOf(roundAbout(v.MoreVisitorsNeeded), "more visitor", "more visitors"))
			}
		}
	}
	if best := v.Best; best != nil && best.AboveBar && (v.Kind == KeepRunning || v.Kind == Invalidated) {
		t := formatPercents(best.Rate, best.CILow, best.CIHigh, bar.TargetRate)
		fmt.Fprintf(&b, " On its own, variant %q is above your bar (%s of %s signed up; likely between %s and %s, allowing for having picked the best of %d). "+
			"To be sure, run it alone as a new test.",
			best.ID, t[0], countOf(best.Visitors, "visitor", "visitors"), t[1], t[2], best.Compared)
	}
	return b.String()
}

// observedPhrase is the first sentence: what happened so far.
func observedPhrase(v Verdict, rate, low, high string) string {
	if v.Visitors == 0 {
		return "No visitors yet."
	}
	soFar := ""
	if v.Kind == NotEnoughData || v.Kind == KeepRunning {
		soFar = "So far, "
	}
	return fmt.Sprintf("%s%s of %s signed up (likely between %s and %s).", soFar,
		rate, countOf(v.Visitors, "visitor", "visitors"), low, high)
}

// plannedPhrase is ", judged after 1,000 visitors and 14 days", or "" with no minimum.
func plannedPhrase(bar PassBar) string {
	var parts []string
	if bar.MinVisitors > 0 {
		parts = append(parts, countOf(bar.MinVisitors, "visitor", "visitors"))
	}
	if bar.MinDays > 0 {
		parts = append(parts, countOf(int64(bar.MinDays), "day", "days"))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", judged after " + strings.Join(parts, " and ")
}

// toGoPhrase is "788 more visitors and 5 more days to go" (either part may be absent).
func toGoPhrase(v Verdict, missing int64) string {
	var parts []string
	switch {
	case missing > 0:
		parts = append(parts, countOf(missing, "more visitor", "more visitors"))
	case v.Visitors == 0 && v.MoreVisitorsNeeded > 0:
		parts = append(parts, "about "+countOf(roundAbout(v.MoreVisitorsNeeded), "visitor", "visitors"))
	}
	if v.MoreDaysNeeded > 0 {
		parts = append(parts, countOf(int64(v.MoreDaysNeeded), "more day", "more days"))
	}
	if len(parts) == 0 {
		return "keep the test running"
	}
	return strings.Join(parts, " and ") + " to go"
}

// comparisonSentence says how a variant does against the control, in plain words.
// comparisons is how many variants were compared with the control (for the Holm caveat).
func comparisonSentence(control, r VariantReport, comparisons int) string {
	switch {
	case r.Visitors == 0:
		return "No visitors yet, so nothing to compare with the control."
	case control.Visitors == 0:
		return "The control has no visitors yet, so nothing to compare with."
	}
	t := formatPercents(r.Rate, control.Rate)
	rates := fmt.Sprintf("%s vs %s signed up", t[0], t[1])
	hasRange := r.LiftLow != nil && r.LiftHigh != nil
	if r.Significant {
		verb := "Beats the control"
		if r.Rate < control.Rate {
			verb = "Does worse than the control"
		}
		s := verb + ": " + rates
		if r.Lift != nil {
			s += " — " + liftPhrase(*r.Lift)
		}
		switch {
		case hasRange && (*r.LiftLow > 0 || *r.LiftHigh < 0):
			s += " (" + liftRangePhrase(*r.LiftLow, *r.LiftHigh) + ")"
		case r.Lift != nil:
			// With few signups the exact test can be sure of the direction while the lift's
			// interval still reaches past zero; showing that range would read as a
			// contradiction, so say what it means instead.
			s += ", though by how much is still very uncertain"
		}
		return s + ". A gap this big is unlikely to be luck."
	}
	if r.Rate == control.Rate {
		return fmt.Sprintf("No difference from the control so far: both at %s.", t[0])
	}
	s := "No clear difference from the control yet: " + rates
	if hasRange {
		s += " (" + liftRangePhrase(*r.LiftLow, *r.LiftHigh) + ")"
	}
	s += ". The gap could be luck"
	if comparisons > 1 && r.PValue != nil && *r.PValue < SignificanceLevel {
		s += fmt.Sprintf(", given that %d variants were compared with the control", comparisons)
	}
	return s + "."
}

// liftPhrase writes a lift as "45% more often", "20% less often", "as often" or, from
// double up, "3.2 times as often" (people misread "220% more").
func liftPhrase(lift float64) string {
	switch {
	case lift >= 1:
		return formatRatio(lift+1) + " times as often"
	case lift > 0:
		return LiftPercent(lift) + " more often"
	case lift < 0:
		return LiftPercent(-lift) + " less often"
	default:
		return "as often"
	}
}

// liftRangePhrase writes a lift interval: "likely between 12% and 88% more often",
// "likely between 20% and 70% less often", "likely between 2.1 and 5.4 times as often", or
// with mixed ends "likely between 20% less often and 50% more often".
func liftRangePhrase(low, high float64) string {
	switch {
	case low > 0 && high < 1:
		return fmt.Sprintf("likely between %s and %s more often", LiftPercent(low), LiftPercent(high))
	case high < 0:
		return fmt.Sprintf("likely between %s and %s less often", LiftPercent(-high), LiftPercent(-low))
	case low >= 1:
		return fmt.Sprintf("likely between %s and %s times as often", formatRatio(low+1), formatRatio(high+1))
	default:
		return fmt.Sprintf("likely between %s and %s", liftPhrase(low), liftPhrase(high))
	}
}
