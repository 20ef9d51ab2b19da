package results

import (
	"sync"

	"github.com/litmuslabs/litmus/internal/stats"
)

// The plan depends only on the pass bar, and at a low bar it takes tens of milliseconds,
// so each bar's plan is computed once and kept (at most maxPlans bars: page files name a
// handful; the map is emptied if a test suite or a reload loop ever makes more).
const maxPlans = 256

var (
	plansMu sync.Mutex
	plans   = map[stats.PassBar]stats.Plan{}
)

// planFor is stats.PlanFor, remembered per bar.
func planFor(bar stats.PassBar) stats.Plan {
	plansMu.Lock()
	p, ok := plans[bar]
	plansMu.Unlock()
	if ok {
		return p
	}
	p = stats.PlanFor(bar)
	plansMu.Lock()
	if len(plans) >= maxPlans {
		clear(plans)
	}
	plans[bar] = p
	plansMu.Unlock()
	return p
}
