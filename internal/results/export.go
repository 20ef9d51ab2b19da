package results

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The export is the one way personal data leaves Litmus: every signup of a page, oldest
// first, streamed from the store a few hundred rows at a time so a large list needs little
// memory. The admin's CSV download and `litmus export` both write it here.

// exportColumnsBefore and exportColumnsAfter frame the page's own form fields in the CSV.
var (
	exportColumnsBefore = []string{"time", "email"}
	exportColumnsAfter  = []string{"variant", "counted", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer_host",
		"confirmed", "referred", "answers"}
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

// WriteCSV writes every signup of page as CSV (RFC 4180, a header row, one row per
// signup): time (RFC 3339, UTC), email, each of fields, variant, counted (yes/no), the
// UTM tags and the referrer's host, confirmed (yes/no, double opt-in), referred (yes/no:
// came through a share link) and answers (the thank-you questions' answers as a JSON
// object, empty when none). Cells that a spreadsheet would run as a formula are
// neutralised (see SafeCell).
func WriteCSV(ctx context.Context, st *store.Store, page string, fields []string, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader(fields)); err != nil {
		return fmt.Errorf("results: write csv: %w", err)
	}
	row := make([]string, 0, len(exportColumnsBefore)+len(fields)+len(exportColumnsAfter))
	err := st.EachSignup(ctx, page, func(r store.SignupRow) error {
		row = append(row[:0], r.CreatedAt.UTC().Format(time.RFC3339), r.Email)
		for _, f := range fields {
			row = append(row, r.Fields[f])
		}
		s := r.Source
		row = append(row, r.Variant, yesNo(r.Counted), s.UTMSource, s.UTMMedium, s.UTMCampaign, s.UTMTerm, s.UTMContent, s.ReferrerHost,
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
	Phase   int64             `json:"phase"`
	Source  ExportSource      `json:"source"`
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

// WriteNDJSON writes every signup of page as one JSON object (ExportRecord) per line,
// oldest first.
func WriteNDJSON(ctx context.Context, st *store.Store, page string, w io.Writer) error {
	enc := json.NewEncoder(w)
	err := st.EachSignup(ctx, page, func(r store.SignupRow) error {
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
			Time: r.CreatedAt.UTC(), Email: r.Email, Fields: fields, Variant: r.Variant, Counted: r.Counted, Phase: r.PhaseID,
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
