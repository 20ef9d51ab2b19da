package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/metrics"
	"github.com/litmuslabs/litmus/internal/signup"
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// FuzzSignupForm posts arbitrary url-encoded bodies, behind a valid form token, to the real
// app on a real SQLite file: the answer is never a server error, and a signup is stored only
// when it is valid (a canonical address and fields the page accepts), only with a success.
func FuzzSignupForm(f *testing.F) {
	long := url.QueryEscape(strings.Repeat("a", 300) + "@example.com")
	for _, seed := range []string{
		"email=ada%40example.com&work=Design&consent=on",
		"email=ada%40example.com&work=Design&consent=on&first_name=%3Cb%3EAda%3C%2Fb%3E",
		"email=ada%40example.com&work=Design&consent=on&website=http%3A%2F%2Fspam.example",
		"email=ada%40example.com&email=eve%40example.com&work=Design&work=Writing&consent=on",
		"email=user%40B%C3%9CCHER.example&work=Writing&consent=yes",
		"email=ada%E2%80%AE%40example.com&work=Design&consent=on",
		"email=ada%40example.com%0D%0ABcc%3A+x%40example.com&work=Design&consent=on",
		"email=%00&work=%ZZ&consent=%",
		"email=a%40b.c;work=Design;consent=on",
		"_token=forged&email=ada%40example.com&work=Design&consent=on",
		"email=" + long + "&work=Design&consent=on",
		"&&&==&=",
		"",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	a := newFuzzApp(f)
	f.Fuzz(func(t *testing.T, body string, wantJSON bool) {
		before := a.latest(t)
		req := httptest.NewRequest("POST", "/chaser/signup", strings.NewReader("_token="+a.token+"&"+body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("User-Agent", chromeUA)
		if wantJSON {
			req.Header.Set("Accept", "application/json")
		}
		resp, err := a.app.Test(req, -1)
		if err != nil {
			if len(body) > BodyLimit/2 {
				return // refused as too large before routing (the 413 is tested elsewhere)
			}
			t.Fatalf("POST %q: %v", body, err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %q = %d", body, resp.StatusCode)
		}
		after := a.latest(t)
		if after.ID == before.ID {
			return
		}
		if resp.StatusCode != fiber.StatusSeeOther && resp.StatusCode != fiber.StatusCreated {
			t.Fatalf("POST %q = %d, yet it stored %q %v", body, resp.StatusCode, after.Email, after.Fields)
		}
		if canon, err := email.Normalize(after.Email); err != nil || canon != after.Email {
			t.Fatalf("POST %q stored the address %q, which is not canonical (%q, %v)", body, after.Email, canon, err)
		}
		if _, _, ferrs := signup.Read(a.page, storedValue(after.Email, after.Fields)); ferrs != nil {
			t.Fatalf("POST %q stored %q %v, which the form refuses: %v", body, after.Email, after.Fields, ferrs)
		}
	})
}

// fuzzApp is the whole app on a real SQLite file, built once per fuzz run: newEnv needs a
// *testing.T, which a fuzz target only has inside each call.
type fuzzApp struct {
	app   *fiber.App
	store *store.Store
	page  *pages.Page
	token string // signed for the chaser page, old enough to pass the time trap
}

func newFuzzApp(f *testing.F) *fuzzApp {
	f.Helper()
	st, err := store.Open(filepath.Join(f.TempDir(), "litmus.db"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	ps, err := pages.LoadExamples()
	if err != nil {
		f.Fatal(err)
	}
	theme := pages.DefaultTheme()
	s, err := site.Build(context.Background(), ps, theme, pages.Options{}, st)
	if err != nil {
		f.Fatal(err)
	}
	var holder site.Holder
	holder.Store(s)
	m := metrics.New("test", "")
	m.InitPages(s.VariantIDs())
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	signer := formtoken.NewSigner(st.Secret())
	e := s.Lookup("chaser")
	return &fuzzApp{
		app: New(Deps{
			Store: st, Metrics: m, Site: &holder, Theme: theme, Signer: signer,
			AdminPassword: testPassword,
			Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
			Now:           func() time.Time { return now },
			Version:       "test",
		}),
		store: st,
		page:  e.Page,
		token: signer.Sign(formtoken.Token{
			Page: "chaser", Phase: e.Phase.ID, Variant: e.Page.Control().ID,
			Visitor: assign.NewVisitorID(), Rendered: now.Add(-time.Minute),
		}),
	}
}

// latest returns the newest stored signup (a zero row when there is none).
func (a *fuzzApp) latest(t *testing.T) store.SignupRow {
	rows, err := a.store.LatestSignups(context.Background(), "chaser", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return store.SignupRow{}
	}
	return rows[0]
}
