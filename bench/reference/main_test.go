package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestFetchCopiesThePageAndItsHeaders: the copy keeps the body, the page's headers and the
// visitor cookie, and leaves out the headers the server writes itself.
func TestFetchCopiesThePageAndItsHeaders(t *testing.T) {
	page := `<form><input type="hidden" name="_token" value="abc.def"></form>`
	litmus := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.UserAgent() != browserAgent {
			t.Errorf("fetched with User-Agent %q, want a browser's", r.UserAgent())
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Vary", "Cookie")
		w.Header().Set("Set-Cookie", "litmus_vid=abc; path=/")
		w.Write([]byte(page))
	}))
	defer litmus.Close()

	snap, err := fetch(litmus.URL)
	if err != nil {
		t.Fatal(err)
	}
	if string(snap.body) != page || snap.setCookie != "litmus_vid=abc; path=/" {
		t.Errorf("body %q, cookie %q", snap.body, snap.setCookie)
	}
	got := map[string]string{}
	for _, kv := range snap.header {
		got[kv[0]] = kv[1]
	}
	if got["Content-Type"] != "text/html; charset=utf-8" || got["Vary"] != "Cookie" {
		t.Errorf("headers = %v, want Content-Type and Vary copied", got)
	}
	for _, h := range []string{"Date", "Content-Length", "Set-Cookie"} {
		if _, ok := got[h]; ok {
			t.Errorf("%s copied into the fixed headers", h)
		}
	}
}

func TestFetchRefusesAPageWithoutAForm(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<h1>not litmus</h1>"))
	}))
	defer other.Close()
	if _, err := fetch(other.URL); err == nil {
		t.Error("a page without a form token was copied")
	}
}
