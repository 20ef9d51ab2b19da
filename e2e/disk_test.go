package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests put the real binary's database on a small real file system made by the test
// (a tmpfs, or an ext4 image on a loop device) and fill it. Mounting needs root; they skip
// elsewhere, and LITMUS_REQUIRE_MOUNT=1 (set by .ci/run) makes them required.

const requireMountEnv = "LITMUS_REQUIRE_MOUNT"

// mountFS mounts a file system on a fresh directory, unmounted at the end of the test:
// kind "tmpfs" with opts such as "size=8m", or "ext4" made with mkfs.ext4 args on an
// image of size bytes.
func mountFS(t *testing.T, kind string, size int64, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	var cmd *exec.Cmd
	switch kind {
	case "tmpfs":
		cmd = exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.FormatInt(size, 10), "tmpfs", dir)
	case "ext4":
		img := filepath.Join(t.TempDir(), "disk.img")
		if err := os.WriteFile(img, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(img, size); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("mkfs.ext4", append(append([]string{"-q", "-F"}, args...), img)...).CombinedOutput(); err != nil {
			mountSkipOrFail(t, fmt.Sprintf("mkfs.ext4: %v %s", err, out))
		}
		cmd = exec.Command("mount", "-o", "loop", img, dir)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		mountSkipOrFail(t, fmt.Sprintf("mount %s: %v %s", kind, err, out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

func mountSkipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(requireMountEnv) != "" {
		t.Fatalf("%s (required by %s)", why, requireMountEnv)
	}
	t.Skipf("cannot make a small file system here (%s); run as root, or set %s=1 to require it", why, requireMountEnv)
}

// fillDisk writes path until the file system is full, then gives back keep bytes.
func fillDisk(t *testing.T, path string, keep int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for i := 0; i < 1<<20; i++ { // bounded: 4 GiB
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	if keep > 0 {
		info, _ := f.Stat()
		f.Truncate(max(0, info.Size()-keep))
	}
}

// signUpUntilRefused signs up new addresses until the server refuses one (bounded), and
// returns how many were stored.
func signUpUntilRefused(t *testing.T, s *Server, max int) int {
	t.Helper()
	ctx := context.Background()
	v := s.NewVisitor()
	status, _, token, err := v.Open(ctx, "/chaser")
	if err != nil || status != 200 || token == "" {
		t.Fatalf("GET /chaser = %d, token %q, %v", status, token, err)
	}
	for i := 0; i < max; i++ {
		status, _, err := v.SignUp(ctx, token, fmt.Sprintf("filler%d-%s@example.com", i, strings.Repeat("x", 40)), nil)
		if err != nil {
			t.Fatalf("signup %d: %v", i, err)
		}
		if status != http.StatusSeeOther {
			return i
		}
	}
	t.Fatalf("%d signups all stored: the disk never filled", max)
	return max
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Issue 14 #1: on a full disk every signup failed while /healthz answered 200 ten times out
// of ten (its check committed an empty transaction, which needs no space).
func TestHealthzFailsWhileSignupsCannotBeStored(t *testing.T) {
	dir := mountFS(t, "tmpfs", 8<<20)
	s := StartServer(t, WithEnv("LITMUS_DB", filepath.Join(dir, "litmus.db")),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0"))
	if code, body := get(t, s.URL+"/healthz"); code != 200 {
		t.Fatalf("healthz on an empty disk = %d %q", code, body)
	}
	filler := filepath.Join(dir, "old-backup.db")
	fillDisk(t, filler, 1536<<10) // 1.5 MiB left for signups to fill
	stored := signUpUntilRefused(t, s, 20000)
	t.Logf("%d signups stored before one was refused", stored)
	for i := 0; i < 10; i++ {
		if code, body := get(t, s.URL+"/healthz"); code != 503 || !strings.Contains(body, "disk full") {
			t.Fatalf("healthz %d on a full disk = %d %q, want 503 disk full", i+1, code, body)
		}
	}
	_, metrics := get(t, s.MetricsURL+"/metrics")
	m := regexp.MustCompile(`(?m)^litmus_db_disk_free_bytes (\S+)$`).FindStringSubmatch(metrics)
	if m == nil {
		t.Fatal("no litmus_db_disk_free_bytes in /metrics")
	}
	if free, _ := strconv.ParseFloat(m[1], 64); free >= 1<<20 {
		t.Errorf("litmus_db_disk_free_bytes = %s on a full disk, want under 1 MiB (the LitmusDiskFull alert)", m[1])
	}
	// Freeing space heals it without a restart.
	os.Remove(filler)
	if code, body := get(t, s.URL+"/healthz"); code != 200 {
		t.Errorf("healthz once space was freed = %d %q", code, body)
	}
}

// Issue 14 #5: on a 4 MiB ext4 with 1 KiB blocks filled by signups, a restart died of SIGBUS
// in store.schemaVersion, 3 times out of 3. The cause is SQLite's WAL index (-shm), which
// it maps into memory: the first connection truncates it, then grows it by writing one byte
// at the end of each 4 KiB memory page. With 1 KiB blocks that allocates one block of the
// four; the others stay holes, and the first store to one through the mapping needs a block
// the full disk does not have, which the kernel reports as SIGBUS. The restart must instead
// refuse with a message that says the disk is full.
func TestRestartOnAFullDiskSaysSoInsteadOfSIGBUS(t *testing.T) {
	dir := mountFS(t, "ext4", 4<<20, "-b", "1024", "-m", "0")
	db := filepath.Join(dir, "litmus.db")
	s := StartServer(t, WithEnv("LITMUS_DB", db),
		WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0"))
	stored := signUpUntilRefused(t, s, 50000)
	t.Logf("%d signups stored before one was refused", stored)
	s.Stop(t, 15*time.Second)

	for run := 1; run <= 3; run++ {
		cmd := exec.Command(litmusBin, "serve")
		cmd.Dir = t.TempDir()
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LITMUS_DB=" + db, "LITMUS_ADDR=127.0.0.1:0",
			"LITMUS_METRICS_ADDR=127.0.0.1:0", "LITMUS_ADMIN_PASSWORD=e2e-admin-password-123"}
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.CombinedOutput(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
			// It started after all: the disk had room for the WAL index. Not the fault.
			t.Logf("restart %d served on the full disk (killed after 15 s)", run)
			continue
		}
		text := string(out)
		if strings.Contains(text, "SIGBUS: bus error") || strings.Contains(text, "unexpected fault address") {
			t.Fatalf("restart %d crashed with SIGBUS (%v):\n%.2000s", run, err, text)
		}
		if !strings.Contains(text, "is full") || !strings.Contains(text, "free some space") {
			t.Errorf("restart %d exited (%v) without saying the disk is full:\n%.2000s", run, err, text)
		}
	}
}
