package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 5, 0, time.UTC)

func TestPerClientLimit(t *testing.T) {
	l := New(3, 0)
	for i := 0; i < 3; i++ {
		if !l.Allow("203.0.113.7", t0) {
			t.Fatalf("event %d refused, want the first 3 allowed", i+1)
		}
	}
	if l.Allow("203.0.113.7", t0.Add(10*time.Second)) {
		t.Fatal("4th event in the same minute allowed")
	}
	if !l.Allow("198.51.100.1", t0) {
		t.Fatal("another client was refused: limits must be per client")
	}
	if !l.Allow("203.0.113.7", t0.Add(time.Minute)) {
		t.Fatal("the next minute should start afresh")
	}
}

func TestGlobalLimit(t *testing.T) {
	l := New(0, 5)
	allowed := 0
	for i := 0; i < 20; i++ {
		if l.Allow(fmt.Sprintf("10.0.0.%d", i), t0) {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("%d events allowed from 20 clients, want the global 5", allowed)
	}
}

func TestOffAllowsEverything(t *testing.T) {
	l := New(0, 0)
	for i := 0; i < 1000; i++ {
		if !l.Allow("203.0.113.7", t0) {
			t.Fatal("a limiter with both limits 0 refused an event")
		}
	}
}

func TestClientTableIsBounded(t *testing.T) {
	l := New(1, 0)
	for i := 0; i < MaxClients; i++ {
		l.Allow(fmt.Sprint(i), t0)
	}
	if l.Allow("one more client", t0) {
		t.Fatal("a new client was admitted past MaxClients")
	}
	if len(l.clients) != MaxClients {
		t.Fatalf("tracking %d clients, want %d", len(l.clients), MaxClients)
	}
}

func TestSaltRotatesDaily(t *testing.T) {
	l := New(1, 0)
	l.Allow("203.0.113.7", t0)
	k1 := l.key("203.0.113.7", t0)
	k2 := l.key("203.0.113.7", t0.Add(24*time.Hour))
	if k1 == k2 {
		t.Fatal("the same address hashed the same on two days: the salt did not rotate")
	}
}
