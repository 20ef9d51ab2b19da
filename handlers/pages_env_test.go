package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/litmuslabs/litmus/internal/pagedir"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// pagesEnv is env with a real, writable page directory in t.TempDir(), seeded with the
// examples exactly as serve seeds data/pages, and reloading through internal/pagedir.
type pagesEnv struct {
	*env
	dir       string
	pd        *pagedir.Dir
	failApply atomic.Bool // makes the next reloads fail after the files were read
}

func newPagesEnv(t *testing.T) *pagesEnv {
	t.Helper()
	pe := &pagesEnv{dir: filepath.Join(t.TempDir(), "pages")}
	if created, err := pagedir.Seed(pe.dir); err != nil || !created {
		t.Fatalf("Seed = %v, %v", created, err)
	}
	pe.env = newEnv(t, func(d *Deps) {
		pe.pd = pagedir.Open(pe.dir, pagedir.Options{
			Apply: func(ps []*pages.Page) error {
				if pe.failApply.Load() {
					return errors.New("test: the site could not be built")
				}
				s, err := site.Build(context.Background(), ps, d.Theme, pages.Options{}, d.Store)
				if err != nil {
					return err
				}
				d.Site.Swap(s)
				return nil
			},
			Versions: d.Store,
		})
		d.Pages = pe.pd
		d.Reload = func() error { return pe.pd.Reload(context.Background()) }
	})
	if err := pe.pd.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return pe
}

// file reads a page file from the directory.
func (pe *pagesEnv) file(name string) string {
	pe.t.Helper()
	b, err := os.ReadFile(filepath.Join(pe.dir, name))
	if err != nil {
		pe.t.Fatal(err)
	}
	return string(b)
}

// source is GET /api/v1/pages/{slug}/source: the text and its ETag.
func (pe *pagesEnv) source(slug string) (string, string) {
	pe.t.Helper()
	resp, body := pe.adminReq("GET", "/api/v1/pages/"+slug+"/source", testPassword, nil)
	if resp.StatusCode != 200 {
		pe.t.Fatalf("GET source of %s = %d %s", slug, resp.StatusCode, body)
	}
	return body, resp.Header.Get("ETag")
}

// put is PUT /api/v1/pages/{slug}/source with a text and If-Match (none when ifMatch is "").
func (pe *pagesEnv) put(slug, text, ifMatch string, headers ...string) (*http.Response, string) {
	pe.t.Helper()
	req := httptest.NewRequest("PUT", "/api/v1/pages/"+slug+"/source", strings.NewReader(text))
	req.SetBasicAuth("admin", testPassword)
	req.Header.Set("Content-Type", "application/toml")
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return pe.do(req)
}

// apiPost is a JSON POST to the API, as a script sends it.
func (pe *pagesEnv) apiPost(path, json string, headers ...string) (*http.Response, string) {
	pe.t.Helper()
	req := httptest.NewRequest("POST", path, strings.NewReader(json))
	req.SetBasicAuth("admin", testPassword)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return pe.do(req)
}

// preview is the public preview of one variant: what visitors of that variant see.
func (pe *pagesEnv) preview(slug, variant string) string {
	pe.t.Helper()
	resp, body := pe.get("/" + slug + "?variant=" + variant)
	if resp.StatusCode != 200 {
		pe.t.Fatalf("preview %s/%s = %d", slug, variant, resp.StatusCode)
	}
	return body
}
