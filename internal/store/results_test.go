package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestResultsAddUpExactly stores a small known story and checks every number the results
// page shows.
func TestResultsAddUpExactly(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	day1 := time.Date(2024, 6, 1, 23, 30, 0, 0, time.UTC)
	day2 := time.Date(2024, 6, 2, 0, 30, 0, 0, time.UTC)
	hn := store.Source{ReferrerHost: "news.ycombinator.com", UTMSource: "hn", UTMCampaign: "launch", UTMMedium: "social"}
	google := store.Source{ReferrerHost: "google.com"}
	for _, e := range []store.Exposure{
		{VisitorID: "v1", Variant: "a", At: day1, Source: hn},
		{VisitorID: "v2", Variant: "a", At: day1, Source: hn},
		{VisitorID: "v3", Variant: "b", At: day1},
		{VisitorID: "v4", Variant: "b", At: day2, Source: google},
		{VisitorID: "v5", Variant: "a", At: day2, Source: google},
		{VisitorID: "v1", Variant: "b", At: day2, Source: google}, // seen before: first touch wins
	} {
		e.PhaseID, e.Page = p.ID, "idea"
		s.RecordExposure(e)
	}
	for _, su := range []store.Signup{
		{VisitorID: "v1", Email: "one@example.com", Variant: "a", At: day2},
		{VisitorID: "v3", Email: "three@example.com", Variant: "b", At: day2},
		{VisitorID: "v4", Email: "four@example.com", Variant: "b", At: day2},
		{VisitorID: "v4", Email: "four-again@example.com", Variant: "b", At: day2}, // same person: not counted
		{VisitorID: "v9", Email: "nine@example.com", Variant: "a", At: day1},       // never exposed: not counted
	} {
		su.PhaseID, su.Page = p.ID, "idea"
		if _, err := s.InsertSignup(ctx, su); err != nil {
			t.Fatal(err)
		}
	}

	counts, err := s.Counts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := []store.VariantCount{
		{Variant: "a", Visitors: 3, Signups: 1},
		{Variant: "b", Visitors: 2, Signups: 2},
	}
	if !reflect.DeepEqual(counts, wantCounts) {
		t.Errorf("Counts =\n%+v\nwant\n%+v", counts, wantCounts)
	}

	daily, err := s.Daily(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantDaily := []store.DayCount{
		{Day: "2024-06-01", Variant: "a", Visitors: 2, Signups: 0},
		{Day: "2024-06-01", Variant: "b", Visitors: 1, Signups: 0},
		{Day: "2024-06-02", Variant: "a", Visitors: 1, Signups: 1},
		{Day: "2024-06-02", Variant: "b", Visitors: 1, Signups: 2},
	}
	if !reflect.DeepEqual(daily, wantDaily) {
		t.Errorf("Daily =\n%+v\nwant\n%+v", daily, wantDaily)
	}

	sources, err := s.SignupsBySource(ctx, p.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantSources := store.SourceCounts{
		Campaigns: []store.SourceCount{
			{Source: store.Source{}, Visitors: 3, Signups: 2},
			{Source: store.Source{UTMSource: "hn", UTMCampaign: "launch"}, Visitors: 2, Signups: 1},
		},
		Referrers: []store.SourceCount{
			{Source: store.Source{ReferrerHost: "google.com"}, Visitors: 2, Signups: 1},
			{Source: store.Source{ReferrerHost: "news.ycombinator.com"}, Visitors: 2, Signups: 1},
			{Source: store.Source{}, Visitors: 1, Signups: 1},
		},
	}
	if !reflect.DeepEqual(sources, wantSources) {
		t.Errorf("SignupsBySource =\n%+v\nwant\n%+v", sources, wantSources)
	}
	top, err := s.SignupsBySource(ctx, p.ID, 1)
	if err != nil || len(top.Campaigns) != 1 || len(top.Referrers) != 1 || top.Referrers[0] != wantSources.Referrers[0] {
		t.Errorf("SignupsBySource limit 1 = %+v, %v; want the first row of each", top, err)
	}
}

func TestFilteredRequestsAreCountedPerDayClassAndAgent(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	day1 := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC)
	day2 := time.Date(2024, 6, 2, 8, 0, 0, 0, time.UTC)
	longAgent := strings.Repeat("é", 150) // 300 bytes: cut to 200 at a character boundary
	hits := []struct {
		page, class, agent string
		at                 time.Time
		times              int
	}{
		{"idea", "bot", "curl/8", day1, 3},
		{"idea", "preview", "Slackbot", day1, 1},
		{"idea", "bot", "curl/8", day2, 2},
		{"idea", "prefetch", "Mozilla", day2, 1},
		{"idea", "bot", longAgent, day2, 1},
		{"other", "bot", "curl/8", day2, 5},
	}
	for _, h := range hits {
		for range h.times {
			s.RecordFiltered(h.page, h.class, h.agent, h.at)
		}
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cut := strings.Repeat("é", 100)

	tests := []struct {
		name      string
		since     time.Time
		limit     int
		wantTotal int64
		wantTop   []store.FilteredCount
	}{
		{"both days", day1, 0, 8, []store.FilteredCount{
			{Class: "bot", Agent: "curl/8", Requests: 5},
			{Class: "bot", Agent: cut, Requests: 1},
			{Class: "prefetch", Agent: "Mozilla", Requests: 1},
			{Class: "preview", Agent: "Slackbot", Requests: 1},
		}},
		{"from the second day, any hour", day2.Add(10 * time.Hour), 0, 4, []store.FilteredCount{
			{Class: "bot", Agent: "curl/8", Requests: 2},
			{Class: "bot", Agent: cut, Requests: 1},
			{Class: "prefetch", Agent: "Mozilla", Requests: 1},
		}},
		{"top one", day1, 1, 8, []store.FilteredCount{{Class: "bot", Agent: "curl/8", Requests: 5}}},
		{"nothing yet", day2.AddDate(0, 0, 1), 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			total, top, err := s.Filtered(ctx, "idea", tt.since, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.wantTotal || !reflect.DeepEqual(top, tt.wantTop) {
				t.Errorf("Filtered = %d %+v\nwant %d %+v", total, top, tt.wantTotal, tt.wantTop)
			}
		})
	}
}
