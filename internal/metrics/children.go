package metrics

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// The page handler counts every view and times every request. Looking a child up by its
// label values (WithLabelValues) hashes them and takes the vector's lock each time, and the
// status code needs formatting; the children below are resolved once, when pages load or
// when a label set is first seen, and then found with plain map lookups that allocate
// nothing (bench/RESULTS.md: "pre-resolved metric children").

// variantCounters are one page variant's counter children.
type variantCounters struct{ views, visitors, signups prometheus.Counter }

// pageChildren maps page → variant → its counter children.
type pageChildren map[string]map[string]variantCounters

// resolvePages builds the children of PageViews, Visitors and Signups for variants (page →
// variant ids).
func (m *Metrics) resolvePages(variants map[string][]string) {
	byPage := make(pageChildren, len(variants))
	for page, ids := range variants {
		byPage[page] = make(map[string]variantCounters, len(ids))
		for _, v := range ids {
			byPage[page][v] = variantCounters{
				views:    m.PageViews.WithLabelValues(page, v),
				visitors: m.Visitors.WithLabelValues(page, v),
				signups:  m.Signups.WithLabelValues(page, v),
			}
		}
	}
	m.pages.Store(&byPage)
}

// variant returns the resolved children of page and variant, if its page is loaded.
func (m *Metrics) variant(page, variant string) (variantCounters, bool) {
	if byPage := m.pages.Load(); byPage != nil {
		c, ok := (*byPage)[page][variant]
		return c, ok
	}
	return variantCounters{}, false
}

// PageView returns the litmus_page_views_total child of page and variant.
func (m *Metrics) PageView(page, variant string) prometheus.Counter {
	if c, ok := m.variant(page, variant); ok {
		return c.views
	}
	return m.PageViews.WithLabelValues(page, variant) // a page not loaded (yet): still counted
}

// newVisitor counts a stored first view (litmus_visitors_total); see StoreHooks.
func (m *Metrics) newVisitor(page, variant string) {
	if c, ok := m.variant(page, variant); ok {
		c.visitors.Inc()
		return
	}
	m.Visitors.WithLabelValues(page, variant).Inc()
}

// signupStored counts a stored signup (litmus_signups_total); see StoreHooks.
func (m *Metrics) signupStored(page, variant string) {
	if c, ok := m.variant(page, variant); ok {
		c.signups.Inc()
		return
	}
	m.Signups.WithLabelValues(page, variant).Inc()
}

// httpKey is one label set of litmus_http_request_duration_seconds.
type httpKey struct {
	route, method string
	code          int
}

// httpChildren is a copy-on-write map of the HTTPDuration children seen so far: reads take
// no lock, and the label sets are few and bounded (Routes × three methods × status codes).
type httpChildren struct {
	mu sync.Mutex // serialises adding
	m  atomic.Pointer[map[httpKey]prometheus.Observer]
}

// HTTPObserver returns the litmus_http_request_duration_seconds child of route, method and
// status code.
func (m *Metrics) HTTPObserver(route, method string, code int) prometheus.Observer {
	k := httpKey{route, method, code}
	if cur := m.http.m.Load(); cur != nil {
		if o, ok := (*cur)[k]; ok {
			return o
		}
	}
	m.http.mu.Lock()
	defer m.http.mu.Unlock()
	old := m.http.m.Load()
	next := make(map[httpKey]prometheus.Observer, 8)
	if old != nil {
		if o, ok := (*old)[k]; ok {
			return o
		}
		for k, o := range *old {
			next[k] = o
		}
	}
	o := m.HTTPDuration.WithLabelValues(route, method, strconv.Itoa(code))
	next[k] = o
	m.http.m.Store(&next)
	return o
}
