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
	resultTypes: ["violations", "incomplete"]
}).then(function (r) {
	return JSON.stringify({violations: r.violations, incomplete: r.incomplete.map(function (i) { return i.id + " (" + i.nodes.length + ")"; })});
})`

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
	var found struct {
		Violations []axeViolation
		Incomplete []string
	}
	if err := json.Unmarshal([]byte(out), &found); err != nil {
		tab.t.Fatalf("axe-core's answer for %s: %v", what, err)
	}
	if len(found.Incomplete) > 0 {
		// Checks axe could not decide alone, such as contrast over the page's gradient wash:
		// worth a person's look, not a failure.
		tab.t.Logf("accessibility of %s: axe-core could not decide %s", what, strings.Join(found.Incomplete, ", "))
	}
	return found.Violations
}

// contrastOnWash finds the text with the least contrast against the theme's page wash, a
// gradient from --brand-soft to --page that axe-core cannot judge (it reports such text as
// undecided). Each text element's colour is compared with both ends of the gradient; the
// worst ratio is returned with the element's tag and its first words.
const contrastOnWash = `(function () {
	function rgb(css) { return css.match(/[\d.]+/g).slice(0, 3).map(Number); }
	function lum(c) {
		var l = c.map(function (v) { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
		return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
	}
	function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
	function resolve(prop) {
		var probe = document.createElement("div");
		probe.className = "visually-hidden";
		document.body.appendChild(probe);
		probe.style.setProperty("background-color", "var(" + prop + ")");
		var c = rgb(getComputedStyle(probe).backgroundColor);
		probe.remove();
		return c;
	}
	var ends = [resolve("--brand-soft"), resolve("--page")];
	var worst = {ratio: 99, what: ""};
	document.querySelectorAll("body *").forEach(function (el) {
		if (el.closest(".card, .visually-hidden, [aria-hidden=true]") || !el.offsetParent) { return; }
		var own = Array.from(el.childNodes).some(function (n) { return n.nodeType === 3 && n.textContent.trim() !== ""; });
		if (!own) { return; }
		var color = rgb(getComputedStyle(el).color);
		ends.forEach(function (bg) {
			var r = ratio(color, bg);
			if (r < worst.ratio) { worst = {ratio: r, what: el.tagName.toLowerCase() + ": " + el.textContent.trim().slice(0, 40)}; }
		});
	});
	return worst;
})()`

// CheckContrastOnWash fails the test when text on the page's background wash is below
// WCAG AA's 4.5:1, the check axe-core leaves undecided over a gradient.
func (tab *Tab) CheckContrastOnWash(what string) {
	tab.t.Helper()
	worst := Eval[struct {
		Ratio float64
		What  string
	}](tab, contrastOnWash)
	if worst.Ratio < 4.5 {
		tab.t.Errorf("contrast on %s: %q is %.2f:1 against the page's background, want at least 4.5:1", what, worst.What, worst.Ratio)
	}
}
