package handlers

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/litefs"
)

// On Fly.io, a replica answers a write with fly-replay naming the primary's Machine, and
// serves page views itself.
func TestReplicaOnFlyReplaysWritesOnThePrimary(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(d *Deps) {
		d.LiteFS = &LiteFS{
			FlyMachine: "replica-machine",
			Primary: func(context.Context) (litefs.Address, error) {
				return litefs.Address{Public: "http://unused", Machine: "primary-machine"}, nil
			},
			Status: func() string { return "role: replica\n" },
		}
	})
	cookie, token := e.visit("/chaser")
	e.advance(5 * time.Second)
	resp, _ := e.post("/chaser/signup", cookie, validForm(token, "ada@example.com"))
	if got := resp.Header.Get("fly-replay"); got != "instance=primary-machine" {
		t.Fatalf("fly-replay = %q (status %d), want instance=primary-machine", got, resp.StatusCode)
	}
	if rows := e.signups("chaser"); len(rows) != 0 {
		t.Fatalf("the replica stored %d signups itself", len(rows))
	}
	if resp, body := e.get("/healthz"); resp.StatusCode != 200 || body != "ok\nrole: replica\n" {
		t.Fatalf("/healthz = %d %q", resp.StatusCode, body)
	}
}

// On the primary, a signup no replica confirms gets the 503 with the input kept; once
// confirmed, the visitor's retry gets the thanks.
func TestUnconfirmedSignupIsNotAcknowledged(t *testing.T) {
	t.Parallel()
	var confirmed atomic.Bool
	e := newEnv(t, func(d *Deps) {
		d.LiteFS = &LiteFS{Confirm: func(context.Context) error {
			if confirmed.Load() {
				return nil
			}
			return litefs.ErrNotConfirmed
		}}
	})
	cookie, token := e.visit("/chaser")
	e.advance(5 * time.Second)
	resp, body := e.post("/chaser/signup", cookie, validForm(token, "ada@example.com"))
	if resp.StatusCode != 503 || !strings.Contains(body, `value="ada@example.com"`) || !strings.Contains(body, "try again") {
		t.Fatalf("unconfirmed signup = %d, want 503 with the input kept:\n%.1500s", resp.StatusCode, body)
	}
	confirmed.Store(true)
	if resp, _ := e.post("/chaser/signup", cookie, validForm(token, "ada@example.com")); resp.StatusCode != 303 {
		t.Fatalf("the retry once confirmed = %d, want 303", resp.StatusCode)
	}
	if rows := e.signups("chaser"); len(rows) != 1 {
		t.Fatalf("%d rows stored, want the one signup", len(rows))
	}
}
