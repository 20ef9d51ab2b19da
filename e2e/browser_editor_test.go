package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEditor is the marketer's side of issue 16 in a real browser, against the real
// binary and its page folder (data/pages, seeded from the examples on first start): change a
// headline in the form, see it in the preview, save, and find it on the public page; see a
// mistake next to its field (without JavaScript); and be warned before a save that starts a
// new test phase. Every editor page passes the axe-core check.
//
// With LITMUS_SCREENSHOTS=1 it also writes docs/editor*.png.
func TestBrowserEditor(t *testing.T) {
	b := StartBrowser(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *Browser)
	}{
		{"a headline changed in the form is previewed, saved and live", testEditorHeadlineGoesLive},
		{"a mistake is shown next to its field, without JavaScript", testEditorMistakeWithoutScript},
		{"the editor warns before a save that starts a new phase", testEditorNewPhaseWarning},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, b)
		})
	}
}

const (
	editedHeadline = "Invoices that chase themselves, for $9 a month"
	pricedVariant  = "paid-on-time"
)

// retype replaces the value of the input sel the way a person does: select all, type.
func retype(tab *Tab, sel, text string) {
	tab.t.Helper()
	Eval[bool](tab, `(function (el) { el.value = ""; el.focus(); return true; })(document.querySelector(`+jsString(sel)+`))`)
	tab.Do(chromedp.SendKeys(chromedp.CSS(sel), text))
}

// previewText is the text shown in the editor's preview frame.
const previewText = `(function () { var f = document.getElementById("preview"); return f && f.contentDocument && f.contentDocument.body ? f.contentDocument.body.innerText : ""; })()`

func testEditorHeadlineGoesLive(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Desktop, WithBasicAuth("admin", s.Password))
	tab.Open(s.URL + "/admin/pages/chaser/edit")
	if got := tab.Text("h1"); !strings.HasPrefix(got, "Edit “Chaser") {
		t.Fatalf("editor heading %q; page:\n%s", got, tab.Text("body"))
	}
	tab.CheckAccessibility("the page editor")

	retype(tab, "#v1_headline", editedHeadline)
	// The script previews the variant being edited, with the unsaved text, and says what
	// saving would do to the test phase (no visitor yet: the phase restarts).
	tab.WaitFor(previewText + `.includes(` + jsString(editedHeadline) + `)`)
	tab.WaitFor(`!document.getElementById("phase-notice").hidden`)
	if got := tab.Text("#phase-notice"); !strings.Contains(got, "has no visitors yet") || !strings.Contains(got, `variant "`+pricedVariant+`" re-worded: headline`) {
		t.Errorf("phase notice while typing: %q", got)
	}
	tab.Screenshot("editor")

	tab.ClickAndWaitForPage(`button[name=action][value=save]`)
	if got := tab.Text("#saved"); !strings.Contains(got, "Saved, and live now") {
		t.Fatalf("after saving: %q\n%s", got, tab.Text("body"))
	}
	tab.CheckAccessibility("the editor after a save")

	visitor := b.NewTab(t, Desktop)
	visitor.ReturnAs(s, "chaser", chaserWeights, chaserPriced)
	visitor.Open(s.URL + "/")
	if got := visitor.Text("h1"); got != editedHeadline {
		t.Errorf("the public page's headline is %q, want %q", got, editedHeadline)
	}
	// The history shows the change.
	tab.Open(s.URL + "/admin/pages/chaser/history")
	if got := Eval[string](tab, `Array.from(document.querySelectorAll("pre.diff ins")).map(function (e) { return e.textContent; }).join("\n")`); !strings.Contains(got, "+ headline = \""+editedHeadline) {
		t.Errorf("history diff: %q", got)
	}
	tab.CheckAccessibility("the page history")
}

func testEditorMistakeWithoutScript(t *testing.T, b *Browser) {
	s := StartServer(t)
	tab := b.NewTab(t, Desktop, WithoutJavaScript, WithBasicAuth("admin", s.Password))
	tab.Open(s.URL + "/admin/pages/chaser/edit")

	// Without JavaScript, "Preview" is a button: it shows the unsaved variant in the frame.
	retype(tab, "#v1_headline", editedHeadline)
	tab.Do(chromedp.Click(chromedp.CSS(`button[name=preview_variant][value="1"]`)))
	tab.WaitFor(previewText + `.includes(` + jsString(editedHeadline) + `)`)

	retype(tab, "#v0_cta", " ")
	tab.ClickAndWaitForPage(`button[name=action][value=save]`)
	if got := tab.Text("#v0_cta-error"); !strings.Contains(got, "cta is empty") {
		t.Fatalf("no message next to the button text field: %q\n%s", got, tab.Text("body"))
	}
	if got := Eval[string](tab, `document.getElementById("v0_cta").getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("the field is not marked invalid: %q", got)
	}
	if got := Eval[string](tab, `document.getElementById("v1_headline").value`); got != editedHeadline {
		t.Errorf("the other change was lost: %q", got)
	}
	tab.CheckAccessibility("the editor showing a mistake")
	tab.Screenshot("editor-mistake")

	visitor := b.NewTab(t, Desktop)
	visitor.ReturnAs(s, "chaser", chaserWeights, chaserPriced)
	visitor.Open(s.URL + "/")
	if got := visitor.Text("h1"); got == editedHeadline {
		t.Error("a refused save changed the public page")
	}
}

func testEditorNewPhaseWarning(t *testing.T, b *Browser) {
	s := StartServer(t)
	// A few people visit, so the current phase has visitors to protect.
	for range 5 {
		if status, _, _, err := s.NewVisitor().Open(t.Context(), "/"); err != nil || status != 200 {
			t.Fatalf("visit = %d %v", status, err)
		}
	}
	waitForVisitors(t, s, "chaser", 5)

	tab := b.NewTab(t, Desktop, WithBasicAuth("admin", s.Password))
	tab.Open(s.URL + "/admin/pages/chaser/edit")
	// A new title keeps the phase: saved at once, no question asked.
	retype(tab, "#title", "Chaser, renamed")
	tab.WaitFor(`!document.getElementById("phase-notice").hidden`)
	if got := tab.Text("#phase-notice"); !strings.Contains(got, "Saving keeps test phase") {
		t.Errorf("phase notice for a title change: %q", got)
	}
	tab.ClickAndWaitForPage(`button[name=action][value=save]`)
	if got := tab.Text("#saved"); !strings.Contains(got, "The test phase goes on") {
		t.Fatalf("after saving a title: %q", got)
	}

	// A weight changes the experiment: the warning appears while typing, and Save asks first.
	retype(tab, "#v0_weight", "2")
	tab.WaitFor(`document.getElementById("phase-notice").classList.contains("phase-new")`)
	if got := tab.Text("#phase-notice"); !strings.Contains(got, "Saving starts a new test phase") || !strings.Contains(got, `weight of "no-awkward-emails" 1 → 2`) {
		t.Errorf("live warning: %q", got)
	}
	tab.ClickAndWaitForPage(`button[name=action][value=save]`)
	if tab.Count(`button[value=save-new-phase]`) != 1 || !strings.Contains(tab.Text("#phase-notice"), "5 visitors") {
		t.Fatalf("no confirmation asked before starting a new phase:\n%s", tab.Text("body"))
	}
	tab.CheckAccessibility("the editor asking to confirm a new phase")
	tab.Screenshot("editor-new-phase")
	tab.ClickAndWaitForPage(`button[value=save-new-phase]`)
	if got := tab.Text("#saved"); !strings.Contains(got, "A new test phase started") {
		t.Errorf("after confirming: %q", got)
	}
}

// waitForVisitors waits until the admin API counts n visitors of page (exposures are
// committed by the writer in batches).
func waitForVisitors(t *testing.T, s *Server, page string, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/pages/"+page+"/results", nil)
		req.SetBasicAuth("admin", s.Password)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			var r struct {
				Verdict struct {
					Visitors int64 `json:"visitors"`
				} `json:"verdict"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&r)
			resp.Body.Close()
			if r.Verdict.Visitors >= n {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server did not count %d visitors of %s in 10 s", n, page)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
