package cli

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestServeKeepsTheTimeTrap: the server a release runs (formMinAge unset) refuses a form sent
// at once, with the 303 a person gets and nothing stored. Every other test here (and the e2e
// binary) turns the trap off; this one must not run in parallel with them, since it changes
// the package variable they read (parallel tests start only after it has finished).
func TestServeKeepsTheTimeTrap(t *testing.T) {
	saved := formMinAge
	formMinAge = ""
	defer func() { formMinAge = saved }()

	db := filepath.Join(t.TempDir(), "litmus.db")
	env := envFunc(map[string]string{"LITMUS_DB": db, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	var out, logs syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, env, &out, &logs) }()
	var pub string
	for deadline := time.Now().Add(10 * time.Second); pub == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := servingRE.FindStringSubmatch(out.String()); m != nil {
			pub = "http://127.0.0.1:" + m[1]
		}
	}
	if pub == "" {
		cancel()
		t.Fatalf("server did not start:\n%s\n%s", out.String(), logs.String())
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", pub+"/", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="_token" value="([^"]+)"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("GET / = %d without a form token", resp.StatusCode)
	}
	form := url.Values{"_token": {string(m[1])}, "email": {"fast-bot@example.com"}, "work": {"Writing"}, "consent": {"on"}}
	req, _ = http.NewRequest("POST", pub+"/chaser/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", pub)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Errorf("instant signup = %d, want the 303 a person gets", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rows, err := st.LatestSignups(context.Background(), "chaser", 10); err != nil || len(rows) != 0 {
		t.Errorf("a form sent at once was stored: %+v (err %v)", rows, err)
	}
}
