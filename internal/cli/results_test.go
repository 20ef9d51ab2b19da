package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// seeded is what seedDB wrote for the chaser page.
type seeded struct {
	visitors, signups map[string]int64
	emails            []string
}

// seedDB writes a database the way the server does, through the store: a phase for each
// example page, n visitors of chaser (chosen ids, assigned as the server assigns them) and
// a signup from every visitor whose index signupEvery[variant] divides.
func seedDB(t *testing.T, path string, n int, signupEvery map[string]int) seeded {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	var chaser *pages.Page
	var phase store.Phase
	for _, p := range ps {
		hash, def := p.Definition()
		ph, err := st.EnsurePhase(ctx, p.Slug, hash, def)
		if err != nil {
			t.Fatal(err)
		}
		if p.Slug == "chaser" {
			chaser, phase = p, ph
		}
	}
	s := seeded{visitors: map[string]int64{}, signups: map[string]int64{}}
	at := phase.StartedAt.Add(time.Minute)
	type signup struct{ id, variant string }
	var todo []signup
	for i := range n {
		id := fmt.Sprintf("cli-visitor-%010d", i)
		v := chaser.Variants[assign.Bucket("chaser", id, chaser.Weights())].ID
		st.RecordExposure(store.Exposure{PhaseID: phase.ID, Page: "chaser", VisitorID: id, Variant: v, At: at,
			Source: store.Source{UTMSource: "news", UTMCampaign: "launch"}})
		s.visitors[v]++
		if i%signupEvery[v] == 0 {
			todo = append(todo, signup{id, v})
		}
	}
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for i, su := range todo {
		addr := fmt.Sprintf("seed%d@example.com", i)
		res, err := st.InsertSignup(ctx, store.Signup{PhaseID: phase.ID, Page: "chaser", Email: addr, VisitorID: su.id, Variant: su.variant,
			At: at.Add(time.Hour), Fields: map[string]string{"first_name": "=Seed", "work": "Writing", "consent": "yes"}})
		if err != nil || !res.Counted {
			t.Fatalf("seed signup %d: %+v %v", i, res, err)
		}
		s.signups[su.variant]++
		s.emails = append(s.emails, addr)
	}
	return s
}

// runCmd runs litmus with args against db and returns stdout, stderr and the error.
func runCmd(t *testing.T, db string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, envFunc(map[string]string{"LITMUS_DB": db}), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestResultsPrintsTheNumbersAndTheVerdict(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 300, map[string]int{"no-awkward-emails": 20, "paid-on-time": 9})
	out, errOut, err := runCmd(t, db, "results")
	if err != nil {
		t.Fatalf("results: %v\n%s", err, errOut)
	}
	for _, want := range []string{
		"/chaser — Chaser — invoices that chase themselves",
		"Test phase 1, live since",
		"Your bar: at least 5% of visitors sign up, judged after 400 visitors and 7 days",
		"NOT ENOUGH DATA: So far,",
		"Split check: Visitors are split between the variants as the page file says.",
		"/taxpot — Taxpot",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, id := range []string{"no-awkward-emails", "paid-on-time"} {
		v, su := s.visitors[id], s.signups[id]
		pattern := regexp.QuoteMeta(id) + `( \(control\))?\s+` + fmt.Sprint(v) + `\s+` + fmt.Sprint(su) + `\s+` + regexp.QuoteMeta(results.Percent(float64(su)/float64(v)))
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("no aligned row %q in:\n%s", pattern, out)
		}
	}
	if !regexp.MustCompile(`all variants\s+300\s+` + fmt.Sprint(s.signups["no-awkward-emails"]+s.signups["paid-on-time"])).MatchString(out) {
		t.Errorf("no total row:\n%s", out)
	}
}

func TestResultsJSONIsTheAPIDocument(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 200, map[string]int{"no-awkward-emails": 10, "paid-on-time": 10})
	out, errOut, err := runCmd(t, db, "results", "--json", "--page", "chaser")
	if err != nil {
		t.Fatalf("results --json: %v\n%s", err, errOut)
	}
	var r results.Results
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Page != "chaser" || r.Phase.ID != 1 || len(r.Variants) != 2 || r.Verdict.Kind != stats.NotEnoughData {
		t.Errorf("results %+v", r)
	}
	for _, v := range r.Variants {
		if v.Visitors != s.visitors[v.ID] || v.Signups != s.signups[v.ID] {
			t.Errorf("%s: %d/%d, seeded %d/%d", v.ID, v.Signups, v.Visitors, s.signups[v.ID], s.visitors[v.ID])
		}
	}
	if strings.Contains(out, "@example.com") {
		t.Error("the JSON results carry email addresses")
	}

	out, _, err = runCmd(t, db, "results", "--json")
	var list results.PageList
	if err != nil || json.Unmarshal([]byte(out), &list) != nil || len(list.Pages) != 2 || list.Pages[0].Visitors != 200 {
		t.Errorf("results --json without --page: %v\n%s", err, out)
	}
}

func TestResultsExplainsWhatIsWrong(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "litmus.db")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no database yet", []string{"results"}, "no database at " + db + " — has `litmus serve` run yet?"},
		{"export without a database", []string{"export"}, "no database at " + db},
		{"forget without a database", []string{"forget", "ada@example.com"}, "no database at " + db},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmd(t, db, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if _, statErr := os.Stat(db); !errors.Is(statErr, os.ErrNotExist) {
				t.Error("a read command created the database")
			}
		})
	}
	seedDB(t, db, 10, map[string]int{"no-awkward-emails": 5, "paid-on-time": 5})
	if _, _, err := runCmd(t, db, "results", "--page", "nope"); err == nil || !strings.Contains(err.Error(), `no page "nope" in the built-in example pages (pages: chaser, taxpot) nor in the database (pages: chaser, taxpot)`) {
		t.Errorf("unknown page: %v", err)
	}
	if _, errOut, err := runCmd(t, db, "results", "chaser"); !errors.Is(err, errUsage) || !strings.Contains(errOut, "use --page chaser") {
		t.Errorf("page as an argument: %v %q", err, errOut)
	}

	// A page file edited since the server last ran: its test has not started.
	pagesDir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "pages", "examples", "chaser.toml"))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), `target = "5%"`, `target = "8%"`, 1)
	if err := os.WriteFile(filepath.Join(pagesDir, "chaser.toml"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"results", "--page", "chaser"}, envFunc(map[string]string{"LITMUS_DB": db, "LITMUS_PAGES": pagesDir}), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "differs from every test the database holds") || !strings.Contains(err.Error(), "Reload or restart the server") {
		t.Errorf("edited page file: %v", err)
	}
}

func TestResultsHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"results", "export", "forget"} {
		_, errOut, err := runCmd(t, "unused.db", cmd, "-h")
		if err == nil || !strings.Contains(errOut, "Usage: litmus "+cmd) || !strings.Contains(errOut, "LITMUS_DB") {
			t.Errorf("%s -h: %v\n%s", cmd, err, errOut)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, envFunc(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"results", "export", "forget"} {
		if !strings.Contains(out.String(), "  "+cmd+" ") {
			t.Errorf("litmus help does not list %s:\n%s", cmd, out.String())
		}
	}
}

// TestResultsShowsTheRecordedDecision: once the server has recorded a phase's first
// verdict, `litmus results` leads with it and still shows today's numbers.
func TestResultsShowsTheRecordedDecision(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	seedDB(t, db, 300, map[string]int{"no-awkward-emails": 20, "paid-on-time": 9})
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	phases, err := st.Phases(context.Background(), "chaser")
	if err != nil || len(phases) == 0 {
		t.Fatal(phases, err)
	}
	at := time.Date(time.Now().Year(), 12, 3, 12, 0, 0, 0, time.UTC)
	if _, err := st.RecordDecision(context.Background(), store.Decision{PhaseID: phases[0].ID, What: store.DecisionVerdict, Kind: "validated",
		DecidedAt: at, Visitors: 250, Signups: 20, CILow: 0.051, CIHigh: 0.14}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCmd(t, db, "results", "--page", "chaser")
	if err != nil {
		t.Fatalf("results: %v\n%s", err, errOut)
	}
	for _, want := range []string{
		"VALIDATED: Validated on 3 Dec at 250 visitors (20 signups, likely between 5.1% and 14%). Since then: 50 more visitors",
		"Today's numbers: So far,",
		"Plan: If real demand is 1.5× your bar (7.5%)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, errOut, err = runCmd(t, db, "results", "--page", "chaser", "--all-phases")
	if err != nil || !strings.Contains(out, "\n  Decision: Validated on 3 Dec at 250 visitors") {
		t.Errorf("--all-phases lacks the decision: %v\n%s%s", err, out, errOut)
	}
}
