package botdetect

import (
	"net/http"
	"strings"
	"testing"
)

func TestIsPrefetch(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    bool
	}{
		{"ordinary page view", map[string]string{"Accept": "text/html", "Sec-Fetch-Mode": "navigate"}, false},
		{"no headers at all", nil, false},
		{"Chrome speculation-rules prefetch", map[string]string{"Sec-Purpose": "prefetch"}, true},
		{"Chrome prerender", map[string]string{"Sec-Purpose": "prefetch;prerender"}, true},
		{"Chrome private prefetch proxy", map[string]string{"Sec-Purpose": "prefetch;anonymous-client-ip"}, true},
		{"legacy Chrome Purpose header", map[string]string{"Purpose": "prefetch"}, true},
		{"Firefox link prefetch", map[string]string{"X-Moz": "prefetch"}, true},
		{"Safari Top Sites preview", map[string]string{"X-Purpose": "preview"}, true},
		{"old Chrome Instant", map[string]string{"X-Purpose": "instant"}, true},
		{"values are case-insensitive", map[string]string{"Sec-Purpose": "Prefetch"}, true},
		{"unrelated Purpose value", map[string]string{"Purpose": "checkout"}, false},
		{"unrelated X-Purpose value", map[string]string{"X-Purpose": "analytics"}, false},
		{"token beyond the bounded read is ignored", map[string]string{"Purpose": strings.Repeat("x", 100) + "prefetch"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			if got := IsPrefetch(h.Get); got != tt.want {
				t.Errorf("IsPrefetch(%v) = %v, want %v", tt.headers, got, tt.want)
			}
		})
	}
}
