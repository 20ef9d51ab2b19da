package stats

import (
	"fmt"
	"math"
	"testing"
)

// TestVisitorsToSettleFromScratchIsTheTextbookFormula: with no visitors seen, the answer is
// the continuity-corrected one-sample formula (Lachin 1981; Fleiss, Tytun & Ury 1980):
// N = N₀/4·(1 + sqrt(1 + 2/(N₀·|p−p0|)))², N₀ = ((z_.95·sqrt(p0q0) + z_.80·sqrt(pq))/(p−p0))²,
// worked out independently and written down here.
func TestVisitorsToSettleFromScratchIsTheTextbookFormula(t *testing.T) {
	cases := []struct {
		bar, rate float64
		want      int64
	}{
		{0.05, 0.025, 424}, // N₀ = 383.98, N = 423.04
		{0.05, 0.07, 871},  // N₀ = 821.47, N = 870.75
		{0.1, 0.08, 1352},  // N₀ = 1302.42, N = 1351.96
		{0.3, 0.35, 554},   // N₀ = 533.79, N = 553.61
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("bar %v, rate %v", c.bar, c.rate), func(t *testing.T) {
			if got, capped := visitorsToSettle(c.bar, c.rate, 0); got != c.want || capped {
				t.Errorf("visitorsToSettle = %d (capped %v), want %d", got, capped, c.want)
			}
		})
	}
}

func TestMoreVisitorsNeededFallbacks(t *testing.T) {
	t.Run("no visitors plans to tell the bar from half of it", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(0.05, Counts{}); got != 424 || capped {
			t.Errorf("got %d (capped %v), want 424", got, capped)
		}
	})
	t.Run("a rate exactly at the bar is capped", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(0.05, Counts{1000, 50}); got != MaxMoreVisitors || !capped {
			t.Errorf("got %d (capped %v), want %d capped", got, capped, MaxMoreVisitors)
		}
	})
	t.Run("a rate a hair from the bar is capped too", func(t *testing.T) {
		if got, capped := MoreVisitorsNeeded(0.05, Counts{100_000, 5_010}); got != MaxMoreVisitors || !capped {
			t.Errorf("got %d (capped %v), want %d capped", got, capped, MaxMoreVisitors)
		}
	})
	t.Run("no signups at all needs only a few more", func(t *testing.T) {
		got, capped := MoreVisitorsNeeded(0.05, Counts{20, 0})
		if capped || got < 1 || got > 100 {
			t.Errorf("0 of 20 against a 5%% bar: got %d more (capped %v), want a small number", got, capped)
		}
	})
}

// TestMoreVisitorsNeededCountsWhatIsAlreadyIn: the visitors already seen count toward the
// goal, so the same observed rate needs fewer more visitors the more have been seen, and
// never more than starting from scratch would.
func TestMoreVisitorsNeededCountsWhatIsAlreadyIn(t *testing.T) {
	fromScratch, _ := visitorsToSettle(0.05, 0.06, 0)
	previous := int64(math.MaxInt64)
	for _, n := range []int64{200, 500, 1000, 1500} {
		more, capped := MoreVisitorsNeeded(0.05, Counts{n, int64(0.06 * float64(n))})
		if capped || more >= previous || n+more > fromScratch+1 {
			t.Errorf("after %d visitors at 6%%: %d more (capped %v); previous %d, from scratch %d in all", n, more, capped, previous, fromScratch)
		}
		t.Logf("after %d visitors at 6%%: about %d more", n, more)
		previous = more
	}
}

// TestMoreVisitorsNeededIsHonestAboutPower: if the true rate is 7% against a 5% bar, the
// plan says 871 visitors. Over 2,000 simulated tests of 871 visitors (seed 3) the verdict
// was "validated" in 79.6% of them: the promised 80% power holds.
func TestMoreVisitorsNeededIsHonestAboutPower(t *testing.T) {
	const trueRate, trials = 0.07, 2000
	n, _ := visitorsToSettle(0.05, trueRate, 0)
	bar := PassBar{TargetRate: 0.05, MinVisitors: n}
	r := newRand(3)
	validated := 0
	for range trials {
		if Judge(bar, Counts{n, drawBinomial(r, n, trueRate)}, 0).Kind == Validated {
			validated++
		}
	}
	power := float64(validated) / trials
	t.Logf("%d visitors, true rate 7%%: validated in %.1f%% of %d tests", n, 100*power, trials)
	if power < 0.75 || power > 0.88 {
		t.Errorf("planned for 80%% power, measured %.1f%%", 100*power)
	}
}
