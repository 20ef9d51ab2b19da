package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestConnectionsHaveTheirPragmas checks what the DSNs promise, on the Store's own pools:
// per-connection settings cannot be seen from another connection.
func TestConnectionsHaveTheirPragmas(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), "litmus.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	writer := []struct {
		pragma string
		want   int
	}{
		{"synchronous", 2}, // FULL: a commit is on disk before the signup is acknowledged
		{"foreign_keys", 1},
		{"busy_timeout", 5000},
		{"secure_delete", 1}, // erased emails are overwritten, not left in free pages
	}
	for _, p := range writer {
		var got int
		if err := s.write.QueryRowContext(ctx, "PRAGMA "+p.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != p.want {
			t.Errorf("writer PRAGMA %s = %d, want %d", p.pragma, got, p.want)
		}
	}
	if n := s.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer pool allows %d connections, want exactly 1", n)
	}
	if _, err := s.read.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('x', 'y')"); err == nil ||
		!strings.Contains(err.Error(), "readonly") {
		t.Errorf("writing through the read pool: err = %v, want a read-only error", err)
	}
}
