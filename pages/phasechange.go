package pages

import (
	"fmt"
	"slices"
)

// PhaseChange says whether replacing page old by page new starts a new test phase, and why,
// in words a founder reads before saving: "the headline of variant priced changed".
//
// It compares exactly what Definition hashes (the pass bar, and each variant's id, weight and
// pitch, in order), so NewPhase is true exactly when the two hashes differ. Whether the new
// phase really starts also depends on the current phase having visitors (store.EnsurePhase
// reuses an empty phase); callers say so separately.
type PhaseChange struct {
	NewPhase bool
	Reasons  []string // empty when NewPhase is false
}

// ComparePhase compares the experiment definitions of old and new (see PhaseChange).
func ComparePhase(old, new *Page) PhaseChange {
	oldHash, _ := old.Definition()
	newHash, _ := new.Definition()
	var why []string
	add := func(format string, args ...any) { why = append(why, fmt.Sprintf(format, args...)) }

	if old.PassBar.TargetRate != new.PassBar.TargetRate {
		add("the pass bar's target changed from %g%% to %g%%", old.PassBar.TargetRate*100, new.PassBar.TargetRate*100)
	}
	if old.PassBar.MinVisitors != new.PassBar.MinVisitors {
		add("the pass bar's min_visitors changed from %d to %d", old.PassBar.MinVisitors, new.PassBar.MinVisitors)
	}
	if old.PassBar.MinDays != new.PassBar.MinDays {
		add("the pass bar's min_days changed from %d to %d", old.PassBar.MinDays, new.PassBar.MinDays)
	}
	ids := func(p *Page) []string {
		out := make([]string, len(p.Variants))
		for i, v := range p.Variants {
			out[i] = v.ID
		}
		return out
	}
	oldIDs, newIDs := ids(old), ids(new)
	for _, id := range newIDs {
		if !slices.Contains(oldIDs, id) {
			add("variant %s was added", id)
		}
	}
	for _, id := range oldIDs {
		if !slices.Contains(newIDs, id) {
			add("variant %s was removed", id)
		}
	}
	for _, nv := range new.Variants {
		ov := old.Variant(nv.ID)
		if ov == nil {
			continue
		}
		for _, f := range []struct{ name, a, b string }{
			{"headline", ov.Headline, nv.Headline}, {"subheadline", ov.Subheadline, nv.Subheadline},
			{"body", ov.Body, nv.Body}, {"call to action", ov.CTA, nv.CTA}, {"price", ov.Price, nv.Price},
		} {
			if f.a != f.b {
				add("the %s of variant %s changed", f.name, nv.ID)
			}
		}
		if ov.Weight != nv.Weight {
			add("the weight of variant %s changed from %d to %d", nv.ID, ov.Weight, nv.Weight)
		}
	}
	common := func(list, other []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(id string) bool { return !slices.Contains(other, id) })
	}
	if a, b := common(oldIDs, newIDs), common(newIDs, oldIDs); !slices.Equal(a, b) {
		add("the variants' order changed (the first one is the control)")
	}
	if oldHash != newHash && len(why) == 0 {
		add("the experiment definition changed") // not expected: every hashed field is compared above
	}
	return PhaseChange{NewPhase: oldHash != newHash, Reasons: why}
}
