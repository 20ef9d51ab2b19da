package handlers

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestSignupIsStoredAndRedirects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	resp, _ := e.post("/chaser/signup", cookie, validForm(token, "  Ada@Example.COM "))
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/chaser/thanks" {
		t.Fatalf("signup = %d Location %q, want 303 to /chaser/thanks", resp.StatusCode, resp.Header.Get("Location"))
	}
	rows := e.signups("chaser")
	if len(rows) != 1 {
		t.Fatalf("%d signups stored, want 1", len(rows))
	}
	r := rows[0]
	if r.Email != "Ada@example.com" {
		t.Errorf("email stored as %q, want trimmed with the domain lowercased", r.Email)
	}
	if r.Fields["first_name"] != "Ada" || r.Fields["work"] != "Design" || r.Fields["consent"] != "yes" {
		t.Errorf("fields stored as %v", r.Fields)
	}
	if !r.Counted {
		t.Error("a signup from a counted visitor was not counted")
	}
	c := e.counts("chaser")
	if c[r.Variant].Signups != 1 || c[r.Variant].Visitors != 1 {
		t.Errorf("counts = %+v, want 1 visitor and 1 signup on %s", c, r.Variant)
	}
	if v := testutil.ToFloat64(e.metrics.Signups.WithLabelValues("chaser", r.Variant)); v != 1 {
		t.Errorf("litmus_signups_total{variant=%q} = %v, want 1", r.Variant, v)
	}
}

// TestAcknowledgedSignupSurvivesReopen: once the visitor has the 303, the row is in the file.
func TestAcknowledgedSignupSurvivesReopen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	if resp, _ := e.post("/chaser/signup", cookie, validForm(token, "kept@example.com")); resp.StatusCode != 303 {
		t.Fatalf("signup = %d", resp.StatusCode)
	}
	// Reopen the same file as a new process would, while the first store is still open.
	st, err := store.Open(e.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.LatestSignups(context.Background(), "chaser", 10)
	if err != nil || len(rows) != 1 || rows[0].Email != "kept@example.com" {
		t.Fatalf("reopened database has %v (err %v), want the acknowledged signup", rows, err)
	}
	if filepath.Base(st.Path()) != "litmus.db" {
		t.Errorf("Path = %q", st.Path())
	}
}

func TestVariantComesFromTheTokenNotTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	form := validForm(token, "ada@example.com")
	form.Set("variant", "paid-on-time")
	form.Set("variant", "no-awkward-emails")
	e.post("/chaser/signup", cookie, form)
	rows := e.signups("chaser")
	if len(rows) != 1 {
		t.Fatalf("%d rows", len(rows))
	}
	cs := e.counts("chaser")
	if cs[rows[0].Variant].Visitors != 1 {
		t.Errorf("signup credited to %q, which this visitor never saw (%+v)", rows[0].Variant, cs)
	}
}

func TestDuplicateSignupLooksTheSameAndIsStoredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := 0; i < 2; i++ {
		cookie, token := e.visit("/")
		e.advance(5 * time.Second)
		resp, _ := e.post("/chaser/signup", cookie, validForm(token, "same@example.com"))
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/chaser/thanks" {
			t.Fatalf("signup %d = %d, want the same 303 both times", i+1, resp.StatusCode)
		}
	}
	if n := len(e.signups("chaser")); n != 1 {
		t.Errorf("%d rows for one email, want 1", n)
	}
	if v := testutil.ToFloat64(e.metrics.SignupsRejected.WithLabelValues("chaser", "duplicate")); v != 1 {
		t.Errorf("rejected{duplicate} = %v, want 1", v)
	}
}

func TestInvalidSignupShowsTheFormAgain(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		edit    func(url.Values)
		field   string
		message string
	}{
		{"empty email", func(f url.Values) { f.Set("email", "") }, "email", "enter your email"},
		{"no at sign", func(f url.Values) { f.Set("email", "ada.example.com") }, "email", "@"},
		{"two dots", func(f url.Values) { f.Set("email", "ada..lovelace@example.com") }, "email", "two dots"},
		{"single-label domain", func(f url.Values) { f.Set("email", "ada@localhost") }, "email", "dot"},
		{"too long local part", func(f url.Values) { f.Set("email", strings.Repeat("a", 65)+"@example.com") }, "email", "64"},
		{"required select empty", func(f url.Values) { f.Del("work") }, "work", "choose"},
		{"select not an option", func(f url.Values) { f.Set("work", "Astronaut") }, "work", "one of the options"},
		{"consent not ticked", func(f url.Values) { f.Del("consent") }, "consent", "tick"},
		{"name too long", func(f url.Values) { f.Set("first_name", strings.Repeat("é", 61)) }, "first_name", "too long"},
		{"control character", func(f url.Values) { f.Set("first_name", "Ada\x00") }, "first_name", "control character"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			cookie, token := e.visit("/")
			e.advance(5 * time.Second)
			form := validForm(token, "ada@example.com")
			form.Set("first_name", `<b>Ada</b> "the first"`)
			c.edit(form)
			resp, body := e.post("/chaser/signup", cookie, form)
			if resp.StatusCode != 422 {
				t.Fatalf("status %d, want 422", resp.StatusCode)
			}
			// The message sits in the field's error slot, linked to the input.
			slot := `id="f-` + c.field + `-error">`
			i := strings.Index(body, slot)
			if i < 0 {
				t.Fatalf("no error slot %q in the page", slot)
			}
			msg := body[i+len(slot):]
			msg = msg[:strings.Index(msg, "</p>")]
			if !strings.Contains(strings.ToLower(msg), strings.ToLower(c.message)) {
				t.Errorf("message next to %s = %q, want it to mention %q", c.field, msg, c.message)
			}
			if !strings.Contains(body, `aria-invalid="true"`) {
				t.Error("the invalid field is not marked aria-invalid")
			}
			// What the visitor typed is kept, escaped.
			if c.field != "first_name" && !strings.Contains(body, `value="&lt;b&gt;Ada&lt;/b&gt; &#34;the first&#34;"`) {
				t.Errorf("the visitor's name was not kept (escaped) in the form")
			}
			if strings.Contains(body, "<b>Ada</b>") {
				t.Error("visitor input echoed unescaped")
			}
			if n := len(e.signups("chaser")); n != 0 {
				t.Errorf("an invalid signup was stored (%d rows)", n)
			}
			if v := testutil.ToFloat64(e.metrics.SignupsRejected.WithLabelValues("chaser", "invalid")); v != 1 {
				t.Errorf("rejected{invalid} = %v", v)
			}
			// A fresh token comes with the form, so fixing the field and sending works.
			token2 := tokenIn(t, body)
			e.advance(5 * time.Second)
			if resp, _ := e.post("/chaser/signup", cookie, validForm(token2, "ada@example.com")); resp.StatusCode != 303 {
				t.Errorf("corrected form = %d, want 303", resp.StatusCode)
			}
		})
	}
}

func TestJSONSignup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	resp, body := e.post("/chaser/signup", cookie, validForm(token, "not-an-email"), "Accept", "application/json")
	if resp.StatusCode != 422 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("invalid JSON signup = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var bad struct {
		OK     bool              `json:"ok"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &bad); err != nil || bad.OK || bad.Errors["email"] == "" {
		t.Fatalf("422 body = %s (err %v), want ok=false and an email error", body, err)
	}
	resp, body = e.post("/chaser/signup", cookie, validForm(token, "json@example.com"), "Accept", "application/json")
	if resp.StatusCode != 201 || !strings.Contains(body, `"redirect":"/chaser/thanks"`) {
		t.Fatalf("valid JSON signup = %d %s", resp.StatusCode, body)
	}
	if n := len(e.signups("chaser")); n != 1 {
		t.Errorf("%d rows, want 1", n)
	}
}

func TestBotTrapsLookLikeSuccessAndStoreNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		wait   time.Duration
		edit   func(url.Values)
		reason string
	}{
		{"honeypot filled", 5 * time.Second, func(f url.Values) { f.Set("website", "http://spam.example") }, "honeypot"},
		{"submitted instantly", 0, func(url.Values) {}, "too_fast"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			cookie, token := e.visit("/")
			e.advance(c.wait)
			form := validForm(token, "victim@example.com")
			c.edit(form)
			resp, _ := e.post("/chaser/signup", cookie, form)
			if resp.StatusCode != 303 || resp.Header.Get("Location") != "/chaser/thanks" {
				t.Errorf("trap answered %d, want the same 303 as a success", resp.StatusCode)
			}
			if n := len(e.signups("chaser")); n != 0 {
				t.Errorf("trapped signup stored (%d rows)", n)
			}
			if v := testutil.ToFloat64(e.metrics.SignupsRejected.WithLabelValues("chaser", c.reason)); v != 1 {
				t.Errorf("rejected{%s} = %v, want 1", c.reason, v)
			}
		})
	}
}

func TestBadOrExpiredTokenKeepsInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(25 * time.Hour)
	resp, body := e.post("/chaser/signup", cookie, validForm(token, "late@example.com"))
	if resp.StatusCode != 422 || !strings.Contains(body, "expired") || !strings.Contains(body, `value="late@example.com"`) {
		t.Errorf("expired form = %d; want 422 with a message and the email kept", resp.StatusCode)
	}
	resp, body = e.post("/chaser/signup", cookie, validForm("forged.token", "forged@example.com"))
	if resp.StatusCode != 422 || !strings.Contains(body, `value="forged@example.com"`) {
		t.Errorf("bad token = %d; want 422 with the email kept", resp.StatusCode)
	}
	if n := len(e.signups("chaser")); n != 0 {
		t.Errorf("%d rows stored from bad tokens", n)
	}
}

func TestCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cookie, token := e.visit("/")
	e.advance(5 * time.Second)
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		resp, _ := e.post("/chaser/signup", cookie, validForm(token, "x@example.com"), h...)
		if resp.StatusCode != 403 {
			t.Errorf("cross-site post %v = %d, want 403", h, resp.StatusCode)
		}
	}
	if n := len(e.signups("chaser")); n != 0 {
		t.Errorf("%d rows stored from cross-site posts", n)
	}
}

func TestSignupRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(d *Deps) { d.SignupLimit = 2 })
	codes := []int{}
	for i := 0; i < 3; i++ {
		cookie, token := e.visit("/")
		e.advance(3 * time.Second)
		resp, _ := e.post("/chaser/signup", cookie, validForm(token, "p"+string(rune('a'+i))+"@example.com"),
			"X-Forwarded-For", "198.51.100."+string(rune('1'+i))) // spoofed: must not escape the limit
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 303 || codes[1] != 303 || codes[2] != 429 {
		t.Errorf("statuses = %v, want [303 303 429]", codes)
	}
	if n := len(e.signups("chaser")); n != 2 {
		t.Errorf("%d rows, want 2", n)
	}
}

func TestSignupToUnknownPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, _ := e.post("/nope/signup", "", url.Values{"email": {"a@example.com"}})
	if resp.StatusCode != 404 {
		t.Errorf("status %d, want 404", resp.StatusCode)
	}
}
