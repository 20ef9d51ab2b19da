package handlers

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/litefs"
	"github.com/litmuslabs/litmus/internal/store"
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

// asUnreachableReplica serves from a read-only replica of the env's database whose primary
// cannot be found (a failover in progress). Apply it after the options that build the site.
func asUnreachableReplica(t *testing.T) envOption {
	return func(d *Deps) {
		r, err := store.Open(d.Store.Path(), store.Options{Replica: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		d.Store = r
		d.LiteFS = &LiteFS{
			Primary: func(context.Context) (litefs.Address, error) {
				return litefs.Address{}, errors.New("no primary yet")
			},
			Status: func() string { return "role: replica\n" },
		}
	}
}

// During a failover a replica keeps serving pages; a visitor's signup gets the page's own
// 503 in the page's language with the input kept, and the admin (English) is told the
// primary cannot be reached.
func TestReplicaWithoutAPrimaryAnswersInThePagesLanguage(t *testing.T) {
	t.Parallel()
	e := languagesEnv(t, asUnreachableReplica(t))
	if resp, body := e.get("/"); resp.StatusCode != 200 || !strings.Contains(body, `<html lang="de"`) {
		t.Fatalf("GET / on the replica = %d", resp.StatusCode)
	}
	cookie, token := e.visit("/")
	e.advance(3 * time.Second)
	resp, body := e.post("/idee/signup", cookie, germanForm(token, "ada@example.com"))
	want := "Ihre Anmeldung konnte gerade leider nicht gespeichert werden."
	if resp.StatusCode != 503 || !strings.Contains(body, want) || !strings.Contains(body, `value="ada@example.com"`) {
		t.Fatalf("signup with no primary = %d, want 503 in German with the input kept:\n%s", resp.StatusCode, clipBody(body))
	}
	if rows := e.signups("idee"); len(rows) != 0 {
		t.Fatalf("%d signups stored", len(rows))
	}
	req := httptest.NewRequest("POST", "/admin/reload", nil)
	req.SetBasicAuth("admin", testPassword)
	resp, body = e.do(req)
	if resp.StatusCode != 503 || !strings.Contains(body, "The primary node cannot be reached") {
		t.Fatalf("admin write with no primary = %d:\n%s", resp.StatusCode, clipBody(body))
	}
}
