package pages

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

func domainPage(slug, extra string) string {
	return `slug = "` + slug + `"
title = "Idea"
` + extra + `
[pass_bar]
target = "5%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Headline"
cta = "Join"
`
}

func loadMap(t *testing.T, files map[string]string) ([]*Page, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return LoadDir(fsys, ".")
}

func TestDomainsAreReadAsBrowsersSendThem(t *testing.T) {
	ps, err := loadMap(t, map[string]string{
		"a.toml": domainPage("a", `domains = ["ShiftMeals.App.", "www.shiftmeals.app", "bücher.example"]`),
		"b.toml": domainPage("b", ""),
	})
	if err != nil {
		t.Fatal(err)
	}
	var a, b *Page
	for _, p := range ps {
		if p.Slug == "a" {
			a = p
		} else {
			b = p
		}
	}
	if got := strings.Join(a.Domains, " "); got != "shiftmeals.app www.shiftmeals.app xn--bcher-kva.example" {
		t.Fatalf("domains = %s", got)
	}
	// The only page without domains is the main site's default, with no default = true.
	if !b.Default || a.Default {
		t.Fatalf("default: a=%v b=%v, want the page without domains", a.Default, b.Default)
	}
	u := URLsOf(a, "https://try.example.com")
	if u.Public != "https://shiftmeals.app/" || u.Action != "/signup" || u.Thanks != "/thanks" || u.Preview("x y") != "https://shiftmeals.app/?variant=x+y" {
		t.Fatalf("URLs = %+v", u)
	}
	if u := URLsOf(b, "https://try.example.com/"); u.Public != "https://try.example.com/" || u.Action != "/b/signup" || u.Preview("a") != "/b?variant=a" {
		t.Fatalf("URLs = %+v", u)
	}
}

func TestDomainMistakesAreCheckErrorsWithTheirLine(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"listed by two pages", map[string]string{
			"a.toml": domainPage("a", `domains = ["shiftmeals.app"]`),
			"b.toml": domainPage("b", "domains = [\n  \"chaser.io\",\n  \"shiftmeals.app\",\n]"),
		}, []string{`b.toml:5: domain "shiftmeals.app" is already used by a.toml:3; each host name serves one page`}},
		{"listed twice in one page", map[string]string{
			"a.toml": domainPage("a", `domains = ["shiftmeals.app", "SHIFTMEALS.app"]`),
		}, []string{`a.toml:3: domain "shiftmeals.app" is listed twice (first on line 3)`}},
		{"a URL", map[string]string{"a.toml": domainPage("a", `domains = ["https://shiftmeals.app/"]`)},
			[]string{`a.toml:3: domains item 1 ("https://shiftmeals.app/") is an address, not a host name: write the host only, like "shiftmeals.app"`}},
		{"a port", map[string]string{"a.toml": domainPage("a", `domains = ["shiftmeals.app:8080"]`)},
			[]string{`a.toml:3: domains item 1 ("shiftmeals.app:8080") has a port`}},
		{"an IP address", map[string]string{"a.toml": domainPage("a", `domains = ["203.0.113.9"]`)},
			[]string{`a.toml:3: domains item 1 ("203.0.113.9") is an IP address`}},
		{"no dot", map[string]string{"a.toml": domainPage("a", `domains = ["localhost"]`)},
			[]string{`a.toml:3: domains item 1 ("localhost") needs a dot`}},
		{"bad characters", map[string]string{"a.toml": domainPage("a", `domains = ["shift_meals.app"]`)},
			[]string{`a.toml:3: domains item 1 ("shift_meals.app") is not a valid host name`}},
		{"a hyphen at the edge", map[string]string{"a.toml": domainPage("a", `domains = ["-shift.app"]`)},
			[]string{`a.toml:3: domains item 1 ("-shift.app") is not a valid host name`}},
		{"numeric top level", map[string]string{"a.toml": domainPage("a", `domains = ["shift.123"]`)},
			[]string{`a.toml:3: domains item 1 ("shift.123") must end in letters`}},
		{"empty list", map[string]string{"a.toml": domainPage("a", `domains = []`)},
			[]string{`a.toml:3: domains is empty`}},
		{"not a list", map[string]string{"a.toml": domainPage("a", `domains = "shiftmeals.app"`)},
			[]string{`a.toml:3: domains must be a list of text in square brackets`}},
		{"default with domains", map[string]string{"a.toml": domainPage("a", "default = true\ndomains = [\"shiftmeals.app\"]")},
			[]string{`a.toml:3: default = true is for a page without domains`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadMap(t, c.files)
			if err == nil {
				t.Fatal("loaded without an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("errors:\n%v\nwant a line containing\n%s", err, w)
				}
			}
		})
	}
}

func TestDomainThatIsTheMainSiteIsACheckError(t *testing.T) {
	ps, err := loadMap(t, map[string]string{
		"a.toml": domainPage("a", "domains = [\n\"shiftmeals.app\",\n\"Try.Example.com\"]"),
	})
	if err != nil {
		t.Fatal(err)
	}
	errs := CheckBaseURL(ps, "https://try.example.com")
	want := `a.toml:5: domain "try.example.com" is the main site's host (LITMUS_BASE_URL=https://try.example.com)`
	if len(errs) != 1 || !strings.Contains(errs.Error(), want) {
		t.Fatalf("errors = %v, want %s", errs, want)
	}
	if errs := CheckBaseURL(ps, "https://other.example.com"); errs != nil {
		t.Fatalf("no collision, errors = %v", errs)
	}
}

// The second-language example in docs/examples loads, in German, on its own domain.
func TestSecondLanguageExample(t *testing.T) {
	ps, err := LoadDir(os.DirFS("../docs/examples"), ".")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ps, func(p *Page) bool { return p.Slug == "mahnfuchs" })
	if i < 0 {
		t.Fatalf("docs/examples has no page mahnfuchs")
	}
	p := ps[i]
	if p.Lang != "de" || p.Fields[0].Label != "Ihre E-Mail-Adresse" || p.Thanks.Headline != "Sie stehen auf der Liste" ||
		URLsOf(p, "").Public != "https://mahnfuchs.de/" || p.Msg().Text("form.optional") != "(freiwillig)" {
		t.Errorf("example: lang %s, email label %q, thanks %q, address %s", p.Lang, p.Fields[0].Label, p.Thanks.Headline, URLsOf(p, "").Public)
	}
}
