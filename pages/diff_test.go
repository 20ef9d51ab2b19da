package pages

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// diffPage is a small page written out here, so the expected sentences do not follow the
// examples' copy.
func diffPage() *Page {
	return &Page{
		Slug: "chaser", Title: "Chaser",
		Variants: []Variant{
			{ID: "plain", Weight: 1, Headline: "Stop chasing invoices", Body: "Short body.", CTA: "Join"},
			{ID: "tired", Weight: 1, Headline: "Tired of late payers?", CTA: "Join", Price: "$9 / month"},
		},
		Fields:  []Field{{Name: "email", Kind: FieldEmail, Label: "Email", Required: true}},
		Thanks:  Thanks{Headline: "Thanks"},
		PassBar: PassBar{TargetRate: 0.05, MinVisitors: 400},
	}
}

// TestDiffPagesSaysWhatChanged pins the sentence for every kind of change, and whether the
// change starts a new phase, since the admin, the log and the page editor all show them.
func TestDiffPagesSaysWhatChanged(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Page)
		want   []Change
	}{
		{"nothing", func(p *Page) {}, nil},
		{"pass bar", func(p *Page) { p.PassBar.TargetRate, p.PassBar.MinVisitors, p.PassBar.MinDays = 0.025, 800, 7 }, []Change{
			{Kind: ChangePassBar, Text: "pass bar: target 5% → 2.5%, min_visitors 400 → 800, min_days 0 → 7", NewPhase: true}}},
		{"commitments", func(p *Page) { p.PassBar.IfValidated = "build the invoice importer" }, []Change{
			{Kind: ChangeCommitment, Text: `promise if validated: (none) → "build the invoice importer"`, NewPhase: true}}},
		{"weight", func(p *Page) { p.Variants[1].Weight = 3 }, []Change{
			{Kind: ChangeWeight, Variant: "tired", Text: `weight of "tired" 1 → 3`, NewPhase: true}}},
		{"variant added", func(p *Page) {
			p.Variants = append(p.Variants, Variant{ID: "priced", Weight: 1, Headline: "Only €9", CTA: "Reserve"})
		}, []Change{{Kind: ChangeVariantAdded, Variant: "priced", Text: `variant "priced" added: "Only €9"`, NewPhase: true}}},
		{"variant removed", func(p *Page) { p.Variants = p.Variants[:1] }, []Change{
			{Kind: ChangeVariantRemoved, Variant: "tired", Text: `variant "tired" removed (headline was "Tired of late payers?")`, NewPhase: true}}},
		{"variant re-worded", func(p *Page) {
			p.Variants[1].Headline, p.Variants[1].Body, p.Variants[1].Price = "Get paid on time", "New words here.", ""
		}, []Change{{Kind: ChangeVariantReworded, Variant: "tired",
			Text: `variant "tired" re-worded: headline "Tired of late payers?" → "Get paid on time"; body re-written (0 → 15 characters); price "$9 / month" → (none)`, NewPhase: true}}},
		{"order", func(p *Page) { p.Variants[0], p.Variants[1] = p.Variants[1], p.Variants[0] }, []Change{
			{Kind: ChangeVariantOrder, Text: "variant order plain, tired → tired, plain (the first is the control)", NewPhase: true}}},
		{"title", func(p *Page) { p.Title = "Chaser — paid on time" }, []Change{
			{Kind: ChangeTitle, Text: `title "Chaser" → "Chaser — paid on time"`}}},
		{"fields", func(p *Page) {
			p.Fields[0].Label = "Work email"
			p.Fields = append(p.Fields, Field{Name: "company", Kind: FieldText, Label: "Company"})
		}, []Change{{Kind: ChangeFields, Text: `form fields: "company" added; "email" changed`}}},
		{"thank-you", func(p *Page) { p.Thanks.Body = "We'll write soon." }, []Change{
			{Kind: ChangeThanks, Text: "thank-you page changed"}}},
		{"look", func(p *Page) { p.BrandColor = "#000000" }, []Change{{Kind: ChangeLook, Text: "brand_color changed"}}},
		{"counts", func(p *Page) { p.DoubleOptIn, p.PassBar.Counts = true, CountsConfirmed }, []Change{
			{Kind: ChangePassBar, Text: "pass bar: counts signups → confirmed", NewPhase: true},
			{Kind: ChangeSignals, Text: "double_opt_in changed"}}},
		{"signals", func(p *Page) {
			p.Referrals = true
			p.Questions = []Question{{Name: "pay", Kind: QuestionChoice, Label: "Would you pay?", Options: []string{"yes", "no"}}}
		}, []Change{{Kind: ChangeSignals, Text: "referrals, questions changed"}}},
		{"confirmation copy without double opt-in", func(p *Page) { p.Confirmation.Subject = "Confirm" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := diffPage(), diffPage()
			tt.change(cur)
			got := DiffPages(old, cur)
			if !slices.Equal(got, tt.want) {
				t.Errorf("DiffPages:\n got %#v\nwant %#v", got, tt.want)
			}
			// The definition's hash and the diff agree on whether a new phase starts.
			oldHash, _ := old.Definition()
			curHash, _ := cur.Definition()
			if StartsNewPhase(got) != (oldHash != curHash) {
				t.Errorf("StartsNewPhase = %v, but the hashes differ = %v", StartsNewPhase(got), oldHash != curHash)
			}
		})
	}
}

// TestDiffDefinitionsReadsStoredDefinitions: a phase's stored JSON parses back to the same
// definition, so an old phase can be diffed and reopened with its words.
func TestDiffDefinitionsReadsStoredDefinitions(t *testing.T) {
	p := diffPage()
	p.PassBar.IfInvalidated = "try agencies instead"
	_, canonical := p.Definition()
	def, err := ParseDefinition(canonical)
	if err != nil {
		t.Fatal(err)
	}
	if got := DiffDefinitions(def, p.ExperimentDefinition()); got != nil {
		t.Errorf("a parsed definition differs from its page: %v", got)
	}
	if def.PassBar.IfInvalidated != "try agencies instead" || def.Variant("tired").Price != "$9 / month" {
		t.Errorf("parsed definition lost words: %+v", def)
	}
}

// TestCommitmentsKeepOldHashes: a page without if_validated/if_invalidated hashes as before
// they existed, so upgrading does not start a new phase of every running test.
func TestCommitmentsKeepOldHashes(t *testing.T) {
	_, canonical := diffPage().Definition()
	if want := `{"pass_bar":{"target_rate":0.05,"min_visitors":400,"min_days":0},`; string(canonical[:len(want)]) != want {
		t.Errorf("canonical = %s, want it to start %s", canonical, want)
	}
}

// TestCommitmentsAreReadFromThePassBar: if_validated and if_invalidated are read, bounded,
// and a near miss is pointed at the right key.
func TestCommitmentsAreReadFromThePassBar(t *testing.T) {
	withBar := func(extra string) fstest.MapFS {
		src := strings.Replace(minimalPage, "SLUG", "idea", 1)
		src = strings.Replace(src, "min_visitors = 400\n", "min_visitors = 400\n"+extra, 1)
		return fstest.MapFS{"idea.toml": &fstest.MapFile{Data: []byte(src)}}
	}
	p := mustLoad(t, withBar("if_validated = \"build the invoice importer\"\nif_invalidated = \"try agencies instead\"\n"), ".")[0]
	if p.PassBar.IfValidated != "build the invoice importer" || p.PassBar.IfInvalidated != "try agencies instead" {
		t.Errorf("pass bar = %+v", p.PassBar)
	}
	for _, tc := range []struct{ extra, want string }{
		{`if_validated = "` + strings.Repeat("x", 201) + `"`, "if_validated"},
		{`if_valid = "build it"`, "if_validated"},
		{`if_validated = 3`, "if_validated"},
	} {
		_, err := LoadDir(withBar(tc.extra+"\n"), ".")
		if err == nil || !strings.Contains(err.Error(), "idea.toml:") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a file:line error naming %s", tc.extra, err, tc.want)
		}
	}
}
