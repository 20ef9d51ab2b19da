package botdetect

import (
	"fmt"
	"testing"
)

// TestCachedAnswersMatchTheScan: asked twice (the second answer from the cache), every user
// agent in the table gets the scan's own answer, and the cache never grows past maxCached.
func TestCachedAnswersMatchTheScan(t *testing.T) {
	for _, c := range readUserAgents(t) {
		for i := 0; i < 2; i++ {
			if got, want := Classify(c.ua), classify(c.ua); got != want {
				t.Errorf("Classify(%q) = %s on call %d, the scan says %s", c.ua, got, i+1, want)
			}
		}
	}
	for i := 0; i < 3*maxCached; i++ {
		Classify(fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64) Generated/%d", i))
	}
	seen.Lock()
	n := len(seen.classes)
	seen.Unlock()
	if n > maxCached {
		t.Errorf("the cache holds %d user agents, want at most %d", n, maxCached)
	}
}
