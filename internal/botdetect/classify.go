package botdetect

import (
	"fmt"
	"strings"
	"sync"
)

const (
	// maxUserAgent: browsers send 60 to 400 bytes; in-app browsers the most. Anything
	// past this is not a browser, and is not scanned.
	maxUserAgent = 1024
	// minUserAgent: the shortest browser user agent ("Opera/9.80 (...") is far longer;
	// shorter strings that name no known tool carry no information.
	minUserAgent = 10
)

// known is the merged pattern list, built once at start so a broken data file stops the
// program at boot rather than on a visitor's request.
var known = mustBuild()

func mustBuild() *matcher {
	rules, err := loadRules(crawlerUserAgents, localPatterns)
	if err == nil {
		var m *matcher
		if m, err = newMatcher(rules); err == nil {
			return m
		}
	}
	panic(fmt.Sprintf("botdetect: %v", err))
}

// Classify says what kind of client sent a request, from its User-Agent header. It is
// cheap enough to run on every page view (see BenchmarkClassify).
//
// Only Human is a visitor to count. A known robot wins over the shape checks, so
// "curl/8.5.0" is HTTPClient although it is short and not browser-shaped.
//
// Answers are remembered for the last few hundred distinct user agents: real traffic sends
// a handful of strings over and over, and a lookup is cheaper than the scan (about 1 µs of
// the 30 µs a returning view costs, bench/RESULTS.md). Anyone sending a new string each time
// only empties the cache, which then costs what no cache would.
func Classify(userAgent string) Class {
	if len(userAgent) > maxUserAgent {
		return classify(userAgent)
	}
	seen.Lock()
	c, ok := seen.classes[userAgent]
	seen.Unlock()
	if ok {
		return c
	}
	c = classify(userAgent)
	seen.Lock()
	if len(seen.classes) >= maxCached {
		clear(seen.classes)
	}
	seen.classes[strings.Clone(userAgent)] = c
	seen.Unlock()
	return c
}

// maxCached bounds the cache: at most this many user agents of at most maxUserAgent bytes.
const maxCached = 512

var seen = struct {
	sync.Mutex
	classes map[string]Class
}{classes: make(map[string]Class, maxCached)}

// classify is Classify without the cache; it never allocates.
func classify(userAgent string) Class {
	ua := strings.TrimSpace(userAgent)
	switch {
	case ua == "":
		return Empty
	case len(ua) > maxUserAgent:
		return Suspicious
	}
	if c, ok := known.match(ua); ok {
		return c
	}
	switch {
	case len(ua) < minUserAgent:
		return Empty
	case !browserShaped(ua):
		return Suspicious
	}
	return Human
}

// browserShaped reports the form every browser's user agent has had since the 2000s:
// "Mozilla/5.0 (platform...) ..." (or Presto Opera's "Opera/9.80 (...)", still sent by
// Opera Mini on feature phones), with no control characters.
func browserShaped(ua string) bool {
	if !strings.HasPrefix(ua, "Mozilla/") && !strings.HasPrefix(ua, "Opera/") {
		return false
	}
	if !strings.Contains(ua, "(") {
		return false
	}
	for i := 0; i < len(ua); i++ {
		if ua[i] < 0x20 || ua[i] == 0x7f {
			return false
		}
	}
	return true
}
