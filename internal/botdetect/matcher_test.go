package botdetect

import (
	"encoding/json"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"testing"
)

// slowRules is every merged rule with its regexp compiled: the obvious, slow matcher the
// fast one must agree with.
var slowRules = sync.OnceValue(func() []struct {
	re    *regexp.Regexp
	class Class
} {
	rules, err := loadRules(crawlerUserAgents, localPatterns)
	if err != nil {
		panic(err)
	}
	out := make([]struct {
		re    *regexp.Regexp
		class Class
	}, len(rules))
	for i, r := range rules {
		out[i].re, out[i].class = regexp.MustCompile(r.pattern), r.class
	}
	return out
})

func slowMatch(ua string) (best Class, ok bool) {
	for _, r := range slowRules() {
		if r.re.MatchString(ua) && (!ok || r.class.rank() > best.rank()) {
			best, ok = r.class, true
		}
	}
	return best, ok
}

// TestLiteralsAreSound checks the pre-filter's one way to be wrong: a pattern whose
// regexp matches but none of whose literals the scan reports. (The other way cannot
// happen: a reported literal is always confirmed.) Each pattern is tried on its upstream
// examples, as written and in upper and lower case. FuzzClassify compares the whole
// matcher with trying every regexp on arbitrary input.
func TestLiteralsAreSound(t *testing.T) {
	rules, err := loadRules(crawlerUserAgents, localPatterns)
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string][]string{}
	for _, e := range upstreamExamples(t) {
		examples[e.Pattern] = append(examples[e.Pattern], e.Instances...)
	}
	checked := 0
	for i, r := range rules { // known.patterns[i] is rules[i]
		re := regexp.MustCompile(r.pattern)
		for _, ex := range examples[r.pattern] {
			for _, ua := range []string{ex, strings.ToUpper(ex), strings.ToLower(ex)} {
				if !re.MatchString(ua) {
					continue
				}
				checked++
				reported := false
				known.ac.scan(ua, func(p, _ int) { reported = reported || p == i })
				if !reported && !slices.Contains(known.always, i) {
					t.Errorf("pattern %q matches %q but the scan never reports it", r.pattern, ua)
				}
			}
		}
	}
	if checked < 1500 {
		t.Errorf("only %d pattern/example pairs checked; expected thousands", checked)
	}
}

// TestEveryPatternHasALiteral keeps Classify cheap: a pattern without a required literal
// would have its regexp run on every page view.
func TestEveryPatternHasALiteral(t *testing.T) {
	for _, p := range known.always {
		t.Errorf("pattern %v has no literal every match must contain; it runs on every request", known.patterns[p])
	}
}

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string // nil: none
	}{
		{`Googlebot\/`, []string{"googlebot/"}},
		{`[wW]get`, []string{"wget"}},
		{`S[eE][mM]rushBot`, []string{"semrushbot"}},
		{`^curl`, []string{"curl"}},
		{`(^| )sentry\/`, []string{"sentry/"}},
		{`Ahrefs(Bot|SiteAudit)`, []string{"ahrefs"}},
		{`Automaton|Newsify Feed Fetcher`, []string{"automaton", "newsify feed fetcher"}},
		{`BlogTraffic\/\d\.\d+ Feed-Fetcher`, []string{" feed-fetcher"}},
		{`Current[\s\S]*RSS Reader`, []string{"rss reader"}},
		{`AdsBot-Google([^-]|$)`, []string{"adsbot-google"}},
		{`(?i)slurp`, []string{"slurp"}},
		{`x+yz`, []string{"yz"}},
		{`.*`, nil},
		{`[a-z]+`, nil},
		{`a|.*`, nil},
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := requiredLiterals(re.Simplify())
		if tt.want == nil {
			if ok {
				t.Errorf("requiredLiterals(%q) = %q, want none", tt.pattern, got)
			}
			continue
		}
		if !ok || !slices.Equal(got, tt.want) {
			t.Errorf("requiredLiterals(%q) = %q, %v; want %q", tt.pattern, got, ok, tt.want)
		}
	}
}

func TestAutomatonFindsOverlappingLiterals(t *testing.T) {
	a, err := buildAutomaton([]literal{{"he", 0}, {"she", 1}, {"his", 2}, {"hers", 3}})
	if err != nil {
		t.Fatal(err)
	}
	type hit struct{ pattern, end int }
	var got []hit
	a.scan("uSHErs", func(p, end int) { got = append(got, hit{p, end}) })
	want := []hit{{1, 3}, {0, 3}, {3, 5}}
	if !slices.Equal(got, want) {
		t.Fatalf("scan hits = %v, want %v (she and he ending at 3, hers at 5)", got, want)
	}
}

func TestLocalPatternsFileIsChecked(t *testing.T) {
	tests := []struct {
		name, local, wantErr string
	}{
		{"missing reason", "crawler\tFooBot\t\n", "local_patterns.txt:1: want three tab-separated fields"},
		{"spaces instead of tabs", "crawler FooBot because\n", "local_patterns.txt:1: want three"},
		{"unknown class", "# c\nrobot\tFooBot\tbecause\n", `local_patterns.txt:2: unknown class "robot"`},
		{"human is not a pattern class", "human\tFooBot\tbecause\n", `unknown class "human"`},
		{"drop of a pattern upstream no longer has", "drop\tNoSuchBot\tbecause\n", `drop "NoSuchBot": no such upstream pattern`},
		{"invalid regexp", "crawler\tFoo(Bot\tbecause\n", "missing closing )"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := loadRules(crawlerUserAgents, tt.local)
			if err == nil {
				_, err = newMatcher(rules)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLocalPatternsOverrideUpstream(t *testing.T) {
	rules, err := loadRules(crawlerUserAgents, "drop\tViber\tx\nhttp_client\tGooglebot\\/\tx\ncrawler\tZZTopBot\tx\n")
	if err != nil {
		t.Fatal(err)
	}
	classOf := func(pattern string) Class {
		for _, r := range rules {
			if r.pattern == pattern {
				return r.class
			}
		}
		return ""
	}
	if got := classOf("Viber"); got != "" {
		t.Errorf("dropped pattern Viber still present as %s", got)
	}
	if got := classOf(`Googlebot\/`); got != HTTPClient {
		t.Errorf("re-classed Googlebot/ = %s, want http_client", got)
	}
	if got := classOf("ZZTopBot"); got != Crawler {
		t.Errorf("added ZZTopBot = %q, want crawler", got)
	}
}

func TestClassForTags(t *testing.T) {
	tests := []struct {
		tags []string
		want Class
	}{
		{[]string{"search-engine"}, Crawler},
		{[]string{"social-preview"}, LinkPreview},
		{[]string{"ai-crawler", "social-preview"}, Crawler},
		{[]string{"http-library"}, HTTPClient},
		{[]string{"browser-automation", "ai-crawler"}, Headless},
		{nil, Crawler},
	}
	for _, tt := range tests {
		if got := classForTags(tt.tags); got != tt.want {
			t.Errorf("classForTags(%q) = %s, want %s", tt.tags, got, tt.want)
		}
	}
}

type upstreamExample struct {
	Pattern   string   `json:"pattern"`
	Instances []string `json:"instances"`
}

func upstreamExamples(t testing.TB) []upstreamExample {
	t.Helper()
	var entries []upstreamExample
	if err := json.Unmarshal(crawlerUserAgents, &entries); err != nil {
		t.Fatal(err)
	}
	return entries
}

func droppedPatterns(t testing.TB) map[string]bool {
	t.Helper()
	dropped := map[string]bool{}
	for line := range strings.Lines(localPatterns) {
		if fields := strings.Split(line, "\t"); fields[0] == "drop" {
			dropped[fields[1]] = true
		}
	}
	return dropped
}
