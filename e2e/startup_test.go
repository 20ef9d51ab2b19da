package e2e

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// startOnce runs `litmus serve` with env and returns its output if it exits within 15 s
// (a refusal), or fails the test if it starts serving.
func startOnce(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(litmusBin, "serve")
	cmd.Dir = t.TempDir()
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "LITMUS_ADDR=127.0.0.1:0", "LITMUS_METRICS_ADDR=127.0.0.1:0",
		"LITMUS_ADMIN_PASSWORD=e2e-admin-password-123"}, env...)
	done := make(chan struct{})
	var out []byte
	go func() { out, _ = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
		return string(out)
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("litmus started instead of refusing:\n%s", out)
		return ""
	}
}

// Issue 14 #4 and #7, through the binary: another program's database, a read-only volume and
// a file cut short each stop the start with a message naming the problem and the fix, and
// leave the file and its directory as they were.
func TestStartRefusesDatabasesItMustNotTouch(t *testing.T) {
	t.Run("another program's database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "crm.db")
		db, err := sql.Open("sqlite3", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada')"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		before, _ := os.ReadFile(path)
		out := startOnce(t, "LITMUS_DB="+path)
		if !strings.Contains(out, "holds tables Litmus did not create (customers)") || !strings.Contains(out, "point LITMUS_DB at a new file") {
			t.Errorf("output:\n%s", out)
		}
		assertUntouched(t, path, before)
	})
	t.Run("a read-only volume", func(t *testing.T) {
		dir := mountFS(t, "tmpfs", 4<<20)
		path := filepath.Join(dir, "litmus.db")
		s := StartServer(t, WithEnv("LITMUS_DB", path))
		s.Stop(t, 15*time.Second)
		if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
			t.Fatalf("remount ro: %v %s", err, out)
		}
		before, _ := os.ReadFile(path)
		out := startOnce(t, "LITMUS_DB="+path)
		if !strings.Contains(out, "is not writable (the file system is mounted read-only)") || strings.Contains(out, "save secret") ||
			strings.Contains(out, "schema version") {
			t.Errorf("output:\n%s", out)
		}
		assertUntouched(t, path, before)
	})
	t.Run("a file cut short", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "litmus.db")
		s := StartServer(t, WithEnv("LITMUS_DB", path))
		s.Stop(t, 15*time.Second)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, b[:len(b)/2], 0o640)
		out := startOnce(t, "LITMUS_DB="+path)
		if !strings.Contains(out, "is cut short") || !strings.Contains(out, "litmus restore") {
			t.Errorf("output:\n%s", out)
		}
		assertUntouched(t, path, b[:len(b)/2])
	})
}

func assertUntouched(t *testing.T, path string, before []byte) {
	t.Helper()
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the refused file was changed")
	}
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(path + side); err == nil {
			t.Errorf("a refused start left %s%s", filepath.Base(path), side)
		}
	}
}

// Issue 14 #8: the 12-character minimum counted bytes, so a 5-character Japanese password
// (15 bytes) started the server.
func TestShortNonASCIIAdminPasswordIsRefused(t *testing.T) {
	out := startOnce(t, "LITMUS_DB="+filepath.Join(t.TempDir(), "litmus.db"), "LITMUS_ADMIN_PASSWORD=パスワード")
	if !strings.Contains(out, "LITMUS_ADMIN_PASSWORD is shorter than 12 characters") {
		t.Errorf("output:\n%s", out)
	}
}
