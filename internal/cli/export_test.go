package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/store"
)

func TestExportWritesTheCSVOfTheOnlyPageWithSignups(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 100, map[string]int{"no-awkward-emails": 10, "paid-on-time": 10})
	out, errOut, err := runCmd(t, db, "export") // two pages, only chaser has signups
	if err != nil {
		t.Fatalf("export: %v\n%s", err, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	if strings.Join(recs[0], ",") != "time,email,first_name,work,consent,variant,counted,utm_source,utm_medium,utm_campaign,utm_term,utm_content,referrer_host,phase,later_phases,confirmed,referred,answers" {
		t.Errorf("header %q", recs[0])
	}
	if len(recs)-1 != len(s.emails) {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(s.emails))
	}
	first := recs[1]
	if first[1] != s.emails[0] || first[2] != "'=Seed" || first[4] != "yes" || first[6] != "yes" || first[7] != "news" || first[9] != "launch" {
		t.Errorf("first row %q", first)
	}
	if _, err := time.Parse(time.RFC3339, first[0]); err != nil || !strings.HasSuffix(first[0], "Z") {
		t.Errorf("time %q is not RFC 3339 in UTC", first[0])
	}
}

func TestExportJSONIsOneObjectPerLine(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 60, map[string]int{"no-awkward-emails": 6, "paid-on-time": 6})
	out, _, err := runCmd(t, db, "export", "--page", "chaser", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(s.emails) {
		t.Fatalf("%d lines, want %d", len(lines), len(s.emails))
	}
	var rec results.ExportRecord
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	// JSON is not a spreadsheet: values are exported exactly as stored.
	if rec.Email != s.emails[0] || rec.Fields["first_name"] != "=Seed" || !rec.Counted || rec.Phase != 1 || rec.Source.UTMSource != "news" {
		t.Errorf("first record %+v", rec)
	}
}

func TestExportSaysWhichPagesThereAre(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	seedDB(t, db, 20, map[string]int{"no-awkward-emails": 2, "paid-on-time": 2})
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"export", "--page", "nope"}, `no page "nope" has signups in this database; pages with signups: chaser`},
		{[]string{"export", "--page", "taxpot"}, ""}, // a page with no signups yet: just the header
	}
	for _, tc := range cases {
		out, _, err := runCmd(t, db, tc.args...)
		switch {
		case tc.want == "" && (err != nil || strings.Count(out, "\n") != 1):
			t.Errorf("%v: %v\n%s", tc.args, err, out)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	if _, errOut, err := runCmd(t, db, "export", "--format", "xml"); !errors.Is(err, errUsage) || !strings.Contains(errOut, "want csv or json") {
		t.Errorf("--format xml: %v %q", err, errOut)
	}

	// Signups on a second page: the founder must choose.
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	phases, _ := st.Phases(context.Background(), "taxpot")
	if _, err := st.InsertSignup(context.Background(), store.Signup{PhaseID: phases[0].ID, Page: "taxpot", Email: "t@example.com", Variant: "no-surprises"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, _, err := runCmd(t, db, "export"); err == nil || !strings.Contains(err.Error(), "choose a page with --page: pages with signups: chaser, taxpot") {
		t.Errorf("two pages with signups: %v", err)
	}
}

// TestExportOfAPageWhoseFileIsGone: signups outlive their page file; every field they
// hold becomes a column.
func TestExportOfAPageWhoseFileIsGone(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ph, err := st.EnsurePhase(context.Background(), "old-idea", "hash1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range []map[string]string{{"role": "CTO"}, {"team_size": "12", "role": "Dev"}} {
		if _, err := st.InsertSignup(context.Background(), store.Signup{PhaseID: ph.ID, Page: "old-idea", Email: string(rune('a'+i)) + "@example.com", Variant: "a", Fields: f}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, _, err := runCmd(t, db, "export", "--page", "old-idea")
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if strings.Join(recs[0][:4], ",") != "time,email,role,team_size" || recs[2][2] != "Dev" || recs[2][3] != "12" {
		t.Errorf("export of a removed page:\n%s", out)
	}
}
