package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// testBuild names the binary in tests; `litmus version` must print it.
var testBuild = Build{Version: "0.0.0-test"}

// TestMain turns off the form's 2 s time trap for the servers these tests start, so a
// scripted visitor signs up at once (formtoken and handlers test the trap itself).
func TestMain(m *testing.M) {
	formMinAge = "0s"
	os.Exit(m.Run())
}

// run runs a command in-process as the binary built from testBuild would.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runWith(ctx, testBuild, args, getenv, stdout, stderr)
}

// syncBuffer is a bytes.Buffer safe to write from the server goroutine and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envFunc(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestCheckExamples(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"check"}, envFunc(nil), &out, &errOut); err != nil {
		t.Fatalf("check of the built-in examples: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ok  /chaser (default page, served at /)") ||
		!strings.Contains(out.String(), `If real demand is 1.5× your bar (7.5%), Litmus says "validated" within about 880 visitors 80% of the time; at your minimum of 400 visitors it would only 31% of the time.`) {
		t.Errorf("check output:\n%s", out.String())
	}
}

func TestCheckReportsEveryProblemWithFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := "slug = \"Bad Slug\"\ntitle = \"x\"\ncolour = \"red\"\n"
	if err := os.WriteFile(filepath.Join(dir, "bad.toml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"check", dir}, envFunc(nil), &out, &errOut)
	if err == nil {
		t.Fatal("check of a bad page file succeeded")
	}
	for _, want := range []string{filepath.Join(dir, "bad.toml") + ":1:", filepath.Join(dir, "bad.toml") + ":3:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestGivenRevisionWins: a revision linked in with -X main.revision (the Dockerfile's
// REVISION) is kept over whatever Go stamped; without one, the stamp (or nothing) is used.
func TestGivenRevisionWins(t *testing.T) {
	t.Parallel()
	if got := (Build{Version: "9.9.9", Revision: "from-ldflags"}).withVCS(); got.String() != "litmus 9.9.9 (from-ldflags)" {
		t.Errorf("with a given revision: %q", got.String())
	}
	if got := (Build{Version: "9.9.9"}).withVCS(); got.Revision != vcsRevision() {
		t.Errorf("without one: revision %q, want the stamped %q", got.Revision, vcsRevision())
	}
}

func TestVersionAndUsage(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, envFunc(nil), &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "litmus 0.") {
		t.Errorf("version: %v %q", err, out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"frobnicate"}, envFunc(nil), &out, &errOut); !errors.Is(err, errUsage) || !strings.Contains(errOut.String(), `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %v %q", err, errOut.String())
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"serve", "-h"}, envFunc(nil), &out, &errOut); err == nil || !strings.Contains(errOut.String(), "LITMUS_DB") {
		t.Errorf("serve -h should list the environment variables: %v\n%s", err, errOut.String())
	}
	errOut.Reset()
	if err := run(context.Background(), []string{"serve", "--metrics-addr", ":8080"}, envFunc(nil), &out, &errOut); err == nil || !strings.Contains(err.Error(), "never be public") {
		t.Errorf("same port for metrics: %v", err)
	}
}

// TestBusyPortFailsBeforeAnyPassword: a second server on a taken port says which setting
// to change, and prints no admin password (it would be one nobody can use).
func TestBusyPortFailsBeforeAnyPassword(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	var out, errOut bytes.Buffer
	env := envFunc(map[string]string{
		"LITMUS_DB": filepath.Join(t.TempDir(), "litmus.db"), "LITMUS_ADDR": taken.Addr().String(),
		"LITMUS_METRICS_ADDR": "127.0.0.1:0",
	})
	err = run(context.Background(), nil, env, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "(LITMUS_ADDR)") {
		t.Fatalf("serve on a busy port: %v, want an error naming LITMUS_ADDR", err)
	}
	if strings.Contains(out.String(), "Admin password") {
		t.Errorf("a password was printed by a server that did not start:\n%s", out.String())
	}
}

var servingRE = regexp.MustCompile(`http://localhost:(\d+)/ \(metrics on :(\d+)/metrics\)`)

// testServer is `litmus serve` running in-process on free loopback ports.
type testServer struct {
	pub, met  string     // origins, e.g. http://127.0.0.1:41234
	out, logs syncBuffer // stdout and stderr
	cancel    context.CancelFunc
	done      chan error
}

// startServe runs serve with env until it announces its ports. The test's end stops it.
func startServe(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- run(ctx, nil, envFunc(env), &s.out, &s.logs) }()
	t.Cleanup(func() { cancel(); <-s.done })
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := servingRE.FindStringSubmatch(s.out.String()); m != nil {
			s.pub, s.met = "http://127.0.0.1:"+m[1], "http://127.0.0.1:"+m[2]
			return s
		}
		select {
		case err := <-s.done:
			s.done <- err
			t.Fatalf("server exited early: %v\n%s", err, s.logs.String())
		default:
		}
	}
	t.Fatalf("server did not start:\n%s\n%s", s.out.String(), s.logs.String())
	return nil
}

var tokenRE = regexp.MustCompile(`name="_token" value="([^"]+)"`)

// visit GETs path as a desktop browser and returns the page's form token.
func (s *testServer) visit(t *testing.T, client *http.Client, path string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", s.pub+path, nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := tokenRE.FindSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("GET %s = %d, token found: %v", path, resp.StatusCode, m != nil)
	}
	return string(m[1])
}

// signUp posts a valid chaser signup with token and email, as the page's own form does,
// and returns the response (body closed).
func (s *testServer) signUp(t *testing.T, client *http.Client, token, email string) *http.Response {
	t.Helper()
	form := url.Values{"_token": {token}, "email": {email}, "work": {"Writing"}, "consent": {"on"}}
	req, _ := http.NewRequest("POST", s.pub+"/chaser/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.pub)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// stop cancels the server's context, as SIGTERM does in main, and returns what serve
// returned; it fails the test if serve takes more than 10 s.
func (s *testServer) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop within 10 s")
		return nil
	}
}

// TestServeEndToEnd runs the real server on real ports: a person views the page and signs
// up, Prometheus sees the signup, SIGTERM (context cancel) stops it cleanly within the
// shutdown budget, and the database holds the signup and the exposure afterwards.
func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "litmus.db")
	srv := startServe(t, map[string]string{"LITMUS_DB": db, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0"})
	pub, met, out, logs := srv.pub, srv.met, &srv.out, &srv.logs
	if !strings.Contains(out.String(), "Admin password (generated, shown once): ") {
		t.Errorf("no generated admin password printed:\n%s", out.String())
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := srv.signUp(t, client, srv.visit(t, client, "/"), "founder@example.com")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/chaser/thanks" {
		t.Fatalf("signup = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	resp, err := http.Get(met + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metricsText, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`litmus_signups_total\{page="chaser",variant="[a-z-]+"\} 1`).Match(metricsText) {
		t.Errorf("metrics do not show the signup:\n%s", grep(string(metricsText), "litmus_signups_total"))
	}
	for _, name := range []string{"litmus_writer_queue_items ", "litmus_build_info{", "litmus_visitors_total{", "litmus_db_commit_duration_seconds_count "} {
		if !strings.Contains(string(metricsText), "\n"+name) {
			t.Errorf("metrics lack %s", name)
		}
	}
	if resp, err := http.Get(pub + "/metrics"); err == nil && resp.StatusCode == 200 {
		t.Error("/metrics is served on the public port")
	}

	if err := srv.stop(t); err != nil {
		t.Fatalf("shutdown returned %v", err)
	}

	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.LatestSignups(context.Background(), "chaser", 10)
	if err != nil || len(rows) != 1 || rows[0].Email != "founder@example.com" || !rows[0].Counted {
		t.Fatalf("after shutdown the database has %+v (err %v)", rows, err)
	}
	cs, err := st.Counts(context.Background(), rows[0].PhaseID)
	if err != nil {
		t.Fatal(err)
	}
	var visitors int64
	for _, c := range cs {
		visitors += c.Visitors
	}
	if visitors != 1 {
		t.Errorf("after shutdown %d exposures stored, want 1", visitors)
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		// The only address allowed in the logs is the listen address in the start line.
		if strings.Contains(line, "founder@example.com") || (strings.Contains(line, "127.0.0.1") && !strings.Contains(line, "litmus started")) {
			t.Errorf("a log line carries an email or a client address: %s", line)
		}
	}
}

func grep(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
