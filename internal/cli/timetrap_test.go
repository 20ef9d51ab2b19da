package cli

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestServeKeepsTheTimeTrap: the server a release runs (formMinAge unset) refuses a form sent
// at once, with the 303 a person gets and nothing stored. Every other test here (and the e2e
// binary) turns the trap off; this one must not run in parallel with them, since it changes
// the package variable they read (parallel tests start only after it has finished).
func TestServeKeepsTheTimeTrap(t *testing.T) {
	saved := formMinAge
	formMinAge = ""
	defer func() { formMinAge = saved }()

	db := filepath.Join(t.TempDir(), "litmus.db")
	srv := startServe(t, map[string]string{"LITMUS_DB": db, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0"})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp := srv.signUp(t, client, srv.visit(t, client, "/"), "fast-bot@example.com")
	if resp.StatusCode != 303 {
		t.Errorf("instant signup = %d, want the 303 a person gets", resp.StatusCode)
	}
	if err := srv.stop(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if rows, err := st.LatestSignups(context.Background(), "chaser", 10); err != nil || len(rows) != 0 {
		t.Errorf("a form sent at once was stored: %+v (err %v)", rows, err)
	}
}
