package pages

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/litmuslabs/litmus/internal/i18n"
)

// The examples are the format's tutorial and what a fresh install serves, so they must
// load cleanly and show what the tutorial promises.
func TestExamplesLoadAsDocumented(t *testing.T) {
	pages, err := LoadExamples()
	if err != nil {
		t.Fatalf("the bundled examples must load:\n%v", err)
	}
	if len(pages) != 2 {
		t.Fatalf("got %d example pages, want 2", len(pages))
	}
	chaser, taxpot := pages[0], pages[1]
	if chaser.Slug != "chaser" || !chaser.Default || taxpot.Slug != "taxpot" || taxpot.Default {
		t.Fatalf("want chaser (default) then taxpot, got %s (%v), %s (%v)", chaser.Slug, chaser.Default, taxpot.Slug, taxpot.Default)
	}
	if chaser.PassBar != (PassBar{TargetRate: 0.05, MinVisitors: 400, MinDays: 7}) {
		t.Errorf("chaser pass bar = %+v", chaser.PassBar)
	}
	if taxpot.PassBar != (PassBar{TargetRate: 0.04, MinVisitors: 500}) {
		t.Errorf("taxpot pass bar = %+v", taxpot.PassBar)
	}
	for _, p := range pages {
		if len(p.Variants) != 2 || p.Variants[0].Headline == p.Variants[1].Headline {
			t.Errorf("%s: want two variants with different pitches", p.Slug)
		}
		if p.Fields[0].Name != "email" || !p.Fields[0].Required {
			t.Errorf("%s: the email field must come first and be required", p.Slug)
		}
	}
	if chaser.Variants[1].Price != "$9 / month" {
		t.Errorf("chaser's second variant should show a price, got %q", chaser.Variants[1].Price)
	}
	var kinds []FieldKind
	for _, f := range chaser.Fields {
		kinds = append(kinds, f.Kind)
	}
	if want := []FieldKind{FieldEmail, FieldText, FieldSelect, FieldCheckbox}; !slices.Equal(kinds, want) {
		t.Errorf("chaser field kinds = %v, want %v", kinds, want)
	}
	if taxpot.Thanks.Body != i18n.MustFor("en").Text("thanks.body") {
		t.Errorf("taxpot has no [thanks], so it must show the default thank-you text")
	}
}

func TestExamplesFSHoldsThePageFiles(t *testing.T) {
	names, err := fs.Glob(Examples(), "*.toml")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"chaser.toml", "taxpot.toml"}; !slices.Equal(names, want) {
		t.Errorf("Examples() holds %v, want %v", names, want)
	}
	pages, err := LoadDir(Examples(), ".")
	if err != nil || len(pages) != 2 {
		t.Errorf("the copied examples must load on their own: %v", err)
	}
}
