package bench_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // the generator writes rows straight into the file

	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/pages"
)

// The scale benchmarks answer "does it stay fast after a big launch?": a page's results read
// from a database holding a year of a popular test, and starting with the most page files a
// directory may hold.
//
//	go test -run '^$' -bench Scale -benchtime 20x -timeout 30m ./bench
//
// The databases are generated once (about 10 s and 2 min) and kept in
// $LITMUS_BENCH_CACHE (default: litmus-bench-cache in the system temp directory), named by
// their size and the generator's version; delete them to regenerate.

// scaleVersion names the generator in cached file names: change it when the rows change.
const scaleVersion = 1

// scaleSizes are the databases the results are read from: a tenth of the target, and the
// target (1,000,000 signups among 5,000,000 exposures), so the cost's growth shows.
var scaleSizes = []struct {
	name                string
	signups, exposures  int
	referrers, campaign int
}{
	{"signups=100k", 100_000, 500_000, 2000, 7},
	{"signups=1M", 1_000_000, 5_000_000, 2000, 7},
}

// scaleDays is how long the generated test ran: one row per variant and day in daily_counts.
const scaleDays = 365

// BenchmarkScaleResults reads everything a page's results show (the dashboard and the API)
// from each database. "all" is the five reads one after another: one results page.
func BenchmarkScaleResults(b *testing.B) {
	ctx := context.Background()
	for _, size := range scaleSizes {
		b.Run(size.name, func(b *testing.B) {
			path, phase := scaleDB(b, size.signups, size.exposures, size.referrers, size.campaign)
			s, err := store.Open(path, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			since := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // the whole year: the widest range
			checkScaleDB(b, s, phase, size.signups, size.exposures)

			reads := []struct {
				name string
				read func() error
			}{
				{"Counts", func() error { _, err := s.Counts(ctx, phase); return err }},
				{"Daily", func() error { _, err := s.Daily(ctx, phase); return err }},
				{"SignupsBySource", func() error { _, err := s.SignupsBySource(ctx, phase, 0); return err }},
				{"LatestSignups", func() error { _, err := s.LatestSignups(ctx, "chaser", 50); return err }},
				{"Filtered", func() error { _, _, err := s.Filtered(ctx, "chaser", since, 0); return err }},
			}
			for _, r := range reads {
				b.Run(r.name, func(b *testing.B) {
					for b.Loop() {
						if err := r.read(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			b.Run("all", func(b *testing.B) {
				for b.Loop() {
					for _, r := range reads {
						if err := r.read(); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}

// checkScaleDB makes sure the generated rows add up the way the writer would have kept them,
// read through the store's own API, so the benchmark reads a realistic database.
func checkScaleDB(b *testing.B, s *store.Store, phase int64, signups, exposures int) {
	b.Helper()
	counts, err := s.Counts(context.Background(), phase)
	if err != nil {
		b.Fatal(err)
	}
	var v, n int64
	for _, c := range counts {
		v += c.Visitors
		n += c.Signups
	}
	if v != int64(exposures) || n != int64(signups) {
		b.Fatalf("the database holds %d visitors and %d signups, want %d and %d: delete it to regenerate", v, n, exposures, signups)
	}
	latest, err := s.LatestSignups(context.Background(), "chaser", 50)
	if err != nil || len(latest) != 50 || latest[0].Fields["work"] == "" {
		b.Fatalf("latest signups: %d rows, err %v", len(latest), err)
	}
}

// scaleDB returns the cached database of the given size, generating it first if needed,
// and the id of its phase.
func scaleDB(b *testing.B, signups, exposures, referrers, campaigns int) (string, int64) {
	b.Helper()
	dir := os.Getenv("LITMUS_BENCH_CACHE")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "litmus-bench-cache")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("scale-v%d-%d-signups-%d-exposures.db", scaleVersion, signups, exposures))
	if _, err := os.Stat(path); err == nil {
		return path, scalePhase(b, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		b.Fatal(err)
	}
	start := time.Now()
	building := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(building + suffix)
	}
	if err := generateScaleDB(building, signups, exposures, referrers, campaigns); err != nil {
		b.Fatalf("generate %s: %v", building, err)
	}
	if err := os.Rename(building, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %s in %s", path, time.Since(start).Round(time.Second))
	return path, scalePhase(b, path)
}

// scalePhase is the id of the chaser page's phase in the database at path.
func scalePhase(b *testing.B, path string) int64 {
	b.Helper()
	s, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	phases, err := s.Phases(context.Background(), "chaser")
	if err != nil || len(phases) != 1 {
		b.Fatalf("phases of chaser: %v (err %v): delete %s to regenerate", phases, err, path)
	}
	return phases[0].ID
}

// generateScaleDB makes the schema and the phase through the store, then writes a year of
// rows straight into the file with SQL (the store would take many minutes for 5M exposures)
// and builds the counter tables from them, as the writer keeps them. Visitor ids are in
// random order, like the real ones; one visitor in exposures/signups signs up; a third come
// with no source, the rest from one of `referrers` sites, a quarter with UTM tags.
func generateScaleDB(path string, signups, exposures, referrers, campaigns int) error {
	s, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	ps, err := pages.LoadExamples()
	if err != nil {
		return err
	}
	hash, def := ps[0].Definition()
	phase, err := s.EnsurePhase(context.Background(), ps[0].Slug, hash, def)
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF&_cache_size=-262144&_foreign_keys=on")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	every := exposures / signups
	steps := []string{
		`INSERT INTO visitors (phase_id, visitor_id, variant, first_seen,
			referrer_host, utm_source, utm_medium, utm_campaign, converted_at)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :exposures),
		v(i, id, seen) AS (SELECT i, printf('%08x%014d', (i * 2654435761) % 4294967296, i),
			:start + ((i - 1) * :days / :exposures) * 86400000 + (i % 86400) * 1000 FROM n)
		SELECT :phase, id, CASE i % 2 WHEN 0 THEN 'no-awkward-emails' ELSE 'paid-on-time' END, seen,
			CASE WHEN i % 3 = 0 THEN '' ELSE 'site' || (i % :referrers) || '.example' END,
			CASE WHEN i % 4 = 1 THEN 'src' || (i % 10) ELSE '' END,
			CASE WHEN i % 4 = 1 THEN 'cpc' ELSE '' END,
			CASE WHEN i % 4 = 1 THEN 'c' || (i % :campaigns) ELSE '' END,
			CASE WHEN i % :every = 0 THEN seen + 60000 END
		FROM v ORDER BY id`,
		`INSERT INTO signups (phase_id, page, email, visitor_id, variant, fields, created_at, counted,
			referrer_host, utm_source, utm_medium, utm_campaign)
		SELECT phase_id, 'chaser', visitor_id || '@example.com', visitor_id, variant,
			'{"consent":"on","work":"Development"}', converted_at, 1,
			referrer_host, utm_source, utm_medium, utm_campaign
		FROM visitors WHERE phase_id = :phase AND converted_at IS NOT NULL ORDER BY converted_at`,
		`INSERT INTO daily_counts (phase_id, variant, day, visitors, signups)
		SELECT phase_id, variant, date(first_seen / 1000, 'unixepoch'), count(*), count(converted_at)
		FROM visitors WHERE phase_id = :phase GROUP BY 1, 2, 3`,
		`INSERT INTO source_counts (phase_id, utm_source, utm_campaign, referrer_host, visitors, signups)
		SELECT phase_id, utm_source, utm_campaign, referrer_host, count(*), count(converted_at)
		FROM visitors WHERE phase_id = :phase GROUP BY 1, 2, 3, 4`,
		// Bots and previews: 40 user agents of each class on every day.
		`INSERT INTO filtered (page, day, class, agent, requests)
		WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < :days - 1),
		a(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM a WHERE j < 39),
		c(class) AS (VALUES ('crawler'), ('link_preview'), ('http_client'), ('headless'), ('prefetch'))
		SELECT 'chaser', date(:start / 1000 + i * 86400, 'unixepoch'), class,
			'Mozilla/5.0 (compatible; Agent' || j || '/1.0; +https://agent' || j || '.example/bot)', 1 + (i + j) % 17
		FROM d, a, c`,
		`PRAGMA wal_checkpoint(TRUNCATE)`,
	}
	args := []any{
		sql.Named("phase", phase.ID), sql.Named("start", start), sql.Named("days", scaleDays),
		sql.Named("exposures", exposures), sql.Named("every", every),
		sql.Named("referrers", referrers), sql.Named("campaigns", campaigns),
	}
	for _, q := range steps {
		if _, err := db.Exec(q, argsOf(q, args)...); err != nil {
			return fmt.Errorf("%w\n%s", err, q)
		}
	}
	return db.Close()
}

// argsOf keeps the named arguments q uses: SQLite refuses names a statement does not have.
func argsOf(q string, args []any) []any {
	var used []any
	for _, a := range args {
		if strings.Contains(q, ":"+a.(sql.NamedArg).Name) {
			used = append(used, a)
		}
	}
	return used
}

// BenchmarkScaleStartPages is loading and preparing a directory of page files, as a start or
// a reload does before serving: pages.LoadDir, then Theme.Prepare for each page. 100 is the
// most a directory may hold.
func BenchmarkScaleStartPages(b *testing.B) {
	theme := pages.DefaultTheme()
	for _, n := range []int{1, 10, 50, 100} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			dir := writePageFiles(b, n)
			for b.Loop() {
				ps, err := pages.LoadDir(os.DirFS(dir), ".")
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range ps {
					if _, err := theme.Prepare(p, pages.Options{}); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/start")
		})
	}
}

// BenchmarkScaleStartSite is the whole start of 100 pages with a database: the above plus
// each page's phase through the writer (site.Build). On a first start every phase is a new
// row, committed one after another; on a restart they exist already.
func BenchmarkScaleStartSite(b *testing.B) {
	theme := pages.DefaultTheme()
	dir := writePageFiles(b, 100)
	load := func() []*pages.Page {
		ps, err := pages.LoadDir(os.DirFS(dir), ".")
		if err != nil {
			b.Fatal(err)
		}
		return ps
	}
	b.Run("first-start", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			s, err := store.Open(filepath.Join(b.TempDir(), fmt.Sprintf("first-%d.db", i)), store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := site.Build(context.Background(), load(), theme, pages.Options{}, s); err != nil {
				b.Fatal(err)
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("restart", func(b *testing.B) {
		path := filepath.Join(b.TempDir(), "restart.db")
		start := func() {
			s, err := store.Open(path, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := site.Build(context.Background(), load(), theme, pages.Options{}, s); err != nil {
				b.Fatal(err)
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		}
		start() // the first start creates the phases
		for b.Loop() {
			start()
		}
	})
}

// writePageFiles writes n copies of the chaser example page with their own slugs, the first
// the default, and returns the directory.
func writePageFiles(b *testing.B, n int) string {
	b.Helper()
	src, err := fs.ReadFile(pages.Examples(), "chaser.toml")
	if err != nil {
		b.Fatal(err)
	}
	text := string(src)
	for _, line := range []string{`slug = "chaser"`, "default = true"} {
		if strings.Count(text, "\n"+line+"\n") != 1 {
			b.Fatalf("chaser.toml no longer has the line %q once; update writePageFiles", line)
		}
	}
	dir := b.TempDir()
	for i := range n {
		page := strings.Replace(text, "\n"+`slug = "chaser"`+"\n", fmt.Sprintf("\nslug = \"page-%03d\"\n", i), 1)
		if i > 0 {
			page = strings.Replace(page, "\ndefault = true\n", "\ndefault = false\n", 1)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("page-%03d.toml", i)), []byte(page), 0o640); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}
