package results

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The export is the one way personal data leaves Litmus: every signup of a page, oldest
// first, streamed from the store a few hundred rows at a time so a large list needs little
// memory. The admin's CSV download and `litmus export` both write it here.
//
// One row per contact (one email per page). Its phase and variant are those of the first
// signup; later_phases lists the phases in which the same person signed up again (each a
// signup of that phase). Exporting one phase (phase > 0) keeps the contacts who signed up
// in it, first or again, and shows that phase's variant and counted for each.

// exportColumnsBefore and exportColumnsAfter frame the page's own form fields in the CSV.
var (
	exportColumnsBefore = []string{"time", "email"}
	// phase and later_phases came in 0.2, at the end, so the earlier columns keep their places;
	// confirmed, referred and answers (the demand signals) after them.
	exportColumnsAfter = []string{"variant", "counted", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer_host",
		"phase", "later_phases", "confirmed", "referred", "answers"}
)

// FieldNames returns the names of p's form fields other than the email, in page order:
// the form's columns of the export.
func FieldNames(p *pages.Page) []string {
	var names []string
	for _, f := range p.Fields {
		if f.Kind != pages.FieldEmail {
			names = append(names, f.Name)
		}
	}
	return names
}

// StoredFieldNames returns every form field name found in the stored signups of page,
// sorted: the columns for a page whose file is gone, so none of its answers are left out.
func StoredFieldNames(ctx context.Context, st *store.Store, page string) ([]string, error) {
	seen := map[string]bool{}
	err := st.EachSignup(ctx, page, func(r store.SignupRow) error {
		for k := range r.Fields {
			seen[k] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	slices.Sort(names)
	return names, nil
}

// CSVHeader returns the header row of the CSV export for the given form fields. A field
// whose name is also a fixed column is prefixed "field_", so every column is unambiguous.
func CSVHeader(fields []string) []string {
	header := slices.Clone(exportColumnsBefore)
	for _, f := range fields {
		if slices.Contains(exportColumnsBefore, f) || slices.Contains(exportColumnsAfter, f) {
			f = "field_" + f
		}
		header = append(header, f)
	}
	return append(header, exportColumnsAfter...)
}

// WriteCSV writes the signups of page as CSV (RFC 4180, a header row, one row per
// contact): time (RFC 3339, UTC), email, each of fields, variant, counted (yes/no), the
// UTM tags, the referrer's host, phase (its number), later_phases (space-separated),
// confirmed (yes/no, double opt-in), referred (yes/no: came through a share link) and
// answers (the thank-you questions' answers as a JSON object, empty when none).
// phase 0 writes every contact; phase N only those who signed up in phase N. Cells that a
// spreadsheet would run as a formula are neutralised (see SafeCell).
func WriteCSV(ctx context.Context, st *store.Store, page string, fields []string, phase int, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(fields)); err != nil {
		return fmt.Errorf("results: write csv: %w", err)
	}
	row := make([]string, 0, len(exportColumnsBefore)+len(fields)+len(exportColumnsAfter))
	err := eachContact(ctx, st, page, phase, func(r store.SignupRow, c contact) error {
		row = append(row[:0], r.CreatedAt.UTC().Format(time.RFC3339), r.Email)
		for _, f := range fields {
			row = append(row, r.Fields[f])
		}
		s := r.Source
		later := make([]string, len(c.later))
		for i, n := range c.later {
			later[i] = strconv.Itoa(n)
		}
		row = append(row, c.variant, yesNo(c.counted), s.UTMSource, s.UTMMedium, s.UTMCampaign, s.UTMTerm, s.UTMContent, s.ReferrerHost,
			strconv.Itoa(c.phase), strings.Join(later, " "),
			yesNo(!r.ConfirmedAt.IsZero()), yesNo(r.Referred), answersCell(r.Answers))
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		return cw.Write(row)
	})
	cw.Flush()
	if err == nil {
		err = cw.Error()
	}
	if err != nil {
		return fmt.Errorf("results: write csv: %w", err)
	}
	return nil
}

// SafeCell neutralises a cell a spreadsheet would treat as a formula (CSV injection): one
// starting with =, +, -, @, a tab or a carriage return gets a single quote in front, as
// OWASP recommends. Visitors type these values, and the founder opens the file in Excel.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// ExportRecord is one signup in the JSON export: one object per line (NDJSON), so the
// file streams, and each line can be read on its own (jq, a script, a database import).
type ExportRecord struct {
	Time    time.Time         `json:"time"`
	Email   string            `json:"email"`
	Fields  map[string]string `json:"fields"`
	Variant string            `json:"variant"`
	Counted bool              `json:"counted"`
	Phase   int               `json:"phase"` // the page's phase number (1 = its first test)
	Source  ExportSource      `json:"source"`
	// LaterPhases are the phases in which the same person signed up again.
	LaterPhases []int `json:"later_phases"`
	// ConfirmedAt is when the address was confirmed (double opt-in), null if it was not.
	ConfirmedAt *time.Time        `json:"confirmed_at"`
	Referred    bool              `json:"referred"` // came through a share link
	Answers     map[string]string `json:"answers"`  // thank-you questions, by name
}

// ExportSource is a signup's first-touch attribution in the JSON export.
type ExportSource struct {
	UTMSource    string `json:"utm_source"`
	UTMMedium    string `json:"utm_medium"`
	UTMCampaign  string `json:"utm_campaign"`
	UTMTerm      string `json:"utm_term"`
	UTMContent   string `json:"utm_content"`
	ReferrerHost string `json:"referrer_host"`
}

// WriteNDJSON writes the signups of page as one JSON object (ExportRecord) per line,
// oldest first: every contact (phase 0), or those who signed up in phase N.
func WriteNDJSON(ctx context.Context, st *store.Store, page string, phase int, w io.Writer) error {
	enc := json.NewEncoder(w)
	err := eachContact(ctx, st, page, phase, func(r store.SignupRow, c contact) error {
		s := r.Source
		fields := r.Fields
		if fields == nil {
			fields = map[string]string{}
		}
		answers := r.Answers
		if answers == nil {
			answers = map[string]string{}
		}
		rec := ExportRecord{
			Time: r.CreatedAt.UTC(), Email: r.Email, Fields: fields, Variant: c.variant, Counted: c.counted, Phase: c.phase,
			LaterPhases: c.later,
			Source: ExportSource{
				UTMSource: s.UTMSource, UTMMedium: s.UTMMedium, UTMCampaign: s.UTMCampaign,
				UTMTerm: s.UTMTerm, UTMContent: s.UTMContent, ReferrerHost: s.ReferrerHost,
			},
			Referred: r.Referred, Answers: answers,
		}
		if !r.ConfirmedAt.IsZero() {
			at := r.ConfirmedAt.UTC()
			rec.ConfirmedAt = &at
		}
		return enc.Encode(rec)
	})
	if err != nil {
		return fmt.Errorf("results: write json: %w", err)
	}
	return nil
}

// contact is what one export row says about the phases: the phase shown (the first
// signup's, or the one exported), its variant and counted, and the later phases.
type contact struct {
	phase   int
	variant string
	counted bool
	later   []int
}

// eachContact calls fn with each signup of page that belongs in the export of phase (0 for
// all), with its phase numbers.
func eachContact(ctx context.Context, st *store.Store, page string, phase int, fn func(store.SignupRow, contact) error) error {
	phases, err := st.Phases(ctx, page)
	if err != nil {
		return err
	}
	number := make(map[int64]int, len(phases))
	for _, ph := range phases {
		number[ph.ID] = ph.Number
	}
	return st.EachSignup(ctx, page, func(r store.SignupRow) error {
		c := contact{phase: number[r.PhaseID], variant: r.Variant, counted: r.Counted, later: []int{}}
		for _, rep := range r.Repeats {
			c.later = append(c.later, number[rep.PhaseID])
		}
		if phase > 0 && c.phase != phase {
			i := slices.IndexFunc(r.Repeats, func(rep store.Repeat) bool { return number[rep.PhaseID] == phase })
			if i < 0 {
				return nil
			}
			c.phase, c.variant, c.counted = phase, r.Repeats[i].Variant, r.Repeats[i].Counted
		}
		return fn(r, c)
	})
}

// ExportFilename is the download name of a page's CSV export on day:
// "chaser-signups-2026-11-24.csv".
func ExportFilename(page string, day time.Time) string {
	return page + "-signups-" + day.UTC().Format(time.DateOnly) + ".csv"
}

// answersCell is a signup's answers as one CSV cell: a JSON object with sorted keys, or
// empty when there are none.
func answersCell(a map[string]string) string {
	if len(a) == 0 {
		return ""
	}
	b, _ := json.Marshal(a) // a map of strings always encodes
	return string(b)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
