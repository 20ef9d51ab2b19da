package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// runLitmus runs the litmus binary once (a subcommand, as an operator types it) with env
// added to a bare environment, and returns what it printed and its exit code.
func runLitmus(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(litmusBin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cmd.Dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	}
	t.Fatalf("litmus %v: %v", args, err)
	return "", -1
}

var backupLine = regexp.MustCompile(`Backed up .+ to .+ \([0-9.]+ [kMG]?B, (\d+) signups\)\.`)

// TestBackupDuringASignupFloodRestoresEveryAcknowledgedSignup is the operator's path: a
// backup taken with the real binary while visitors keep signing up, then restored (with the
// server stopped) and served again, holding every signup acknowledged before it started.
func TestBackupDuringASignupFloodRestoresEveryAcknowledgedSignup(t *testing.T) {
	t.Parallel()
	s := StartServer(t, WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	const workers = 4
	type person struct {
		v     *Visitor
		token string
	}
	var people []person
	for range workers {
		v := s.NewVisitor()
		status, _, token, err := v.Open(ctx, "/")
		if err != nil || status != 200 || token == "" {
			t.Fatalf("GET / = %d, token %q, %v", status, token, err)
		}
		people = append(people, person{v, token})
	}

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
		fails atomic.Int64
	)
	ackedNow := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), acked...)
	}
	for w, p := range people {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				email := fmt.Sprintf("flood-%d-%d@example.com", w, i)
				status, loc, err := p.v.SignUp(ctx, p.token, email, nil)
				if ctx.Err() != nil {
					return
				}
				if err != nil || status != 303 || loc != "/chaser/thanks" {
					fails.Add(1)
					continue
				}
				mu.Lock()
				acked = append(acked, email)
				mu.Unlock()
			}
		})
	}
	if !waitFor(60*time.Second, func() bool { return len(ackedNow()) >= 100 }) {
		t.Fatalf("only %d signups acknowledged in 60 s (%d failed)", len(ackedNow()), fails.Load())
	}

	before := ackedNow() // acknowledged before the backup started: all must be in it
	backup := filepath.Join(t.TempDir(), "backups", "litmus-copy.db")
	out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "backup", backup)
	afterBackup := len(ackedNow())
	// Keep the flood going past the backup, so it ran while signups were being stored.
	if !waitFor(30*time.Second, func() bool { return len(ackedNow()) >= afterBackup+20 }) {
		t.Errorf("the flood stalled after the backup: %d signups acknowledged", len(ackedNow()))
	}
	cancel()
	wg.Wait()
	if code != 0 {
		t.Fatalf("litmus backup exited %d:\n%s", code, out)
	}
	m := backupLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("litmus backup did not say what it copied:\n%s", out)
	}
	inBackup, _ := strconv.Atoi(m[1])
	if inBackup < len(before) {
		t.Errorf("backup reports %d signups; %d were acknowledged before it started", inBackup, len(before))
	}
	t.Logf("%d signups acknowledged before the backup, %d in it, %d by its end, %d in all (%d failed)",
		len(before), inBackup, afterBackup, len(ackedNow()), fails.Load())

	t.Run("backup never overwrites", func(t *testing.T) {
		out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "backup", backup)
		if code != 1 || !strings.Contains(out, "already exists") || strings.Contains(out, "store:") {
			t.Errorf("second backup to the same file: exit %d\n%s", code, out)
		}
	})

	t.Run("restore refuses while the server runs", func(t *testing.T) {
		out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "restore", backup)
		if code != 1 || !strings.Contains(out, "is in use") || !strings.Contains(out, "stop the server first") || strings.Contains(out, "store:") {
			t.Errorf("restore with the server running: exit %d\n%s", code, out)
		}
		if aside, _ := filepath.Glob(s.DB + ".before-restore-*"); len(aside) > 0 {
			t.Errorf("a refused restore moved the database: %v", aside)
		}
		if resp, err := http.Get(s.URL + "/healthz"); err != nil || resp.StatusCode != 200 {
			t.Errorf("server unhealthy after a refused restore: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
	})
	s.Stop(t, 15*time.Second)
	all := len(ackedNow())

	t.Run("restore into a fresh path", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "data", "litmus.db")
		out, code := runLitmus(t, map[string]string{"LITMUS_DB": fresh}, "restore", backup)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("(%d signups)", inBackup)) {
			t.Fatalf("restore: exit %d\n%s", code, out)
		}
		served := StartServer(t, WithEnv("LITMUS_DB", fresh))
		status, body, _, err := served.NewVisitor().Open(context.Background(), "/")
		if err != nil || status != 200 || !strings.Contains(body, "<h1") {
			t.Fatalf("GET / on the restored database = %d, %v", status, err)
		}
		served.Stop(t, 15*time.Second)
		checkSignups(t, fresh, before, inBackup)
	})

	t.Run("restore over the database keeps the old one aside", func(t *testing.T) {
		out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "restore", backup)
		if code != 0 || !strings.Contains(out, "The previous database is kept as") {
			t.Fatalf("restore: exit %d\n%s", code, out)
		}
		aside, _ := filepath.Glob(s.DB + ".before-restore-*")
		if len(aside) != 1 {
			t.Fatalf("want one database kept aside, found %v", aside)
		}
		old, err := store.Verify(context.Background(), aside[0])
		if err != nil || old.Signups < int64(all) {
			t.Errorf("the database kept aside: %+v, %v; want all %d acknowledged signups", old, err, all)
		}
		checkSignups(t, s.DB, before, inBackup)
	})
}

// checkSignups opens the database at path (no server running) and checks it passes the
// integrity check, holds want signups, and holds every one of mustHave.
func checkSignups(t *testing.T, path string, mustHave []string, want int) {
	t.Helper()
	ctx := context.Background()
	info, err := store.Verify(ctx, path)
	if err != nil {
		t.Fatalf("restored database: %v", err)
	}
	if info.Signups != int64(want) {
		t.Errorf("restored database holds %d signups, the backup %d", info.Signups, want)
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := map[string]bool{}
	if err := st.EachSignup(ctx, "chaser", func(r store.SignupRow) error {
		stored[r.Email] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	missing := 0
	for _, email := range mustHave {
		if !stored[email] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d signups acknowledged before the backup are missing after restore", missing, len(mustHave))
	}
}

// TestRestoreRefusesFilesThatAreNotABackup: a mistyped file name or a damaged copy is
// refused with a message saying what is wrong, and the database stays as it was.
func TestRestoreRefusesFilesThatAreNotABackup(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	backup := filepath.Join(t.TempDir(), "good.db")
	if out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "backup", backup); code != 0 {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	s.Stop(t, 15*time.Second)
	good, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	damaged := append([]byte(nil), good...)
	for i := 2 * 4096; i < len(damaged); i += 7 { // page 1, the schema, stays readable
		damaged[i] ^= 0x5a
	}
	files := map[string][]byte{
		"signups.csv": []byte("email\nsomeone@example.com\n"),
		"damaged.db":  damaged,
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dbBefore, err := os.ReadFile(s.DB)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, file, want string
	}{
		{"not a SQLite file", "signups.csv", "is not a SQLite database file"},
		{"damaged copy", "damaged.db", "is damaged"},
		{"missing file", "nowhere.db", "there is no file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runLitmus(t, map[string]string{"LITMUS_DB": s.DB}, "restore", filepath.Join(dir, tt.file))
			// What a person reads, with no package prefix (issue 11: "store: there is no file").
			if code != 1 || !strings.Contains(out, tt.want) || !strings.Contains(out, "nothing was changed") || strings.Contains(out, "store:") {
				t.Errorf("restore %s: exit %d, want 1 and a message saying %q and that nothing was changed, without \"store:\":\n%s", tt.file, code, tt.want, out)
			}
		})
	}
	if now, err := os.ReadFile(s.DB); err != nil || string(now) != string(dbBefore) {
		t.Errorf("refused restores changed the database (%v)", err)
	}
	if aside, _ := filepath.Glob(s.DB + ".before-restore-*"); len(aside) > 0 {
		t.Errorf("refused restores left files: %v", aside)
	}
}

// TestPageEditsGoLive: a founder edits a page file; SIGHUP (or --watch, with no signal)
// serves the new words; an invalid file keeps the old pages and logs file:line.
func TestPageEditsGoLive(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		args   []string
		reload func(s *Server)
	}{
		{"SIGHUP", nil, func(s *Server) { s.Signal(syscall.SIGHUP) }},
		{"--watch", []string{"--watch"}, func(*Server) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyExamplePages(t)
			chaser := filepath.Join(dir, "chaser.toml")
			original, err := os.ReadFile(chaser)
			if err != nil {
				t.Fatal(err)
			}
			s := StartServerWithArgs(t, tc.args, WithEnv("LITMUS_PAGES", dir))

			edited := strings.ReplaceAll(string(original), `headline = "`, `headline = "Edited: `)
			writeFile(t, chaser, edited)
			tc.reload(s)
			if !waitFor(10*time.Second, func() bool { return strings.Contains(frontPage(t, s), "Edited: ") }) {
				t.Fatalf("the edited headline is not served:\n%s", s.Output())
			}
			// The log says what the reload did to each page's test, and why (it is written
			// just after the new pages are served, so wait for it). Whether phase 1 had a
			// visitor depends on whether the test's first look came before the reload.
			said := func() bool {
				out := s.Output()
				return (strings.Contains(out, "page /chaser: new phase 2 started because: variant") ||
					strings.Contains(out, "page /chaser: phase 1 had no visitors yet, so it now tests the new version: variant")) &&
					strings.Contains(out, "re-worded: headline") && strings.Contains(out, "page /taxpot: no change")
			}
			if !waitFor(10*time.Second, said) {
				t.Errorf("the log does not say what the reload did to each page:\n%s", s.Output())
			}

			// A slug with capitals is invalid; the error must name the file and line.
			bad := strings.Replace(edited, `slug = "chaser"`, `slug = "Chaser Page"`, 1)
			line := strings.Count(bad[:strings.Index(bad, `slug = "Chaser Page"`)], "\n") + 1
			writeFile(t, chaser, bad)
			tc.reload(s)
			where := fmt.Sprintf("chaser.toml:%d:", line)
			if !waitFor(10*time.Second, func() bool { return strings.Contains(s.Output(), where) }) {
				t.Fatalf("the log does not point at %s:\n%s", where, s.Output())
			}
			if !strings.Contains(s.Output(), "still serving the previous pages") {
				t.Errorf("the log does not say the previous pages are still served:\n%s", s.Output())
			}
			if page := frontPage(t, s); !strings.Contains(page, "Edited: ") {
				t.Errorf("after an invalid edit the front page is not the last good one:\n%.400s", page)
			}

			writeFile(t, chaser, strings.ReplaceAll(string(original), `headline = "`, `headline = "Fixed: `))
			tc.reload(s)
			if !waitFor(10*time.Second, func() bool { return strings.Contains(frontPage(t, s), "Fixed: ") }) {
				t.Fatalf("the fixed page is not served:\n%s", s.Output())
			}
			if got := metricValue(t, s, `litmus_page_reloads_total{result="error"}`); got != 1 {
				t.Errorf("litmus_page_reloads_total{result=\"error\"} = %v, want 1", got)
			}
			if got := metricValue(t, s, `litmus_page_reloads_total{result="ok"}`); got != 2 {
				t.Errorf("litmus_page_reloads_total{result=\"ok\"} = %v, want 2", got)
			}
			s.Stop(t, 15*time.Second)
		})
	}
}

// copyExamplePages copies the bundled example pages into a new directory.
func copyExamplePages(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob("../pages/examples/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example pages: %v", err)
	}
	dir := t.TempDir()
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, filepath.Base(f)), string(b))
	}
	return dir
}

// writeFile replaces a file the way editors save: write a temp file, then rename it over.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	tmp := path + ".tmp~"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// frontPage returns the body of GET / for a new visitor ("" when it fails).
func frontPage(t *testing.T, s *Server) string {
	t.Helper()
	status, body, _, err := s.NewVisitor().Open(context.Background(), "/")
	if err != nil || status != 200 {
		return ""
	}
	return body
}

// metricValue returns the value of one series on the server's /metrics page.
func metricValue(t *testing.T, s *Server, series string) float64 {
	t.Helper()
	resp, err := http.Get(s.MetricsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("%s is not on /metrics", series)
	return 0
}

// TestVersionNamesTheCommit: a binary built in a git checkout says which commit it is, in
// `litmus version` and in litmus_build_info, without any -X main.revision (the harness's
// binary is linked with -X main.version only). That a revision given with -X wins over the
// stamped one is internal/cli's TestGivenRevisionWins.
func TestVersionNamesTheCommit(t *testing.T) {
	t.Parallel()
	head, err := exec.Command("git", "-C", "..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (%v): nothing for Go to stamp", err)
	}
	if fi, err := os.Stat("../.git"); err != nil || !fi.IsDir() {
		t.Skip("../.git is not a directory (a git worktree): Go stamps the commit only from a .git directory")
	}
	rev := strings.TrimSpace(string(head))
	out, err := exec.Command(litmusBin, "version").Output()
	if err != nil || !regexp.MustCompile(`^litmus `+regexp.QuoteMeta(testVersion)+` \(`+rev+`(-dirty)?\)\n$`).Match(out) {
		t.Errorf("litmus version = %q, %v; want version %s and commit %s", out, err, testVersion, rev)
	}
	metrics := serveOnce(t, litmusBin)
	info := regexp.MustCompile(`(?m)^litmus_build_info\{goversion="[^"]+",revision="` + rev + `(-dirty)?",version="` + regexp.QuoteMeta(testVersion) + `"\} 1$`)
	if !info.MatchString(metrics) {
		t.Errorf("litmus_build_info does not carry commit %s:\n%s", rev, grepLines(metrics, "litmus_build_info"))
	}
}

// serveOnce starts bin (not the harness's binary) on loopback ports with a fresh database,
// returns its /metrics page, and stops it.
func serveOnce(t *testing.T, bin string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LITMUS_DB=" + filepath.Join(dir, "litmus.db"),
		"LITMUS_ADDR=127.0.0.1:0", "LITMUS_METRICS_ADDR=127.0.0.1:0", "LITMUS_ADMIN_PASSWORD=e2e-admin-password-123"}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	var m []string
	if !waitFor(15*time.Second, func() bool { m = servingRE.FindStringSubmatch(out.String()); return m != nil }) {
		t.Fatalf("%s did not start:\n%s", bin, out.String())
	}
	resp, err := http.Get("http://127.0.0.1:" + m[2] + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// grepLines returns the lines of text that contain s.
func grepLines(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
