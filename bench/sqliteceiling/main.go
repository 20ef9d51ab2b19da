// Command sqliteceiling measures the most durable inserts per second SQLite can take on this
// disk with group commit: the ceiling Litmus's signups are compared with.
//
// It does what Litmus's writer does, minus Litmus: producer goroutines each send one row and
// wait until the transaction holding it has committed; one writer goroutine takes whatever is
// queued (up to -batch rows), inserts it in one transaction and commits (WAL,
// synchronous=FULL, so one fsync covers the batch), then answers every producer in it. The
// table has the columns and indexes of Litmus's signups table (a unique email per page, an
// index by page and by email), and the rows are about the size of a signup from the example
// page. There is no HTTP, no validation, no visitor lookup, no savepoint per row.
//
//	go run ./bench/sqliteceiling -db /some/dir/ceiling.db -producers 64 -duration 10s
//
// It prints one line: "inserts/s N" (and the commits and mean batch size), for scripts.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

const schema = `
CREATE TABLE IF NOT EXISTS signups (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    phase_id      INTEGER NOT NULL,
    page          TEXT    NOT NULL,
    email         TEXT    NOT NULL COLLATE NOCASE,
    visitor_id    TEXT    NOT NULL DEFAULT '',
    variant       TEXT    NOT NULL,
    fields        TEXT    NOT NULL DEFAULT '{}',
    created_at    INTEGER NOT NULL,
    counted       INTEGER NOT NULL,
    referrer_host TEXT    NOT NULL DEFAULT '',
    utm_source    TEXT    NOT NULL DEFAULT '',
    utm_medium    TEXT    NOT NULL DEFAULT '',
    utm_campaign  TEXT    NOT NULL DEFAULT '',
    utm_term      TEXT    NOT NULL DEFAULT '',
    utm_content   TEXT    NOT NULL DEFAULT '',
    UNIQUE (page, email)
) STRICT;
CREATE INDEX IF NOT EXISTS signups_by_page ON signups (page, id);
CREATE INDEX IF NOT EXISTS signups_by_email ON signups (email);`

const insert = `INSERT INTO signups (phase_id, page, email, visitor_id, variant, fields, created_at, counted)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (page, email) DO NOTHING`

// signupFields is what the example page's form stores besides the email.
const signupFields = `{"consent":"on","work":"Development"}`

// row is one producer's insert and where to report its commit.
type row struct {
	email string
	done  chan error
}

func main() {
	path := flag.String("db", "", "database file to create (its directory must be on the disk to measure)")
	producers := flag.Int("producers", 64, "goroutines each inserting one row at a time and waiting for its commit")
	duration := flag.Duration("duration", 10*time.Second, "how long to measure")
	maxBatch := flag.Int("batch", 1000, "most rows in one transaction (Litmus's writer default)")
	linger := flag.Duration("linger", 0, "how long the writer may wait for more rows after the queue runs dry, before it commits")
	flag.Parse()
	if err := run(*path, *producers, *duration, *maxBatch, *linger); err != nil {
		fmt.Fprintln(os.Stderr, "sqliteceiling:", err)
		os.Exit(1)
	}
}

func run(path string, producers int, duration time.Duration, maxBatch int, linger time.Duration) error {
	switch {
	case path == "":
		return fmt.Errorf("give -db, a new file on the disk to measure")
	case producers < 1 || producers > 10_000:
		return fmt.Errorf("-producers %d: use 1 to 10000", producers)
	case duration <= 0 || duration > time.Hour:
		return fmt.Errorf("-duration %s: use more than 0 and at most an hour", duration)
	case maxBatch < 1 || maxBatch > 100_000:
		return fmt.Errorf("-batch %d: use 1 to 100000", maxBatch)
	case linger < 0 || linger > time.Second:
		return fmt.Errorf("-linger %s: use 0 to 1s", linger)
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("-db %s exists: give a new file, so every row counted is this run's", path)
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(schema); err != nil {
		return fmt.Errorf("create the table: %w", err)
	}
	stmt, err := db.Prepare(insert)
	if err != nil {
		return err
	}
	defer stmt.Close()

	queue := make(chan row, 16384)
	var commits, rows atomic.Int64
	writerDone := make(chan error, 1)
	go func() { writerDone <- write(db, stmt, queue, maxBatch, linger, &commits) }()

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, producers)
	start := time.Now()
	for p := range producers {
		wg.Go(func() {
			done := make(chan error, 1)
			for n := 0; ctx.Err() == nil; n++ {
				queue <- row{email: fmt.Sprintf("p%d-n%d@example.com", p, n), done: done}
				if err := <-done; err != nil {
					errc <- err
					return
				}
				rows.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(queue)
	if err := <-writerDone; err != nil {
		return err
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	var stored int64
	if err := db.QueryRow(`SELECT count(*) FROM signups`).Scan(&stored); err != nil {
		return err
	}
	if stored != rows.Load() {
		return fmt.Errorf("%d inserts were acknowledged but %d rows are stored", rows.Load(), stored)
	}
	fmt.Printf("inserts/s %.0f commits %d mean_batch %.1f producers %d seconds %.1f\n",
		float64(rows.Load())/elapsed.Seconds(), commits.Load(),
		float64(rows.Load())/float64(max(commits.Load(), 1)), producers, elapsed.Seconds())
	return nil
}

// gather adds what is queued to batch, up to maxBatch; when the queue runs dry it waits up
// to linger (from the first dry moment) for more.
func gather(batch []row, queue <-chan row, maxBatch int, linger time.Duration) []row {
	var deadline <-chan time.Time
	for len(batch) < maxBatch {
		select {
		case r, ok := <-queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			continue
		default:
		}
		if linger <= 0 {
			return batch
		}
		if deadline == nil {
			deadline = time.After(linger)
		}
		select {
		case r, ok := <-queue:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-deadline:
			return batch
		}
	}
	return batch
}

// write is the one writer: it commits whatever is queued in one transaction and only then
// answers the producers in it.
func write(db *sql.DB, stmt *sql.Stmt, queue <-chan row, maxBatch int, linger time.Duration, commits *atomic.Int64) error {
	batch := make([]row, 0, maxBatch)
	now := time.Now().UnixMilli()
	for first := range queue {
		batch = gather(append(batch[:0], first), queue, maxBatch, linger)
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		ins := tx.Stmt(stmt)
		for _, r := range batch {
			if _, err := ins.Exec(1, "chaser", r.email, "GP7RfhQZ-dFMiwedHpfoYw", "no-awkward-emails",
				signupFields, now, 1); err != nil {
				tx.Rollback()
				return fmt.Errorf("insert: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		commits.Add(1)
		for _, r := range batch {
			r.done <- nil
		}
	}
	return nil
}
