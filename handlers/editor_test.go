package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/pages"
)

// formValues reads the form with the given id from an HTML page as a browser would send
// it (text inputs, hidden inputs, ticked checkboxes, textareas, selected options), so the
// tests fill the editor through its real template.
func formValues(t *testing.T, page, formID string) url.Values {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	text := func(n *html.Node) string {
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				b.WriteString(c.Data)
			}
		}
		return b.String()
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "form" {
			if id, _ := attr(n, "id"); id == formID {
				form = n
			}
		}
		for c := n.FirstChild; c != nil && form == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no form #%s in the page", formID)
	}
	v := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch {
			case !named:
			case n.Data == "input":
				typ, _ := attr(n, "type")
				val, _ := attr(n, "value")
				_, checked := attr(n, "checked")
				switch typ {
				case "checkbox":
					if checked {
						v.Add(name, "on")
					}
				case "submit":
				default:
					v.Add(name, val)
				}
			case n.Data == "textarea":
				// The parser drops one leading newline of a textarea, as browsers do.
				v.Add(name, text(n))
			case n.Data == "select":
				// The selected option, else the first, as a browser sends it: its value, else its text.
				var chosen *html.Node
				for o := n.FirstChild; o != nil; o = o.NextSibling {
					if o.Type != html.ElementNode || o.Data != "option" {
						continue
					}
					if _, sel := attr(o, "selected"); sel || chosen == nil {
						if chosen == nil || sel {
							chosen = o
						}
					}
				}
				if chosen != nil {
					if val, ok := attr(chosen, "value"); ok {
						v.Add(name, val)
					} else {
						v.Add(name, text(chosen))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}

// editForm opens the editor of slug and returns its form as a browser would send it.
func (pe *pagesEnv) editForm(slug string) url.Values {
	pe.t.Helper()
	return formValues(pe.t, pe.adminGet("/admin/pages/"+slug+"/edit"), "editor")
}

func TestEditorFormShowsThePageAndAllowsItsScript(t *testing.T) {
	pe := newPagesEnv(t)
	resp, body := pe.adminReq("GET", "/admin/pages/chaser/edit", testPassword, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("GET edit = %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("editor CSP %q lacks %q", csp, want)
		}
	}
	f := formValues(t, body, "editor")
	if f.Get("v1_headline") != oldHeadline || f.Get("v1_id") != "paid-on-time" || f.Get("target") != "5%" || f.Get("variants") != "2" || f.Get("_csrf") == "" {
		t.Errorf("form values: %v", f)
	}
	if f.Get("etag") != pagedir.ETag([]byte(pe.file("chaser.toml"))) {
		t.Error("the form's etag is not the file's")
	}
	for _, path := range []string{"/admin/pages/chaser/edit", "/admin/pages/chaser/source", "/admin/pages/chaser/history", "/admin/pages/chaser/preview"} {
		if r, _ := pe.adminReq("GET", path, "", nil); r.StatusCode != 401 {
			t.Errorf("GET %s without the password = %d", path, r.StatusCode)
		}
	}
	if r, js := pe.get("/admin/editor.js"); r.StatusCode != 200 || !strings.Contains(js, "requestSubmit") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("editor.js = %d %q", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

func TestEditorSavesAHeadlineAndThePageShowsIt(t *testing.T) {
	pe := newPagesEnv(t)
	f := pe.editForm("chaser")
	f.Set("v1_headline", newHeadline)
	f.Set("action", "save")
	resp, body := pe.adminPost("/admin/pages/chaser/edit", f)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pages/chaser/edit?saved=restarted" {
		t.Fatalf("save = %d (Location %q):\n%s", resp.StatusCode, resp.Header.Get("Location"), clipBody(body))
	}
	if !strings.Contains(pe.file("chaser.toml"), `headline = "`+newHeadline+`"`) {
		t.Error("the file does not have the new headline")
	}
	if !strings.Contains(pe.preview("chaser", "paid-on-time"), "Invoices that chase themselves") {
		t.Error("the public page does not show the new headline")
	}
	if page := pe.adminGet("/admin/pages/chaser/edit?saved=restarted"); !strings.Contains(page, "Saved, and live now") {
		t.Error("no saved notice")
	}
}

func TestEditorShowsAMistakeNextToItsFieldAndKeepsTheInput(t *testing.T) {
	pe := newPagesEnv(t)
	before := pe.file("chaser.toml")
	f := pe.editForm("chaser")
	f.Set("title", "A title I typed")
	f.Set("v1_headline", "")
	f.Set("v0_weight", "two")
	f.Set("action", "save")
	resp, body := pe.adminPost("/admin/pages/chaser/edit", f)
	if resp.StatusCode != 422 {
		t.Fatalf("save with mistakes = %d", resp.StatusCode)
	}
	for id, msg := range map[string]string{"v1_headline": "headline is empty", "v0_weight": "Write a whole number, like 1."} {
		want := `<p class="field-error" id="` + id + `-error">`
		i := strings.Index(body, want)
		if i < 0 || !strings.Contains(body[i:i+len(want)+120], msg) {
			t.Errorf("no %q next to %s", msg, id)
		}
		if !strings.Contains(body, `id="`+id+`" name="`+id+`"`) || !strings.Contains(body, `aria-describedby="`+id+`-error`) {
			t.Errorf("%s is not described by its error", id)
		}
	}
	if got := formValues(t, body, "editor"); got.Get("title") != "A title I typed" || got.Get("v0_weight") != "two" {
		t.Errorf("the input was not kept: title %q, weight %q", got.Get("title"), got.Get("v0_weight"))
	}
	if pe.file("chaser.toml") != before {
		t.Error("a refused save changed the file")
	}
}

func TestEditorWarnsBeforeStartingANewPhase(t *testing.T) {
	pe := newPagesEnv(t)
	pe.startPhase("chaser")
	pe.traffic("chaser", 30, 0.5, chaserRates, 5, "")
	before := pe.site.Load().Lookup("chaser").Phase.ID
	text := pe.file("chaser.toml")

	// A title change keeps the phase and saves at once.
	f := pe.editForm("chaser")
	f.Set("title", "Chaser, renamed")
	f.Set("action", "check")
	if _, body := pe.adminPost("/admin/pages/chaser/edit", f); !strings.Contains(body, "Saving keeps test phase") {
		t.Errorf("no keeps-the-phase notice for a title change:\n%s", clipBody(visibleText(body)))
	}

	f = pe.editForm("chaser")
	f.Set("v1_headline", newHeadline)
	f.Set("action", "save")
	resp, body := pe.adminPost("/admin/pages/chaser/edit", f)
	if resp.StatusCode != 200 || !strings.Contains(body, "Saving starts a new test phase") || !strings.Contains(visibleText(body), `variant "paid-on-time" re-worded: headline`) ||
		!strings.Contains(body, `value="save-new-phase"`) {
		t.Fatalf("save that starts a phase = %d, want the warning and a confirm button:\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	if pe.file("chaser.toml") != text {
		t.Fatal("saved before the founder confirmed the new phase")
	}
	// With JavaScript, the same notice comes as JSON while typing.
	f.Set("action", "check")
	r, js := pe.adminReq("POST", "/admin/pages/chaser/edit", testPassword, f, "Accept", "application/json", "Sec-Fetch-Site", "same-origin")
	var ans struct {
		Phase struct {
			New     bool     `json:"new"`
			Reasons []string `json:"reasons"`
		} `json:"phase"`
	}
	if err := json.Unmarshal([]byte(js), &ans); err != nil || r.StatusCode != 200 || !ans.Phase.New || len(ans.Phase.Reasons) != 1 {
		t.Errorf("JSON check = %d %s", r.StatusCode, js)
	}
	f.Set("action", "save-new-phase")
	resp, _ = pe.adminPost("/admin/pages/chaser/edit", f)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pages/chaser/edit?saved=new" {
		t.Fatalf("confirmed save = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if after := pe.site.Load().Lookup("chaser").Phase.ID; after == before {
		t.Error("no new phase after the confirmed save")
	}
}

func TestEditorFormsRefuseForgedRequests(t *testing.T) {
	pe := newPagesEnv(t)
	before := pe.file("chaser.toml")
	f := pe.editForm("chaser")
	f.Set("v1_headline", "Forged")
	f.Set("action", "save")
	for _, c := range []struct {
		name    string
		form    url.Values
		headers []string
	}{
		{"cross-site", f, []string{"Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", f, []string{"Origin", "https://evil.example"}},
		{"no token", func() url.Values {
			g := url.Values{}
			g.Set("v1_headline", "Forged")
			g.Set("action", "save")
			return g
		}(), nil},
	} {
		for _, path := range []string{"/admin/pages/chaser/edit", "/admin/pages/chaser/source", "/admin/pages/chaser/archive", "/admin/pages/chaser/history/1/restore"} {
			resp, _ := pe.adminReq("POST", path, testPassword, c.form, c.headers...)
			if resp.StatusCode != 403 {
				t.Errorf("%s POST %s = %d, want 403", c.name, path, resp.StatusCode)
			}
		}
	}
	if pe.file("chaser.toml") != before {
		t.Error("a forged request changed the page")
	}
}

func TestEditorMarkdownIsEscapedLikeAPageFile(t *testing.T) {
	pe := newPagesEnv(t)
	f := pe.editForm("chaser")
	f.Set("v1_body", "Hello <script>alert(1)</script>\n\n<img src=x onerror=alert(2)> **bold**")
	f.Set("v1_headline", `"><svg onload=alert(3)>`)
	f.Set("action", "save")
	if resp, body := pe.adminPost("/admin/pages/chaser/edit", f); resp.StatusCode != 303 {
		t.Fatalf("save = %d\n%s", resp.StatusCode, clipBody(body))
	}
	page := pe.preview("chaser", "paid-on-time")
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload"} {
		if strings.Contains(page, bad) {
			t.Errorf("the public page contains %q unescaped", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(page, "<strong>bold</strong>") {
		t.Error("the Markdown was not rendered with its HTML shown as text")
	}
	// The editor shows the same text back, escaped in its own context.
	edit := pe.adminGet("/admin/pages/chaser/edit")
	if strings.Contains(edit, "<svg onload") || strings.Contains(edit, "<script>alert") {
		t.Error("the editor renders page text unescaped")
	}
}

func TestEditorPreviewShowsUnsavedChangesInAFrame(t *testing.T) {
	pe := newPagesEnv(t)
	before := pe.file("chaser.toml")
	f := pe.editForm("chaser")
	f.Set("v1_headline", newHeadline)
	f.Set("preview_variant", "1")
	resp, body := pe.adminPost("/admin/pages/chaser/preview", f)
	if resp.StatusCode != 200 || !strings.Contains(body, "Invoices that chase themselves") {
		t.Fatalf("preview = %d", resp.StatusCode)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") || resp.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("preview cannot be framed by the admin: %q / %q", csp, resp.Header.Get("X-Frame-Options"))
	}
	if pe.file("chaser.toml") != before || strings.Contains(pe.preview("chaser", "paid-on-time"), "Invoices that chase") {
		t.Error("a preview saved the page")
	}
	f.Set("v1_headline", "")
	if resp, body := pe.adminPost("/admin/pages/chaser/preview", f); resp.StatusCode != 422 || !strings.Contains(body, "No preview yet") {
		t.Errorf("preview of a form with a mistake = %d", resp.StatusCode)
	}
}

func TestEditorAddsDuplicatesAndRemovesVariantsAndFields(t *testing.T) {
	pe := newPagesEnv(t)
	f := pe.editForm("chaser")
	f.Set("action", "dup-variant-1")
	_, body := pe.adminPost("/admin/pages/chaser/edit", f)
	g := formValues(t, body, "editor")
	if g.Get("variants") != "3" || g.Get("v2_id") != "paid-on-time-copy" || g.Get("v2_headline") != oldHeadline {
		t.Fatalf("after duplicate: variants %s, v2 %q %q", g.Get("variants"), g.Get("v2_id"), g.Get("v2_headline"))
	}
	g.Set("v2_headline", "A third pitch")
	g.Set("action", "add-field")
	_, body = pe.adminPost("/admin/pages/chaser/edit", g)
	g = formValues(t, body, "editor")
	g.Set("action", "save")
	if resp, body := pe.adminPost("/admin/pages/chaser/edit", g); resp.StatusCode != 422 {
		t.Fatalf("a new field without a label saved: %d\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	g.Set("action", "remove-field-"+strings.TrimPrefix(lastField(g), "f"))
	_, body = pe.adminPost("/admin/pages/chaser/edit", g)
	g = formValues(t, body, "editor")
	g.Set("action", "save")
	if resp, body := pe.adminPost("/admin/pages/chaser/edit", g); resp.StatusCode != 303 {
		t.Fatalf("save with three variants = %d\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	if e := pe.site.Load().Lookup("chaser"); len(e.Page.Variants) != 3 || e.Page.Variants[2].Headline != "A third pitch" {
		t.Errorf("served variants: %d", len(e.Page.Variants))
	}
	g = pe.editForm("chaser")
	g.Set("action", "remove-variant-2")
	_, body = pe.adminPost("/admin/pages/chaser/edit", g)
	if g = formValues(t, body, "editor"); g.Get("variants") != "2" || g.Get("v2_id") != "" {
		t.Errorf("after remove: %s variants", g.Get("variants"))
	}
}

// lastField is the prefix of the last field in the form ("f3").
func lastField(f url.Values) string {
	n := 0
	for k := range f {
		if strings.HasPrefix(k, "f") && strings.HasSuffix(k, "_label") {
			n++
		}
	}
	return "f" + string(rune('0'+n-1))
}

func TestSourceTabSavesAndListsProblemsByLine(t *testing.T) {
	pe := newPagesEnv(t)
	body := pe.adminGet("/admin/pages/chaser/source")
	if !strings.Contains(body, `<textarea id="source" name="source"`) {
		t.Fatal("no source textarea")
	}
	text := pe.file("chaser.toml")
	form := url.Values{"source": {strings.Replace(text, "min_visitors = 400", "min_visitors = lots", 1)}, "etag": {pagedir.ETag([]byte(text))}, "action": {"save"}}
	resp, page := pe.adminPost("/admin/pages/chaser/source", form)
	line := strings.Count(text[:strings.Index(text, "min_visitors = 400")], "\n") + 1 // the example's comments move it
	if want := fmt.Sprintf("Line %d: not valid TOML", line); resp.StatusCode != 422 || !strings.Contains(page, want) {
		t.Errorf("source with a mistake = %d\n%s", resp.StatusCode, clipBody(visibleText(page)))
	}
	if got := formValues(t, strings.Replace(page, `class="card source-form"`, `class="card source-form" id="src"`, 1), "src").Get("source"); !strings.Contains(got, "min_visitors = lots") {
		t.Error("the typed source was not kept")
	}
	form.Set("source", strings.Replace(text, oldHeadline, newHeadline, 1))
	form.Del("_csrf")
	if resp, _ := pe.adminPost("/admin/pages/chaser/source", form); resp.StatusCode != 303 || !strings.Contains(pe.file("chaser.toml"), newHeadline) {
		t.Errorf("source save = %d", resp.StatusCode)
	}
	// A stale form: someone saved in between.
	form.Set("source", text)
	form.Del("_csrf")
	if resp, page := pe.adminPost("/admin/pages/chaser/source", form); resp.StatusCode != 409 || !strings.Contains(page, "Someone else saved this page") {
		t.Errorf("stale source save = %d", resp.StatusCode)
	}
}

func TestHistoryShowsChangesAndRestores(t *testing.T) {
	pe := newPagesEnv(t)
	original := pe.file("chaser.toml")
	f := pe.editForm("chaser")
	f.Set("v1_headline", newHeadline)
	f.Set("action", "save")
	pe.adminPost("/admin/pages/chaser/edit", f)
	page := pe.adminGet("/admin/pages/chaser/history")
	for _, want := range []string{"version #3", "admin (editor)", "version #1", "file on disk", "<del>- headline = &#34;" + "Get paid on time", "<ins>+ headline = &#34;Invoices that chase"} {
		if !strings.Contains(page, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	restore := formValues(t, strings.Replace(page, `action="/admin/pages/chaser/history/1/restore"`, `action="/admin/pages/chaser/history/1/restore" id="restore"`, 1), "restore")
	resp, _ := pe.adminPost("/admin/pages/chaser/history/1/restore", restore)
	if resp.StatusCode != 303 || pe.file("chaser.toml") != original {
		t.Fatalf("restore = %d; file restored: %v", resp.StatusCode, pe.file("chaser.toml") == original)
	}
	if page := pe.adminGet("/admin/pages/chaser/history"); !strings.Contains(page, "version #4") || !strings.Contains(page, "restored version #1") {
		t.Error("the restore is not a version of its own")
	}
}

func TestArchiveFromTheEditor(t *testing.T) {
	pe := newPagesEnv(t)
	resp, body := pe.adminPost("/admin/pages/taxpot/archive", url.Values{})
	if resp.StatusCode != 200 || !strings.Contains(body, "Page archived") {
		t.Fatalf("archive = %d\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	if _, err := os.Stat(filepath.Join(pe.dir, "taxpot.toml")); err == nil {
		t.Error("the file was not moved")
	}
	if resp, body := pe.adminPost("/admin/pages/chaser/archive", url.Values{}); resp.StatusCode != 422 || !strings.Contains(body, "Page not archived") {
		t.Errorf("archiving the last page = %d", resp.StatusCode)
	}
}

func TestNewPageFromTheAdmin(t *testing.T) {
	pe := newPagesEnv(t)
	index := pe.adminGet("/admin")
	form := formValues(t, strings.Replace(index, `class="new-page"`, `class="new-page" id="new"`, 1), "new")
	if form.Get("from") != "chaser" {
		t.Errorf("the first choice is %q, want a copy of the first page", form.Get("from"))
	}
	form.Set("slug", "chaser-de")
	resp, body := pe.adminPost("/admin/pages", form)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/pages/chaser-de/edit?saved=created" {
		t.Fatalf("create = %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), clipBody(visibleText(body)))
	}
	if r, _ := pe.get("/chaser-de"); r.StatusCode != 200 {
		t.Errorf("GET /chaser-de = %d", r.StatusCode)
	}
	if f := pe.editForm("chaser-de"); f.Get("v1_headline") != oldHeadline {
		t.Errorf("the copy's editor: %q", f.Get("v1_headline"))
	}
	form.Del("_csrf")
	if resp, body := pe.adminPost("/admin/pages", form); resp.StatusCode != 409 || !strings.Contains(body, "already exists") {
		t.Errorf("the same slug again = %d", resp.StatusCode)
	}
	form.Del("_csrf")
	form.Set("slug", "Bad Slug")
	if resp, body := pe.adminPost("/admin/pages", form); resp.StatusCode != 422 || !strings.Contains(body, "lowercase letters") {
		t.Errorf("a bad slug = %d", resp.StatusCode)
	}
	if resp, _ := pe.adminReq("POST", "/admin/pages", testPassword, url.Values{"slug": {"forged"}}, "Sec-Fetch-Site", "same-origin"); resp.StatusCode != 403 {
		t.Errorf("without the form token = %d, want 403", resp.StatusCode)
	}
}

// TestFormWontDropKeysItCannotHold: a page file with a key the form does not know (a newer
// format, another feature's key) is not saved from the form, which would drop the key.
func TestFormWontDropKeysItCannotHold(t *testing.T) {
	pe := newPagesEnv(t)
	f := pe.editForm("chaser")
	// The file gains a comment-free key the form has no input for, as a newer Litmus might write.
	text := pe.file("chaser.toml")
	withKey := strings.Replace(text, "[pass_bar]", "[pass_bar]\nfuture_key = 1", 1)
	if err := os.WriteFile(filepath.Join(pe.dir, "chaser.toml"), []byte(withKey), 0o644); err != nil {
		t.Fatal(err)
	}
	if page := pe.adminGet("/admin/pages/chaser/edit"); !strings.Contains(page, "Use the Source tab for this page") || !strings.Contains(page, "pass_bar.future_key") {
		t.Error("the form does not warn about the key it can't hold")
	}
	f.Set("v1_headline", newHeadline)
	f.Set("action", "save")
	resp, body := pe.adminPost("/admin/pages/chaser/edit", f)
	if resp.StatusCode != 422 || !strings.Contains(body, "Make your change in the Source tab") {
		t.Errorf("form save of a page with an unknown key = %d", resp.StatusCode)
	}
	if pe.file("chaser.toml") != withKey {
		t.Error("the form saved and dropped the key")
	}
}

// TestFormEditsTheDemandSignals: a page with double opt-in, its mail's copy, share links,
// two questions, counts = "confirmed" and a promise is edited in the form (no "use the
// Source tab"), and the saved file keeps every one of those keys.
func TestFormEditsTheDemandSignals(t *testing.T) {
	pe := newPagesEnv(t)
	src, err := os.ReadFile(filepath.Join("..", "docs", "examples", "signals.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pe.dir, "signals.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pe.pd.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := pe.site.Load().Lookup("chaser-signals").Page
	if page := pe.adminGet("/admin/pages/chaser-signals/edit"); strings.Contains(page, "Use the Source tab for this page") {
		t.Fatalf("the form refuses the signals page:\n%s", clipBody(visibleText(page)))
	}
	f := pe.editForm("chaser-signals")
	for key, want := range map[string]string{"double_opt_in": "on", "referrals": "on", "counts": "confirmed", "q1_kind": "text", "q1_max_length": "120",
		"q0_options": "Nothing\n$5\n$12\n$25 or more", "confirm_subject": "Confirm your place on the Chaser waitlist", "confirm_body": ""} {
		if got := f.Get(key); got != want {
			t.Errorf("form value %s = %q, want %q", key, got, want)
		}
	}
	f.Set("q0_label", "What would you pay each month?")
	f.Set("confirm_button", "Yes, that's me")
	f.Set("if_validated", "build the importer")
	f.Set("action", "save-new-phase") // the promise is part of the test's definition
	if resp, body := pe.adminPost("/admin/pages/chaser-signals/edit", f); resp.StatusCode != 303 {
		t.Fatalf("save = %d:\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	p := pe.site.Load().Lookup("chaser-signals").Page
	if !p.DoubleOptIn || !p.Referrals || p.PassBar.Counts != pages.CountsConfirmed || p.PassBar.IfValidated != "build the importer" ||
		len(p.Questions) != 2 || p.Questions[0].Label != "What would you pay each month?" || p.Questions[1].MaxLength != 120 ||
		p.Confirmation.Button != "Yes, that's me" || p.Confirmation.Subject != before.Confirmation.Subject || p.Confirmation.Body != before.Confirmation.Body {
		t.Errorf("served after the save: %+v", p)
	}

	// A question emptied in the form is no longer asked; a mistake in one is shown next to it.
	f = pe.editForm("chaser-signals")
	f.Set("q1_name", "")
	f.Set("q1_label", "")
	f.Set("q0_name", "how much")
	f.Set("action", "check")
	if resp, body := pe.adminPost("/admin/pages/chaser-signals/edit", f); resp.StatusCode != 422 || !strings.Contains(body, `id="q0_name" name="q0_name" type="text" value="how much" maxlength="32" aria-describedby="q0_name-error" aria-invalid="true"`) {
		t.Errorf("a bad question name = %d, want its message next to the field:\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	f.Set("q0_name", "pay")
	f.Set("action", "save")
	if resp, body := pe.adminPost("/admin/pages/chaser-signals/edit", f); resp.StatusCode != 303 {
		t.Fatalf("save = %d:\n%s", resp.StatusCode, clipBody(visibleText(body)))
	}
	if qs := pe.site.Load().Lookup("chaser-signals").Page.Questions; len(qs) != 1 || qs[0].Name != "pay" {
		t.Errorf("questions after emptying the second: %+v", qs)
	}
}

// TestNaughtyStringsThroughTheEditorRenderAsInAPageFile puts every string of the Big List of
// Naughty Strings into a variant's headline and Markdown body in the editor's form, and
// checks that the preview is byte for byte what the theme makes of a hand-written page file
// with the same text (or that both are refused): the editor adds no path around the loader,
// the Markdown renderer and their escaping, which the page tests check on their own.
func TestNaughtyStringsThroughTheEditorRenderAsInAPageFile(t *testing.T) {
	list := naughtyStrings(t)
	pe := newPagesEnv(t)
	form := pe.editForm("chaser")
	form.Set("preview_variant", "1")
	original := pe.file("chaser.toml")
	taxpot := []byte(pe.file("taxpot.toml"))
	headlineLine := `headline = "` + oldHeadline + `"`
	bodyStart := strings.Index(original, "body = \"\"\"\nEvery week")
	bodyEnd := bodyStart + strings.Index(original[bodyStart+10:], `"""`) + 13
	if !strings.Contains(original, headlineLine) || bodyStart < 0 {
		t.Fatal("the chaser example changed: update where this test puts the text")
	}
	rendered, refused := 0, 0
	for _, s := range list {
		form.Set("v1_headline", s)
		form.Set("v1_body", s)
		resp, got := pe.adminReq("POST", "/admin/pages/chaser/preview", testPassword, form, "Sec-Fetch-Site", "same-origin")

		quoted, _ := json.Marshal(s) // a JSON string is a valid TOML basic string
		hand := strings.Replace(original[:bodyStart]+"body = "+string(quoted)+original[bodyEnd:], headlineLine, "headline = "+string(quoted), 1)
		want, herr := handPreview(t, pe, []byte(hand), taxpot)
		switch {
		case herr != nil && resp.StatusCode == 422:
			refused++
		case herr == nil && resp.StatusCode == 200 && got == want:
			rendered++
		default:
			t.Errorf("%q: editor preview %d (same as the file: %v), hand-written file error: %v", s, resp.StatusCode, got == want, herr)
		}
	}
	if rendered < 400 {
		t.Errorf("only %d of %d strings rendered (%d refused)", rendered, len(list), refused)
	}
	t.Logf("%d strings rendered identically, %d refused by both", rendered, refused)
}

// handPreview is the preview of variant paid-on-time of a hand-written chaser page file.
func handPreview(t *testing.T, pe *pagesEnv, chaser, taxpot []byte) (string, error) {
	t.Helper()
	ps, err := pages.LoadSources(map[string][]byte{"chaser.toml": chaser, "taxpot.toml": taxpot})
	if err != nil {
		return "", err
	}
	for _, p := range ps {
		if p.Slug == "chaser" {
			prep, err := pages.DefaultTheme().Prepare(p, pages.Options{})
			if err != nil {
				return "", err
			}
			return string(prep.Previews["paid-on-time"]), nil
		}
	}
	t.Fatal("no chaser page")
	return "", nil
}
