package botdetect

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// crawlerUserAgents is crawler-user-agents.json from github.com/monperrus/crawler-user-agents
// (MIT, see crawler-user-agents.LICENSE), copied unchanged so an update is a file copy.
//
//go:embed crawler-user-agents.json
var crawlerUserAgents []byte

// localPatterns holds our corrections to that list: patterns it lacks and entries we
// drop because they match people. Format and reasons are in the file.
//
//go:embed local_patterns.txt
var localPatterns string

// upstreamEntry is the part of a crawler-user-agents.json entry we use.
type upstreamEntry struct {
	Pattern string   `json:"pattern"`
	Tags    []string `json:"tags"`
}

// classForTags maps the upstream tags to a Class. An entry may carry several tags
// ("ai-crawler" and "social-preview" for meta-externalagent): a driven browser or a library
// says how it fetches, which is the more useful fact; "social-preview" alone is a link
// preview; everything else (search-engine, ai-crawler, seo, monitoring, scanner,
// advertising, feed-reader, archiver, academic) is a crawler.
func classForTags(tags []string) Class {
	switch {
	case slices.Contains(tags, "browser-automation"):
		return Headless
	case slices.Contains(tags, "http-library"):
		return HTTPClient
	case len(tags) == 1 && tags[0] == "social-preview":
		return LinkPreview
	}
	return Crawler
}

// loadRules merges the upstream list with the local corrections. A local line whose
// pattern equals an upstream pattern replaces that entry's class.
func loadRules(upstream []byte, local string) ([]rule, error) {
	var entries []upstreamEntry
	if err := json.Unmarshal(upstream, &entries); err != nil {
		return nil, fmt.Errorf("crawler-user-agents.json: %w", err)
	}
	index := make(map[string]int, len(entries))
	rules := make([]rule, 0, len(entries))
	for _, e := range entries {
		if _, dup := index[e.Pattern]; dup {
			continue
		}
		index[e.Pattern] = len(rules)
		rules = append(rules, rule{pattern: e.Pattern, class: classForTags(e.Tags)})
	}
	dropped := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(local))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) != 3 || fields[1] == "" || strings.TrimSpace(fields[2]) == "" {
			return nil, fmt.Errorf("local_patterns.txt:%d: want three tab-separated fields: class, pattern, reason", n)
		}
		class, pattern := fields[0], fields[1]
		i, upstream := index[pattern]
		switch {
		case class == "drop" && !upstream:
			return nil, fmt.Errorf("local_patterns.txt:%d: drop %q: no such upstream pattern (was it removed? then delete this line)", n, pattern)
		case class == "drop":
			dropped[pattern] = true
		case !slices.Contains(classes, Class(class)) || Class(class) == Human || Class(class) == Empty || Class(class) == Suspicious:
			return nil, fmt.Errorf("local_patterns.txt:%d: unknown class %q (want drop, link_preview, crawler, headless or http_client)", n, class)
		case upstream:
			rules[i].class = Class(class)
		default:
			index[pattern] = len(rules)
			rules = append(rules, rule{pattern: pattern, class: Class(class)})
		}
	}
	return slices.DeleteFunc(rules, func(r rule) bool { return dropped[r.pattern] }), nil
}
