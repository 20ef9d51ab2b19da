package stats

import (
	"fmt"
	"math"
)

// PlanDemandFactor is the demand the planner plans for, as a multiple of the bar: a clear
// pass, such as 7.5% signups against a 5% bar.
const PlanDemandFactor = 1.5

// PlanPower is the share of tests the planner's visitor count is enough for.
const PlanPower = 0.8

// MaxPlanVisitors bounds the planner's search; beyond it the plan says "more than".
const MaxPlanVisitors = 200_000

// Plan says, before a test starts, what its bar and minimum can detect.
type Plan struct {
	Demand float64 `json:"demand"` // the true rate planned for: PlanDemandFactor × the bar
	// Visitors is how many visitors (all variants together) it takes for the verdict to
	// be "validated" in PlanPower of tests at that demand, looking after every visitor
	// from the minimum on; Capped means more than MaxPlanVisitors.
	Visitors int64 `json:"visitors"`
	Capped   bool  `json:"capped"`
	// AtMinimum is the share of such tests validated at the minimum itself (0 with no
	// minimum).
	AtMinimum float64 `json:"at_minimum"`
	Sentence  string  `json:"sentence"`
}

// PlanFor computes the plan of a pass bar exactly: the signups' distribution is carried
// one visitor at a time and the share that has crossed the verdict's boundary (the
// smallest signups for which the always-valid test says "validated") is added up, so the
// answer has no simulation error. Only the part of the distribution above 1e-15 is
// carried, which keeps it to a few milliseconds at a 1% bar. The minimum days are not
// modelled: they depend on traffic, which the page file does not say.
func PlanFor(bar PassBar) Plan {
	p0 := bar.TargetRate
	demand := math.Min(PlanDemandFactor*p0, (1+p0)/2)
	plan := Plan{Demand: demand}
	above, _ := verdictPriors(bar)
	threshold := math.Log(1 / VerdictAlpha)
	validatedAt := func(s, n int64) bool {
		return logEvidenceAbove(above, float64(s), float64(n-s), p0) >= threshold
	}
	first := max(bar.MinVisitors, 1)
	// dist[i] is P(S_n = lo+i and no verdict yet); it starts as Binomial(first, demand).
	lo := int64(0)
	var dist []float64
	if first <= 100_000 {
		dist = binomialMasses(first, demand)
	} else {
		plan.Visitors, plan.Capped = MaxPlanVisitors, true
		plan.Sentence = planSentence(bar, plan)
		return plan
	}
	boundary := firstTrueInt(0, first+1, func(s int64) bool { return validatedAt(s, first) })
	crossed := 0.0
	absorb := func(n int64) {
		for boundary > 0 && validatedAt(boundary-1, n) {
			boundary--
		}
		for boundary <= n && !validatedAt(boundary, n) {
			boundary++
		}
		for i := range dist {
			if lo+int64(i) >= boundary {
				crossed += dist[i]
				dist[i] = 0
			}
		}
	}
	absorb(first)
	if bar.MinVisitors > 0 {
		plan.AtMinimum = crossed
	}
	n := first
	for crossed < PlanPower && n < MaxPlanVisitors {
		n++
		dist = append(dist, 0)
		for i := len(dist) - 1; i > 0; i-- {
			dist[i] = dist[i]*(1-demand) + dist[i-1]*demand
		}
		dist[0] *= 1 - demand
		// Trim negligible tails (and the absorbed zeros above the boundary) so the work
		// grows with the spread of the signups, not with n.
		for len(dist) > 1 && dist[0] < 1e-15 {
			dist = dist[1:]
			lo++
		}
		for len(dist) > 1 && dist[len(dist)-1] < 1e-15 {
			dist = dist[:len(dist)-1]
		}
		absorb(n)
	}
	plan.Visitors, plan.Capped = n, crossed < PlanPower
	plan.Sentence = planSentence(bar, plan)
	return plan
}

// binomialMasses returns P(X = k), k = 0..n, for X ~ Binomial(n, p), by log-gamma.
func binomialMasses(n int64, p float64) []float64 {
	out := make([]float64, n+1)
	ln, _ := math.Lgamma(float64(n) + 1)
	for k := range out {
		lk, _ := math.Lgamma(float64(k) + 1)
		lnk, _ := math.Lgamma(float64(n-int64(k)) + 1)
		out[k] = math.Exp(ln - lk - lnk + logLikelihood(float64(k), float64(n-int64(k)), p))
	}
	return out
}

// firstTrueInt returns the smallest x in [lo, hi) for which the monotone pred holds, or hi.
func firstTrueInt(lo, hi int64, pred func(int64) bool) int64 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		if pred(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// planSentence writes the plan for a founder: "If real demand is 1.5× your bar (7.5%),
// Litmus says "validated" within about 1,100 visitors 80% of the time; at your minimum of
// 400 visitors it would only 35% of the time."
func planSentence(bar PassBar, plan Plan) string {
	t := formatPercents(plan.Demand, bar.TargetRate)
	s := fmt.Sprintf("If real demand is %s× your bar (%s), Litmus says \"validated\" ", formatRatio(plan.Demand/bar.TargetRate), t[0])
	if plan.Capped {
		s += fmt.Sprintf("only after more than %s 80%% of the time", countOf(MaxPlanVisitors, "visitor", "visitors"))
	} else {
		s += fmt.Sprintf("within about %s 80%% of the time", countOf(roundAbout(plan.Visitors), "visitor", "visitors"))
	}
	if bar.MinVisitors > 0 {
		share := int(math.Round(100 * plan.AtMinimum))
		switch {
		case plan.AtMinimum >= PlanPower:
			s += fmt.Sprintf(" (%d%% of the time already at your minimum of %s)", share, countOf(bar.MinVisitors, "visitor", "visitors"))
		default:
			s += fmt.Sprintf("; at your minimum of %s it would only %d%% of the time", countOf(bar.MinVisitors, "visitor", "visitors"), share)
		}
	}
	return s + "."
}
