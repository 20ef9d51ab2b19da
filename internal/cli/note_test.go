package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// startSecondPhase starts phase 2 of chaser in db, as a server would after the page file's
// weights changed, and returns it.
func startSecondPhase(t *testing.T, db string) store.Phase {
	t.Helper()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ps, err := pages.LoadExamples()
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	p.Variants[1].Weight = 3
	hash, def := p.Definition()
	ph, err := st.EnsurePhase(context.Background(), "chaser", hash, def)
	if err != nil || ph.Number != 2 {
		t.Fatalf("phase 2 = %+v, %v", ph, err)
	}
	return ph
}

func TestNoteAndEveryPhaseFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 300, map[string]int{"no-awkward-emails": 20, "paid-on-time": 9})
	startSecondPhase(t, db)

	const note = "priced variant won; next: test €9 vs €19"
	out, errOut, err := runCmd(t, db, "note", "--page", "chaser", "--phase", "1", note)
	if err != nil || out != "Saved the note of phase 1 of /chaser.\n" {
		t.Fatalf("note: %q %v\n%s", out, err, errOut)
	}
	if out, _, err := runCmd(t, db, "note", "--page", "chaser", "--phase", "1"); err != nil || out != note+"\n" {
		t.Errorf("reading the note back: %q, %v", out, err)
	}
	if out, _, err := runCmd(t, db, "note", "--page", "chaser"); err != nil || out != "Phase 2 of /chaser has no note yet.\n" {
		t.Errorf("the current phase's note: %q, %v", out, err)
	}
	if _, _, err := runCmd(t, db, "note", "--page", "chaser", "--phase", "5", "x"); err == nil || !strings.Contains(err.Error(), "has 2 test phases, so there is no phase 5") {
		t.Errorf("a phase that does not exist: %v", err)
	}
	if _, _, err := runCmd(t, db, "note", "--page", "chaser", strings.Repeat("x", store.MaxNoteLen+1)); err == nil || !strings.Contains(err.Error(), "the note was not saved: the note is 4001 characters long") {
		t.Errorf("a note too long: %v", err)
	}

	out, errOut, err = runCmd(t, db, "results", "--page", "chaser", "--all-phases")
	if err != nil {
		t.Fatalf("--all-phases: %v\n%s", err, errOut)
	}
	total := s.visitors["no-awkward-emails"] + s.visitors["paid-on-time"]
	signups := s.signups["no-awkward-emails"] + s.signups["paid-on-time"]
	for _, want := range []string{
		"Phase 2, since ",
		"(current): 0 visitors, 0 signups, –. Not enough data",
		`Changed: weight of "paid-on-time" 1 → 3`,
		fmt.Sprintf(": %d visitors, %d signups, %s. Not enough data", total, signups, results.Percent(float64(signups)/float64(total))),
		"Note: " + note,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--all-phases lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "Phase 2") > strings.Index(out, "Phase 1") {
		t.Errorf("phases not newest first:\n%s", out)
	}

	out, errOut, err = runCmd(t, db, "results", "--page", "chaser", "--phase", "1")
	if err != nil {
		t.Fatalf("--phase 1: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Test phase 1, ran from") || !strings.Contains(out, "Your note: "+note) {
		t.Errorf("--phase 1 output:\n%s", out)
	}
	for _, id := range []string{"no-awkward-emails", "paid-on-time"} {
		pattern := regexp.QuoteMeta(id) + `( \(control\))?\s+` + fmt.Sprint(s.visitors[id]) + `\s+` + fmt.Sprint(s.signups[id]) + `\s`
		if !regexp.MustCompile(pattern).MatchString(out) {
			t.Errorf("phase 1 lacks the row %q:\n%s", pattern, out)
		}
	}

	out, _, err = runCmd(t, db, "results", "--page", "chaser", "--phase", "1", "--json")
	var r results.Results
	if err != nil || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("--phase 1 --json: %v\n%s", err, out)
	}
	if r.Phase.Number != 1 || r.Phase.Current || r.Phase.EndedAt == nil || r.Phase.Note != note ||
		r.Variants[0].Visitors != s.visitors["no-awkward-emails"] || r.Variants[1].Signups != s.signups["paid-on-time"] ||
		r.Pitch[1].Weight != 1 {
		t.Errorf("phase 1 JSON = %+v", r.Phase)
	}
	if _, _, err := runCmd(t, db, "results", "--page", "chaser", "--phase", "3"); err == nil || !strings.Contains(err.Error(), "/chaser has no test phase 3") {
		t.Errorf("--phase 3: %v", err)
	}

	// The export of one phase: phase 1 holds every signup, phase 2 none yet.
	out, _, err = runCmd(t, db, "export", "--page", "chaser", "--phase", "1", "--format", "json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != len(s.emails) {
		t.Fatalf("export --phase 1: %d lines, %v", len(lines), err)
	}
	var rec results.ExportRecord
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.Phase != 1 || rec.LaterPhases == nil {
		t.Errorf("first record %+v, %v", rec, err)
	}
	if out, _, err := runCmd(t, db, "export", "--page", "chaser", "--phase", "2"); err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("export --phase 2 = %q, %v; want the header only", out, err)
	}
	if _, _, err := runCmd(t, db, "export", "--page", "chaser", "--phase", "3"); err == nil || !strings.Contains(err.Error(), "no phase 3") {
		t.Errorf("export --phase 3: %v", err)
	}
}
