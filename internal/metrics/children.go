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

// pageChildren maps page → variant → that page's counter child.
type pageChildren map[string]map[string]prometheus.Counter

// resolvePageViews builds the children of PageViews for variants (page → variant ids).
func (m *Metrics) resolvePageViews(variants map[string][]string) {
	byPage := make(pageChildren, len(variants))
	for page, ids := range variants {
		byPage[page] = make(map[string]prometheus.Counter, len(ids))
		for _, v := range ids {
			byPage[page][v] = m.PageViews.WithLabelValues(page, v)
		}
	}
	m.pageViews.Store(&byPage)
}

// PageView returns the litmus_page_views_total child of page and variant.
func (m *Metrics) PageView(page, variant string) prometheus.Counter {
	if byPage := m.pageViews.Load(); byPage != nil {
		if c, ok := (*byPage)[page][variant]; ok {
			return c
		}
	}
	return m.PageViews.WithLabelValues(page, variant) // a page not loaded (yet): still counted
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
