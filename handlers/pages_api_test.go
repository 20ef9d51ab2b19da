package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

const (
	oldHeadline = "Get paid on time, every time — for $9 a month"
	newHeadline = "Invoices that chase themselves, for $9 a month"
)

func TestPageSourceIsTheFileWithItsETag(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	if text != pe.file("chaser.toml") || etag != pagedir.ETag([]byte(text)) || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("source is not the file (etag %s)", etag)
	}
	resp, _ := pe.adminReq("GET", "/api/v1/pages/chaser/source", testPassword, nil)
	if ct := resp.Header.Get("Content-Type"); ct != "application/toml; charset=utf-8" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Content-Type %q, Cache-Control %q", ct, resp.Header.Get("Cache-Control"))
	}
	if resp, body := pe.adminReq("GET", "/api/v1/pages/nope/source", testPassword, nil); resp.StatusCode != 404 || !strings.Contains(body, `"ok":false`) {
		t.Errorf("unknown page = %d %s, want 404 JSON", resp.StatusCode, body)
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/pages/chaser/source"}, {"PUT", "/api/v1/pages/chaser/source"},
		{"POST", "/api/v1/pages"}, {"DELETE", "/api/v1/pages/taxpot"},
		{"GET", "/api/v1/pages/chaser/versions"}, {"GET", "/api/v1/pages/chaser/versions/1"},
	} {
		for _, pw := range []string{"", "wrong password!"} {
			if resp, _ := pe.adminReq(c.method, c.path, pw, nil); resp.StatusCode != 401 {
				t.Errorf("%s %s with password %q = %d, want 401", c.method, c.path, pw, resp.StatusCode)
			}
		}
	}
	if pe.file("taxpot.toml") == "" {
		t.Error("an unauthenticated DELETE archived a page")
	}
}

func TestSavingChangesTheFileAndTheServedPageTogether(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	if !strings.Contains(pe.preview("chaser", "paid-on-time"), "Get paid on time, every time") {
		t.Fatal("the example's headline is not served")
	}
	edited := strings.Replace(text, oldHeadline, newHeadline, 1)
	resp, body := pe.put("chaser", edited, etag)
	if resp.StatusCode != 200 {
		t.Fatalf("PUT = %d %s", resp.StatusCode, body)
	}
	var saved SavedPage
	if err := json.Unmarshal([]byte(body), &saved); err != nil {
		t.Fatal(err)
	}
	if pe.file("chaser.toml") != edited {
		t.Error("the file on disk is not the text sent")
	}
	if !strings.Contains(pe.preview("chaser", "paid-on-time"), "Invoices that chase themselves") {
		t.Error("the served page does not show the new headline")
	}
	if saved.ETag != pagedir.ETag([]byte(edited)) || resp.Header.Get("ETag") != saved.ETag || saved.Page != "chaser" || saved.File != "chaser.toml" {
		t.Errorf("answer %+v, ETag header %s", saved, resp.Header.Get("ETag"))
	}
	// No visitor yet: the phase is kept (restarted now), and the answer says what changed.
	if saved.Phase.New || !saved.Phase.Restarted || len(saved.Phase.Reasons) != 1 || !strings.HasPrefix(saved.Phase.Reasons[0], `variant "paid-on-time" re-worded: headline "`) {
		t.Errorf("phase %+v, want the same phase, restarted, because the headline of paid-on-time changed", saved.Phase)
	}
	if _, etag2 := pe.source("chaser"); etag2 != saved.ETag {
		t.Errorf("GET after the save has ETag %s, want %s", etag2, saved.ETag)
	}
}

func TestSavingAfterVisitorsStartsANewPhaseButATitleDoesNot(t *testing.T) {
	pe := newPagesEnv(t)
	pe.startPhase("chaser")
	pe.traffic("chaser", 20, 0.5, chaserRates, 3, "")
	before := pe.site.Load().Lookup("chaser").Phase.ID

	text, etag := pe.source("chaser")
	text = strings.Replace(text, `title = "`, `title = "New: `, 1)
	resp, body := pe.put("chaser", text, etag)
	var saved SavedPage
	_ = json.Unmarshal([]byte(body), &saved)
	if resp.StatusCode != 200 || saved.Phase.New || saved.Phase.ID != before || len(saved.Phase.Reasons) != 0 {
		t.Fatalf("title change = %d %+v, want the same phase %d", resp.StatusCode, saved.Phase, before)
	}
	text = strings.Replace(text, "weight = 1", "weight = 3", 1)
	resp, body = pe.put("chaser", text, saved.ETag)
	saved = SavedPage{}
	_ = json.Unmarshal([]byte(body), &saved)
	if resp.StatusCode != 200 || !saved.Phase.New || saved.Phase.ID == before || !strings.Contains(strings.Join(saved.Phase.Reasons, ";"), `weight of "no-awkward-emails" 1 → 3`) {
		t.Fatalf("weight change = %d %+v, want a new phase because of the weight", resp.StatusCode, saved.Phase)
	}
	if got := pe.site.Load().Lookup("chaser").Phase.ID; got != saved.Phase.ID {
		t.Errorf("served phase %d, answer says %d", got, saved.Phase.ID)
	}
}

func TestASaveWithMistakesIsRefusedWithTheirLines(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	lines := strings.Split(text, "\n")
	weightLine, ctaLine := 0, 0
	for i, l := range lines {
		if weightLine == 0 && strings.HasPrefix(l, "weight = 1") {
			lines[i], weightLine = `weight = "half"`, i+1
		}
		if ctaLine == 0 && strings.HasPrefix(l, "cta = ") {
			lines[i], ctaLine = `cta = ""`, i+1
		}
	}
	bad := strings.Join(lines, "\n")
	resp, body := pe.put("chaser", bad, etag)
	if resp.StatusCode != 422 {
		t.Fatalf("PUT = %d %s, want 422", resp.StatusCode, body)
	}
	var list ProblemList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if list.OK || len(list.Problems) != 2 || !strings.Contains(list.Message, "Nothing was saved: 2 problems") {
		t.Fatalf("answer %+v, want 2 problems", list)
	}
	if p := list.Problems[0]; p.Line != weightLine || p.File != "chaser.toml" || !strings.Contains(p.Message, "weight must be a whole number") {
		t.Errorf("first problem %+v, want weight on line %d", p, weightLine)
	}
	if p := list.Problems[1]; p.Line != ctaLine || !strings.Contains(p.Message, "cta is empty") {
		t.Errorf("second problem %+v, want cta on line %d", p, ctaLine)
	}
	if pe.file("chaser.toml") != text || !strings.Contains(pe.preview("chaser", "paid-on-time"), "Get paid on time, every time") {
		t.Error("a refused save changed the file or the served page")
	}
	// Not TOML at all: one problem, on its line.
	resp, body = pe.put("chaser", "slug = \"chaser\"\ntitle = oops\n", etag)
	if resp.StatusCode != 422 || !strings.Contains(body, `"line":2`) || !strings.Contains(body, "not valid TOML") {
		t.Errorf("broken TOML = %d %s", resp.StatusCode, body)
	}
	// The slug is the page's address: a save cannot move the page.
	resp, body = pe.put("chaser", strings.Replace(text, `slug = "chaser"`, `slug = "chaser-two"`, 1), etag)
	if resp.StatusCode != 422 || !strings.Contains(body, `"line":11`) || !strings.Contains(body, "the slug can't change here") {
		t.Errorf("slug change = %d %s", resp.StatusCode, body)
	}
	// Checked with the other files, exactly as `litmus check` checks the directory.
	resp, body = pe.put("taxpot", strings.Replace(pe.file("taxpot.toml"), `slug = "taxpot"`, `slug = "taxpot"`+"\ndefault = true", 1), pagedir.ETag([]byte(pe.file("taxpot.toml"))))
	if resp.StatusCode != 422 || !strings.Contains(body, "default = true is set on 2 pages") {
		t.Errorf("a second default page = %d %s", resp.StatusCode, body)
	}
}

func TestStaleOrMissingIfMatchIsRefused(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	onDisk := strings.Replace(text, oldHeadline, "Edited in vim", 1)
	if err := os.WriteFile(filepath.Join(pe.dir, "chaser.toml"), []byte(onDisk), 0o644); err != nil {
		t.Fatal(err)
	}
	resp, body := pe.put("chaser", strings.Replace(text, oldHeadline, newHeadline, 1), etag)
	if resp.StatusCode != 409 || !strings.Contains(body, "changed since you read it") || resp.Header.Get("ETag") != pagedir.ETag([]byte(onDisk)) {
		t.Errorf("stale If-Match = %d %s (ETag %s)", resp.StatusCode, body, resp.Header.Get("ETag"))
	}
	if pe.file("chaser.toml") != onDisk {
		t.Error("a stale save overwrote the file")
	}
	resp, body = pe.put("chaser", text, "")
	if resp.StatusCode != 428 || !strings.Contains(body, "If-Match") {
		t.Errorf("no If-Match = %d %s", resp.StatusCode, body)
	}
	if resp, body := pe.put("chaser", text, "*"); resp.StatusCode != 200 || pe.file("chaser.toml") != text {
		t.Errorf("If-Match: * = %d %s", resp.StatusCode, body)
	}
}

func TestConcurrentSavesGiveExactlyOneWinner(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := pe.put("chaser", strings.Replace(text, oldHeadline, fmt.Sprintf("Headline number %d", i), 1), etag)
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	winner, conflicts := -1, 0
	for i, s := range statuses {
		switch s {
		case 200:
			if winner >= 0 {
				t.Errorf("two saves with the same If-Match succeeded: %d and %d", winner, i)
			}
			winner = i
		case 409:
			conflicts++
		default:
			t.Errorf("save %d = %d", i, s)
		}
	}
	if winner < 0 || conflicts != n-1 {
		t.Fatalf("statuses %v, want one 200 and %d 409s", statuses, n-1)
	}
	want := fmt.Sprintf("Headline number %d", winner)
	if !strings.Contains(pe.file("chaser.toml"), want) || !strings.Contains(pe.preview("chaser", "paid-on-time"), want) {
		t.Errorf("the file or the served page is not the winner's")
	}
}

func TestAFailedReloadLeavesFileAndPageAsTheyWere(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	pe.failApply.Store(true)
	resp, body := pe.put("chaser", strings.Replace(text, oldHeadline, newHeadline, 1), etag)
	if resp.StatusCode != 500 || !strings.Contains(body, "nothing changed") {
		t.Errorf("PUT with a failing reload = %d %s", resp.StatusCode, body)
	}
	if pe.file("chaser.toml") != text || strings.Contains(pe.preview("chaser", "paid-on-time"), "Invoices that chase") {
		t.Error("a failed save changed the file or the served page")
	}
	entries, _ := os.ReadDir(pe.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestPageBodyLimits(t *testing.T) {
	pe := newPagesEnv(t)
	_, etag := pe.source("chaser")
	origin := pe.listen()
	big := strings.Repeat("# a comment line of a page file\n", MaxPageSource/32+1)
	resp, body := pe.put("chaser", big, etag)
	if resp.StatusCode != 413 || !strings.Contains(body, "256 KiB") {
		t.Errorf("a %d-byte page = %d %s, want 413", len(big), resp.StatusCode, body)
	}
	// Over its limit fasthttp refuses a body from the headers alone, before routing. Like
	// postTooLarge, announce the body and send none of it: the answer must not wait for it.
	announce := func(method, path, auth string, n int) (int, string) {
		t.Helper()
		raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: litmus.test\r\nContent-Type: application/toml\r\nIf-Match: %s\r\nContent-Length: %d\r\n", method, path, etag, n)
		if auth != "" {
			raw += "Authorization: " + basic("admin", auth) + "\r\n"
		}
		resp, body, err := exchange(origin, method, raw+"\r\n")
		if err != nil {
			t.Fatalf("%s %s with %d bytes announced: %v", method, path, n, err)
		}
		return resp.StatusCode, body
	}
	if status, body := announce("PUT", "/api/v1/pages/chaser/source", testPassword, AdminBodyLimit+1); status != 413 || !strings.Contains(body, "256 KiB") {
		t.Errorf("a body over AdminBodyLimit = %d %s, want 413", status, body)
	}
	// The limit depends on the path only: with or without the password, the same answer
	// (a password-dependent limit would tell a right password from a wrong one).
	for _, pw := range []string{"", "not the password"} {
		if status, _ := announce("PUT", "/api/v1/pages/chaser/source", pw, AdminBodyLimit+1); status != 413 {
			t.Errorf("%d bytes to the API with password %q = %d, want 413", AdminBodyLimit+1, pw, status)
		}
	}
	// Public routes keep their 16 KiB limit.
	if status, _ := announce("POST", "/chaser/signup", "", BodyLimit+1); status != 413 {
		t.Errorf("a %d-byte signup = %d, want 413", BodyLimit+1, status)
	}
	if pe.file("chaser.toml") == big {
		t.Error("an oversized page was saved")
	}
}

func TestCreatingAPage(t *testing.T) {
	pe := newPagesEnv(t)
	resp, body := pe.apiPost("/api/v1/pages", `{"slug": "chaser-uk", "from": "chaser", "title": "Chaser for UK freelancers"}`)
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "/api/v1/pages/chaser-uk/source" {
		t.Fatalf("create = %d %s (Location %q)", resp.StatusCode, body, resp.Header.Get("Location"))
	}
	file := pe.file("chaser-uk.toml")
	if !strings.Contains(file, `slug = "chaser-uk"`) || !strings.Contains(file, `default = false`) || !strings.Contains(file, `title = "Chaser for UK freelancers"`) {
		t.Errorf("new file:\n%s", clipBody(file))
	}
	if r, page := pe.get("/chaser-uk"); r.StatusCode != 200 || !strings.Contains(page, "Chaser for UK freelancers") {
		t.Errorf("GET /chaser-uk = %d", r.StatusCode)
	}
	if r, _ := pe.apiPost("/api/v1/pages", `{"slug": "blank-idea"}`); r.StatusCode != 201 || !strings.Contains(pe.file("blank-idea.toml"), `slug = "blank-idea"`) {
		t.Errorf("from the starter template = %d", r.StatusCode)
	}
	for _, c := range []struct {
		body, contentType string
		status            int
		says              string
	}{
		{`{"slug": "chaser-uk", "from": "chaser"}`, "application/json", 409, "already exists"},
		{`{"slug": "Not A Slug"}`, "application/json", 422, "lowercase letters"},
		{`{"slug": "x", "from": "nope"}`, "application/json", 404, "No page called"},
		{`{"slug": `, "application/json", 400, "must be JSON"},
		{`{"slug": "forged"}`, "text/plain", 415, "Content-Type: application/json"},
	} {
		resp, body := pe.apiPost("/api/v1/pages", c.body, "Content-Type", c.contentType)
		if resp.StatusCode != c.status || !strings.Contains(body, c.says) {
			t.Errorf("create %s (%s) = %d %s, want %d saying %q", c.body, c.contentType, resp.StatusCode, body, c.status, c.says)
		}
	}
	if resp, _ := pe.apiPost("/api/v1/pages", `{"slug": "forged"}`, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != 403 {
		t.Errorf("a cross-site create = %d, want 403", resp.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(pe.dir, "forged.toml")); err == nil {
		t.Error("a refused create wrote a file")
	}
}

func TestArchivingAPageStopsServingItAndKeepsItsData(t *testing.T) {
	pe := newPagesEnv(t)
	cookie, token := pe.visit("/taxpot")
	pe.advance(10 * time.Second) // a person takes a while to type
	if resp, _ := pe.post("/taxpot/signup", cookie, validForm(token, "ada@example.com")); resp.StatusCode != 303 {
		t.Fatalf("signup = %d", resp.StatusCode)
	}
	resp, body := pe.adminReq("DELETE", "/api/v1/pages/taxpot", testPassword, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `"archived_as":"archived/`) {
		t.Fatalf("archive = %d %s", resp.StatusCode, body)
	}
	if r, _ := pe.get("/taxpot"); r.StatusCode != 404 {
		t.Errorf("GET /taxpot after archiving = %d, want 404", r.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(pe.dir, "taxpot.toml")); err == nil {
		t.Error("the file is still served from the page folder")
	}
	archived, _ := filepath.Glob(filepath.Join(pe.dir, pagedir.ArchiveDir, "*-taxpot.toml"))
	if len(archived) != 1 {
		t.Errorf("archived files %v", archived)
	}
	if n := len(pe.signups("taxpot")); n != 1 {
		t.Errorf("signups of the archived page: %d, want 1 (data stays)", n)
	}
	// The default page cannot go: nothing would be served at /.
	resp, body = pe.adminReq("DELETE", "/api/v1/pages/chaser", testPassword, nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "was not archived") {
		t.Errorf("archiving the last page = %d %s", resp.StatusCode, body)
	}
	if r, _ := pe.get("/chaser"); r.StatusCode != 200 {
		t.Errorf("the default page stopped being served: %d", r.StatusCode)
	}
}

func TestEverySaveIsKeptAndCanBeRestored(t *testing.T) {
	pe := newPagesEnv(t)
	original, etag := pe.source("chaser")
	_, body := pe.put("chaser", strings.Replace(original, oldHeadline, newHeadline, 1), etag)
	var saved SavedPage
	_ = json.Unmarshal([]byte(body), &saved)
	// Edited on disk by other means, then reloaded: kept as a version too.
	onDisk := strings.Replace(original, oldHeadline, "Edited on disk", 1)
	if err := os.WriteFile(filepath.Join(pe.dir, "chaser.toml"), []byte(onDisk), 0o644); err != nil {
		t.Fatal(err)
	}
	if resp, _ := pe.adminPost("/admin/reload", map[string][]string{}); resp.StatusCode != 200 {
		t.Fatalf("reload = %d", resp.StatusCode)
	}
	var list struct {
		Versions []VersionInfo `json:"versions"`
	}
	if err := json.Unmarshal([]byte(pe.adminGet("/api/v1/pages/chaser/versions")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Versions) != 3 {
		t.Fatalf("versions %+v, want 3", list.Versions)
	}
	wantAuthors := []string{"file on disk", "admin (API)", "file on disk"}
	for i, v := range list.Versions {
		if v.Author != wantAuthors[i] || v.CreatedAt == "" {
			t.Errorf("version %d: %+v, want author %q", i, v, wantAuthors[i])
		}
	}
	first := list.Versions[2]
	if got := pe.adminGet(fmt.Sprintf("/api/v1/pages/chaser/versions/%d", first.ID)); got != original {
		t.Error("the first version is not the seeded file")
	}
	// Restoring is a save of the old text.
	_, etag = pe.source("chaser")
	if resp, body := pe.put("chaser", original, etag); resp.StatusCode != 200 {
		t.Fatalf("restore = %d %s", resp.StatusCode, body)
	}
	if pe.file("chaser.toml") != original || !strings.Contains(pe.preview("chaser", "paid-on-time"), "Get paid on time, every time") {
		t.Error("the restored text is not on disk and served")
	}
	if resp, _ := pe.adminReq("GET", "/api/v1/pages/chaser/versions/999", testPassword, nil); resp.StatusCode != 404 {
		t.Errorf("unknown version = %d", resp.StatusCode)
	}
}

func TestBuiltInExamplesAreReadOnly(t *testing.T) {
	var pd *pagedir.Dir
	e := newEnv(t, func(d *Deps) {
		pd = pagedir.Open("", pagedir.Options{Apply: func(ps []*pages.Page) error {
			s, err := site.Build(context.Background(), ps, d.Theme, pages.Options{}, d.Store)
			d.Site.Store(s)
			return err
		}})
		d.Pages = pd
	})
	if err := pd.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp, body := e.adminReq("GET", "/api/v1/pages/chaser/source", testPassword, nil)
	if resp.StatusCode != 200 || resp.Header.Get("X-Litmus-Read-Only") != "true" {
		t.Fatalf("GET = %d (read-only header %q)", resp.StatusCode, resp.Header.Get("X-Litmus-Read-Only"))
	}
	r, b := (&pagesEnv{env: e}).put("chaser", body, pagedir.ETag([]byte(body)))
	if r.StatusCode != 403 || !strings.Contains(b, "built into the program") {
		t.Errorf("PUT on the built-in examples = %d %s, want 403 saying why", r.StatusCode, b)
	}
}

// TestPageAPIExamplesInTheDocs checks the page API's answers shown in docs/api.md (run
// with -update to rewrite them after an intended change). Times are fixed first.
func TestPageAPIExamplesInTheDocs(t *testing.T) {
	pe := newPagesEnv(t)
	text, etag := pe.source("chaser")
	_, body := pe.put("chaser", strings.Replace(text, oldHeadline, newHeadline, 1), etag)
	var saved SavedPage
	if err := json.Unmarshal([]byte(body), &saved); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "page-save.json", saved)

	bad := strings.Replace(strings.Replace(text, "weight = 1", `weight = "half"`, 1), `cta = "Get early access"`, `cta = ""`, 1)
	_, body = pe.put("chaser", bad, saved.ETag)
	var problems ProblemList
	if err := json.Unmarshal([]byte(body), &problems); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "page-problems.json", problems)

	_, body = pe.apiPost("/api/v1/pages", `{"slug": "chaser-uk", "from": "chaser", "title": "Chaser for UK freelancers"}`)
	var created SavedPage
	if err := json.Unmarshal([]byte(body), &created); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "page-create.json", created)

	var versions struct {
		Page     string        `json:"page"`
		Versions []VersionInfo `json:"versions"`
	}
	if err := json.Unmarshal([]byte(pe.adminGet("/api/v1/pages/chaser/versions")), &versions); err != nil {
		t.Fatal(err)
	}
	for i := range versions.Versions {
		versions.Versions[i].CreatedAt = fmt.Sprintf("2026-12-05T14:%02d:00Z", 20-i)
	}
	checkGolden(t, "page-versions.json", versions)
}
