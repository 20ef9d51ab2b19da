package pages

import (
	"path/filepath"
	"testing"
)

func chaserExample(t *testing.T) *Page {
	t.Helper()
	pages, err := LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	return pages[0]
}

// TestDefinitionIsStable pins the canonical form and hash of a fixed page. If this fails,
// every running test would start a new phase on upgrade: change the encoding only on
// purpose. The page is written out here, not loaded from an example, so editing the
// examples' copy does not touch it; its text has HTML and non-ASCII characters to pin
// their escaping too.
func TestDefinitionIsStable(t *testing.T) {
	p := &Page{
		Slug: "chaser", Title: "not part of the definition",
		Variants: []Variant{
			{ID: "control", Weight: 3, Headline: "Get paid <on time> & sleep", Body: "Line one\n\n- “quoted” — dash", CTA: "Join"},
			{ID: "priced", Weight: 1, Headline: "Only $9", Subheadline: "A month", CTA: "Reserve", Price: "$9 / month"},
		},
		Fields:  []Field{{Name: "email", Kind: FieldEmail}},
		PassBar: PassBar{TargetRate: 0.025, MinVisitors: 800, MinDays: 14},
	}
	hash, canonical := p.Definition()
	got := hash + "\n" + string(canonical) + "\n"
	compareLoadGolden(t, filepath.Join("testdata", "definition", "chaser.golden"), []byte(got))
}

func TestDefinitionChangesOnlyWithTheExperiment(t *testing.T) {
	tests := []struct {
		name    string
		change  func(p *Page)
		newTest bool
	}{
		{"target rate", func(p *Page) { p.PassBar.TargetRate = 0.04 }, true},
		{"min visitors", func(p *Page) { p.PassBar.MinVisitors = 401 }, true},
		{"min days", func(p *Page) { p.PassBar.MinDays = 0 }, true},
		{"variant id", func(p *Page) { p.Variants[0].ID = "renamed" }, true},
		{"weight", func(p *Page) { p.Variants[1].Weight = 2 }, true},
		{"all weights scaled", func(p *Page) { p.Variants[0].Weight, p.Variants[1].Weight = 50, 50 }, true},
		{"headline", func(p *Page) { p.Variants[0].Headline += "!" }, true},
		{"subheadline", func(p *Page) { p.Variants[0].Subheadline = "" }, true},
		{"body", func(p *Page) { p.Variants[1].Body += "\n\nP.S." }, true},
		{"cta", func(p *Page) { p.Variants[0].CTA = "Sign me up" }, true},
		{"price", func(p *Page) { p.Variants[1].Price = "$19 / month" }, true},
		{"variant order", func(p *Page) { p.Variants[0], p.Variants[1] = p.Variants[1], p.Variants[0] }, true},
		{"variant removed", func(p *Page) { p.Variants = p.Variants[:1] }, true},

		{"title", func(p *Page) { p.Title = "Chaser" }, false},
		{"description", func(p *Page) { p.Description = "" }, false},
		{"slug", func(p *Page) { p.Slug = "chaser-2" }, false},
		{"images and colour", func(p *Page) { p.Logo, p.SocialImage, p.BrandColor = "/static/l.png", "/static/s.png", "#000" }, false},
		{"default", func(p *Page) { p.Default = false }, false},
		{"field label", func(p *Page) { p.Fields[1].Label = "Your name" }, false},
		{"field added", func(p *Page) { p.Fields = append(p.Fields, Field{Name: "x", Kind: FieldText}) }, false},
		{"thanks", func(p *Page) { p.Thanks.Body = "Thank you." }, false},
	}
	before, _ := chaserExample(t).Definition()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := chaserExample(t)
			tc.change(p)
			after, _ := p.Definition()
			if (after != before) != tc.newTest {
				t.Errorf("changing the %s: new test phase = %v, want %v", tc.name, after != before, tc.newTest)
			}
		})
	}
}
