// Package results assembles what a founder reads about one page: the counts of its current
// test phase, the statistics of internal/stats, where visitors came from, what was filtered
// out, and the phases before. The admin pages, the JSON API and `litmus results` all call
// it, so the three always show the same numbers for the same database.
//
// It reads the store and never writes: opening the results must not change them.
package results

import (
	"context"
	"fmt"
	"time"

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// Bounds on the lists a Results holds, so a page with years of traffic or thousands of
// campaigns still gives a page a person can read and a response of bounded size.
const (
	MaxSources       = 20  // campaigns, and referrers, with the most visitors
	MaxFilteredTop   = 10  // most frequent filtered user agents
	MaxLatestSignups = 25  // newest signups shown in the admin
	MaxEarlierPhases = 20  // newest earlier phases listed
	MaxDays          = 366 // newest days of the daily series
)

// Results is everything known about one page's current test. Its JSON form is the body of
// GET /api/v1/pages/{slug}/results and of `litmus results --json --page SLUG` (docs/api.md).
type Results struct {
	Page        string    `json:"page"`
	Title       string    `json:"title"`
	GeneratedAt time.Time `json:"generated_at"`
	Phase       Phase     `json:"phase"`
	PassBar     PassBar   `json:"pass_bar"`
	// Variants, SRM, Verdict and Trustworthy are stats.Analyze's report, unchanged: see
	// the stats package for what each field means. When Trustworthy is false the verdict
	// is withheld and the comparisons must not be presented as results.
	Variants      []stats.VariantReport `json:"variants"`
	SRM           stats.SRM             `json:"srm"`
	Verdict       stats.Verdict         `json:"verdict"`
	Trustworthy   bool                  `json:"trustworthy"`
	Daily         []Day                 `json:"daily"`
	Sources       Sources               `json:"sources"`
	Filtered      Filtered              `json:"filtered"`
	EarlierPhases []PhaseSummary        `json:"earlier_phases"`
	// LatestSignups are the newest signups of the page (any phase), newest first. They
	// hold email addresses, so they stay out of the JSON: the export is the one way
	// personal data leaves Litmus, and it is explicit.
	LatestSignups []store.SignupRow `json:"-"`
}

// Phase identifies the test the numbers belong to: a page's definition (variants, weights,
// pass bar) from the moment it went live. Changing the definition starts a new phase.
type Phase struct {
	ID        int64     `json:"id"`
	StartedAt time.Time `json:"started_at"`
	Hash      string    `json:"hash"` // SHA-256 of the definition (pages.Page.Definition)
	Days      float64   `json:"days"` // since StartedAt, as the verdict counts them
}

// PassBar is the criterion the founder wrote down before the test: at least TargetRate of
// visitors sign up, judged after MinVisitors visitors and MinDays days.
type PassBar struct {
	TargetRate  float64 `json:"target_rate"`
	MinVisitors int     `json:"min_visitors"`
	MinDays     int     `json:"min_days"`
}

// Day is one UTC day of the current phase: each variant's new visitors and counted signups.
// Every day from the phase's start to today is present, days without traffic as zeros, so
// a chart of it has no gaps that would read as missing data.
type Day struct {
	Date     string       `json:"date"` // YYYY-MM-DD, UTC
	Variants []DayVariant `json:"variants"`
}

// DayVariant is one variant's numbers on one day.
type DayVariant struct {
	ID       string `json:"id"`
	Visitors int64  `json:"visitors"`
	Signups  int64  `json:"signups"`
}

// Sources is where the phase's visitors came from (first touch) and how many of them
// signed up, by campaign and by referring site, most visitors first.
type Sources struct {
	Campaigns []Campaign `json:"campaigns"`
	Referrers []Referrer `json:"referrers"`
}

// Campaign is the visitors who arrived with one utm_source and utm_campaign; both empty
// means visitors without UTM tags.
type Campaign struct {
	UTMSource   string  `json:"utm_source"`
	UTMCampaign string  `json:"utm_campaign"`
	Visitors    int64   `json:"visitors"`
	Signups     int64   `json:"signups"`
	Rate        float64 `json:"rate"`
}

// Referrer is the visitors who followed a link from one site; an empty Host means direct
// traffic (typed, bookmarked, or a referrer the browser withheld).
type Referrer struct {
	Host     string  `json:"host"`
	Visitors int64   `json:"visitors"`
	Signups  int64   `json:"signups"`
	Rate     float64 `json:"rate"`
}

// Filtered is the requests served but never counted since the phase started: bots,
// crawlers, link previews, prefetches, the founder's previews.
type Filtered struct {
	Since string          `json:"since"` // the UTC day counting starts, YYYY-MM-DD
	Total int64           `json:"total"`
	Top   []FilteredAgent `json:"top"`
}

// FilteredAgent is how many requests of one class came from one user agent.
type FilteredAgent struct {
	Class    string `json:"class"`
	Agent    string `json:"agent"`
	Requests int64  `json:"requests"`
}

// PhaseSummary is an earlier test of the page, kept with its own numbers.
type PhaseSummary struct {
	ID        int64     `json:"id"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"` // when the next phase started
	Hash      string    `json:"hash"`
	Visitors  int64     `json:"visitors"`
	Signups   int64     `json:"signups"`
	Rate      float64   `json:"rate"`
}

// Summary is one line of the list of pages: GET /api/v1/pages, the admin's front page.
type Summary struct {
	Page       string            `json:"page"`
	Title      string            `json:"title"`
	Default    bool              `json:"default"`
	PhaseID    int64             `json:"phase_id"`
	Visitors   int64             `json:"visitors"`
	Signups    int64             `json:"signups"`
	Rate       float64           `json:"rate"`
	TargetRate float64           `json:"target_rate"`
	Verdict    stats.VerdictKind `json:"verdict"`
	Withheld   bool              `json:"withheld"` // the split check failed: Verdict is not a result
	URL        string            `json:"url"`      // the page's public address (a path without a base URL)
	Lang       string            `json:"lang"`     // the page's language (BCP 47)
	AdminURL   string            `json:"-"`        // the page's results in the admin
}

// Page returns the results of e's current phase at now.
func Page(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) (Results, error) {
	report, days, err := analyze(ctx, st, e, now)
	if err != nil {
		return Results{}, err
	}
	p := e.Page
	r := Results{
		Page:        p.Slug,
		Title:       p.Title,
		GeneratedAt: now.UTC(),
		Phase:       Phase{ID: e.Phase.ID, StartedAt: e.Phase.StartedAt.UTC(), Hash: e.Phase.Hash, Days: days},
		PassBar:     PassBar{TargetRate: p.PassBar.TargetRate, MinVisitors: p.PassBar.MinVisitors, MinDays: p.PassBar.MinDays},
		Variants:    report.Variants,
		SRM:         report.SRM,
		Verdict:     report.Verdict,
		Trustworthy: report.Trustworthy,
	}
	if r.Daily, err = daily(ctx, st, e, now); err != nil {
		return Results{}, err
	}
	if r.Sources, err = sources(ctx, st, e.Phase.ID); err != nil {
		return Results{}, err
	}
	if r.Filtered, err = filtered(ctx, st, p.Slug, e.Phase.StartedAt); err != nil {
		return Results{}, err
	}
	if r.EarlierPhases, err = earlierPhases(ctx, st, p.Slug, e.Phase.ID); err != nil {
		return Results{}, err
	}
	if r.LatestSignups, err = st.LatestSignups(ctx, p.Slug, MaxLatestSignups); err != nil {
		return Results{}, fmt.Errorf("results: %w", err)
	}
	return r, nil
}

// Summarize returns the one-line summary of e's current phase at now: only the counts and
// the verdict, so listing many pages stays cheap.
func Summarize(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) (Summary, error) {
	report, _, err := analyze(ctx, st, e, now)
	if err != nil {
		return Summary{}, err
	}
	v := report.Verdict
	return Summary{
		Page: e.Page.Slug, Title: e.Page.Title, Default: e.Page.Default, PhaseID: e.Phase.ID,
		Visitors: v.Visitors, Signups: v.Signups, Rate: v.Rate, TargetRate: v.TargetRate,
		Verdict: v.Kind, Withheld: v.Withheld,
		URL: pages.URLsOf(e.Page, "").Public, Lang: e.Page.Msg().Lang(), AdminURL: pages.AdminURL(e.Page.Slug),
	}, nil
}

// analyze reads the phase's counts and runs stats.Analyze on them with the page's variants
// (in page order, the control first; a variant nobody has seen yet counts as zero). It also
// returns the days the phase has run.
func analyze(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) (stats.Report, float64, error) {
	counts, err := st.Counts(ctx, e.Phase.ID)
	if err != nil {
		return stats.Report{}, 0, fmt.Errorf("results: %w", err)
	}
	byID := make(map[string]store.VariantCount, len(counts))
	for _, c := range counts {
		byID[c.Variant] = c
	}
	p := e.Page
	in := stats.Input{
		PassBar: stats.PassBar{
			TargetRate: p.PassBar.TargetRate, MinVisitors: int64(p.PassBar.MinVisitors), MinDays: p.PassBar.MinDays,
		},
		DaysElapsed: daysSince(e.Phase.StartedAt, now),
	}
	for _, v := range p.Variants {
		c := byID[v.ID]
		in.Variants = append(in.Variants, stats.Variant{ID: v.ID, Weight: v.Weight, Visitors: c.Visitors, Signups: c.Signups})
	}
	report, err := stats.Analyze(in)
	if err != nil {
		return stats.Report{}, 0, fmt.Errorf("results of %s: %w", p.Slug, err)
	}
	return report, in.DaysElapsed, nil
}

// daysSince is the days from start to now, and 0 when now is earlier (a clock set back must
// not make the analysis fail; it only delays a minimum-days verdict).
func daysSince(start, now time.Time) float64 {
	d := now.Sub(start).Hours() / 24
	if d < 0 {
		return 0
	}
	return d
}

// daily returns every UTC day from the phase's start to now (at most the newest MaxDays),
// each with every variant of the page in page order.
func daily(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) ([]Day, error) {
	rows, err := st.Daily(ctx, e.Phase.ID)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	type key struct{ day, variant string }
	got := make(map[key]store.DayCount, len(rows))
	for _, r := range rows {
		got[key{r.Day, r.Variant}] = r
	}
	first := utcDay(e.Phase.StartedAt)
	last := utcDay(now)
	// Counts on days outside [start, now] (a clock that moved) still belong in the series.
	for _, r := range rows {
		if d, err := time.Parse(time.DateOnly, r.Day); err == nil {
			if d.Before(first) {
				first = d
			}
			if d.After(last) {
				last = d
			}
		}
	}
	if n := int(last.Sub(first).Hours()/24) + 1; n > MaxDays {
		first = last.AddDate(0, 0, -(MaxDays - 1))
	}
	var days []Day
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		date := d.Format(time.DateOnly)
		day := Day{Date: date, Variants: make([]DayVariant, len(e.Page.Variants))}
		for i, v := range e.Page.Variants {
			c := got[key{date, v.ID}]
			day.Variants[i] = DayVariant{ID: v.ID, Visitors: c.Visitors, Signups: c.Signups}
		}
		days = append(days, day)
	}
	return days, nil
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func sources(ctx context.Context, st *store.Store, phaseID int64) (Sources, error) {
	sc, err := st.SignupsBySource(ctx, phaseID, MaxSources)
	if err != nil {
		return Sources{}, fmt.Errorf("results: %w", err)
	}
	out := Sources{Campaigns: []Campaign{}, Referrers: []Referrer{}}
	for _, c := range sc.Campaigns {
		out.Campaigns = append(out.Campaigns, Campaign{
			UTMSource: c.Source.UTMSource, UTMCampaign: c.Source.UTMCampaign,
			Visitors: c.Visitors, Signups: c.Signups, Rate: rate(c.Signups, c.Visitors),
		})
	}
	for _, r := range sc.Referrers {
		out.Referrers = append(out.Referrers, Referrer{
			Host: r.Source.ReferrerHost, Visitors: r.Visitors, Signups: r.Signups, Rate: rate(r.Signups, r.Visitors),
		})
	}
	return out, nil
}

func filtered(ctx context.Context, st *store.Store, page string, since time.Time) (Filtered, error) {
	total, top, err := st.Filtered(ctx, page, since, MaxFilteredTop)
	if err != nil {
		return Filtered{}, fmt.Errorf("results: %w", err)
	}
	f := Filtered{Since: since.UTC().Format(time.DateOnly), Total: total, Top: []FilteredAgent{}}
	for _, t := range top {
		f.Top = append(f.Top, FilteredAgent{Class: t.Class, Agent: t.Agent, Requests: t.Requests})
	}
	return f, nil
}

// earlierPhases lists the page's phases older than current, newest first, with their totals.
func earlierPhases(ctx context.Context, st *store.Store, page string, current int64) ([]PhaseSummary, error) {
	phases, err := st.Phases(ctx, page) // newest first
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	start := 1
	for i, ph := range phases {
		if ph.ID == current {
			start = i + 1
		}
	}
	out := []PhaseSummary{}
	for i := start; i < len(phases) && len(out) < MaxEarlierPhases; i++ {
		ph := phases[i]
		counts, err := st.Counts(ctx, ph.ID)
		if err != nil {
			return nil, fmt.Errorf("results: %w", err)
		}
		s := PhaseSummary{ID: ph.ID, StartedAt: ph.StartedAt.UTC(), EndedAt: phases[i-1].StartedAt.UTC(), Hash: ph.Hash}
		for _, c := range counts {
			s.Visitors += c.Visitors
			s.Signups += c.Signups
		}
		s.Rate = rate(s.Signups, s.Visitors)
		out = append(out, s)
	}
	return out, nil
}

func rate(signups, visitors int64) float64 {
	return stats.Counts{Visitors: visitors, Signups: signups}.Rate()
}
