package metrics

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestMetricsPassLint(t *testing.T) {
	m := New("0.1.0", "abc123")
	m.InitPages(map[string][]string{"launch": {"control", "bold"}})
	m.ObserveCommit(3*time.Millisecond, 10, nil)
	m.HTTPDuration.WithLabelValues("page", "GET", "200").Observe(0.001)
	problems, err := testutil.GatherAndLint(m.Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestKnownLabelSetsStartAtZero(t *testing.T) {
	m := New("0.1.0", "abc123")
	m.InitPages(map[string][]string{"launch": {"control", "bold"}, "pricing": {"a", "b", "c"}})
	if got := testutil.CollectAndCount(m.Signups); got != 5 {
		t.Errorf("litmus_signups_total has %d series, want 5 (one per page and variant)", got)
	}
	if got := testutil.CollectAndCount(m.SignupsRejected); got != 2*len(RejectReasons) {
		t.Errorf("litmus_signups_rejected_total has %d series, want %d", got, 2*len(RejectReasons))
	}
	if v := testutil.ToFloat64(m.Signups.WithLabelValues("pricing", "c")); v != 0 {
		t.Errorf("signups{pricing,c} = %v, want 0", v)
	}
}

func TestHandlerExposesBuildInfo(t *testing.T) {
	m := New("0.1.0", "abc123")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`litmus_http_request_duration_seconds_count{code="200",method="GET",route="page"} 0`, `litmus_build_info{goversion="go`, `revision="abc123",version="0.1.0"} 1`, "go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestPreResolvedChildrenAreTheSeries: PageView and HTTPObserver hand out the very series
// the vectors export, for loaded pages, for pages not loaded, and after a reload.
func TestPreResolvedChildrenAreTheSeries(t *testing.T) {
	m := New("test", "")
	m.InitPages(map[string][]string{"chaser": {"a", "b"}})
	m.PageView("chaser", "b").Inc()
	m.PageView("chaser", "b").Inc()
	m.PageView("gone", "x").Inc() // not loaded: counted all the same
	m.InitPages(map[string][]string{"pricing": {"c"}})
	m.PageView("pricing", "c").Inc()
	m.PageView("chaser", "b").Inc() // removed by the reload: the same series goes on
	hooks := m.StoreHooks()
	hooks.NewVisitor("pricing", "c")
	hooks.NewVisitor("chaser", "a") // no longer loaded
	hooks.SignupStored("pricing", "c")
	for _, c := range []struct {
		vec           *prometheus.CounterVec
		page, variant string
		want          float64
	}{{m.Visitors, "pricing", "c", 1}, {m.Visitors, "chaser", "a", 1}, {m.Signups, "pricing", "c", 1}, {m.Signups, "chaser", "a", 0}} {
		if got := testutil.ToFloat64(c.vec.WithLabelValues(c.page, c.variant)); got != c.want {
			t.Errorf("hooks: %s/%s = %v, want %v", c.page, c.variant, got, c.want)
		}
	}
	for _, c := range []struct {
		page, variant string
		want          float64
	}{{"chaser", "b", 3}, {"chaser", "a", 0}, {"gone", "x", 1}, {"pricing", "c", 1}} {
		if got := testutil.ToFloat64(m.PageViews.WithLabelValues(c.page, c.variant)); got != c.want {
			t.Errorf("page views of %s/%s = %v, want %v", c.page, c.variant, got, c.want)
		}
	}
	m.HTTPObserver("page", "GET", 200).Observe(0.001)
	m.HTTPObserver("page", "GET", 200).Observe(0.002)
	m.HTTPObserver("other", "GET", 404).Observe(0.001)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`litmus_http_request_duration_seconds_count{code="200",method="GET",route="page"} 2`,
		`litmus_http_request_duration_seconds_count{code="404",method="GET",route="other"} 1`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("histogram lacks %s:\n%s", want, out)
		}
	}
}
