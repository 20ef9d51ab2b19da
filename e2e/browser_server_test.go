package e2e

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// What the browser tests check on the server's side of a visit: the stored row and which
// kind of answer the server sent.

// storedSignup returns the signup of email on page as the database holds it, opened the way
// `litmus` opens it, while the server keeps running (SQLite WAL allows it). ok is false when
// there is none.
func storedSignup(t *testing.T, s *Server, page, email string) (row store.SignupRow, ok bool) {
	t.Helper()
	st, err := store.Open(s.DB, store.Options{})
	if err != nil {
		t.Fatalf("opening the server's database: %v", err)
	}
	defer st.Close()
	rows, err := st.LatestSignups(context.Background(), page, 1000)
	if err != nil {
		t.Fatalf("reading signups: %v", err)
	}
	for _, r := range rows {
		if r.Email == email {
			return r, true
		}
	}
	return store.SignupRow{}, false
}

// signupAnswers counts the server's answers to signup posts with the given status, from
// litmus_http_request_duration_seconds on the metrics port: 201 is the page's script (fetch,
// JSON), 303 a plain form post, 422 a form sent back with errors.
func signupAnswers(t *testing.T, s *Server, status int) int {
	t.Helper()
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		t.Fatalf("scraping metrics: %v", err)
	}
	defer resp.Body.Close()
	want := []string{`route="signup"`, `method="POST"`, `code="` + strconv.Itoa(status) + `"`}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "litmus_http_request_duration_seconds_count{") {
			continue
		}
		match := true
		for _, w := range want {
			match = match && strings.Contains(line, w)
		}
		if match {
			n, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("metrics line %q: %v", line, err)
			}
			return int(n)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return 0
}

// pagesDir writes page files (name → TOML) into a new directory for LITMUS_PAGES.
func pagesDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
