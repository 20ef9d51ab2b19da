package pages

import (
	"slices"
	"strings"
	"testing"
)

func TestComparePhaseSaysWhyANewPhaseStarts(t *testing.T) {
	load := func() *Page {
		ps, err := LoadExamples()
		if err != nil {
			t.Fatal(err)
		}
		return ps[0]
	}
	base := load()
	second := base.Variants[1].ID
	cases := []struct {
		name   string
		edit   func(p *Page)
		newPh  bool
		reason string
	}{
		{"title only", func(p *Page) { p.Title = "Another title" }, false, ""},
		{"thank-you only", func(p *Page) { p.Thanks.Headline = "Thanks!" }, false, ""},
		{"fields only", func(p *Page) { p.Fields = p.Fields[:1] }, false, ""},
		{"headline", func(p *Page) { p.Variants[1].Headline = "New" }, true, "the headline of variant " + second + " changed"},
		{"weight", func(p *Page) { p.Variants[0].Weight = 3 }, true, "the weight of variant " + base.Variants[0].ID + " changed from 1 to 3"},
		{"bar", func(p *Page) { p.PassBar.TargetRate = 0.1 }, true, "the pass bar's target changed from 5% to 10%"},
		{"added", func(p *Page) {
			v := p.Variants[0]
			v.ID = "extra"
			p.Variants = append(p.Variants, v)
		}, true, "variant extra was added"},
		{"removed", func(p *Page) { p.Variants = p.Variants[:1] }, true, "variant " + second + " was removed"},
		{"order", func(p *Page) { p.Variants[0], p.Variants[1] = p.Variants[1], p.Variants[0] }, true, "order changed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := load()
			c.edit(p)
			got := ComparePhase(base, p)
			oldHash, _ := base.Definition()
			newHash, _ := p.Definition()
			if got.NewPhase != (oldHash != newHash) || got.NewPhase != c.newPh {
				t.Fatalf("NewPhase = %v, hashes differ %v, want %v", got.NewPhase, oldHash != newHash, c.newPh)
			}
			if c.reason == "" && len(got.Reasons) > 0 {
				t.Errorf("reasons %q for a change that keeps the phase", got.Reasons)
			}
			if c.reason != "" && !slices.ContainsFunc(got.Reasons, func(r string) bool { return strings.Contains(r, c.reason) }) {
				t.Errorf("reasons %q, want one containing %q", got.Reasons, c.reason)
			}
		})
	}
}
