package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/pages"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ and the examples in docs/api.md")

func TestAPIResultsMatchTheStore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	signed := e.traffic("chaser", 300, 2, chaserRates, 5, "?utm_source=news&utm_campaign=launch")
	counts := e.counts("chaser")

	raw := e.adminGet("/api/v1/pages/chaser/results")
	var doc map[string]any
	if err := json.Unmarshal([]byte(raw), &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"page", "phase", "pass_bar", "variants", "srm", "verdict", "trustworthy", "daily", "sources", "filtered", "earlier_phases"} {
		if _, ok := doc[key]; !ok {
			t.Errorf("results lack %q", key)
		}
	}
	variant := doc["variants"].([]any)[1].(map[string]any)
	for _, key := range []string{"id", "control", "weight", "visitors", "signups", "rate", "ci_low", "ci_high", "lift", "lift_low", "lift_high",
		"p_value", "p_value_adjusted", "significant", "prob_beat_control", "expected_loss", "sentence"} {
		if _, ok := variant[key]; !ok {
			t.Errorf("variant lacks %q", key)
		}
	}
	if strings.Contains(raw, "@example.com") {
		t.Error("the results API carries email addresses")
	}

	r := e.apiResults("chaser")
	ent := e.site.Load().Lookup("chaser")
	hash, _ := ent.Page.Definition()
	if r.Page != "chaser" || r.Phase.ID != ent.Phase.ID || r.Phase.Hash != hash || !r.Phase.StartedAt.Equal(ent.Phase.StartedAt) {
		t.Errorf("page %q phase %+v, want chaser, phase %d, hash %s", r.Page, r.Phase, ent.Phase.ID, hash)
	}
	if math.Abs(r.Phase.Days-2) > 0.01 {
		t.Errorf("phase days %v, want 2 (the simulated traffic took two days)", r.Phase.Days)
	}
	if r.PassBar != (results.PassBar{TargetRate: 0.05, MinVisitors: 400, MinDays: 7, Counts: "signups"}) {
		t.Errorf("pass bar %+v", r.PassBar)
	}
	var visitors, signups int64
	for i, v := range r.Variants {
		c := counts[v.ID]
		if v.ID != ent.Page.Variants[i].ID || v.Weight != 1 || v.Control != (i == 0) {
			t.Errorf("variant %d: %+v, want %s in page order", i, v, ent.Page.Variants[i].ID)
		}
		if v.Visitors != c.Visitors || v.Signups != c.Signups || v.Signups != int64(signed[v.ID]) {
			t.Errorf("%s: %d visitors %d signups, store has %d and %d", v.ID, v.Visitors, v.Signups, c.Visitors, c.Signups)
		}
		if want := float64(c.Signups) / float64(c.Visitors); v.Rate != want || !(v.CILow < want && want < v.CIHigh) {
			t.Errorf("%s: rate %v (%v–%v), want %v inside its interval", v.ID, v.Rate, v.CILow, v.CIHigh, want)
		}
		visitors += v.Visitors
		signups += v.Signups
	}
	if visitors != 300 || r.Verdict.Visitors != 300 || r.Verdict.Signups != signups {
		t.Errorf("verdict counts %d/%d, want %d/300", r.Verdict.Signups, r.Verdict.Visitors, signups)
	}
	if r.Verdict.Kind != stats.NotEnoughData || r.Verdict.MoreVisitorsNeeded < 100 || r.Verdict.MoreDaysNeeded != 5 {
		t.Errorf("verdict %s, %d more visitors, %d more days; want not_enough_data, ≥ 100 and 5", r.Verdict.Kind, r.Verdict.MoreVisitorsNeeded, r.Verdict.MoreDaysNeeded)
	}
	if !r.SRM.Checked || r.SRM.Mismatch || !r.Trustworthy {
		t.Errorf("a fair split flagged: %+v", r.SRM)
	}
	var dv, ds int64
	for _, d := range r.Daily {
		for _, v := range d.Variants {
			dv += v.Visitors
			ds += v.Signups
		}
	}
	if dv != visitors || ds != signups || len(r.Daily) != 3 {
		t.Errorf("daily series: %d days, %d visitors, %d signups; want 3 days adding up to %d and %d", len(r.Daily), dv, ds, visitors, signups)
	}
	if c := r.Sources.Campaigns; len(c) != 1 || c[0].UTMSource != "news" || c[0].UTMCampaign != "launch" || c[0].Visitors != 300 || c[0].Signups != signups {
		t.Errorf("campaigns %+v, want news/launch with every visitor", c)
	}
}

func TestAPIPagesListsEveryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startPhase("chaser")
	e.traffic("chaser", 60, 1, chaserRates, 9, "")
	var list results.PageList
	if err := json.Unmarshal([]byte(e.adminGet("/api/v1/pages")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Pages) != 2 || list.Pages[0].Page != "chaser" || !list.Pages[0].Default || list.Pages[1].Page != "taxpot" {
		t.Fatalf("pages %+v, want chaser (default) then taxpot", list.Pages)
	}
	c := e.counts("chaser")
	p := list.Pages[0]
	if p.Visitors != 60 || p.Signups != c["no-awkward-emails"].Signups+c["paid-on-time"].Signups || p.Verdict != stats.NotEnoughData || p.TargetRate != 0.05 {
		t.Errorf("chaser summary %+v", p)
	}
	if list.Pages[1].Visitors != 0 || list.Pages[1].Verdict != stats.NotEnoughData {
		t.Errorf("taxpot summary %+v", list.Pages[1])
	}
}

// TestAPIExamplesInTheDocs runs a fixed scenario (480 visitors with chosen ids over eight
// days) and checks the answers against testdata/ and the examples in docs/api.md. Times
// depend on when the test runs, so they are moved onto fixed dates first. Run with
// -update to rewrite both after an intended change.
func TestAPIExamplesInTheDocs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ent := e.site.Load().Lookup("chaser")
	started := ent.Phase.StartedAt.UTC()
	firstDay := started.Truncate(24 * time.Hour)
	e.mu.Lock()
	e.now = firstDay.Add(33 * time.Hour) // 09:00 the day after the phase started
	e.mu.Unlock()
	for i := range 480 {
		id := fmt.Sprintf("golden-visitor-%07d", i)
		query, headers := "", []string{"Cookie", VisitorCookie + "=" + id}
		switch i % 3 {
		case 0:
			query = "?utm_source=newsletter&utm_campaign=launch"
		case 1:
			headers = append(headers, "Referer", "https://news.ycombinator.com/item?id=1")
		}
		_, page := e.get("/chaser"+query, headers...)
		token := tokenIn(t, page)
		variant := variantOf(t, token)
		if (variant == "no-awkward-emails" && i%17 == 0) || (variant == "paid-on-time" && i%10 == 0) {
			e.advance(30 * time.Second)
			form := validForm(token, fmt.Sprintf("golden%d@example.com", i))
			if resp, _ := e.post("/chaser/signup", "", form, "Cookie", VisitorCookie+"="+id); resp.StatusCode != 303 {
				t.Fatalf("signup %d = %d", i, resp.StatusCode)
			}
		}
		e.advance(24 * time.Hour / 60)
	}
	e.get("/chaser", "User-Agent", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
	e.get("/chaser", "User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)")
	e.get("/chaser", "User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)")
	e.flush()

	// Move every time onto fixed dates: whole days, so each visit stays on its day.
	shift := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).Sub(firstDay)
	fixedStart := firstDay.Add(shift).Add(16*time.Hour + 20*time.Minute)
	r := e.apiResults("chaser")
	r.GeneratedAt = r.GeneratedAt.Add(shift)
	r.Phase.StartedAt = fixedStart
	r.Phase.Days = r.GeneratedAt.Sub(fixedStart).Hours() / 24
	for i := range r.Daily {
		r.Daily[i].Date = shiftDay(t, r.Daily[i].Date, shift)
	}
	r.Filtered.Since = shiftDay(t, r.Filtered.Since, shift)
	if r.Verdict.MoreDaysNeeded != 0 {
		t.Fatalf("the scenario must run past the minimum days; %d more needed", r.Verdict.MoreDaysNeeded)
	}

	var list results.PageList
	if err := json.Unmarshal([]byte(e.adminGet("/api/v1/pages")), &list); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "api-results.json", r)
	checkGolden(t, "api-pages.json", list)

	// Then the page file gains a third variant and promises (phase 2, a day later, with a
	// few visitors), and the founder writes a note on phase 1.
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	p.PassBar.IfValidated, p.PassBar.IfInvalidated = "build the invoice importer", "try agencies instead"
	p.Variants = append(p.Variants, pages.Variant{ID: "priced", Weight: 1, Headline: "Chaser: $19 a month, paid back by one invoice", CTA: "Reserve", Price: "$19 / month"})
	s, err := site.Build(context.Background(), ps, pages.DefaultTheme(), pages.Options{}, e.store)
	if err != nil {
		t.Fatal(err)
	}
	e.site.Swap(s)
	if _, err := e.store.SetPhaseNote(context.Background(), "chaser", 1, "paid-on-time signed up twice as often, but 480 visitors could not settle it; next: test $9 against $19"); err != nil {
		t.Fatal(err)
	}
	phase2 := s.Lookup("chaser").Phase.StartedAt
	e.mu.Lock()
	e.now = phase2.Add(time.Hour)
	e.mu.Unlock()
	for i := range 12 {
		e.get("/chaser", "Cookie", fmt.Sprintf("%s=phase-two-visitor-%07d", VisitorCookie, i))
		e.advance(10 * time.Minute)
	}
	e.flush()
	var phases results.PhaseList
	if err := json.Unmarshal([]byte(e.adminGet("/api/v1/pages/chaser/phases")), &phases); err != nil {
		t.Fatal(err)
	}
	// Phase 1 ended when phase 2 started (real time); show it ending the day after the
	// example's results were read, with phase 2 starting then.
	fixedEnd := r.GeneratedAt.Add(24*time.Hour + 3*time.Hour)
	phases.Phases[0].StartedAt = fixedEnd
	phases.Phases[1].StartedAt, phases.Phases[1].EndedAt = fixedStart, &fixedEnd
	checkGolden(t, "api-phases.json", phases)
}

func shiftDay(t *testing.T, day string, shift time.Duration) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(shift).Format(time.DateOnly)
}

// checkGolden compares v, as indented JSON, with testdata/name and with the example of the
// same name in docs/api.md (a ```json block after a "<!-- name -->" line).
func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := string(b) + "\n"
	golden := filepath.Join("testdata", name)
	docPath := filepath.Join("..", "docs", "api.md")
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)(<!-- " + regexp.QuoteMeta(name) + " -->\n```json\n)(.*?)(```)")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		if !block.Match(doc) {
			t.Fatalf("docs/api.md has no <!-- %s --> example block", name)
		}
		doc = block.ReplaceAllFunc(doc, func(m []byte) []byte {
			parts := block.FindSubmatch(m)
			return bytes.Join([][]byte{parts[1], []byte(got), parts[3]}, nil)
		})
		if err := os.WriteFile(docPath, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./handlers -run TestAPIExamplesInTheDocs -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s changed; if intended, run with -update. Got:\n%s", name, got)
	}
	m := block.FindSubmatch(doc)
	if m == nil || string(m[2]) != got {
		t.Errorf("the %s example in docs/api.md is out of date; run with -update", name)
	}
}
