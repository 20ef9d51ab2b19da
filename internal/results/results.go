// Package results assembles what a founder reads about one page: the counts of its current
// test phase, the statistics of internal/stats, where visitors came from, what was filtered
// out, and the phases before. The admin pages, the JSON API and `litmus results` all call
// it, so the three always show the same numbers for the same database.
//
// It reads the store and never writes, with one exception kept in decisions.go: Record
// writes down a phase's first verdict, which the server calls; `litmus results` only reads.
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

// Results is everything known about one test phase of a page: the current one, or an
// earlier one reopened with the words its visitors read. Its JSON form is the body of
// GET /api/v1/pages/{slug}/results, GET /api/v1/pages/{slug}/phases/{n}/results and of
// `litmus results --json --page SLUG [--phase N]` (docs/api.md).
type Results struct {
	Page        string    `json:"page"`
	Title       string    `json:"title"`
	GeneratedAt time.Time `json:"generated_at"`
	Phase       Phase     `json:"phase"`
	PassBar     PassBar   `json:"pass_bar"`
	// Variants, SRM, Verdict and Trustworthy are stats.Analyze's report, unchanged: see
	// the stats package for what each field means. When Trustworthy is false the verdict
	// is withheld and the comparisons must not be presented as results.
	Variants    []stats.VariantReport `json:"variants"`
	SRM         stats.SRM             `json:"srm"`
	Verdict     stats.Verdict         `json:"verdict"`
	Trustworthy bool                  `json:"trustworthy"`
	// Decision is the phase's first verdict ("validated" or "invalidated") as recorded when
	// it was reached, with the numbers since; nil until then. It is what the founder acts
	// on: a later look never silently takes it back, even if Verdict (today's numbers
	// alone, or an ended phase's final numbers) says otherwise. SRMAlarm is the split
	// check's first alarm, likewise.
	Decision *Decision `json:"decision"`
	SRMAlarm *Decision `json:"srm_alarm"`
	// Plan says what the phase's pass bar and minimum can detect (stats.PlanFor).
	Plan stats.Plan `json:"plan"`
	// Promise is what the founder wrote, before the test, that they would do on this
	// decision (the pass bar's if_validated or if_invalidated): for the recorded Decision
	// when there is one, else for Verdict; empty until a verdict is reached, or when none
	// was written.
	Promise string `json:"promise"`
	// Pitch is each variant's copy in this phase, as its visitors read it.
	Pitch    []Pitch  `json:"pitch"`
	Daily    []Day    `json:"daily"`
	Sources  Sources  `json:"sources"`
	Filtered Filtered `json:"filtered"`
	// EarlierPhases are the phases before this one, newest first.
	EarlierPhases []PhaseSummary `json:"earlier_phases"`
	// Counts is what Variants and Verdict count as a signup: "signups" (every counted
	// signup) or "confirmed" (only confirmed ones; the pass bar's counts = "confirmed").
	Counts string `json:"counts"`
	// Confirmation, Referrals and Questions are present when the page has double opt-in,
	// share links, or thank-you questions (see signals.go).
	Confirmation *Confirmation     `json:"confirmation,omitempty"`
	Referrals    *Referrals        `json:"referrals,omitempty"`
	Questions    []QuestionSummary `json:"questions,omitempty"`
	// LatestSignups are the newest signups of the page (any phase), newest first. They
	// hold email addresses, so they stay out of the JSON: the export is the one way
	// personal data leaves Litmus, and it is explicit.
	LatestSignups []store.SignupRow `json:"-"`
	// PhaseNumbers maps the page's phase ids to their numbers, for LatestSignups.
	PhaseNumbers map[int64]int `json:"-"`
}

// Phase identifies the test the numbers belong to: a page's definition (variants, weights,
// pass bar) from the moment it went live until the next definition replaced it.
type Phase struct {
	Number    int        `json:"number"` // 1 for the page's first phase
	ID        int64      `json:"id"`     // the database's id, unique across pages
	Current   bool       `json:"current"`
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at"` // when the next phase started; null for the current one
	Hash      string     `json:"hash"`     // SHA-256 of the definition (pages.Page.Definition)
	Days      float64    `json:"days"`     // since StartedAt (until EndedAt), as the verdict counts them
	// Changes is what changed from the phase before (empty for the first phase).
	Changes []pages.Change `json:"changes"`
	Note    string         `json:"note"` // the founder's note: what it taught, what comes next
}

// PassBar is the criterion the founder wrote down before the test: at least TargetRate of
// visitors sign up, judged after MinVisitors visitors and MinDays days; and what they
// promised to do on each outcome.
type PassBar struct {
	TargetRate    float64 `json:"target_rate"`
	MinVisitors   int     `json:"min_visitors"`
	MinDays       int     `json:"min_days"`
	Counts        string  `json:"counts"` // "signups" or "confirmed"
	IfValidated   string  `json:"if_validated"`
	IfInvalidated string  `json:"if_invalidated"`
}

// Pitch is one variant's copy in a phase.
type Pitch struct {
	ID          string `json:"id"`
	Weight      int    `json:"weight"`
	Headline    string `json:"headline"`
	Subheadline string `json:"subheadline"`
	Body        string `json:"body"` // Markdown, as written
	CTA         string `json:"cta"`
	Price       string `json:"price"`
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

// PhaseSummary is one test phase of a page in its history: GET /api/v1/pages/{slug}/phases
// and the admin's timeline.
type PhaseSummary struct {
	Number    int               `json:"number"`
	ID        int64             `json:"id"`
	Current   bool              `json:"current"`
	StartedAt time.Time         `json:"started_at"`
	EndedAt   *time.Time        `json:"ended_at"` // null for the current phase
	Hash      string            `json:"hash"`
	Visitors  int64             `json:"visitors"`
	Signups   int64             `json:"signups"`
	Rate      float64           `json:"rate"`
	Verdict   stats.VerdictKind `json:"verdict"`
	Withheld  bool              `json:"withheld"` // the split check failed: Verdict is not a result
	// Decision is the phase's recorded first verdict, if it reached one (see Results).
	Decision *Decision      `json:"decision"`
	Promise  string         `json:"promise"` // the commitment for Decision (else Verdict), if any
	Changes  []pages.Change `json:"changes"` // from the phase before
	Note     string         `json:"note"`
}

// PhaseList is the body of GET /api/v1/pages/{slug}/phases, and what `litmus results
// --all-phases --json` prints.
type PhaseList struct {
	Page   string         `json:"page"`
	Phases []PhaseSummary `json:"phases"` // newest first: the current phase first
}

// PageList is the body of GET /api/v1/pages, and what `litmus results --json` prints
// without --page.
type PageList struct {
	Pages []Summary `json:"pages"`
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
	Phase      int               `json:"phase"`    // the current phase's number
	URL        string            `json:"url"`      // the page's public address (a path without a base URL)
	Lang       string            `json:"lang"`     // the page's language (BCP 47)
	AdminURL   string            `json:"-"`        // the page's results in the admin
	// Decided is the current phase's recorded first verdict ("validated", "invalidated"),
	// or "" before it is reached; DecidedAt its time (null before).
	Decided   stats.VerdictKind `json:"decided"`
	DecidedAt *time.Time        `json:"decided_at"`
	// Decision is the newest phase that reached a verdict (its recorded decision, or for a
	// phase without a record its own numbers' verdict), with the promise made for it and
	// the founder's note; null when none was yet.
	Decision *LatestDecision `json:"decision"`
}

// LatestDecision is a verdict a phase reached and what the founder said they would do
// about it.
type LatestDecision struct {
	Phase   int               `json:"phase"`
	Verdict stats.VerdictKind `json:"verdict"`
	Promise string            `json:"promise"`
	Note    string            `json:"note"`
}

// Page returns the results of e's current phase at now.
func Page(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) (Results, error) {
	h, err := loadHistory(ctx, st, e.Page.Slug, now)
	if err != nil {
		return Results{}, err
	}
	i := h.index(e.Phase.ID)
	if i < 0 {
		return Results{}, fmt.Errorf("results: phase %d of %s is not in the database", e.Phase.ID, e.Page.Slug)
	}
	return h.results(ctx, st, e.Page, i)
}

// PhaseResults returns the results of phase number n (1 = the first) of page p, as that
// phase's visitors saw it: its own definition, counts and verdict. ok is false when the
// page has no phase n. p gives the title and the demand signals the page asks for.
func PhaseResults(ctx context.Context, st *store.Store, p *pages.Page, n int, now time.Time) (r Results, ok bool, err error) {
	h, err := loadHistory(ctx, st, p.Slug, now)
	if err != nil {
		return Results{}, false, err
	}
	i := len(h.phases) - n
	if n < 1 || i < 0 {
		return Results{}, false, nil
	}
	r, err = h.results(ctx, st, p, i)
	return r, err == nil, err
}

// History returns every phase of the page slug, newest first (the current one first).
func History(ctx context.Context, st *store.Store, slug string, now time.Time) ([]PhaseSummary, error) {
	h, err := loadHistory(ctx, st, slug, now)
	if err != nil {
		return nil, err
	}
	return h.summaries(ctx, st, 0)
}

// Summarize returns the one-line summary of e's current phase at now: the counts, the
// verdict, and the page's latest decision.
func Summarize(ctx context.Context, st *store.Store, e *site.Entry, now time.Time) (Summary, error) {
	h, err := loadHistory(ctx, st, e.Page.Slug, now)
	if err != nil {
		return Summary{}, err
	}
	list, err := h.summaries(ctx, st, 0)
	if err != nil {
		return Summary{}, err
	}
	// A page never served has no phase yet: nothing counted, no verdict.
	sum := Summary{Page: e.Page.Slug, Title: e.Page.Title, Default: e.Page.Default, PhaseID: e.Phase.ID,
		TargetRate: e.Page.PassBar.TargetRate, Verdict: stats.NotEnoughData,
		URL: pages.URLsOf(e.Page, "").Public, Lang: e.Page.Msg().Lang(), AdminURL: pages.AdminURL(e.Page.Slug)}
	for _, ph := range list {
		if ph.ID == e.Phase.ID {
			sum.Phase, sum.Visitors, sum.Signups, sum.Rate = ph.Number, ph.Visitors, ph.Signups, ph.Rate
			sum.Verdict, sum.Withheld = ph.Verdict, ph.Withheld
			if ph.Decision != nil {
				at := ph.Decision.DecidedAt
				sum.Decided, sum.DecidedAt = stats.VerdictKind(ph.Decision.Kind), &at
			}
		}
		if k, ok := decided(ph); ok && sum.Decision == nil {
			sum.Decision = &LatestDecision{Phase: ph.Number, Verdict: k, Promise: ph.Promise, Note: ph.Note}
		}
	}
	return sum, nil
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

// daily returns every UTC day from the phase's start to its end (now, for the current
// phase), at most the newest MaxDays, each with every variant of the definition in order.
func daily(ctx context.Context, st *store.Store, ph store.Phase, def pages.ExperimentDefinition, now time.Time) ([]Day, error) {
	rows, err := st.Daily(ctx, ph.ID)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	type key struct{ day, variant string }
	got := make(map[key]store.DayCount, len(rows))
	for _, r := range rows {
		got[key{r.Day, r.Variant}] = r
	}
	first := utcDay(ph.StartedAt)
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
		day := Day{Date: date, Variants: make([]DayVariant, len(def.Variants))}
		for i, v := range def.Variants {
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

// filtered sums the requests left out from since's day, until until's day when until is
// not nil (an earlier phase).
func filtered(ctx context.Context, st *store.Store, page string, since time.Time, until *time.Time) (Filtered, error) {
	var (
		total int64
		top   []store.FilteredCount
		err   error
	)
	if until != nil {
		total, top, err = st.FilteredBetween(ctx, page, since, *until, MaxFilteredTop)
	} else {
		total, top, err = st.Filtered(ctx, page, since, MaxFilteredTop)
	}
	if err != nil {
		return Filtered{}, fmt.Errorf("results: %w", err)
	}
	f := Filtered{Since: since.UTC().Format(time.DateOnly), Total: total, Top: []FilteredAgent{}}
	for _, t := range top {
		f.Top = append(f.Top, FilteredAgent{Class: t.Class, Agent: t.Agent, Requests: t.Requests})
	}
	return f, nil
}

func rate(signups, visitors int64) float64 {
	return stats.Counts{Visitors: visitors, Signups: signups}.Rate()
}
