package results

import (
	"slices"
	"testing"
	"time"
)

func TestSafeCellNeutralisesFormulas(t *testing.T) {
	cases := map[string]string{
		"=1+2":            "'=1+2",
		"+1":              "'+1",
		"-1":              "'-1",
		"@SUM(A1)":        "'@SUM(A1)",
		"\t=1":            "'\t=1",
		"\r=1":            "'\r=1",
		"":                "",
		"Ada":             "Ada",
		"a=b":             "a=b",
		" =1":             " =1", // a leading space is text to every spreadsheet
		"ada@example.com": "ada@example.com",
	}
	for in, want := range cases {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSVHeaderKeepsColumnsUnambiguous(t *testing.T) {
	got := CSVHeader([]string{"company", "variant", "email"})
	want := []string{"time", "email", "company", "field_variant", "field_email", "variant", "counted",
		"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer_host",
		"phase", "later_phases", "confirmed", "referred", "answers"}
	if !slices.Equal(got, want) {
		t.Errorf("header %q,\nwant   %q", got, want)
	}
}

func TestExportFilename(t *testing.T) {
	day := time.Date(2026, 3, 2, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if got := ExportFilename("chaser", day); got != "chaser-signups-2026-03-03.csv" {
		t.Errorf("filename %q: the date is the UTC day", got)
	}
}
