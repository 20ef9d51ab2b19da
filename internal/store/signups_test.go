package store_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/store"
)

func TestAcknowledgedSignupIsInTheFileBeforeClose(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "ada@example.com",
		Variant: "a", Fields: map[string]string{"company": "Analytical Engines"}})
	if err != nil {
		t.Fatal(err)
	}
	// A second program reading the file now, while the Store is still open, sees it.
	db := rawDB(t, path)
	var email, fields string
	if err := db.QueryRow("SELECT email, fields FROM signups WHERE id = ?", res.ID).Scan(&email, &fields); err != nil {
		t.Fatalf("acknowledged signup %d not in the file: %v", res.ID, err)
	}
	if email != "ada@example.com" || fields != `{"company":"Analytical Engines"}` {
		t.Errorf("stored %q %s", email, fields)
	}
	db.Close()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups WHERE email = 'ada@example.com'"); n != 1 {
		t.Errorf("after Close: %d rows, want 1", n)
	}
}

// crashChildEnv names the database file the child process of
// TestAcknowledgedSignupsSurviveKill writes to.
const crashChildEnv = "LITMUS_STORE_CRASH_CHILD_DB"

// TestAcknowledgedSignupsSurviveKill runs this test binary as a child that inserts signups
// and prints each one acknowledged, kills it with SIGKILL mid-stream, and checks that every
// acknowledged signup is in the file.
func TestAcknowledgedSignupsSurviveKill(t *testing.T) {
	t.Parallel()
	if path := os.Getenv(crashChildEnv); path != "" {
		insertUntilKilled(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "litmus.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedSignupsSurviveKill$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := bufio.NewScanner(out)
	for len(acked) < 300 && lines.Scan() {
		if email, ok := strings.CutPrefix(lines.Text(), "acked "); ok {
			acked = append(acked, email)
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait() //nolint:errcheck // killed on purpose
	if len(acked) < 300 {
		t.Fatalf("child acknowledged only %d signups before it stopped", len(acked))
	}

	db := rawDB(t, path)
	for _, email := range acked {
		if n := queryInt(t, db, "SELECT count(*) FROM signups WHERE email = ?", email); n != 1 {
			t.Errorf("acknowledged signup %s: %d rows after kill -9, want 1", email, n)
		}
	}
	checkFile(t, path)
}

func insertUntilKilled(path string) {
	s, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	p, err := s.EnsurePhase(ctx, "idea", "h1", []byte(`{}`))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				v := fmt.Sprintf("w%d-%d", w, i)
				s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: v, Variant: "a"})
				email := v + "@example.com"
				if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: email, VisitorID: v, Variant: "a"}); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "acked %s\n", email) // unbuffered: the parent sees it at once
				mu.Unlock()
			}
		}()
	}
	select {} // until killed
}

func TestOneSignupPerEmailPerPage(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	idea, other := mustPhase(t, s, "idea"), mustPhase(t, s, "other")
	steps := []struct {
		name      string
		phase     store.Phase
		email     string
		duplicate bool
	}{
		{"first signup", idea, "ada@example.com", false},
		{"same email again", idea, "ada@example.com", true},
		{"same email in other case", idea, "Ada@Example.COM", true},
		{"same email on another page", other, "ada@example.com", false},
		{"another email", idea, "bob@example.com", false},
	}
	var firstID int64
	for _, st := range steps {
		res, err := s.InsertSignup(ctx, store.Signup{PhaseID: st.phase.ID, Page: st.phase.Page, Email: st.email, Variant: "a"})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Duplicate != st.duplicate {
			t.Errorf("%s: Duplicate = %v, want %v", st.name, res.Duplicate, st.duplicate)
		}
		if firstID == 0 {
			firstID = res.ID
		}
		if st.duplicate && res.ID != firstID {
			t.Errorf("%s: duplicate points to signup %d, want the kept one %d", st.name, res.ID, firstID)
		}
	}
	db := rawDB(t, path)
	for _, want := range []struct {
		page string
		n    int64
	}{{"idea", 2}, {"other", 1}} {
		if n := queryInt(t, db, "SELECT count(*) FROM signups WHERE page = ?", want.page); n != want.n {
			t.Errorf("page %s has %d signups, want %d", want.page, n, want.n)
		}
	}
}

func TestOnlyExposedFirstTimeSignupsAreCounted(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	hn := store.Source{ReferrerHost: "news.ycombinator.com", UTMSource: "hn", UTMCampaign: "launch"}
	s.RecordExposure(store.Exposure{PhaseID: p.ID, Page: "idea", VisitorID: "exposed", Variant: "b", Source: hn})

	steps := []struct {
		name        string
		visitor     string
		formVariant string
		email       string
		want        store.SignupResult // ID ignored
		wantSource  store.Source
	}{
		{"no exposure: stored, not counted, form variant kept", "stranger", "a", "s@example.com",
			store.SignupResult{Variant: "a"}, store.Source{UTMSource: "own"}},
		{"no visitor id: stored, not counted", "", "a", "anon@example.com",
			store.SignupResult{Variant: "a"}, store.Source{UTMSource: "own"}},
		{"exposed: counted, credited to the assigned variant, first touch copied", "exposed", "a", "x1@example.com",
			store.SignupResult{Counted: true, Variant: "b"}, hn},
		{"same visitor, second email: stored, not counted", "exposed", "b", "x2@example.com",
			store.SignupResult{Variant: "b"}, hn},
	}
	for _, st := range steps {
		res, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: st.email,
			VisitorID: st.visitor, Variant: st.formVariant, Source: store.Source{UTMSource: "own"}})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.ID == 0 {
			t.Errorf("%s: no id", st.name)
		}
		res.ID = 0
		if res != st.want {
			t.Errorf("%s: got %+v, want %+v", st.name, res, st.want)
		}
		rows, err := s.LatestSignups(ctx, "idea", 1)
		if err != nil || len(rows) != 1 {
			t.Fatalf("LatestSignups: %v, %d rows", err, len(rows))
		}
		if rows[0].Email != st.email || rows[0].Source != st.wantSource || rows[0].Counted != st.want.Counted {
			t.Errorf("%s: stored %+v, want source %+v counted %v", st.name, rows[0], st.wantSource, st.want.Counted)
		}
	}
	counts, err := s.Counts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []store.VariantCount{{Variant: "b", Visitors: 1, Signups: 1}}; !slices.Equal(counts, want) {
		t.Errorf("Counts = %+v, want %+v (4 signups, one person counted once)", counts, want)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 4 {
		t.Errorf("%d signups stored, want all 4", n)
	}
}

func TestAnExposureInAnotherPhaseDoesNotCount(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	old := mustPhase(t, s, "idea")
	s.RecordExposure(store.Exposure{PhaseID: old.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	current, err := s.EnsurePhase(ctx, "idea", "h2", []byte(`{}`))
	if err != nil || current.ID == old.ID {
		t.Fatalf("EnsurePhase: %+v, %v; want a new phase", current, err)
	}
	res, err := s.InsertSignup(ctx, store.Signup{PhaseID: current.ID, Page: "idea", Email: "a@example.com", VisitorID: "v1", Variant: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Counted {
		t.Error("a signup counted in a phase where its visitor was never exposed")
	}
}

func TestInvalidSignupsAreRefusedWithTheReason(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	other := mustPhase(t, s, "other")
	ok := store.Signup{PhaseID: p.ID, Page: "idea", Email: "a@example.com", Variant: "a"}
	manyFields := map[string]string{}
	for i := range 33 {
		manyFields[fmt.Sprint("f", i)] = "x"
	}
	tests := []struct {
		name   string
		change func(*store.Signup)
		want   string
	}{
		{"empty email", func(su *store.Signup) { su.Email = "" }, "email is empty"},
		{"overlong email", func(su *store.Signup) { su.Email = strings.Repeat("a", 250) + "@x.io" }, "at most 254"},
		{"no phase", func(su *store.Signup) { su.PhaseID = 0 }, "no phase id"},
		{"unknown phase", func(su *store.Signup) { su.PhaseID = 999 }, "phase 999 does not exist"},
		{"phase of another page", func(su *store.Signup) { su.PhaseID = other.ID }, "belongs to page other"},
		{"no variant", func(su *store.Signup) { su.Variant = "" }, "variant is empty"},
		{"overlong visitor id", func(su *store.Signup) { su.VisitorID = strings.Repeat("v", 65) }, "visitor id is 65 bytes"},
		{"too many fields", func(su *store.Signup) { su.Fields = manyFields }, "33 extra fields"},
		{"oversized field", func(su *store.Signup) { su.Fields = map[string]string{"note": strings.Repeat("x", 70_000)} }, "bytes; at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			su := ok
			tt.change(&su)
			_, err := s.InsertSignup(ctx, su)
			if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want ErrInvalid saying %q", err, tt.want)
			}
		})
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 0 {
		t.Errorf("%d invalid signups were stored", n)
	}
}

// writerGate stops the writer inside a commit until the test releases it, so writes can be
// queued behind it deterministically, and records the transactions that follow.
type writerGate struct {
	armed   atomic.Bool
	held    chan struct{} // closed once the writer is waiting
	release chan struct{}
	mu      sync.Mutex
	passed  bool
	batches []int // items per transaction after the held one
	errs    []error
}

func newWriterGate() *writerGate {
	return &writerGate{held: make(chan struct{}), release: make(chan struct{})}
}

func (g *writerGate) hooks() store.Hooks {
	return store.Hooks{Committed: func(_ time.Duration, items int, err error) {
		if g.armed.CompareAndSwap(true, false) {
			close(g.held)
			<-g.release
			g.mu.Lock()
			g.passed = true
			g.mu.Unlock()
			return
		}
		g.mu.Lock()
		if g.passed {
			g.batches = append(g.batches, items)
			g.errs = append(g.errs, err)
		}
		g.mu.Unlock()
	}}
}

// hold queues a flush and waits until the writer is stuck in its commit hook.
func (g *writerGate) hold(t *testing.T, s *store.Store) {
	t.Helper()
	g.armed.Store(true)
	go s.Flush(context.Background()) //nolint:errcheck // released by the test
	<-g.held
}

func waitForQueue(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for s.QueueLen() < n {
		time.Sleep(time.Millisecond) // polling a condition, not asserting a duration
	}
}

func TestARefusedSignupDoesNotFailTheOthersInItsBatch(t *testing.T) {
	t.Parallel()
	gate := newWriterGate()
	s, path := openStore(t, store.Options{Hooks: gate.hooks()})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	gate.hold(t, s)

	emails := []string{"good1@example.com", "bad@example.com", "good2@example.com"}
	errs := make([]error, len(emails))
	var wg sync.WaitGroup
	for i, email := range emails {
		phase := p.ID
		if strings.HasPrefix(email, "bad") {
			phase = 999 // passes the checks before the queue, refused inside the transaction
		}
		wg.Go(func() {
			_, errs[i] = s.InsertSignup(ctx, store.Signup{PhaseID: phase, Page: "idea", Email: email, Variant: "a"})
		})
		waitForQueue(t, s, i+1) // keep the queue order
	}
	close(gate.release)
	wg.Wait()

	if errs[0] != nil || errs[2] != nil {
		t.Errorf("good signups failed: %v, %v", errs[0], errs[2])
	}
	if !errors.Is(errs[1], store.ErrInvalid) {
		t.Errorf("bad signup: err = %v, want ErrInvalid", errs[1])
	}
	gate.mu.Lock()
	if len(gate.batches) != 1 || gate.batches[0] != 3 || gate.errs[0] != nil {
		t.Errorf("transactions after the gate: items %v, errors %v; want one of 3 that committed", gate.batches, gate.errs)
	}
	gate.mu.Unlock()
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 2 {
		t.Errorf("%d signups stored, want the 2 good ones", n)
	}
}

func TestASignupWithdrawnBeforeItsCommitIsNotStored(t *testing.T) {
	t.Parallel()
	gate := newWriterGate()
	s, path := openStore(t, store.Options{Hooks: gate.hooks()})
	p := mustPhase(t, s, "idea")
	gate.hold(t, s)

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error)
	go func() {
		_, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: "idea", Email: "late@example.com", Variant: "a"})
		errc <- err
	}()
	waitForQueue(t, s, 1)
	cancel()
	err := <-errc
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "nothing was stored") {
		t.Errorf("err = %v, want context.Canceled saying nothing was stored", err)
	}
	close(gate.release)
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := queryInt(t, rawDB(t, path), "SELECT count(*) FROM signups"); n != 0 {
		t.Errorf("withdrawn signup was stored (%d rows)", n)
	}
}

func TestForgetEmailDeletesThePersonKeepsTheCounts(t *testing.T) {
	t.Parallel()
	s, path := openStore(t, store.Options{})
	ctx := context.Background()
	idea, other := mustPhase(t, s, "idea"), mustPhase(t, s, "other")
	s.RecordExposure(store.Exposure{PhaseID: idea.ID, Page: "idea", VisitorID: "v1", Variant: "a"})
	for _, su := range []store.Signup{
		{PhaseID: idea.ID, Page: "idea", Email: "ada@example.com", VisitorID: "v1", Variant: "a", Fields: map[string]string{"name": "Ada"}},
		{PhaseID: other.ID, Page: "other", Email: "ada@example.com", Variant: "a"},
		{PhaseID: idea.ID, Page: "idea", Email: "bob@example.com", Variant: "a"},
	} {
		if _, err := s.InsertSignup(ctx, su); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.ForgetEmail(ctx, "ADA@example.com")
	if err != nil || n != 2 {
		t.Fatalf("ForgetEmail = %d, %v; want 2 deleted", n, err)
	}
	db := rawDB(t, path)
	if left := queryInt(t, db, "SELECT count(*) FROM signups WHERE email = 'ada@example.com' OR fields LIKE '%Ada%'"); left != 0 {
		t.Errorf("%d rows of the forgotten person remain", left)
	}
	if left := queryInt(t, db, "SELECT count(*) FROM signups"); left != 1 {
		t.Errorf("%d signups remain, want bob's", left)
	}
	counts, err := s.Counts(ctx, idea.ID)
	if want := []store.VariantCount{{Variant: "a", Visitors: 1, Signups: 1}}; err != nil || !slices.Equal(counts, want) {
		t.Errorf("Counts after forgetting = %+v, %v; want %+v", counts, err, want)
	}
	// Signing up again is stored but not counted a second time.
	res, err := s.InsertSignup(ctx, store.Signup{PhaseID: idea.ID, Page: "idea", Email: "ada@example.com", VisitorID: "v1", Variant: "a"})
	if err != nil || res.Duplicate || res.Counted {
		t.Errorf("signing up again: %+v, %v; want stored, not counted", res, err)
	}
	if n, err := s.ForgetEmail(ctx, "nobody@example.com"); err != nil || n != 0 {
		t.Errorf("forgetting an unknown email = %d, %v; want 0, nil", n, err)
	}
}

func TestLatestAndEachSignupReturnEveryRowInOrder(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	p := mustPhase(t, s, "idea")
	other := mustPhase(t, s, "other")
	const total = 1234 // more than two export chunks
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < total; i += 16 {
				su := store.Signup{PhaseID: p.ID, Page: "idea", Email: fmt.Sprintf("u%d@example.com", i), Variant: "a",
					Fields: map[string]string{"n": fmt.Sprint(i)}, At: time.UnixMilli(1_700_000_000_000 + int64(i))}
				if _, err := s.InsertSignup(ctx, su); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: other.ID, Page: "other", Email: "x@example.com", Variant: "a"}); err != nil {
		t.Fatal(err)
	}

	var ids []int64
	seen := map[string]bool{}
	err := s.EachSignup(ctx, "idea", func(r store.SignupRow) error {
		if r.Page != "idea" || r.Fields["n"] == "" || r.CreatedAt.Year() != 2023 {
			t.Errorf("row %+v", r)
		}
		ids = append(ids, r.ID)
		seen[r.Email] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != total || len(seen) != total {
		t.Fatalf("EachSignup gave %d rows (%d emails), want %d", len(ids), len(seen), total)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			t.Fatalf("EachSignup out of id order at %d: %d after %d", i, ids[i], ids[i-1])
		}
	}

	stop := errors.New("enough")
	calls := 0
	if err := s.EachSignup(ctx, "idea", func(store.SignupRow) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("EachSignup with a failing fn: err %v after %d calls, want the fn's error after 1", err, calls)
	}

	latest, err := s.LatestSignups(ctx, "idea", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 3 || latest[0].ID != ids[len(ids)-1] || latest[2].ID != ids[len(ids)-3] {
		t.Errorf("LatestSignups(3) ids = %v, want the last three of %v newest first", rowIDs(latest), ids[len(ids)-3:])
	}
	if all, err := s.LatestSignups(ctx, "idea", 5000); err != nil || len(all) != 1000 {
		t.Errorf("LatestSignups(5000) = %d rows, %v; want capped at 1000", len(all), err)
	}
}

func rowIDs(rows []store.SignupRow) []int64 {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids
}
