package handlers

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
	"github.com/litmuslabs/litmus/internal/stats"
	"github.com/litmuslabs/litmus/pages"
)

// phaseLog drives the chaser page through test phases by editing its page file and
// pressing the admin's reload button, with people visiting and signing up in between. It
// keeps, independently of the store, what each phase's visitors were shown and did.
type phaseLog struct {
	t    *testing.T
	e    *env
	file string
	src  string
	// want[n][variant] is phase n's visitors and signups per variant, as the visits went.
	want map[int]map[string]*[2]int64
	next int // visitor numbering
}

func newPhaseLog(t *testing.T) *phaseLog {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "pages", "examples", "chaser.toml"))
	if err != nil {
		t.Fatal(err)
	}
	l := &phaseLog{t: t, file: filepath.Join(dir, "chaser.toml"), src: string(src), want: map[int]map[string]*[2]int64{}}
	l.e = newEnv(t, func(d *Deps) {
		d.Reload = func() error { return reloadFrom(l.e, dir)() }
		d.LoadPages = func() ([]*pages.Page, error) { return pages.LoadDir(os.DirFS(dir), ".") }
	})
	return l
}

// edit replaces old with new in the page file (old must be there).
func (l *phaseLog) edit(old, new string) {
	l.t.Helper()
	if !strings.Contains(l.src, old) {
		l.t.Fatalf("the page file has no %q", old)
	}
	l.src = strings.Replace(l.src, old, new, 1)
	if err := os.WriteFile(l.file, []byte(l.src), 0o644); err != nil {
		l.t.Fatal(err)
	}
}

// reload presses the admin's reload button and returns the notice's text.
func (l *phaseLog) reload() string {
	l.t.Helper()
	resp, body := l.e.adminPost("/admin/reload", url.Values{})
	text := visibleText(body)
	if resp.StatusCode != 200 {
		l.t.Fatalf("reload = %d:\n%s", resp.StatusCode, text)
	}
	l.e.startPhase("chaser")
	return text
}

// visit brings a person (cookie) to /chaser in phase n and, when email is not empty, signs
// them up. It returns the variant they were shown.
func (l *phaseLog) visit(n int, cookie, email, firstName string) string {
	l.t.Helper()
	e := l.e
	resp, body := e.get("/chaser", "Cookie", VisitorCookie+"="+cookie)
	if resp.StatusCode != 200 {
		l.t.Fatalf("visit = %d", resp.StatusCode)
	}
	token := tokenIn(l.t, body)
	variant := variantOf(l.t, token)
	if l.want[n] == nil {
		l.want[n] = map[string]*[2]int64{}
	}
	if l.want[n][variant] == nil {
		l.want[n][variant] = &[2]int64{}
	}
	l.want[n][variant][0]++
	if email != "" {
		e.advance(5 * time.Second)
		form := validForm(token, email)
		form.Set("first_name", firstName)
		if resp, body := e.post("/chaser/signup", cookie, form); resp.StatusCode != 303 {
			l.t.Fatalf("signup of %s = %d:\n%s", email, resp.StatusCode, clipBody(body))
		}
		l.want[n][variant][1]++
	}
	e.advance(time.Minute)
	return variant
}

// crowd brings n new people in phase, every every-th of whom signs up.
func (l *phaseLog) crowd(phase, n, every int) {
	for range n {
		l.next++
		email := ""
		if l.next%every == 0 {
			email = fmt.Sprintf("person%04d@example.com", l.next)
		}
		l.visit(phase, fmt.Sprintf("phase-log-visitor-%06d", l.next), email, "Pat")
	}
}

func (l *phaseLog) phaseResults(n int) results.Results {
	l.t.Helper()
	l.e.flush()
	var r results.Results
	if err := json.Unmarshal([]byte(l.e.adminGet(fmt.Sprintf("/api/v1/pages/chaser/phases/%d/results", n))), &r); err != nil {
		l.t.Fatal(err)
	}
	return r
}

// checkCounts compares phase n's report with what the visits did, variant by variant.
func (l *phaseLog) checkCounts(n int, r results.Results) {
	l.t.Helper()
	var total [2]int64
	for _, v := range r.Variants {
		var want [2]int64
		if w := l.want[n][v.ID]; w != nil {
			want = *w
		}
		if v.Visitors != want[0] || v.Signups != want[1] {
			l.t.Errorf("phase %d, %s: %d visitors, %d signups; want %d, %d", n, v.ID, v.Visitors, v.Signups, want[0], want[1])
		}
		total[0], total[1] = total[0]+want[0], total[1]+want[1]
	}
	if len(r.Variants) != len(l.want[n]) && len(l.want[n]) > len(r.Variants) {
		l.t.Errorf("phase %d reports %d variants; visitors saw %d", n, len(r.Variants), len(l.want[n]))
	}
	if r.Verdict.Visitors != total[0] || r.Verdict.Signups != total[1] {
		l.t.Errorf("phase %d verdict counts %d/%d, want %d/%d", n, r.Verdict.Signups, r.Verdict.Visitors, total[1], total[0])
	}
}

// TestThreePhasesFromPageFileEdits is the learning log end to end: three phases made by
// editing the page file and reloading, each reopened with its own numbers and words, the
// reload saying what it did, a note written in the admin, a person who signs up again in
// phase 3 counted there and stored once, and the export naming the phase.
func TestThreePhasesFromPageFileEdits(t *testing.T) {
	l := newPhaseLog(t)
	e := l.e
	const (
		oldHeadline = "Get paid on time, every time — for $9 a month"
		newHeadline = "Never send a payment reminder again — $9 a month"
		promise1    = "build the invoice importer"
		promise3    = "build the importer and the reminders"
	)

	// Phase 1: a bar low enough to decide on a few dozen visitors, and a promise.
	l.edit("min_visitors = 400", "min_visitors = 40\nif_validated = \""+promise1+"\"\nif_invalidated = \"try agencies instead\"")
	l.edit("min_days = 7", "min_days = 0")
	text := l.reload()
	for _, want := range []string{
		`/chaser: phase 1 had no visitors yet, so it now tests the new version: pass bar: min_visitors 400 → 40, min_days 7 → 0; promise if validated: (none) → "build the invoice importer"; promise if invalidated: (none) → "try agencies instead"`,
		"/taxpot: no longer served",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("first reload notice lacks %q:\n%s", want, text)
		}
	}
	ann := "ann-returns-000001"
	annVariant1 := l.visit(1, ann, "ann@example.com", "Ann")
	l.crowd(1, 59, 4)

	// Phase 2: a third variant.
	l.edit("[[fields]]\nname = \"email\"", "[[variants]]\nid = \"priced\"\nheadline = \"Chaser: $19 a month, paid back by one invoice\"\ncta = \"Reserve\"\nprice = \"$19 / month\"\n\n[[fields]]\nname = \"email\"")
	text = l.reload()
	if want := `/chaser: new phase 2 started because: variant "priced" added: "Chaser: $19 a month, paid back by one invoice"`; !strings.Contains(text, want) {
		t.Errorf("second reload notice lacks %q:\n%s", want, text)
	}
	l.crowd(2, 60, 3)

	// Phase 3: a re-worded headline and a changed promise, checked before reloading.
	l.edit(oldHeadline, newHeadline)
	l.edit(promise1, promise3)
	preview := visibleText(e.adminGet("/admin/reload/preview"))
	if want := `/chaser: would start new phase 3 because: promise if validated: "build the invoice importer" → "build the importer and the reminders"; variant "paid-on-time" re-worded`; !strings.Contains(preview, want) {
		t.Errorf("the preview lacks %q:\n%s", want, preview)
	}
	if r := e.apiResults("chaser"); r.Phase.Number != 2 {
		t.Errorf("the preview changed the phase: now %d", r.Phase.Number)
	}
	text = l.reload()
	if want := `/chaser: new phase 3 started because: promise if validated: "build the invoice importer" → "build the importer and the reminders"; variant "paid-on-time" re-worded: headline "` + oldHeadline + `" → "` + newHeadline + `"`; !strings.Contains(text, want) {
		t.Errorf("third reload notice lacks %q:\n%s", want, text)
	}
	// Edits that leave the test running say so; a reload of unchanged files says so too.
	l.edit(`title = "Chaser — invoices that chase themselves"`, `title = "Chaser — get paid on time"`)
	if text := l.reload(); !strings.Contains(text, `/chaser: same phase 3 (title "Chaser — invoices that chase themselves" → "Chaser — get paid on time")`) {
		t.Errorf("title-only reload notice:\n%s", text)
	}
	if text := l.reload(); !strings.Contains(text, "/chaser: no change") {
		t.Errorf("unchanged reload notice:\n%s", text)
	}
	l.crowd(3, 45, 5)
	annVariant3 := l.visit(3, ann, "ANN@example.com", "Ann again")

	// Every phase's report is exact and shows the words of its own time.
	for n := 1; n <= 3; n++ {
		l.checkCounts(n, l.phaseResults(n))
	}
	p1, p2, p3 := l.phaseResults(1), l.phaseResults(2), l.phaseResults(3)
	if p1.Phase.Number != 1 || p1.Phase.Current || p1.Phase.EndedAt == nil || len(p1.Pitch) != 2 || p1.Pitch[1].Headline != oldHeadline {
		t.Errorf("phase 1 = %+v, pitch %+v", p1.Phase, p1.Pitch)
	}
	if p1.Verdict.Kind != stats.Validated || p1.Promise != promise1 {
		t.Errorf("phase 1 verdict %s, promise %q; want validated and %q (%d of %d signed up, bar 5%%)", p1.Verdict.Kind, p1.Promise, promise1, p1.Verdict.Signups, p1.Verdict.Visitors)
	}
	if len(p2.Pitch) != 3 || p2.Pitch[2].ID != "priced" || len(p2.Phase.Changes) != 1 || p2.Phase.Changes[0].Kind != "variant_added" {
		t.Errorf("phase 2 = %+v, pitch %+v", p2.Phase, p2.Pitch)
	}
	if !p3.Phase.Current || p3.Pitch[1].Headline != newHeadline || p3.PassBar.IfValidated != promise3 || len(p3.Phase.Changes) != 2 {
		t.Errorf("phase 3 = %+v, pitch %+v, bar %+v", p3.Phase, p3.Pitch, p3.PassBar)
	}
	if cur := e.apiResults("chaser"); cur.Phase.Number != 3 || cur.Verdict.Visitors != p3.Verdict.Visitors {
		t.Errorf("/results is not phase 3: %+v", cur.Phase)
	}

	// The repeat signer: counted in phase 3 (for the variant phase 3 showed them), stored once.
	var annRows int
	for _, s := range e.signups("chaser") {
		if strings.EqualFold(s.Email, "ann@example.com") {
			annRows++
			if s.PhaseID != p1.Phase.ID || s.Fields["first_name"] != "Ann" || s.Variant != annVariant1 ||
				len(s.Repeats) != 1 || s.Repeats[0].PhaseID != p3.Phase.ID || s.Repeats[0].Variant != annVariant3 || !s.Repeats[0].Counted {
				t.Errorf("Ann's signup = %+v", s)
			}
		}
	}
	if annRows != 1 {
		t.Errorf("Ann is stored %d times, want once", annRows)
	}

	// The note, written in the admin, comes back in the history, the API and the report.
	const note = "priced variant won; next: test €9 vs €19 <script>"
	resp, _ := e.adminPost("/admin/pages/chaser/phases/1/note", url.Values{"note": {"  " + note + "\r\n"}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pages/chaser/phases/1?saved=note#note" {
		t.Fatalf("note saved = %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	page := e.adminGet("/admin/pages/chaser/phases/1?saved=note")
	if !strings.Contains(page, "Note saved.") || !strings.Contains(page, "priced variant won; next: test €9 vs €19 &lt;script&gt;</textarea>") {
		t.Errorf("the phase page does not show the saved note:\n%s", visibleText(page))
	}
	var list results.PhaseList
	if err := json.Unmarshal([]byte(e.adminGet("/api/v1/pages/chaser/phases")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Phases) != 3 || list.Phases[0].Number != 3 || list.Phases[2].Note != note || list.Phases[2].Verdict != stats.Validated ||
		list.Phases[2].Promise != promise1 || list.Phases[0].Signups != p3.Verdict.Signups {
		t.Errorf("phases = %+v", list.Phases)
	}
	tooLong := strings.Repeat("x", 4001)
	resp, body := e.adminPost("/admin/pages/chaser/phases/2/note", url.Values{"note": {tooLong}})
	if resp.StatusCode != 422 || !strings.Contains(visibleText(body), "The note is 4001 characters long; at most 4000 are kept.") || !strings.Contains(body, tooLong+"</textarea>") {
		t.Errorf("a note too long = %d:\n%s", resp.StatusCode, visibleText(body))
	}
	form := url.Values{"note": {"forged"}, csrfField: {e.csrfToken()}}
	if resp, _ := e.adminReq("POST", "/admin/pages/chaser/phases/2/note", testPassword, form, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Errorf("a cross-site note = %d, want 403", resp.StatusCode)
	}

	// The admin: phase 3 on top, the earlier phases below, each opening to its report.
	text = visibleText(e.adminGet("/admin/pages/chaser"))
	for _, want := range []string{"test phase 3, live since", "You promised: " + promise3, "Earlier test phases", "Phase 2", "Phase 1 Validated",
		"You promised: " + promise1, "Open phase 1's full report", note, `variant "priced" added`} {
		if !strings.Contains(text, want) {
			t.Errorf("the page's admin lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "Email When Phase Variant") || !strings.Contains(text, "person0160@example.com 5 Dec") && !strings.Contains(text, " 3 ") {
		t.Errorf("latest signups do not show their phase:\n%s", text)
	}
	text = visibleText(e.adminGet("/admin/pages/chaser/phases/1"))
	for _, want := range []string{"Phase 1 of Chaser", "An earlier test, kept as it ended", oldHeadline, "This is the page's first test phase."} {
		if !strings.Contains(text, want) {
			t.Errorf("phase 1's page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, newHeadline) || strings.Contains(text, "Preview a variant") {
		t.Errorf("phase 1's page shows today's words or previews:\n%s", text)
	}
	if resp, _ := e.adminReq("GET", "/admin/pages/chaser/phases/4", testPassword, nil); resp.StatusCode != 404 {
		t.Errorf("phase 4 = %d, want 404", resp.StatusCode)
	}
	if !strings.Contains(visibleText(e.adminGet("/admin")), "Phase 3 : Validated. You promised: "+promise3) {
		t.Errorf("the page list does not show the latest decision:\n%s", visibleText(e.adminGet("/admin")))
	}

	// The export names the phase: Ann once, from phase 1, signed up again in phase 3.
	_, rows := e.exportCSV("chaser")
	for _, r := range rows {
		if r["email"] == "ann@example.com" && (r["phase"] != "1" || r["later_phases"] != "3" || r["variant"] != annVariant1 || r["first_name"] != "Ann") {
			t.Errorf("Ann's CSV row = %v", r)
		}
	}
	if len(rows) != int(p1.Verdict.Signups+p2.Verdict.Signups+p3.Verdict.Signups-1) {
		t.Errorf("%d CSV rows, want one per person (%d signups, Ann twice)", len(rows), p1.Verdict.Signups+p2.Verdict.Signups+p3.Verdict.Signups)
	}
	resp, body = e.adminReq("GET", "/admin/pages/chaser/signups.csv?phase=3", testPassword, nil)
	if resp.StatusCode != 200 || strings.Count(body, "\n")-1 != int(p3.Verdict.Signups) || !strings.Contains(body, "ann@example.com") {
		t.Errorf("phase 3 CSV = %d, %d rows, want %d:\n%s", resp.StatusCode, strings.Count(body, "\n")-1, p3.Verdict.Signups, clipBody(body))
	}
}
