// Package metrics owns Litmus's Prometheus registry: the only importer of client_golang.
//
// Names follow prometheus.io "Metric and label naming" and are a contract (DESIGN.md, the
// rules and dashboard in deploy/). Every label value comes from a bounded set: page slugs and
// variant ids from the page files, and the fixed vocabularies below. Known label sets are
// created at zero when pages load, so rate() and ratios work from the first scrape instead of
// appearing only after the first event.
package metrics

import (
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// RejectReasons is the closed set of reasons a signup is not stored.
var RejectReasons = []string{
	"invalid", "duplicate", "honeypot", "too_fast", "expired", "bad_token",
	"rate_limited", "cross_site", "too_large", "unavailable",
}

// BotClasses is the closed set of non-human traffic classes.
var BotClasses = []string{"crawler", "link_preview", "http_client", "headless", "empty", "suspicious"}

// UncountedReasons is the closed set of reasons a human's page view is served but not counted.
var UncountedReasons = []string{"prefetch", "preview", "head"}

// Routes is the closed set of route names used as the `route` label.
var Routes = []string{"page", "signup", "thanks", "answers", "confirm", "healthz", "static", "admin", "api", "other"}

// Metrics holds every Litmus metric on its own registry.
type Metrics struct {
	Registry *prometheus.Registry

	PageViews       *prometheus.CounterVec // page, variant
	Visitors        *prometheus.CounterVec // page, variant
	Signups         *prometheus.CounterVec // page, variant
	SignupsRejected *prometheus.CounterVec // page, reason
	BotRequests     *prometheus.CounterVec // page, class
	UncountedViews  *prometheus.CounterVec // page, reason
	HTTPDuration    *prometheus.HistogramVec
	CommitDuration  prometheus.Histogram
	CommitItems     prometheus.Histogram
	CommitErrors    prometheus.Counter
	AdminLoginFails prometheus.Counter
	PageReloads     *prometheus.CounterVec // result
	Pages           prometheus.Gauge
	// Demand signals (issue 17).
	SignupsConfirmed  *prometheus.CounterVec // page
	ConfirmationMails *prometheus.CounterVec // result: sent, failed

	pages atomic.Pointer[pageChildren] // children of PageViews, Visitors, Signups, resolved by InitPages
	http  httpChildren                 // HTTPDuration's children seen so far
}

// New creates the metrics on a fresh registry, with the Go and process collectors and
// litmus_build_info set to 1 for this build.
func New(version, revision string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := promauto.With(reg)
	m := &Metrics{
		Registry: reg,
		PageViews: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_page_views_total",
			Help: "Page views by people (bots, prefetches, previews and HEAD excluded)."}, []string{"page", "variant"}),
		Visitors: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_visitors_total",
			Help: "New visitors: first view of a page by a visitor in the page's current test phase."}, []string{"page", "variant"}),
		Signups: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_signups_total",
			Help: "Signups stored (committed to the database)."}, []string{"page", "variant"}),
		SignupsRejected: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_signups_rejected_total",
			Help: "Signup attempts not stored, by reason."}, []string{"page", "reason"}),
		BotRequests: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_bot_requests_total",
			Help: "Page requests from bots, crawlers, link previews and HTTP libraries: served, never counted."}, []string{"page", "class"}),
		UncountedViews: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_uncounted_views_total",
			Help: "Page requests by people that are served but not counted (prefetch, founder preview, HEAD)."}, []string{"page", "reason"}),
		HTTPDuration: f.NewHistogramVec(prometheus.HistogramOpts{Name: "litmus_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request on the public port.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}}, []string{"route", "method", "code"}),
		CommitDuration: f.NewHistogram(prometheus.HistogramOpts{Name: "litmus_db_commit_duration_seconds",
			Help:    "Time to commit one batch of writes (fsync included).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}),
		CommitItems: f.NewHistogram(prometheus.HistogramOpts{Name: "litmus_db_commit_items",
			Help:    "Writes (exposures, signups, counters) committed together in one transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 7)}),
		CommitErrors: f.NewCounter(prometheus.CounterOpts{Name: "litmus_db_commit_errors_total",
			Help: "Batches whose transaction failed."}),
		AdminLoginFails: f.NewCounter(prometheus.CounterOpts{Name: "litmus_admin_login_failures_total",
			Help: "Failed admin/API logins."}),
		PageReloads: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_page_reloads_total",
			Help: "Page file reloads, by result (ok or error)."}, []string{"result"}),
		Pages: f.NewGauge(prometheus.GaugeOpts{Name: "litmus_pages",
			Help: "Pages being served."}),
		SignupsConfirmed: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_signups_confirmed_total",
			Help: "Signups confirmed through the mailed link (double opt-in); a second confirmation is not counted."}, []string{"page"}),
		ConfirmationMails: f.NewCounterVec(prometheus.CounterOpts{Name: "litmus_confirmation_mails_total",
			Help: "Attempts to send a confirmation mail, by result (sent, failed)."}, []string{"result"}),
	}
	for _, r := range []string{"sent", "failed"} {
		m.ConfirmationMails.WithLabelValues(r)
	}
	f.NewGaugeVec(prometheus.GaugeOpts{Name: "litmus_build_info",
		Help: "Always 1; the labels say which build is running."}, []string{"version", "revision", "goversion"}).
		WithLabelValues(version, revision, runtime.Version()).Set(1)
	for _, r := range []string{"ok", "error"} {
		m.PageReloads.WithLabelValues(r)
	}
	// The answers every healthy server gives, at zero, so the latency histogram exists (and
	// rules and `promtool check metrics` see it) before the first request.
	for _, l := range []httpKey{{"page", "GET", 200}, {"thanks", "GET", 200}, {"healthz", "GET", 200}, {"static", "GET", 200}, {"signup", "POST", 303}} {
		m.HTTPObserver(l.route, l.method, l.code)
	}
	return m
}

// InitPages creates every known label set at zero: variants maps a page slug to its
// variant ids. Label sets of pages that were removed keep their last value until restart,
// which is what Prometheus counters need (no reset mid-life).
func (m *Metrics) InitPages(variants map[string][]string) {
	m.Pages.Set(float64(len(variants)))
	m.resolvePages(variants)
	for page, ids := range variants {
		for _, v := range ids {
			m.PageViews.WithLabelValues(page, v)
			m.Visitors.WithLabelValues(page, v)
			m.Signups.WithLabelValues(page, v)
		}
		m.SignupsConfirmed.WithLabelValues(page)
		for _, r := range RejectReasons {
			m.SignupsRejected.WithLabelValues(page, r)
		}
		for _, c := range BotClasses {
			m.BotRequests.WithLabelValues(page, c)
		}
		for _, r := range UncountedReasons {
			m.UncountedViews.WithLabelValues(page, r)
		}
	}
}

// ObserveQueue exports litmus_writer_queue_items, read from queueLen at each scrape (the
// writer's queue length; a gauge set on commit would go stale exactly when the writer stalls).
func (m *Metrics) ObserveQueue(queueLen func() int) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "litmus_writer_queue_items",
		Help: "Writes waiting for the database writer."}, func() float64 { return float64(queueLen()) }))
}

// ObserveDiskFree exports litmus_db_disk_free_bytes, read from free at each scrape: the
// space left to the database on its file system. /healthz fails below store.MinFreeBytes;
// the LitmusDiskFull alerts fire well before. A failed read exports nothing for that scrape.
func (m *Metrics) ObserveDiskFree(free func() (uint64, error)) {
	m.Registry.MustRegister(diskFree{free: free, desc: prometheus.NewDesc("litmus_db_disk_free_bytes",
		"Bytes free on the file system holding the database (what Litmus may use).", nil, nil)})
}

// diskFree is a collector rather than a GaugeFunc so a failed statfs is an absent sample,
// not a 0 that would page someone.
type diskFree struct {
	free func() (uint64, error)
	desc *prometheus.Desc
}

func (d diskFree) Describe(ch chan<- *prometheus.Desc) { ch <- d.desc }

func (d diskFree) Collect(ch chan<- prometheus.Metric) {
	if n, err := d.free(); err == nil {
		ch <- prometheus.MustNewConstMetric(d.desc, prometheus.GaugeValue, float64(n))
	}
}

// ObserveCommit records one writer transaction; it matches store.Hooks.Committed.
func (m *Metrics) ObserveCommit(d time.Duration, items int, err error) {
	m.CommitDuration.Observe(d.Seconds())
	m.CommitItems.Observe(float64(items))
	if err != nil {
		m.CommitErrors.Inc()
	}
}

// Handler serves the registry in the Prometheus exposition format (for the metrics port).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, EnableOpenMetrics: false})
}
