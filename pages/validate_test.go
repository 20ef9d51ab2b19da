package pages

import "testing"

func TestParsePercentAcceptsOnlyPercentages(t *testing.T) {
	tests := []struct {
		in      string
		rate    float64
		problem bool
	}{
		{in: "5%", rate: 0.05},
		{in: "5 %", rate: 0.05},
		{in: "2.5%", rate: 0.025},
		{in: "0.75%", rate: 0.0075},
		{in: "99.99%", rate: 0.9999},
		{in: "0.01%", rate: 0.0001},
		{in: "5", problem: true},
		{in: "0.05", problem: true},
		{in: "5%%", problem: true},
		{in: "-5%", problem: true},
		{in: "+5%", problem: true},
		{in: "0%", problem: true},
		{in: "0.00%", problem: true},
		{in: "100%", problem: true},
		{in: "1e1%", problem: true},
		{in: "1.234%", problem: true},
		{in: "5,5%", problem: true},
		{in: "", problem: true},
	}
	for _, tc := range tests {
		rate, problem := parsePercent(tc.in)
		if (problem != "") != tc.problem || rate != tc.rate {
			t.Errorf("parsePercent(%q) = %v, %q; want %v, problem %v", tc.in, rate, problem, tc.rate, tc.problem)
		}
	}
}

func TestCheckURLAllowsOnlyHTTPSAndStaticFiles(t *testing.T) {
	ok := []string{
		"https://example.com/card.png",
		"https://cdn.example.com:8443/a/b.png?v=2",
		"/static/logo.svg",
		"/static/img/card-1200x630.png",
	}
	bad := []string{
		"http://example.com/card.png",
		"HTTP://example.com/card.png",
		"javascript:alert(1)",
		"data:image/png;base64,AAAA",
		"//example.com/card.png",
		"card.png",
		"/static/",
		"/static/../page.go",
		"/static/a//b.png",
		"/static/a b.png",
		"/static/<script>",
		"https://",
		"https:///path",
		"https://user:pass@example.com/a.png",
		"https://example.com/a b.png",
		"https://example.com/\"onerror=\"x",
	}
	for _, u := range ok {
		if problem := checkURL(u); problem != "" {
			t.Errorf("checkURL(%q) = %q, want it accepted", u, problem)
		}
	}
	for _, u := range bad {
		if checkURL(u) == "" {
			t.Errorf("checkURL(%q) accepted it", u)
		}
	}
}

func TestSuggestKeyFindsWhatWasMeant(t *testing.T) {
	tests := []struct{ got, want string }{
		{"titel", "title"},
		{"Title", "title"},
		{"brand-color", "brand_color"},
		{"colour", "brand_color"},
		{"min_visitor", "min_visitors"},
		{"button", "cta"},
		{"ctaa", "cta"},
		{"flavour", ""},
		{"x", ""},
	}
	allowed := append(append(append([]string{}, pageKeys...), variantKeys...), passBarKeys...)
	synonyms := map[string]string{}
	for _, m := range []map[string]string{pageSynonyms, variantSynonyms, passBarSynonyms} {
		for k, v := range m {
			synonyms[k] = v
		}
	}
	for _, tc := range tests {
		if got := suggestKey(tc.got, allowed, synonyms); got != tc.want {
			t.Errorf("suggestKey(%q) = %q, want %q", tc.got, got, tc.want)
		}
	}
}

func TestCheckSlugSuggestsAFix(t *testing.T) {
	tests := []struct{ slug, want string }{
		{"chaser", ""},
		{"chaser-2", ""},
		{"-chaser", `can only use lowercase letters, digits and '-', starting and ending with a letter or digit (found "-chaser"); did you mean "chaser"?`},
		{"Late Invoices!", `can only use lowercase letters, digits and '-', starting and ending with a letter or digit (found "Late Invoices!"); did you mean "late-invoices"?`},
		{"健康", `can only use lowercase letters, digits and '-', starting and ending with a letter or digit (found "健康")`},
		{"healthz", `"healthz" is taken: the server uses /healthz itself; pick another slug`},
	}
	for _, tc := range tests {
		if got := checkSlug(tc.slug); got != tc.want {
			t.Errorf("checkSlug(%q) = %q\nwant %q", tc.slug, got, tc.want)
		}
	}
}

func TestReservedNamesAreShared(t *testing.T) {
	for _, name := range []string{"website", "_token", "_variant", "_"} {
		if !IsReservedFieldName(name) {
			t.Errorf("IsReservedFieldName(%q) = false", name)
		}
	}
	if IsReservedFieldName("web_site") || IsReservedFieldName("email") {
		t.Error("ordinary names must not be reserved")
	}
	list := ReservedSlugs()
	list[0] = "changed"
	if !IsReservedSlug("admin") {
		t.Error("changing the returned list must not change the checked one")
	}
}

func TestGroupDigits(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 1000000: "1,000,000"} {
		if got := groupDigits(in); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", in, got, want)
		}
	}
}
