package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

// openStore opens a Store on a new file under t.TempDir and closes it when the test ends,
// checking the file's integrity and counters then.
func openStore(t testing.TB, opts store.Options) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "litmus.db")
	s, err := store.Open(path, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkFile(t, path)
	})
	return s, path
}

// rawDB opens the file directly, not through the Store, as a second program would.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func queryInt(t testing.TB, db *sql.DB, query string, args ...any) int64 {
	t.Helper()
	var n sql.NullInt64
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n.Int64
}

// checkFile asserts the database file is sound and its counters agree with the rows they
// count: PRAGMA integrity_check is ok, no foreign key is broken, and daily_counts and
// source_counts add up to the visitors and the converted visitors (one counted signup each,
// which stays true after ForgetEmail deletes the signup rows).
func checkFile(t testing.TB, path string) {
	t.Helper()
	db := rawDB(t, path)
	var result string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&result); err != nil || result != "ok" {
		t.Errorf("integrity_check = %q, %v; want ok", result, err)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM pragma_foreign_key_check"); n != 0 {
		t.Errorf("%d foreign key violations", n)
	}
	mismatches := []struct{ what, query string }{
		{"daily visitors", `SELECT count(*) FROM
			(SELECT phase_id, variant, count(*) AS n FROM visitors GROUP BY 1, 2) v
			FULL JOIN (SELECT phase_id, variant, sum(visitors) AS n FROM daily_counts GROUP BY 1, 2 HAVING n > 0) d
			USING (phase_id, variant)
			WHERE v.n IS NOT d.n`},
		{"source visitors", `SELECT count(*) FROM
			(SELECT phase_id, utm_source, utm_campaign, referrer_host, count(*) AS n FROM visitors GROUP BY 1, 2, 3, 4) v
			FULL JOIN (SELECT phase_id, utm_source, utm_campaign, referrer_host, visitors AS n FROM source_counts WHERE visitors > 0) s
			USING (phase_id, utm_source, utm_campaign, referrer_host)
			WHERE v.n IS NOT s.n`},
		{"daily signups", `SELECT count(*) FROM
			(SELECT phase_id, variant, count(*) AS n FROM visitors WHERE converted_at IS NOT NULL GROUP BY 1, 2) v
			FULL JOIN (SELECT phase_id, variant, sum(signups) AS n FROM daily_counts GROUP BY 1, 2 HAVING n > 0) d
			USING (phase_id, variant)
			WHERE v.n IS NOT d.n`},
		{"source signups", `SELECT count(*) FROM
			(SELECT phase_id, utm_source, utm_campaign, referrer_host, count(*) AS n FROM visitors
				WHERE converted_at IS NOT NULL GROUP BY 1, 2, 3, 4) v
			FULL JOIN (SELECT phase_id, utm_source, utm_campaign, referrer_host, signups AS n FROM source_counts WHERE signups > 0) s
			USING (phase_id, utm_source, utm_campaign, referrer_host)
			WHERE v.n IS NOT s.n`},
	}
	for _, m := range mismatches {
		if n := queryInt(t, db, m.query); n != 0 {
			t.Errorf("%s: %d groups where the counter disagrees with the rows", m.what, n)
		}
	}
}

// mustPhase returns the current phase of page for a one-variant-pair definition.
func mustPhase(t testing.TB, s *store.Store, page string) store.Phase {
	t.Helper()
	p, err := s.EnsurePhase(context.Background(), page, "h1", []byte(`{"variants":["a","b"]}`))
	if err != nil {
		t.Fatalf("EnsurePhase: %v", err)
	}
	return p
}

func TestOpenCreatesTheDirectoryAndAPrivateFile(t *testing.T) {
	t.Parallel()
	_, path := openStore(t, store.Options{})
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o640 {
		t.Errorf("database file mode = %o, want 640 (it holds email addresses)", perm)
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := dir.Mode().Perm(); perm != 0o750 {
		t.Errorf("directory mode = %o, want 750", perm)
	}
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if v := queryInt(t, db, "PRAGMA user_version"); v != int64(store.SchemaVersion()) {
		t.Errorf("user_version = %d, want %d", v, store.SchemaVersion())
	}
}

func schemaOf(t *testing.T, path string) string {
	t.Helper()
	rows, err := rawDB(t, path).Query("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s %s\n", typ, name, text)
	}
	return b.String()
}

func TestOpeningAgainMigratesNothing(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "litmus.db")
	for i := range 2 {
		s, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("Open #%d: %v", i+1, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	first := schemaOf(t, path)
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if again := schemaOf(t, path); again != first {
		t.Errorf("schema changed on reopen:\n%s\nwant\n%s", again, first)
	}
	for _, table := range []string{"settings", "phases", "visitors", "signups", "daily_counts", "source_counts", "filtered"} {
		if !strings.Contains(first, "table "+table+" ") {
			t.Errorf("schema has no table %s", table)
		}
	}
	if v := queryInt(t, rawDB(t, path), "PRAGMA user_version"); v != int64(store.SchemaVersion()) {
		t.Errorf("user_version = %d after three opens, want %d", v, store.SchemaVersion())
	}
}

func TestOpenRefusesAFileFromANewerVersion(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "litmus.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := rawDB(t, path).Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "run a newer Litmus") {
		t.Fatalf("Open of a schema-99 file: err = %v, want advice to run a newer Litmus", err)
	}
}

func TestOpenRefusesBadSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts store.Options
		want string
	}{
		{"no path", "", store.Options{}, "give a file path"},
		{"memory database", ":memory:", store.Options{}, "give a file path"},
		{"negative batch", filepath.Join(dir, "a.db"), store.Options{MaxBatch: -1}, "MaxBatch -1 is out of range"},
		{"huge queue", filepath.Join(dir, "b.db"), store.Options{QueueSize: 1 << 30}, "QueueSize"},
		{"hour-long flush", filepath.Join(dir, "c.db"), store.Options{FlushInterval: time.Hour}, "what a crash can lose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(tt.path, tt.opts)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSecretSurvivesRestartAndDiffersPerFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	open := func(name string) []byte {
		s, err := store.Open(filepath.Join(dir, name), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.Secret()
	}
	first := open("a.db")
	if len(first) != 32 || bytes.Equal(first, make([]byte, 32)) {
		t.Fatalf("secret = %x, want 32 random bytes", first)
	}
	if again := open("a.db"); !bytes.Equal(again, first) {
		t.Errorf("secret changed across reopen: %x then %x", first, again)
	}
	if other := open("b.db"); bytes.Equal(other, first) {
		t.Error("two databases share a secret")
	}
}

func TestSecretReturnsACopy(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	a := s.Secret()
	a[0] ^= 0xff
	if b := s.Secret(); b[0] == a[0] {
		t.Error("changing the returned secret changed the store's")
	}
}

func TestCloseIsIdempotentAndLaterWritesAreRefused(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on an open store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "a@example.com", Variant: "a"})
	if !errors.Is(err, store.ErrClosed) {
		t.Errorf("InsertSignup after Close: err = %v, want ErrClosed", err)
	}
	s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	s.RecordFiltered("idea", "bot", "curl/8", time.Now())
	if got := s.Dropped(); got != 2 {
		t.Errorf("Dropped = %d after two writes past Close, want 2", got)
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping after Close succeeded")
	}
}

func TestOpenExplainsAFileThatIsNotADatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := store.Open(path, store.Options{})
	if err == nil || !strings.Contains(err.Error(), "not a Litmus database; point LITMUS_DB at another file") {
		t.Fatalf("err = %v, want a plain explanation", err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "not a database") {
		t.Error("Open changed a file that is not a database")
	}
}

// TestSchemaVersionCountsTheMigrations guards the helper the other tests compare with.
func TestSchemaVersionCountsTheMigrations(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migration files found: %v", err)
	}
	if v := store.SchemaVersion(); v != len(files) {
		t.Errorf("SchemaVersion() = %d, want %d (one per file in migrations/)", v, len(files))
	}
}
