package botdetect

import "strings"

// purposeHeaders are the request headers browsers use to say a request is speculative,
// and the tokens that say so in each (matched case-insensitively).
var purposeHeaders = []struct {
	name   string
	tokens []string
}{
	{"Sec-Purpose", []string{"prefetch"}},         // Chrome, Firefox: "prefetch", "prefetch;prerender"
	{"Purpose", []string{"prefetch"}},             // Chrome before Sec-Purpose
	{"X-Moz", []string{"prefetch"}},               // Firefox <link rel=prefetch>
	{"X-Purpose", []string{"preview", "instant"}}, // Safari Top Sites thumbnails; old Chrome Instant
}

// maxPurposeValue bounds how much of each header is read: real values are a few words.
const maxPurposeValue = 64

// IsPrefetch reports whether a request is a browser fetching a page the person may never
// look at: link prefetch, speculative prerender, or a thumbnail preview. get returns a
// request header's value ("" when absent), e.g. http.Header.Get, or in Fiber
// func(k string) string { return c.Get(k) }.
//
// Serve such a request normally (the page must work if it is shown) but do not count it
// as a view. Beware that a prerendered page that is then shown sends no second request:
// count it when the page itself reports that it became visible (document.prerendering
// turning false), or at the signup.
func IsPrefetch(get func(name string) string) bool {
	for _, h := range purposeHeaders {
		v := get(h.name)
		if v == "" {
			continue
		}
		if len(v) > maxPurposeValue {
			v = v[:maxPurposeValue]
		}
		for _, token := range h.tokens {
			if containsFold(v, token) {
				return true
			}
		}
	}
	return false
}

// containsFold reports whether token (lower-case ASCII) occurs in s, ignoring ASCII case,
// without allocating.
func containsFold(s, token string) bool {
	for i := 0; i+len(token) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(token)], token) {
			return true
		}
	}
	return false
}
