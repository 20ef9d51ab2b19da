package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// testPhaseHistory is the learning log in a real browser: a page runs a first test, the
// founder adds a variant (a new phase, by editing the file and SIGHUP), the page's admin
// shows phase 2 on top and phase 1 in the timeline; phase 1 opens to its own report with
// the words its visitors read; a note is written through the form and shown. Every page is
// checked with axe-core.
func testPhaseHistory(t *testing.T, b *Browser) {
	dir := copyExamplePages(t)
	chaser := filepath.Join(dir, "chaser.toml")
	src, err := os.ReadFile(chaser)
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(string(src), "min_visitors = 400", "min_visitors = 40\nif_validated = \"build the invoice importer\"\nif_invalidated = \"try agencies instead\"", 1)
	page = strings.Replace(page, "min_days = 7", "min_days = 0", 1)
	writeFile(t, chaser, page)
	s := StartServer(t, WithEnv("LITMUS_PAGES", dir), WithEnv("LITMUS_SIGNUP_LIMIT", "0"))

	crowd := func(n, signups int, prefix string) {
		type visit struct {
			v     *Visitor
			token string
		}
		var visits []visit
		for range n {
			v := s.NewVisitor()
			status, _, token, err := v.Open(t.Context(), "/")
			if err != nil || status != 200 || token == "" {
				t.Fatalf("GET / = %d %v", status, err)
			}
			visits = append(visits, visit{v, token})
		}
		for i, vt := range visits[:signups] {
			if status, _, err := vt.v.SignUp(t.Context(), vt.token, fmt.Sprintf("%s%d@example.com", prefix, i), nil); err != nil || status != 303 {
				t.Fatalf("signup = %d %v", status, err)
			}
		}
	}
	crowd(48, 12, "first")

	// The founder adds a priced variant: phase 2.
	page = strings.Replace(page, "[[fields]]\nname = \"email\"", "[[variants]]\nid = \"priced\"\nheadline = \"Chaser: $19 a month, paid back by one invoice\"\ncta = \"Reserve\"\nprice = \"$19 / month\"\n\n[[fields]]\nname = \"email\"", 1)
	writeFile(t, chaser, page)
	s.Signal(syscall.SIGHUP)
	if !waitFor(10*time.Second, func() bool { return strings.Contains(s.Output(), "new phase 2 started because") }) {
		t.Fatalf("no new phase after the edit:\n%s", s.Output())
	}
	crowd(15, 3, "second")

	tab := b.NewTab(t, Desktop, WithBasicAuth("admin", s.Password))
	tab.Open(s.URL + "/admin/pages/chaser")
	if got := tab.Text(".page-head .meta"); !strings.Contains(got, "test phase 2") {
		t.Errorf("the page's admin does not show phase 2 on top: %q", got)
	}
	if got := tab.Count(".timeline-item"); got != 1 {
		t.Fatalf("the timeline has %d earlier phases, want 1:\n%s", got, tab.Text("main"))
	}
	item := tab.Text(".timeline-item")
	for _, want := range []string{"Phase 1", "Validated", "48 visitors", "12 signups", "You promised: build the invoice importer"} {
		if !strings.Contains(item, want) {
			t.Errorf("phase 1 in the timeline lacks %q: %q", want, item)
		}
	}
	if got := tab.Text("#changes-h + ul"); !strings.Contains(got, `variant "priced" added`) {
		t.Errorf("what changed in phase 2: %q", got)
	}
	tab.CheckAccessibility("the page's admin with its history")

	// Reopen phase 1.
	tab.ClickAndWaitForPage(".timeline-item h3 a")
	if tab.Path() != "/admin/pages/chaser/phases/1" || !strings.HasPrefix(tab.Text("h1"), "Phase 1 of") {
		t.Fatalf("opening phase 1 led to %s, %q", tab.Path(), tab.Text("h1"))
	}
	if got := tab.Text("#pitch-h"); got != "What visitors read in phase 1" {
		t.Errorf("pitch heading %q", got)
	}
	if strings.Contains(tab.Text("main"), "$19 a month") {
		t.Error("phase 1's report shows the variant added in phase 2")
	}
	if got := tab.Count(".variants tbody tr"); got != 2 {
		t.Errorf("phase 1 has %d variant rows, want its 2", got)
	}

	// The note, through the form.
	const note = "paid-on-time won; next: test $9 against $19"
	tab.Do(chromedp.SendKeys(chromedp.CSS("#note-text"), note))
	tab.ClickAndWaitForPage("#note button[type=submit]")
	if got := tab.Text("#note .flash"); got != "Note saved." {
		t.Errorf("after saving the note: %q", got)
	}
	if got := Eval[string](tab, `document.querySelector("#note-text").value`); got != note {
		t.Errorf("the note form shows %q, want %q", got, note)
	}
	tab.CheckAccessibility("an earlier phase's report")
	tab.Screenshot("phase")

	tab.Open(s.URL + "/admin/pages/chaser")
	if got := tab.Text(".timeline-item .note"); got != note {
		t.Errorf("the timeline's note = %q, want %q", got, note)
	}
	tab.Screenshot("history")
}
