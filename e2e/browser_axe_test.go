package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/chromedp/chromedp"
)

// axePath is axe-core's browser build, installed by `npm ci` in this directory at the
// version package-lock.json pins.
const axePath = "node_modules/axe-core/axe.min.js"

// axeSource reads axe-core once per test run.
var axeSource = sync.OnceValues(func() ([]byte, error) { return os.ReadFile(axePath) })

// axeViolation is the part of an axe-core violation a failure message needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// blocking reports the violations that fail a test: the ones axe rates serious or critical,
// which keep someone from reading or using the page. Minor and moderate ones are printed.
func (v axeViolation) blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n      at %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", "; "))
	}
	return b.String()
}

// axeRun runs every axe-core rule for WCAG 2.0–2.2 A and AA plus axe's best practices.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
	resultTypes: ["violations"]
}).then(function (r) { return JSON.stringify(r.violations); })`

// CheckAccessibility runs axe-core on the page the tab shows, as it is now, and fails the
// test (without stopping it) for each serious or critical violation; every violation found
// is printed with the elements it concerns.
//
// Without axe-core installed the check is left out with a note (and the rest of the test
// goes on); with LITMUS_REQUIRE_BROWSER=1 that fails the test instead.
func (tab *Tab) CheckAccessibility(what string) {
	tab.t.Helper()
	if _, err := axeSource(); err != nil {
		if requireBrowser() {
			tab.t.Fatalf("axe-core is not installed (%v): run npm ci in e2e/ (LITMUS_REQUIRE_BROWSER=1, so accessibility checks may not be left out)", err)
		}
		tab.t.Logf("accessibility of %s not checked: axe-core is not installed (%v); run npm ci in e2e/", what, err)
		return
	}
	for _, v := range tab.axeViolations(what) {
		if v.blocking() {
			tab.t.Errorf("accessibility of %s: %v", what, v)
		} else {
			tab.t.Logf("accessibility of %s (not blocking): %v", what, v)
		}
	}
}

// axeViolations runs axe-core on the page as it is now. In a tab without JavaScript,
// scripts are switched on for the check only: the page's own script does not run again, so
// axe sees exactly what the server sent.
func (tab *Tab) axeViolations(what string) []axeViolation {
	tab.t.Helper()
	src, err := axeSource()
	if err != nil {
		skipOrFail(tab.t, fmt.Sprintf("axe-core is not installed (%v): run npm ci in e2e/", err))
	}
	if tab.noScript {
		tab.Do(tab.scriptsAction(true))
		defer tab.Do(tab.scriptsAction(false))
	}
	ctx, cancel := context.WithTimeout(tab.ctx, browserTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		tab.t.Fatalf("browser: loading axe-core into %s: %v", what, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.t.Fatalf("browser: running axe-core on %s: %v", what, err)
	}
	var found []axeViolation
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		tab.t.Fatalf("axe-core's answer for %s: %v", what, err)
	}
	return found
}
