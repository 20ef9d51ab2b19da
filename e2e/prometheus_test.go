package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRealPrometheusRecordsConversion runs the shipped rules in a real Prometheus scraping
// the real binary (deploy/prometheus/README.md, "Testing against a real Prometheus"): the
// conversion ratio it records per variant is the one Litmus counted, every rule evaluates
// without error, and LitmusDown goes pending once Litmus stops. It also lints a live
// /metrics page with promtool and the kit's own check.
func TestRealPrometheusRecordsConversion(t *testing.T) {
	t.Parallel()
	promBin := requireTool(t, "prometheus")
	s := StartServer(t, WithEnv("LITMUS_SIGNUP_LIMIT", "0"))
	ctx := context.Background()

	prom := startPrometheus(t, promBin, strings.TrimPrefix(s.MetricsURL, "http://"))
	prom.waitForTarget(t)

	// Traffic only once the target is up: what happened before the first scrape is
	// invisible to rate().
	const visitors, signups = 6, 3
	var tokens []string
	var people []*Visitor
	for range visitors {
		v := s.NewVisitor()
		status, _, token, err := v.Open(ctx, "/")
		if err != nil || status != 200 || token == "" {
			t.Fatalf("GET / = %d, token %q, %v", status, token, err)
		}
		people, tokens = append(people, v), append(tokens, token)
	}
	bot := s.NewVisitor()
	bot.UA = "Googlebot/2.1 (+http://www.google.com/bot.html)"
	if status, _, _, err := bot.Open(ctx, "/"); err != nil || status != 200 {
		t.Fatalf("bot GET / = %d, %v", status, err)
	}
	for i := range signups {
		if status, loc, err := people[i].SignUp(ctx, tokens[i], fmt.Sprintf("prom-%d@example.com", i), nil); err != nil || status != 303 {
			t.Fatalf("signup %d = %d %q %v", i, status, loc, err)
		}
	}
	if status, _, err := people[signups].SignUp(ctx, "", "no-token@example.com", nil); err != nil || status != 422 {
		t.Fatalf("signup without a token = %d, %v; want 422", status, err)
	}

	// What Litmus itself counted, per variant: the ratios Prometheus must record.
	counted := scrapeCounters(t, s.MetricsURL+"/metrics", "chaser")
	var sumV, sumS float64
	for _, c := range counted {
		sumV, sumS = sumV+c.visitors, sumS+c.signups
	}
	if sumV != visitors || sumS != signups {
		t.Fatalf("Litmus counted %v visitors and %v signups, want %d and %d: %+v", sumV, sumS, visitors, signups, counted)
	}

	t.Run("conversion ratio per variant", func(t *testing.T) {
		var got map[string]float64
		ok := waitFor(30*time.Second, func() bool {
			got = prom.vector(t, `page_variant:litmus_signup_conversion:ratio_rate1h{page="chaser"}`, "variant")
			for variant, c := range counted {
				if c.visitors == 0 {
					continue
				}
				if r, ok := got[variant]; !ok || math.Abs(r-c.signups/c.visitors) > 1e-9 {
					return false
				}
			}
			return true
		})
		if !ok {
			t.Fatalf("Prometheus recorded conversion %v; Litmus counted %+v (signups/visitors per variant)", got, counted)
		}
		for variant, c := range counted {
			if _, has := got[variant]; c.visitors == 0 && has {
				t.Errorf("variant %s had no visitors but has a conversion series (%v): the rule should divide only by visitors > 0", variant, got[variant])
			}
		}
	})

	t.Run("refused signups by reason", func(t *testing.T) {
		var got map[string]float64
		ok := waitFor(15*time.Second, func() bool {
			got = prom.vector(t, `page_reason:litmus_signups_rejected:rate5m{page="chaser"} > 0`, "reason")
			return got["bad_token"] > 0
		})
		if !ok || len(got) != 1 {
			t.Errorf("refused-signup rates = %v, want bad_token alone", got)
		}
	})

	t.Run("every rule evaluates", func(t *testing.T) {
		var bad []string
		ok := waitFor(15*time.Second, func() bool {
			bad = prom.unhealthyRules(t)
			return len(bad) == 0
		})
		if !ok {
			t.Errorf("rules not healthy: %s", strings.Join(bad, "; "))
		}
	})

	// After traffic: histograms with labels (request durations) have no series before the
	// first request, and the kit's check wants every metric it charts.
	t.Run("live metrics pass promtool and the kit's check", func(t *testing.T) {
		checkLiveMetrics(t, s.MetricsURL+"/metrics")
	})

	s.Stop(t, 15*time.Second)
	t.Run("LitmusDown goes pending when Litmus stops", func(t *testing.T) {
		if !waitFor(15*time.Second, func() bool {
			return len(prom.vector(t, `ALERTS{alertname="LitmusDown",alertstate="pending"}`, "alertname")) == 1
		}) {
			t.Error("LitmusDown did not go pending within 15 s of Litmus stopping")
		}
	})
}

// requireTool returns the path of a program the test needs. It skips when the program is
// missing, except when LITMUS_REQUIRE_PROMETHEUS=1 (set by .ci/run), where a missing tool
// must fail rather than quietly pass.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	msg := fmt.Sprintf("%s is not on PATH: install Debian's prometheus package (apt-get install prometheus) to run this test", name)
	if os.Getenv("LITMUS_REQUIRE_PROMETHEUS") == "1" {
		t.Fatal(msg + " (LITMUS_REQUIRE_PROMETHEUS=1: it must run here)")
	}
	t.Skip(msg)
	return ""
}

// checkLiveMetrics runs `promtool check metrics` on a live /metrics page, and the kit's
// cross-check that every metric the rules and dashboard use is exported (when python3 3.11
// is there to run it).
func checkLiveMetrics(t *testing.T, metricsURL string) {
	promtool := requireTool(t, "promtool")
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d, %v", metricsURL, resp.StatusCode, err)
	}
	lint := exec.Command(promtool, "check", "metrics")
	lint.Stdin = strings.NewReader(string(page))
	if out, err := lint.CombinedOutput(); err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}

	if exec.Command("python3", "-c", "import sys, tomllib; sys.exit(sys.version_info < (3, 11))").Run() != nil {
		t.Log("python3 3.11+ not found: skipping deploy/check_kit.py --metrics")
		return
	}
	saved := filepath.Join(t.TempDir(), "metrics.txt")
	if err := os.WriteFile(saved, page, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("python3", "../deploy/check_kit.py", "--metrics", saved).CombinedOutput(); err != nil {
		t.Errorf("deploy/check_kit.py --metrics: %v\n%s", err, out)
	}
}

// variantCount is what Litmus counted for one variant.
type variantCount struct{ visitors, signups float64 }

var counterLine = regexp.MustCompile(`^litmus_(visitors|signups)_total\{page="([^"]+)",variant="([^"]+)"\} (\S+)$`)

// scrapeCounters reads litmus_visitors_total and litmus_signups_total of page, per variant,
// from Litmus's /metrics.
func scrapeCounters(t *testing.T, metricsURL, page string) map[string]variantCount {
	t.Helper()
	resp, err := http.Get(metricsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]variantCount{}
	for _, line := range strings.Split(string(body), "\n") {
		m := counterLine.FindStringSubmatch(line)
		if m == nil || m[2] != page {
			continue
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		c := counts[m[3]]
		if m[1] == "visitors" {
			c.visitors = v
		} else {
			c.signups = v
		}
		counts[m[3]] = c
	}
	return counts
}

// prometheus is a running Prometheus server.
type prometheus struct {
	url string
	out *lockedBuffer
}

// startPrometheus runs Prometheus on a free loopback port with the shipped rules, scraping
// target every second, and stops it with SIGTERM at the end of the test.
func startPrometheus(t *testing.T, bin, target string) *prometheus {
	t.Helper()
	rules, err := filepath.Abs("../deploy/prometheus/rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	config := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - %q
scrape_configs:
  - job_name: litmus
    static_configs:
      - targets: [%q]
`, rules, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeLoopbackAddr(t)
	p := &prometheus{url: "http://" + addr, out: &lockedBuffer{}}
	cmd := exec.Command(bin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn")
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", p.out.String())
		}
	})
	return p
}

// freeLoopbackAddr returns a loopback address with a port that was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// api GETs a Prometheus API path into v; false when Prometheus is not answering yet.
func (p *prometheus) api(t *testing.T, path string, v any) bool {
	t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return false
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return true
}

// waitForTarget waits until Prometheus has scraped Litmus successfully.
func (p *prometheus) waitForTarget(t *testing.T) {
	t.Helper()
	var body struct {
		Data struct {
			ActiveTargets []struct {
				Health    string `json:"health"`
				LastError string `json:"lastError"`
			} `json:"activeTargets"`
		} `json:"data"`
	}
	if !waitFor(30*time.Second, func() bool {
		return p.api(t, "/api/v1/targets", &body) && len(body.Data.ActiveTargets) == 1 && body.Data.ActiveTargets[0].Health == "up"
	}) {
		t.Fatalf("Prometheus never scraped Litmus: targets %+v\n%s", body.Data.ActiveTargets, p.out.String())
	}
}

// vector runs an instant query and returns each series' value keyed by label.
func (p *prometheus) vector(t *testing.T, query, label string) map[string]float64 {
	t.Helper()
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []struct {
				Metric map[string]string `json:"metric"`
				Value  [2]any            `json:"value"`
			} `json:"result"`
		} `json:"data"`
	}
	if !p.api(t, "/api/v1/query?query="+url.QueryEscape(query), &body) {
		return nil
	}
	out := map[string]float64{}
	for _, r := range body.Data.Result {
		s, _ := r.Value[1].(string)
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("query %s: value %v: %v", query, r.Value[1], err)
		}
		out[r.Metric[label]] = v
	}
	return out
}

// unhealthyRules lists the rules whose last evaluation was not "ok" (including rules not
// evaluated yet), with their errors.
func (p *prometheus) unhealthyRules(t *testing.T) []string {
	t.Helper()
	var body struct {
		Data struct {
			Groups []struct {
				Rules []struct {
					Name      string `json:"name"`
					Health    string `json:"health"`
					LastError string `json:"lastError"`
				} `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if !p.api(t, "/api/v1/rules", &body) {
		return []string{"Prometheus is not answering"}
	}
	var bad []string
	n := 0
	for _, g := range body.Data.Groups {
		for _, r := range g.Rules {
			n++
			if r.Health != "ok" {
				bad = append(bad, fmt.Sprintf("%s: %s %s", r.Name, r.Health, r.LastError))
			}
		}
	}
	if n == 0 {
		return []string{"no rules loaded"}
	}
	return bad
}
