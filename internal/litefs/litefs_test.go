package litefs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/litefs"
	"github.com/litmuslabs/litmus/internal/store"
)

// mountAt writes the files LiteFS shows on a mount (what the FUSE layer would serve) into
// a temp dir: the -pos file of the database, .lag, and .primary on a replica.
func mountAt(t *testing.T, pos, lag, primary string) litefs.Mount {
	t.Helper()
	dir := t.TempDir()
	m, err := litefs.NewMount(dir, filepath.Join(dir, "litmus.db"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, s string) {
		if s != "" {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("litmus.db-pos", pos)
	write(".lag", lag)
	write(".primary", primary)
	return m
}

func TestMountReadsWhatLiteFSShows(t *testing.T) {
	m := mountAt(t, "00000000000001a3/9406a84a9d9b945d\n", "+000000587\n", "nodeA\n")
	if tx, err := m.TXID(); err != nil || tx != 0x1a3 {
		t.Fatalf("TXID = %d, %v; want 419", tx, err)
	}
	if ms, err := m.LagMillis(); err != nil || ms != 587 {
		t.Fatalf("LagMillis = %d, %v", ms, err)
	}
	if p, err := m.Primary(); err != nil || p != "nodeA" {
		t.Fatalf("Primary = %q, %v", p, err)
	}
	if _, err := litefs.NewMount(t.TempDir(), "elsewhere/litmus.db"); err == nil || !strings.Contains(err.Error(), "must be directly in the LiteFS mount") {
		t.Fatalf("a database outside the mount: %v", err)
	}
	bad := mountAt(t, "zz/1\n", "", "")
	if _, err := bad.TXID(); err == nil {
		t.Fatal("a garbled position was accepted")
	}
}

// Confirm returns once a replica reports the primary's position, and fails after its bound
// when none does.
func TestConfirmWaitsForAReplica(t *testing.T) {
	m := mountAt(t, "0000000000000010/0\n", "+0\n", "")
	c := litefs.NewConfirmer(m, 5*time.Second)
	c.Report(0x20, false) // a read replica, not a candidate: does not count
	c.Report(0xf, true)   // one short
	done := make(chan error, 1)
	go func() { done <- c.Confirm(context.Background()) }()
	select {
	case err := <-done:
		t.Fatalf("Confirm returned %v before the replica had the transaction", err)
	case <-time.After(50 * time.Millisecond):
	}
	c.Report(0x10, true)
	if err := <-done; err != nil {
		t.Fatalf("Confirm = %v after the replica reported", err)
	}
	if behind, _, _ := c.Behind(); behind != 0 {
		t.Fatalf("Behind = %d", behind)
	}

	short := litefs.NewConfirmer(m, 10*time.Millisecond)
	if err := short.Confirm(context.Background()); !errors.Is(err, litefs.ErrNotConfirmed) {
		t.Fatalf("Confirm with no replica = %v, want ErrNotConfirmed", err)
	}
	if behind, since, _ := short.Behind(); behind != 16 || since != 0 {
		t.Fatalf("Behind = %d, %v; want 16 transactions, never reported", behind, since)
	}
}

// A replica's exposures reach the primary's store through the internal endpoint, and a
// caller without the installation's token is refused.
func TestShippedExposuresAreRecordedOnThePrimary(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "litmus.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ph, err := st.EnsurePhase(ctx, "chaser", "h1", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	token := litefs.Token(st.Secret())
	mux := http.NewServeMux()
	(&litefs.Endpoints{Token: token, Confirmer: litefs.NewConfirmer(mountAt(t, "1/0", "", ""), time.Second), Record: st.RecordExposure, Log: log}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if err := st.SetPrimaryAddress(ctx, litefs.Address{Public: "http://unused", Internal: srv.URL}.Encode()); err != nil {
		t.Fatal(err)
	}

	resp, err := http.Post(srv.URL+litefs.ExposuresPath, "application/json", strings.NewReader(`[]`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token: %d %s, want 401", resp.StatusCode, body)
	}

	sh := litefs.NewShipper(litefs.NewPeer(st.PrimaryAddress, token), log)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { sh.Run(runCtx); close(done) }()
	for i := range 3 {
		sh.Add(store.Exposure{PhaseID: ph.ID, Page: "chaser", VisitorID: "v" + string(rune('a'+i)), Variant: "control"})
	}
	stop()
	<-done // Run ships what it holds before returning
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	counts, err := st.Counts(ctx, ph.ID)
	if err != nil {
		t.Fatal(err)
	}
	var visitors int64
	for _, c := range counts {
		visitors += c.Visitors
	}
	if visitors != 3 || sh.Shipped() != 3 || sh.Dropped() != 0 {
		t.Fatalf("primary counts %d visitors; shipped %d, dropped %d; want 3, 3, 0", visitors, sh.Shipped(), sh.Dropped())
	}
}
