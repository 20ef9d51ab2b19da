package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// exportCSV downloads the page's CSV signed in and parses it.
func (e *env) exportCSV(slug string) (header []string, rows []map[string]string) {
	e.t.Helper()
	resp, body := e.adminReq("GET", "/admin/pages/"+slug+"/signups.csv", testPassword, nil)
	if resp.StatusCode != 200 {
		e.t.Fatalf("CSV export = %d:\n%s", resp.StatusCode, clipBody(body))
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		e.t.Fatalf("the export is not valid CSV: %v\n%s", err, clipBody(body))
	}
	header = records[0]
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, name := range header {
			row[name] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

func TestCSVExportHasOneRowPerSignupWithFieldsAndSource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// First touch from a newsletter; the signup happens on a later view without tags.
	cookie, _ := e.visit("/?utm_source=news&utm_campaign=launch&utm_medium=email&utm_term=invoices&utm_content=top")
	e.advance(time.Hour)
	_, page := e.get("/chaser", "Cookie", VisitorCookie+"="+cookie)
	token := tokenIn(t, page)
	e.advance(5 * time.Second)
	form := validForm(token, "ada@example.com")
	form.Set("work", "Writing")
	if resp, _ := e.post("/chaser/signup", cookie, form); resp.StatusCode != 303 {
		t.Fatalf("signup = %d", resp.StatusCode)
	}
	signedAt := e.clock()
	c2, t2 := e.visit("/chaser")
	e.advance(5 * time.Second)
	f2 := validForm(t2, "bo@example.com")
	f2.Del("first_name")
	if resp, _ := e.post("/chaser/signup", c2, f2); resp.StatusCode != 303 {
		t.Fatalf("signup = %d", resp.StatusCode)
	}

	resp, _ := e.adminReq("GET", "/admin/pages/chaser/signups.csv", testPassword, nil)
	if got, want := resp.Header.Get("Content-Disposition"), `attachment; filename="chaser-signups-`+e.clock().UTC().Format("2006-01-02")+`.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", got)
	}

	header, rows := e.exportCSV("chaser")
	wantHeader := []string{"time", "email", "first_name", "work", "consent", "variant", "counted",
		"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer_host",
		"phase", "later_phases", "confirmed", "referred", "answers"}
	if !slices.Equal(header, wantHeader) {
		t.Fatalf("header %q,\nwant   %q", header, wantHeader)
	}
	if len(rows) != 2 {
		t.Fatalf("%d rows, want one per signup (2)", len(rows))
	}
	ada, bo := rows[0], rows[1]
	want := map[string]string{
		"time": signedAt.UTC().Format(time.RFC3339), "email": "ada@example.com", "first_name": "Ada", "work": "Writing",
		"consent": "yes", "counted": "yes", "utm_source": "news", "utm_medium": "email", "utm_campaign": "launch",
		"utm_term": "invoices", "utm_content": "top", "referrer_host": "",
	}
	for k, v := range want {
		if ada[k] != v {
			t.Errorf("ada's %s = %q, want %q", k, ada[k], v)
		}
	}
	if ada["variant"] != e.signups("chaser")[1].Variant {
		t.Errorf("ada's variant %q does not match the stored one", ada["variant"])
	}
	if bo["email"] != "bo@example.com" || bo["first_name"] != "" || bo["utm_source"] != "" {
		t.Errorf("bo's row: %v", bo)
	}
}

// TestCSVExportNeutralisesFormulas: a cell a spreadsheet would run as a formula gets a
// leading quote, whatever column it is in and however it got into the database.
func TestCSVExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := map[string]string{ // typed → exported
		`=HYPERLINK("http://evil.example","click")`: `'=HYPERLINK("http://evil.example","click")`,
		"+1+1":              "'+1+1",
		"-2+3":              "'-2+3",
		"@SUM(A1:A2)":       "'@SUM(A1:A2)",
		"Ada = genius":      "Ada = genius",
		"plain, \"quoted\"": "plain, \"quoted\"",
	}
	i := 0
	for typed := range cases {
		cookie, token := e.visit("/chaser")
		e.advance(5 * time.Second)
		form := validForm(token, fmt.Sprintf("p%d@example.com", i))
		form.Set("first_name", typed)
		if resp, body := e.post("/chaser/signup", cookie, form); resp.StatusCode != 303 {
			t.Fatalf("signup with %q = %d:\n%s", typed, resp.StatusCode, clipBody(body))
		}
		i++
	}
	// Tabs and carriage returns never pass the form; a database written by another
	// version (or by hand) may hold them, and an address may start with "-" or "=".
	ent := e.site.Load().Lookup("chaser")
	if _, err := e.store.InsertSignup(context.Background(), store.Signup{
		PhaseID: ent.Phase.ID, Page: "chaser", Email: "-cmd@example.com", Variant: "paid-on-time", At: e.clock(),
		Fields: map[string]string{"first_name": "\t=1+2", "work": "\r=3+4"},
		Source: store.Source{UTMSource: "=evil()", UTMCampaign: "@x", ReferrerHost: "+host"},
	}); err != nil {
		t.Fatal(err)
	}
	_, rows := e.exportCSV("chaser")
	got := map[string]bool{}
	for _, r := range rows {
		got[r["first_name"]] = true
	}
	for typed, exported := range cases {
		if !got[exported] {
			t.Errorf("%q was not exported as %q; first names exported: %v", typed, exported, got)
		}
	}
	last := rows[len(rows)-1]
	for col, want := range map[string]string{
		"email": "'-cmd@example.com", "first_name": "'\t=1+2", "work": "'\r=3+4",
		"utm_source": "'=evil()", "utm_campaign": "'@x", "referrer_host": "'+host",
	} {
		if last[col] != want {
			t.Errorf("%s exported as %q, want %q", col, last[col], want)
		}
	}
}

// TestCSVExportStreamsEverySignupOnce: more signups than the store reads at a time, each
// exported once, oldest first.
func TestCSVExportStreamsEverySignupOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ent := e.site.Load().Lookup("chaser")
	const n = 1234
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.store.InsertSignup(context.Background(), store.Signup{
				PhaseID: ent.Phase.ID, Page: "chaser", Email: fmt.Sprintf("bulk%04d@example.com", i), Variant: "paid-on-time",
				At: e.clock().Add(time.Duration(i) * time.Second),
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, rows := e.exportCSV("chaser")
	if len(rows) != n {
		t.Fatalf("%d rows exported, want %d", len(rows), n)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r["email"]] {
			t.Fatalf("%s exported twice", r["email"])
		}
		seen[r["email"]] = true
	}
}

func TestCSVExportOfAPageWithoutSignupsIsTheHeader(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	header, rows := e.exportCSV("taxpot")
	if len(rows) != 0 || header[0] != "time" || header[len(header)-1] != "answers" {
		t.Errorf("empty export: header %q, %d rows", header, len(rows))
	}
}
