package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBinaryServesSignsUpAndStopsCleanly is the newcomer's path through the real binary:
// start, view, sign up, stop with SIGTERM, start again on the same database.
func TestBinaryServesSignsUpAndStopsCleanly(t *testing.T) {
	t.Parallel()
	s := StartServer(t)
	ctx := context.Background()
	v := s.NewVisitor()
	status, body, token, err := v.Open(ctx, "/")
	if err != nil || status != 200 || token == "" || !strings.Contains(body, "<h1") {
		t.Fatalf("GET / = %d, token %q, err %v", status, token, err)
	}
	status, loc, err := v.SignUp(ctx, token, "e2e@example.com", nil)
	if err != nil || status != 303 || loc != "/chaser/thanks" {
		t.Fatalf("signup = %d %q %v", status, loc, err)
	}
	s.Stop(t, 10*time.Second)
	if !strings.Contains(s.Output(), "stopped cleanly") {
		t.Errorf("no clean-stop line in the log:\n%s", s.Output())
	}

	s2 := s.Restart(t)
	resp, err := http.Get(s2.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after restart: %v %v", resp, err)
	}
	resp.Body.Close()
	s2.Stop(t, 10*time.Second)
}
