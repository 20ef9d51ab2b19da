package stats

import (
	"math"
	"testing"
)

func TestMoreVisitorsNeededFallbacks(t *testing.T) {
	bar := PassBar{TargetRate: 0.05}
	t.Run("no visitors: plans for half the bar", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(bar, Counts{}); got < 100 || got > 2000 || capped {
			t.Errorf("got %d (capped %v)", got, capped)
		}
	})
	t.Run("exactly at the bar: capped", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(bar, Counts{1000, 50}); got != MaxMoreVisitors || !capped {
			t.Errorf("got %d (capped %v)", got, capped)
		}
	})
	t.Run("a hair from the bar: capped", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(bar, Counts{100_000, 5_010}); got != MaxMoreVisitors || !capped {
			t.Errorf("got %d (capped %v)", got, capped)
		}
	})
	t.Run("nobody signed up yet: a finite answer", func(t *testing.T) {
		got, capped := MoreVisitorsNeeded(bar, Counts{20, 0})
		if got <= 0 || got >= MaxMoreVisitors || capped {
			t.Errorf("got %d (capped %v)", got, capped)
		}
	})
}

// TestMoreVisitorsNeededCountsWhatIsAlreadyIn: the visitors already seen count toward the
// goal, so the same observed rate needs fewer more visitors the more have been seen.
func TestMoreVisitorsNeededCountsWhatIsAlreadyIn(t *testing.T) {
	bar := PassBar{TargetRate: 0.05}
	previous := int64(math.MaxInt64)
	for _, n := range []int64{200, 400, 1000, 2000} { // 6.5% of each is a whole number
		more, capped := MoreVisitorsNeeded(bar, Counts{n, int64(math.Round(0.065 * float64(n)))})
		if capped || more >= previous {
			t.Errorf("after %d visitors at 6.5%%: %d more (capped %v); previous %d", n, more, capped, previous)
		}
		t.Logf("after %d visitors at 6.5%%: about %d more", n, more)
		previous = more
	}
}

// TestMoreVisitorsNeededIsHonestAboutPower: if the rate so far is the true rate, the
// verdict after "about N more visitors" comes out as expected about 80% of the time. The
// chance is computed exactly from Judge's own boundary at n + N: P(enough signups among the
// N to come). Measured: 79.0–81.4% over these cases; the test accepts 72–92% ("about").
func TestMoreVisitorsNeededIsHonestAboutPower(t *testing.T) {
	for _, c := range []struct {
		bar      PassBar
		observed Counts
	}{
		{PassBar{TargetRate: 0.05, MinVisitors: 400}, Counts{400, 28}},
		{PassBar{TargetRate: 0.05, MinVisitors: 400}, Counts{600, 18}},
		{PassBar{TargetRate: 0.02}, Counts{1000, 30}},
		{PassBar{TargetRate: 0.3, MinVisitors: 100}, Counts{100, 38}},
	} {
		more, capped := MoreVisitorsNeeded(c.bar, c.observed)
		if capped {
			t.Fatalf("%+v: capped", c)
		}
		n := c.observed.Visitors + more
		p := c.observed.Rate()
		var power float64
		if p > c.bar.TargetRate {
			need := firstTrue(0, n+1, func(s int64) bool { return Judge(c.bar, Counts{n, s}, 1e6).Kind == Validated })
			power = BinomialTailAtLeast(need-c.observed.Signups, more, p)
		} else {
			top := firstTrue(0, n+1, func(s int64) bool { return Judge(c.bar, Counts{n, s}, 1e6).Kind != Invalidated }) - 1
			power = BinomialTailAtMost(top-c.observed.Signups, more, p)
		}
		t.Logf("%+v after %+v: about %d more; then the verdict comes %.1f%% of the time", c.bar, c.observed, more, 100*power)
		if power < 0.72 || power > 0.92 {
			t.Errorf("%+v after %+v: %d more visitors settle it %.1f%% of the time, want about 80%%", c.bar, c.observed, more, 100*power)
		}
	}
}

// TestPlanMatchesJudge: the planner's exact recursion agrees with Judge's own boundary
// (firstVerdict, looking after every visitor from the minimum): at the planned visitors at
// least 80% of tests at 1.5× the bar are validated, one visitor earlier fewer are, and the
// share at the minimum is the same.
func TestPlanMatchesJudge(t *testing.T) {
	for _, bar := range []PassBar{{0.05, 400, 0}, {0.1, 0, 0}, {0.3, 100, 0}} {
		plan := PlanFor(bar)
		if plan.Capped {
			t.Fatalf("%+v: capped", bar)
		}
		b := boundaryOf(bar, plan.Visitors)
		at, _ := firstVerdict(b, plan.Demand, everyVisitor(bar.MinVisitors, plan.Visitors))
		before, _ := firstVerdict(b, plan.Demand, everyVisitor(bar.MinVisitors, plan.Visitors-1))
		t.Logf("%+v: %s (Judge: %.2f%% by %d, %.2f%% one earlier)", bar, plan.Sentence, 100*at, plan.Visitors, 100*before)
		if at < PlanPower-0.002 || before >= PlanPower+0.002 {
			t.Errorf("%+v: plan says %d visitors; Judge's boundary gives %.2f%% by then and %.2f%% one earlier", bar, plan.Visitors, 100*at, 100*before)
		}
		if bar.MinVisitors > 0 {
			atMin, _ := firstVerdict(b, plan.Demand, []int64{bar.MinVisitors})
			if math.Abs(atMin-plan.AtMinimum) > 0.002 {
				t.Errorf("%+v: plan says %.2f%% at the minimum, Judge %.2f%%", bar, 100*plan.AtMinimum, 100*atMin)
			}
		}
	}
}

func TestPlanSentence(t *testing.T) {
	plan := PlanFor(PassBar{TargetRate: 0.05, MinVisitors: 400})
	want := "If real demand is 1.5× your bar (7.5%), Litmus says \"validated\" within about 880 visitors 80% of the time; " +
		"at your minimum of 400 visitors it would only 31% of the time."
	if plan.Sentence != want {
		t.Errorf("sentence %q,\nwant     %q", plan.Sentence, want)
	}
}
