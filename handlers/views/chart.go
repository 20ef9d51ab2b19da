package views

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
)

// Chart is a line chart of one daily number per variant, drawn by the server as SVG: no
// script, nothing fetched, readable by a screen reader (its title and description) and
// backed by a data table under it. Coordinates are in the SVG's own units (viewBox); CSS
// scales the whole drawing to its box.
type Chart struct {
	ID            string // unique in the page, for aria-labelledby
	Title         string
	Description   string // a one-sentence summary for screen readers
	Width, Height int
	Left, Right   int // the plot area, inside the axis labels
	Top, Bottom   int
	YTicks        []Tick
	XTicks        []Tick
	Series        []Series
	Dots          bool // few days: mark every point, a lone day is a dot rather than nothing
	// Today: the last day is today, so far. Its segment is dashed and labelled "today", so
	// a morning's handful of visitors does not read as traffic collapsing.
	Today   bool
	Rows    []ChartRow
	Columns []string // variant ids, for the table
}

// Tick is an axis label at a position.
type Tick struct {
	Pos   float64
	Label string
}

// Series is one variant's line.
type Series struct {
	ID      string
	Class   string // v0, v1, ...: the colour, from admin.css
	Points  string // "x,y x,y ..." for <polyline points>: the complete days
	Partial string // the segment into today, dashed; "" when the last day is complete
	Dots    []Point
}

// Point is a point of a series, and the value it shows (for its tooltip).
type Point struct {
	X, Y  float64
	Label string
}

// ChartRow is one day in the data table under the chart.
type ChartRow struct {
	Date   string
	Values []int64
}

// Chart layout, in SVG units. The label gutters fit five-digit counts and "24 Nov".
const (
	chartWidth  = 560
	chartHeight = 220
	chartLeft   = 44
	chartRight  = 548
	chartTop    = 12
	chartBottom = 188
	maxDots     = 45
)

// VariantClass is the colour class of the i-th variant; colours repeat after six.
func VariantClass(i int) string { return "v" + strconv.Itoa(i%6) }

// NewChart draws value (visitors or signups) per day and variant; today is the current
// UTC day (YYYY-MM-DD), which is still under way.
func NewChart(id, title, noun string, days []results.Day, today string, value func(results.DayVariant) int64) Chart {
	c := Chart{
		ID: id, Title: title, Width: chartWidth, Height: chartHeight,
		Left: chartLeft, Right: chartRight, Top: chartTop, Bottom: chartBottom,
		Dots:  len(days) <= maxDots,
		Today: len(days) > 1 && days[len(days)-1].Date == today,
	}
	if len(days) == 0 {
		c.Description = "No visitors yet."
		return c
	}
	var peak int64
	totals := make([]int64, len(days[0].Variants))
	for _, d := range days {
		row := ChartRow{Date: d.Date}
		for i, v := range d.Variants {
			n := value(v)
			row.Values = append(row.Values, n)
			if i < len(totals) {
				totals[i] += n
			}
			peak = max(peak, n)
		}
		c.Rows = append(c.Rows, row)
	}
	for _, v := range days[0].Variants {
		c.Columns = append(c.Columns, v.ID)
	}
	top, step := niceAxis(peak)
	for v := int64(0); v <= top; v += step {
		c.YTicks = append(c.YTicks, Tick{Pos: c.y(v, top), Label: results.Count(v)})
	}
	for _, i := range labelDays(len(days)) {
		label := shortDate(days[i].Date)
		if i == len(days)-1 && c.Today {
			label = "today"
		}
		c.XTicks = append(c.XTicks, Tick{Pos: c.x(i, len(days)), Label: label})
	}
	var parts []string
	for vi, id := range c.Columns {
		s := Series{ID: id, Class: VariantClass(vi)}
		var pts []string
		for di, d := range days {
			if vi >= len(d.Variants) {
				continue
			}
			n := value(d.Variants[vi])
			p := Point{X: c.x(di, len(days)), Y: c.y(n, top), Label: fmt.Sprintf("%s, %s: %s %s", shortDate(d.Date), id, results.Count(n), noun)}
			pts = append(pts, coord(p.X)+","+coord(p.Y))
			if c.Dots {
				s.Dots = append(s.Dots, p)
			}
		}
		if c.Today && len(pts) > 1 {
			s.Partial = strings.Join(pts[len(pts)-2:], " ")
			pts = pts[:len(pts)-1]
		}
		s.Points = strings.Join(pts, " ")
		c.Series = append(c.Series, s)
		parts = append(parts, fmt.Sprintf("%s %s", id, results.Count(totals[vi])))
	}
	last := longDate(days[len(days)-1].Date)
	if c.Today {
		last = "today (so far)"
	}
	c.Description = fmt.Sprintf("%s from %s to %s. Totals: %s.", title, longDate(days[0].Date), last, strings.Join(parts, ", "))
	return c
}

// x is the horizontal position of day i of n: spread across the plot, a lone day centred.
func (c Chart) x(i, n int) float64 {
	if n <= 1 {
		return float64(c.Left+c.Right) / 2
	}
	return float64(c.Left) + float64(i)*float64(c.Right-c.Left)/float64(n-1)
}

// y is the vertical position of value v on an axis from 0 to top.
func (c Chart) y(v, top int64) float64 {
	return float64(c.Bottom) - float64(v)/float64(top)*float64(c.Bottom-c.Top)
}

// niceAxis returns the smallest "round" axis for values up to v: a step of 1, 2 or 5
// times a power of ten, and four or five steps (0–40 by 10, 0–50 by 10, 0–8 by 2, ...).
func niceAxis(v int64) (top, step int64) {
	if v <= 4 {
		return 4, 1
	}
	best, bestStep := int64(math.MaxInt64), int64(1)
	for scale := int64(1); scale <= v; scale *= 10 {
		for _, m := range []int64{1, 2, 5} {
			for _, ticks := range []int64{4, 5} {
				if t := ticks * m * scale; t >= v && t < best {
					best, bestStep = t, m*scale
				}
			}
		}
	}
	return best, bestStep
}

// labelDays picks at most five days to label, always the first and the last.
func labelDays(n int) []int {
	if n <= 5 {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return []int{0, (n - 1) / 4, (n - 1) / 2, 3 * (n - 1) / 4, n - 1}
}

func coord(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func shortDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan")
}

func longDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 January 2006")
}
