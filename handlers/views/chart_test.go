package views

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/results"
)

func TestNiceAxis(t *testing.T) {
	cases := []struct{ peak, top, step int64 }{
		{0, 4, 1}, {3, 4, 1}, {5, 5, 1}, {7, 8, 2}, {9, 10, 2}, {41, 50, 10}, {44, 50, 10}, {61, 80, 20},
		{101, 200, 50}, {999, 1000, 200}, {12345, 20000, 5000},
	}
	for _, tc := range cases {
		if top, step := niceAxis(tc.peak); top != tc.top || step != tc.step {
			t.Errorf("niceAxis(%d) = %d by %d, want %d by %d", tc.peak, top, step, tc.top, tc.step)
		}
	}
}

func days(values ...[2]int64) []results.Day {
	var out []results.Day
	for i, v := range values {
		out = append(out, results.Day{Date: "2026-03-0" + string(rune('2'+i)), Variants: []results.DayVariant{
			{ID: "a", Visitors: v[0]}, {ID: "b", Visitors: v[1]},
		}})
	}
	return out
}

func visitors(d results.DayVariant) int64 { return d.Visitors }

func TestChartDrawsEachVariantAndDashesToday(t *testing.T) {
	c := NewChart("c", "Visitors per day", "visitors", days([2]int64{10, 12}, [2]int64{20, 18}, [2]int64{3, 1}), "2026-03-04", visitors)
	if len(c.Series) != 2 || c.Series[0].Class != "v0" || c.Series[1].Class != "v1" {
		t.Fatalf("series %+v", c.Series)
	}
	a := c.Series[0]
	// x from left to right edge; y of 20 (the peak) on a 0–20 axis is the top.
	if a.Points != "44.0,100.0 296.0,12.0" || a.Partial != "296.0,12.0 548.0,161.6" {
		t.Errorf("points %q partial %q", a.Points, a.Partial)
	}
	if last := c.XTicks[len(c.XTicks)-1]; last.Label != "today" {
		t.Errorf("last label %q, want today", last.Label)
	}
	if c.YTicks[len(c.YTicks)-1].Label != "20" || len(c.YTicks) != 5 {
		t.Errorf("y ticks %+v", c.YTicks)
	}
	if !strings.Contains(c.Description, "to today (so far). Totals: a 33, b 31.") {
		t.Errorf("description %q", c.Description)
	}
	if len(c.Rows) != 3 || c.Rows[1].Values[1] != 18 {
		t.Errorf("table rows %+v", c.Rows)
	}
}

func TestChartOfOneDayIsADot(t *testing.T) {
	c := NewChart("c", "Signups per day", "signups", days([2]int64{1, 2}), "2026-03-02", visitors)
	if c.Today || c.Series[0].Partial != "" || !c.Dots || len(c.Series[0].Dots) != 1 || c.Series[0].Dots[0].X != 296 {
		t.Errorf("one day: %+v", c)
	}
	if c.Series[1].Dots[0].Label != "2 Mar, b: 2 signups" {
		t.Errorf("dot label %q", c.Series[1].Dots[0].Label)
	}
	empty := NewChart("c", "Signups per day", "signups", nil, "2026-03-02", visitors)
	if len(empty.Series) != 0 || empty.Description != "No visitors yet." {
		t.Errorf("no days: %+v", empty)
	}
}

func TestEveryTemplateRenders(t *testing.T) {
	for _, name := range []string{"index.html", "page.html", "notice.html"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("no template %s", name)
		}
	}
	var b strings.Builder
	if err := Render(&b, "notice.html", Notice{Layout: Layout{Title: "t", CSRF: "tok"}, Heading: "<h>", Message: "m", Details: []string{"a.toml:1: <bad>"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "&lt;bad&gt;") || strings.Contains(b.String(), "<bad>") {
		t.Error("notice details are not escaped")
	}
}

// TestUnrenderedKnowsThePageTemplates: the check counts every page template and none of the
// files that only define parts (layout.html), and forgets a template once it is rendered.
func TestUnrenderedKnowsThePageTemplates(t *testing.T) {
	var pagesFound []string
	for _, tm := range tmpl.Templates() {
		if strings.HasSuffix(tm.Name(), ".html") && hasContent(tm.Tree) {
			pagesFound = append(pagesFound, tm.Name())
		}
	}
	slices.Sort(pagesFound)
	if got, want := strings.Join(pagesFound, " "), "edit.html history.html index.html notice.html page.html"; got != want {
		t.Errorf("page templates = %q, want %q", got, want)
	}
	if err := Render(io.Discard, "notice.html", Notice{Layout: Layout{Title: "t"}, Heading: "h"}); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(Unrendered(), "notice.html") {
		t.Errorf("notice.html is still unrendered after Render: %v", Unrendered())
	}
}
