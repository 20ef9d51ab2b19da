package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The LiteFS test runs two real LiteFS nodes (static leases, loopback) with Litmus on each.
// It needs FUSE (/dev/fuse, fusermount3 from Debian's fuse3, root) and a litefs binary
// (go install github.com/superfly/litefs/cmd/litefs@v0.5.14); it skips without them, except
// when LITMUS_REQUIRE_LITEFS=1 (set by .ci/run), where it must run.

// liteFSBin finds litefs (LITMUS_LITEFS_BIN, else PATH) or skips the test.
func liteFSBin(t *testing.T) string {
	t.Helper()
	skip := func(why string) {
		if os.Getenv("LITMUS_REQUIRE_LITEFS") == "1" {
			t.Fatal(why + " (LITMUS_REQUIRE_LITEFS=1: the LiteFS test must run here)")
		}
		t.Skip(why + ": skipping the LiteFS high-availability test")
	}
	bin := os.Getenv("LITMUS_LITEFS_BIN")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("litefs"); err != nil {
			skip("no litefs binary (go install github.com/superfly/litefs/cmd/litefs@v0.5.14, or set LITMUS_LITEFS_BIN)")
		}
	}
	if _, err := exec.LookPath("fusermount3"); err != nil {
		skip("no fusermount3 (apt-get install fuse3)")
	}
	if f, err := os.OpenFile("/dev/fuse", os.O_RDWR, 0); err != nil {
		skip(fmt.Sprintf("FUSE is not usable here: %v", err))
	} else {
		f.Close()
	}
	return bin
}

// lfsNode is one LiteFS process with its mount.
type lfsNode struct {
	name, dir, mnt string
	port           int
	cmd            *exec.Cmd
	out            *lockedBuffer
	exited         chan error
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func newLFSNode(t *testing.T, name string) *lfsNode {
	dir := t.TempDir()
	n := &lfsNode{name: name, dir: dir, mnt: filepath.Join(dir, "mnt"), port: freePort(t)}
	return n
}

func (n *lfsNode) url() string { return fmt.Sprintf("http://127.0.0.1:%d", n.port) }

// start mounts the node; primary is the node holding the static lease (itself or another).
func (n *lfsNode) start(t *testing.T, bin string, primary *lfsNode) {
	t.Helper()
	cfg := fmt.Sprintf(`fuse:
  dir: %q
data:
  dir: %q
http:
  addr: "127.0.0.1:%d"
lease:
  type: static
  candidate: %t
  hostname: %q
  advertise-url: %q
`, n.mnt, filepath.Join(n.dir, "data"), n.port, primary == n, primary.name, primary.url())
	path := filepath.Join(n.dir, "litefs.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(n.mnt, 0o755)
	n.out, n.exited = &lockedBuffer{}, make(chan error, 1)
	n.cmd = exec.Command(bin, "mount", "-config", path)
	n.cmd.Stdout, n.cmd.Stderr = n.out, n.out
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { n.exited <- n.cmd.Wait() }()
	cmd := n.cmd
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-n.exited
		}
		exec.Command("fusermount3", "-uz", n.mnt).Run()
	})
	want := ".lag"
	if primary != n {
		want = ".primary" // a replica connected to its primary
	}
	if !waitFor(20*time.Second, func() bool { _, err := os.Stat(filepath.Join(n.mnt, want)); return err == nil }) {
		t.Fatalf("litefs %s did not come up (no %s):\n%s", n.name, want, n.out.String())
	}
}

// stop ends the node: SIGTERM unmounts cleanly, SIGKILL leaves the mount to be lazily
// unmounted, as after a crash.
func (n *lfsNode) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	n.cmd.Process.Signal(sig)
	select {
	case <-n.exited:
	case <-time.After(15 * time.Second):
		t.Fatalf("litefs %s did not stop after %v", n.name, sig)
	}
	exec.Command("fusermount3", "-uz", n.mnt).Run()
}

func (n *lfsNode) db() string { return filepath.Join(n.mnt, "litmus.db") }

func (n *lfsNode) pos(t *testing.T) string {
	b, _ := os.ReadFile(n.db() + "-pos")
	return strings.TrimSpace(string(b))
}

// startLitmusOn starts Litmus on a LiteFS node.
func startLitmusOn(t *testing.T, n *lfsNode) *Server {
	t.Helper()
	return StartServer(t, WithEnv("LITMUS_DB", n.db()), WithEnv("LITMUS_LITEFS_DIR", n.mnt),
		WithEnv("LITMUS_LITEFS_HOST", "127.0.0.1"), WithEnv("LITMUS_LITEFS_CONFIRM", "3s"),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0"))
}

// adminGet fetches path from s with the admin's password.
func adminGet(t *testing.T, s *Server, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path, nil)
	req.SetBasicAuth("admin", s.Password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// readOnlyDB opens a node's copy of the database read-only, as a separate process would.
func readOnlyDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func emailsIn(t *testing.T, path string) map[string]bool {
	t.Helper()
	rows, err := readOnlyDB(t, path).Query("SELECT email FROM signups")
	if err != nil {
		t.Fatalf("reading signups from %s: %v", path, err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		got[e] = true
	}
	return got
}

func integrityOK(t *testing.T, path string) {
	t.Helper()
	var res string
	if err := readOnlyDB(t, path).QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check on %s = %q, %v", path, res, err)
	}
}

func healthBody(t *testing.T, s *Server) string {
	t.Helper()
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		k, err := resp.Body.Read(buf)
		b.Write(buf[:k])
		if err != nil {
			break
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("/healthz on %s = %d %s", s.URL, resp.StatusCode, b.String())
	}
	return b.String()
}

// sumMetric adds up every series on s's /metrics that starts with prefix.
func sumMetric(t *testing.T, s *Server, prefix string) float64 {
	t.Helper()
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var sum float64
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, prefix) {
			f, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			sum += f
		}
	}
	return sum
}

// TestLiteFSFailoverKeepsAcknowledgedSignups is issue 19's test, on one machine: pages are
// served by both nodes, a replica's exposures and signups reach the primary, and killing
// the primary during a signup flood loses no signup that was acknowledged.
func TestLiteFSFailoverKeepsAcknowledgedSignups(t *testing.T) {
	bin := liteFSBin(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	a, b := newLFSNode(t, "nodeA"), newLFSNode(t, "nodeB")
	a.start(t, bin, a)
	b.start(t, bin, a)
	la := startLitmusOn(t, a)
	lb := startLitmusOn(t, b)
	if h := healthBody(t, la); !strings.Contains(h, "role: primary") {
		t.Fatalf("node A's /healthz does not say primary:\n%s", h)
	}
	if h := healthBody(t, lb); !strings.Contains(h, "role: replica") || !strings.Contains(h, "replication_lag:") {
		t.Fatalf("node B's /healthz does not say replica with its lag:\n%s", h)
	}

	// Pages from both; a visitor of the replica is counted on the primary.
	before := sumMetric(t, la, `litmus_visitors_total{page="chaser"`)
	for _, s := range []*Server{la, lb} {
		if status, body, token, err := s.NewVisitor().Open(ctx, "/"); err != nil || status != 200 || token == "" {
			t.Fatalf("%s: GET / = %d %v (token %q)\n%.300s", s.URL, status, err, token, body)
		}
	}
	if !waitFor(10*time.Second, func() bool {
		return sumMetric(t, la, `litmus_visitors_total{page="chaser"`) >= before+2
	}) {
		t.Fatalf("the replica's visitor never reached the primary; replica log:\n%s", lb.Output())
	}

	if metricValue(t, la, "litmus_litefs_primary") != 1 || metricValue(t, lb, "litmus_litefs_primary") != 0 {
		t.Fatal("litmus_litefs_primary does not say which node is the primary")
	}
	if n := metricValue(t, lb, "litmus_litefs_exposures_shipped_total"); n < 1 {
		t.Fatalf("the replica's litmus_litefs_exposures_shipped_total = %v after its visitor was counted", n)
	}

	// A signup sent to the replica is stored on the primary.
	v := lb.NewVisitor()
	_, _, token, err := v.Open(ctx, "/")
	if err != nil || token == "" {
		t.Fatal(err)
	}
	if status, loc, err := v.SignUp(ctx, token, "via-replica@example.com", nil); err != nil || status != 303 || loc != "/chaser/thanks" {
		t.Fatalf("signup to the replica = %d %q %v\nreplica:\n%s\nprimary:\n%s", status, loc, err, lb.Output(), la.Output())
	}
	if !emailsIn(t, a.db())["via-replica@example.com"] {
		t.Fatal("the signup sent to the replica is not in the primary's database")
	}

	// The founder can look at the results on either node: a look on the replica records no
	// decision (the primary does, and it replicates). The page editor is read-only on every
	// node, and says why: page files belong in the image.
	for _, s := range []*Server{la, lb} {
		if status, body := adminGet(t, s, "/api/v1/pages/chaser/results"); status != 200 {
			t.Fatalf("%s: results = %d\n%.500s\nlog:\n%s", s.URL, status, body, s.Output())
		}
		if status, body := adminGet(t, s, "/admin/pages/chaser/edit"); status != 200 || !strings.Contains(body, "one node of a LiteFS cluster") {
			t.Fatalf("%s: the editor = %d, without the LiteFS read-only notice\n%.2000s", s.URL, status, body)
		}
	}

	// A signup flood on the primary; SIGKILL the primary (LiteFS and Litmus) in the middle.
	acked := liteFSFlood(t, la, 8, 60, func() {
		a.stop(t, syscall.SIGKILL)
		la.Kill(t)
	})
	acked = append(acked, "via-replica@example.com")

	// While there is no primary, the replica still serves pages, and a signup sent to it
	// gets the 503 with the visitor's input kept.
	v = lb.NewVisitor()
	status, _, token, err := v.Open(ctx, "/")
	if err != nil || status != 200 || token == "" {
		t.Fatalf("the replica stopped serving pages when the primary died: %d %v", status, err)
	}
	form := url.Values{"_token": {token}, "email": {"during-failover@example.com"}, "work": {"Writing"}, "consent": {"on"}, "website": {""}}
	req, _ := http.NewRequestWithContext(ctx, "POST", lb.URL+"/chaser/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", v.UA)
	req.Header.Set("Origin", lb.URL)
	resp, err := v.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), `value="during-failover@example.com"`) || !strings.Contains(string(body), "try again") {
		t.Fatalf("signup to the replica with the primary dead = %d, want 503 with the input kept:\n%.2000s", resp.StatusCode, body)
	}

	// Promote the standby: with static leases that is restarting B as the lease holder.
	lb.Stop(t, 15*time.Second)
	b.stop(t, syscall.SIGTERM)
	b.start(t, bin, b)
	lb = startLitmusOn(t, b)
	if h := healthBody(t, lb); !strings.Contains(h, "role: primary") {
		t.Fatalf("node B after promotion does not say primary:\n%s", h)
	}
	stored := emailsIn(t, b.db())
	var lost []string
	for _, e := range acked {
		if !stored[e] {
			lost = append(lost, e)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged signups are missing on the promoted node, e.g. %q", len(lost), len(acked), lost[0])
	}
	integrityOK(t, b.db())
	t.Logf("failover: %d signups acknowledged before the kill, all %d on the promoted node (%d rows)", len(acked)-1, len(acked), len(stored))

	// Alone, the promoted node cannot have a signup confirmed: the visitor gets the 503.
	v = lb.NewVisitor()
	_, _, token, _ = v.Open(ctx, "/")
	if status, _, err := v.SignUp(ctx, token, "after-failover@example.com", nil); err != nil || status != 503 {
		t.Fatalf("signup on the promoted node with no replica = %d %v, want 503", status, err)
	}

	// The old primary rejoins as a replica of B and catches up; with Litmus running on it
	// again, the visitor's retry is confirmed.
	a.start(t, bin, b)
	la = startLitmusOn(t, a)
	if h := healthBody(t, la); !strings.Contains(h, "role: replica") {
		t.Fatalf("node A after rejoining does not say replica:\n%s", h)
	}
	if !waitFor(10*time.Second, func() bool {
		status, _, err := v.SignUp(ctx, token, "after-failover@example.com", nil)
		return err == nil && status == 303
	}) {
		t.Fatalf("the retried signup was never confirmed once a replica was back:\n%s", lb.Output())
	}
	if !waitFor(30*time.Second, func() bool { return a.pos(t) != "" && a.pos(t) == b.pos(t) }) {
		t.Fatalf("the old primary did not catch up: A at %q, B at %q\n%s", a.pos(t), b.pos(t), a.out.String())
	}
	integrityOK(t, a.db())
	onA := emailsIn(t, a.db())
	for _, e := range append(acked, "after-failover@example.com") {
		if !onA[e] {
			t.Fatalf("%s is missing on the rejoined node", e)
		}
	}
}

// liteFSFlood signs up unique addresses on s from clients visitors until killAfter are
// acknowledged, then calls kill while the rest are in flight. It returns every address
// that got its 303; a 503 (not confirmed by a replica in time) is not an acknowledgement.
func liteFSFlood(t *testing.T, s *Server, clients int, killAfter int64, kill func()) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int64
		wg    sync.WaitGroup
	)
	killed := make(chan struct{})
	for i := range clients {
		v := s.NewVisitor()
		_, _, token, err := v.Open(ctx, "/")
		if err != nil || token == "" {
			t.Fatalf("visitor %d could not open the page: %v", i, err)
		}
		wg.Go(func() {
			for k := 0; k < 10_000; k++ {
				addr := fmt.Sprintf("flood-c%d-%d@example.com", i, k)
				status, loc, err := v.SignUp(ctx, token, addr, nil)
				if err != nil {
					return // the primary is gone
				}
				if status != 303 || loc != "/chaser/thanks" {
					continue
				}
				mu.Lock()
				acked = append(acked, addr)
				mu.Unlock()
				if n.Add(1) == killAfter {
					close(killed)
				}
			}
		})
	}
	select {
	case <-killed:
	case <-ctx.Done():
		t.Fatalf("only %d signups acknowledged in a minute", n.Load())
	}
	kill()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return acked
}
