package botdetect

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

type userAgentCase struct {
	line  int
	class Class
	ua    string
}

// readUserAgents reads testdata/user_agents.tsv: class<TAB>user agent, # comments.
func readUserAgents(t testing.TB) []userAgentCase {
	t.Helper()
	f, err := os.Open("testdata/user_agents.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []userAgentCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		class, ua, ok := strings.Cut(line, "\t")
		if !ok || !slices.Contains(Classes(), Class(class)) {
			t.Fatalf("user_agents.tsv:%d: want a known class, a TAB and the user agent, got %q", n, line)
		}
		cases = append(cases, userAgentCase{line: n, class: Class(class), ua: ua})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestClassifyRealUserAgents is the contract: every real user agent in the file gets its
// class. A wrong "human" inflates the visitor count; a wrong robot class silently drops a
// real person from the results, which is worse, so most lines are people.
func TestClassifyRealUserAgents(t *testing.T) {
	cases := readUserAgents(t)
	perClass := map[Class]int{}
	for _, c := range cases {
		perClass[c.class]++
		if got := Classify(c.ua); got != c.class {
			t.Errorf("user_agents.tsv:%d: Classify(%q) = %s, want %s", c.line, c.ua, got, c.class)
		}
	}
	if len(cases) < 150 {
		t.Errorf("only %d user agents in testdata/user_agents.tsv; keep at least 150", len(cases))
	}
	for _, class := range Classes() {
		if perClass[class] == 0 {
			t.Errorf("no user agent of class %s in testdata/user_agents.tsv", class)
		}
	}
}

// TestUpstreamExamplesAreRobots runs every example user agent shipped in
// crawler-user-agents.json: all must be classified as something other than Human, except
// those of entries we dropped on purpose.
func TestUpstreamExamplesAreRobots(t *testing.T) {
	entries := upstreamExamples(t)
	dropped := droppedPatterns(t)
	checked := 0
	for _, e := range entries {
		if dropped[e.Pattern] {
			continue
		}
		for _, ua := range e.Instances {
			checked++
			if got := Classify(ua); got == Human {
				t.Errorf("upstream example for %q classified as human: %q", e.Pattern, ua)
			}
		}
	}
	if checked < 1000 {
		t.Errorf("checked only %d upstream examples; the file has thousands", checked)
	}
}

func TestClassifyEdges(t *testing.T) {
	chrome := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	tests := []struct {
		name string
		ua   string
		want Class
	}{
		{"surrounding spaces do not matter", "  " + chrome + "  ", Human},
		{"only spaces is empty", " \t ", Empty},
		{"short unknown string is empty", "abc", Empty},
		{"short known tool is still the tool", "curl/8", HTTPClient},
		{"control character in a browser-looking string", strings.Replace(chrome, " ", "\x01", 1), Suspicious},
		{"absurdly long, even if it names a crawler", "Googlebot/2.1 " + strings.Repeat("a", 2000), Suspicious},
		{"browser-looking but padded past the limit", chrome + strings.Repeat(" x", 600), Suspicious},
		{"patterns are case-sensitive like upstream: googlebot/ is not Googlebot/", "Mozilla/5.0 (X11; Linux) googlebot/2.1", Human},
		{"link preview outranks the library it uses", "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", LinkPreview},
		{"a named crawler outranks its library", "Mozilla/5.0 (compatible; AhrefsBot/7.0) python-requests/2.32.3", Crawler},
		{"a driven browser outranks a library", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/120.0.0.0 okhttp/4.12.0", Headless},
		{"app name anchored: Viber in-app browser is a person", "Mozilla/5.0 (Linux; Android 13; SM-A515F; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.0.0 Mobile Safari/537.36 Viber/21.6.0.3", Human},
		{"invalid UTF-8 in a browser user agent is not a reason to drop it", chrome + " \xff", Human},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.ua); got != tt.want {
				t.Errorf("Classify(%q) = %s, want %s", tt.ua, got, tt.want)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	// A few seeds of each kind; testdata/fuzz/FuzzClassify holds more. Not the whole
	// user_agents.tsv: trying every regexp per seed is slow under -race.
	for _, ua := range []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/472.0.0.42.109]",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
		"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
		"BlogTraffic/1.42 Feed-Fetcher",
		"AdsBot-Google-Mobile",
		"curl/8.5.0",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36",
		"",
		"MyCustomScraper/1.0",
	} {
		f.Add(ua)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		got := Classify(ua)
		if !slices.Contains(Classes(), got) {
			t.Fatalf("Classify(%q) = %q, not a known class", ua, got)
		}
		// The fast matcher must agree with the plain one: every pattern's regexp in turn.
		trimmed := strings.TrimSpace(ua)
		if trimmed == "" || len(trimmed) > maxUserAgent {
			return
		}
		fast, fastOK := known.match(trimmed)
		slow, slowOK := slowMatch(trimmed)
		if fast != slow || fastOK != slowOK {
			t.Fatalf("matcher(%q) = %q %v, but trying every regexp gives %q %v", trimmed, fast, fastOK, slow, slowOK)
		}
	})
}

// BenchmarkClassify measures the cost per page view. On the 2-core CI machine (Go 1.26):
// see the numbers in the package documentation.
func BenchmarkClassify(b *testing.B) {
	for _, bc := range []struct{ name, ua string }{
		{"chrome_desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"},
		{"instagram_android", "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.134 Mobile Safari/537.36 Instagram 339.0.0.40.103 Android (34/14; 450dpi; 1080x2340; samsung; SM-A546B; a54x; s5e8835; en_GB; 623478390)"},
		{"googlebot_smartphone", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"curl", "curl/8.5.0"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Classify(bc.ua)
			}
		})
	}
}
