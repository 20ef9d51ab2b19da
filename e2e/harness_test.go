// Package e2e tests the real litmus binary as a user runs it: built once per test run (TestMain),
// started on free loopback ports with a fresh database, driven over real HTTP (and by real
// Prometheus and Chromium where those tests need them), stopped with real signals.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// litmusBin is the binary under test, built once by TestMain for every test in the package.
var litmusBin string

// testVersion is the version the binary is linked with, so TestVersionNamesTheCommit needs
// no build of its own.
const testVersion = "9.9.9-test"

// buildFlags link the binary as a release is linked (-X main.version), stamped with the
// commit where Go can (-buildvcs=true overrides a GOFLAGS=-buildvcs=false), and with the
// signup form's 2 s time trap turned off (internal/cli's formMinAge), so a scripted visitor
// signs up at once instead of sleeping; formtoken and handlers test the trap itself.
var buildFlags = []string{"-buildvcs=true", "-ldflags",
	"-X main.version=" + testVersion + " -X github.com/litmuslabs/litmus/internal/cli.formMinAge=0s"}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "litmus-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	litmusBin = filepath.Join(dir, "litmus")
	build := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", litmusBin, ".")...)
	build.Dir = ".."
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: building litmus:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Server is one running litmus process.
type Server struct {
	URL        string   // public origin, e.g. http://127.0.0.1:41234
	MetricsURL string   // metrics origin
	DB         string   // database file
	Password   string   // admin password
	Dir        string   // the server's working directory (temp)
	args       []string // after "serve", e.g. --watch
	cmd        *exec.Cmd
	out        *lockedBuffer // stdout + stderr
	exited     chan error
}

// ServerOption adjusts a server's environment before it starts.
type ServerOption func(env map[string]string)

// WithEnv sets an environment variable for the server.
func WithEnv(k, v string) ServerOption { return func(env map[string]string) { env[k] = v } }

var servingRE = regexp.MustCompile(`http://localhost:(\d+)/ \(metrics on :(\d+)/metrics\)`)

// StartServer starts litmus serve with a fresh database in a temp dir and waits until it
// serves. The process is killed at the end of the test if still running.
func StartServer(t testing.TB, opts ...ServerOption) *Server {
	t.Helper()
	return StartServerWithArgs(t, nil, opts...)
}

// StartServerWithArgs is StartServer with command-line arguments after "serve" (e.g.
// "--watch"); Restart passes them again.
func StartServerWithArgs(t testing.TB, args []string, opts ...ServerOption) *Server {
	t.Helper()
	dir := t.TempDir()
	s := &Server{Dir: dir, args: args, DB: filepath.Join(dir, "data", "litmus.db"), Password: "e2e-admin-password-123", out: &lockedBuffer{}, exited: make(chan error, 1)}
	env := map[string]string{
		"LITMUS_DB": s.DB, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0",
		"LITMUS_ADMIN_PASSWORD": s.Password, "LITMUS_LOG_FORMAT": "json",
	}
	for _, o := range opts {
		o(env)
	}
	s.DB = env["LITMUS_DB"]
	s.Password = env["LITMUS_ADMIN_PASSWORD"]
	return s.start(t, env)
}

// Restart starts a new process on the same database (and environment), after a Stop or Kill.
func (s *Server) Restart(t testing.TB) *Server {
	t.Helper()
	env := map[string]string{
		"LITMUS_DB": s.DB, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0",
		"LITMUS_ADMIN_PASSWORD": s.Password, "LITMUS_LOG_FORMAT": "json",
	}
	n := &Server{Dir: s.Dir, args: s.args, DB: s.DB, Password: s.Password, out: &lockedBuffer{}, exited: make(chan error, 1)}
	return n.start(t, env)
}

func (s *Server) start(t testing.TB, env map[string]string) *Server {
	t.Helper()
	cmd := exec.Command(litmusBin, append([]string{"serve"}, s.args...)...)
	cmd.Dir = s.Dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.Dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	go func() { s.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.exited
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(s.out.String()); m != nil {
			s.URL, s.MetricsURL = "http://127.0.0.1:"+m[1], "http://127.0.0.1:"+m[2]
			return s
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			t.Fatalf("litmus exited before serving (%v):\n%s", err, s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("litmus did not start within 15 s:\n%s", s.out.String())
	return nil
}

// Output is everything the process printed so far.
func (s *Server) Output() string { return s.out.String() }

// PID is the process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop sends SIGTERM and waits (up to timeout) for a clean exit; it fails the test otherwise.
func (s *Server) Stop(t testing.TB, timeout time.Duration) {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		if err != nil {
			t.Fatalf("litmus exited with %v after SIGTERM:\n%s", err, s.out.String())
		}
	case <-time.After(timeout):
		t.Fatalf("litmus did not stop within %v of SIGTERM", timeout)
	}
}

// Kill sends SIGKILL and waits for the process to be gone.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.cmd.Process.Kill()
	<-s.exited
}

// Signal sends sig to the process (e.g. SIGHUP to reload pages).
func (s *Server) Signal(sig os.Signal) error { return s.cmd.Process.Signal(sig) }

// Visitor is one person with a browser-like client: a cookie jar, no redirect following.
type Visitor struct {
	S      *Server
	Client *http.Client
	UA     string
}

// NewVisitor returns a visitor using a desktop Firefox user agent.
func (s *Server) NewVisitor() *Visitor {
	jar, _ := cookiejar.New(nil)
	return &Visitor{S: s, UA: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", Client: &http.Client{
		Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

var tokenRE = regexp.MustCompile(`name="_token" value="([A-Za-z0-9_.=-]+)"`)

// Open GETs path (e.g. "/" or "/chaser?utm_source=x") and returns the status, the body and
// the page's form token ("" when there is none).
func (v *Visitor) Open(ctx context.Context, path string) (int, string, string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", v.S.URL+path, nil)
	req.Header.Set("User-Agent", v.UA)
	resp, err := v.Client.Do(req)
	if err != nil {
		return 0, "", "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	token := ""
	if m := tokenRE.FindSubmatch(b); m != nil {
		token = string(m[1])
	}
	return resp.StatusCode, string(b), token, err
}

// SignUp posts the chaser example's form (the default page) with token and email and
// returns the status and Location. The form is valid apart from what extra overrides.
func (v *Visitor) SignUp(ctx context.Context, token, email string, extra url.Values) (int, string, error) {
	form := url.Values{"_token": {token}, "email": {email}, "work": {"Writing"}, "consent": {"on"}, "website": {""}}
	for k, vs := range extra {
		form[k] = vs
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", v.S.URL+"/chaser/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", v.UA)
	req.Header.Set("Origin", v.S.URL)
	resp, err := v.Client.Do(req)
	if err != nil {
		return 0, "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location"), nil
}

// lockedBuffer collects process output safely across goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond every 50 ms until it is true or timeout passes.
func waitFor(timeout time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
