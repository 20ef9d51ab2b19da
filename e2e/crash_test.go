package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestAcknowledgedSignupsSurviveSIGKILL floods the real binary with signups, kills it with
// SIGKILL in the middle, and checks the promise a 303 makes: every acknowledged signup is in
// the file, and the file is intact. Five rounds on the same database, each restarted on what
// the last one left.
func TestAcknowledgedSignupsSurviveSIGKILL(t *testing.T) {
	t.Parallel()
	const (
		rounds  = 5
		clients = 32
	)
	db := ""
	acked := map[string]bool{} // every email that got a 303, over all rounds
	for round := 1; round <= rounds; round++ {
		opts := []ServerOption{WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0")}
		if db != "" {
			opts = append(opts, WithEnv("LITMUS_DB", db)) // Restart would drop the limits above
		}
		s := StartServer(t, opts...)
		db = s.DB
		killAfter := int64(40 + round*60) // acknowledgements before the kill: 100, 160, ... 340

		got := flood(t, s, round, clients, killAfter)
		if len(got) < int(killAfter) {
			t.Fatalf("round %d: only %d signups acknowledged before the flood ended", round, len(got))
		}
		for _, e := range got {
			acked[e] = true
		}

		stored := map[string]bool{}
		for _, e := range storedEmails(t, db) {
			stored[e] = true
		}
		var lost []string
		for e := range acked {
			if !stored[e] {
				lost = append(lost, e)
			}
		}
		if len(lost) > 0 {
			t.Fatalf("round %d: %d acknowledged signups are not in the database after SIGKILL, e.g. %q", round, len(lost), lost[0])
		}
		if res := integrityCheck(t, db); res != "ok" {
			t.Fatalf("round %d: PRAGMA integrity_check after SIGKILL = %q", round, res)
		}
		t.Logf("round %d: killed after %d acknowledgements; %d acknowledged so far, %d rows stored, file intact", round, len(got), len(acked), len(stored))
	}
	// The last file still starts and serves.
	s := StartServer(t, WithEnv("LITMUS_DB", db))
	healthy(t, s)
	s.Stop(t, 10*time.Second)
}

// flood signs up unique addresses from clients concurrent visitors until killAfter of them
// are acknowledged, SIGKILLs the server while the rest are in flight, and returns every
// address that got its 303.
func flood(t *testing.T, s *Server, round, clients int, killAfter int64) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	visitors := make([]*Visitor, clients)
	tokens := make([]string, clients)
	for i := range visitors {
		visitors[i] = s.NewVisitor()
		status, _, token, err := visitors[i].Open(ctx, "/")
		if err != nil || status != 200 || token == "" {
			t.Fatalf("round %d: visitor %d could not open the page: %d %v", round, i, status, err)
		}
		tokens[i] = token
	}

	var (
		mu    sync.Mutex
		acked []string
		n     atomic.Int64
		other atomic.Int64 // answers that are neither a 303 nor a dropped connection
		wg    sync.WaitGroup
	)
	killed := make(chan struct{})
	for i, v := range visitors {
		wg.Go(func() {
			for k := 0; ; k++ {
				addr := fmt.Sprintf("r%d-c%d-%d@example.com", round, i, k)
				status, loc, err := v.SignUp(ctx, tokens[i], addr, nil)
				if err != nil {
					return // the process is gone (or the flood timed out)
				}
				if status != 303 || loc != "/chaser/thanks" {
					other.Add(1)
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
	}
	s.Kill(t)
	wg.Wait()
	if o := other.Load(); o > 0 {
		t.Errorf("round %d: %d signups got an answer other than 303 before the kill", round, o)
	}
	return acked
}

// openDB opens the server's database file directly, as a separate process would.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// storedEmails returns the email of every stored signup, oldest first.
func storedEmails(t *testing.T, path string) []string {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	rows, err := db.Query("SELECT email FROM signups ORDER BY id")
	if err != nil {
		t.Fatalf("reading signups from %s: %v", path, err)
	}
	defer rows.Close()
	var list []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// integrityCheck runs SQLite's full consistency check on the file ("ok" when intact).
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil {
		t.Fatalf("integrity_check on %s: %v", path, err)
	}
	return res
}
