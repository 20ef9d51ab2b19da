package store_test

import (
	"os"
	"os/exec"
	"testing"
)

// requireMountEnv makes the tests that mount a small file system fail instead of skipping
// when mounting is not possible (set in CI, which runs as root).
const requireMountEnv = "LITMUS_REQUIRE_MOUNT"

// mountTmpfs mounts a tmpfs with the given options on a fresh directory and unmounts it at
// the end of the test. It skips (or fails, under LITMUS_REQUIRE_MOUNT=1) where the machine
// does not allow mounting.
func mountTmpfs(t *testing.T, opts string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput()
	if err != nil {
		if os.Getenv(requireMountEnv) != "" {
			t.Fatalf("mount a tmpfs (required by %s): %v %s", requireMountEnv, err, out)
		}
		t.Skipf("cannot mount a tmpfs here (%v %s); run as root, or set %s=1 to require it", err, out, requireMountEnv)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}
