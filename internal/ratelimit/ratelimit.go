// Package ratelimit bounds signups per client and for the whole server, per minute.
//
// Clients are told apart by a keyed hash of their address under a random salt that is
// replaced every day and never written anywhere (the approach of privacy-focused analytics
// such as Plausible): the limiter can count a client within a minute, but no one, including
// the operator, can recover an address or link a client across days.
package ratelimit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"time"
)

// MaxClients bounds the clients tracked in one minute. Past it, new clients are refused
// until the minute ends: memory stays bounded even under a flood from many addresses (the
// global limit would refuse them anyway).
const MaxClients = 100_000

// Limiter counts events in fixed one-minute windows.
type Limiter struct {
	perClient int // 0 = no per-client limit
	global    int // 0 = no global limit

	mu      sync.Mutex
	window  int64 // unix minute of the counts below
	total   int
	clients map[uint64]int
	saltDay int64
	salt    [32]byte
}

// New returns a Limiter allowing perClient events per client and global events in all per
// minute; 0 turns either limit off.
func New(perClient, global int) *Limiter {
	return &Limiter{perClient: perClient, global: global, clients: map[uint64]int{}}
}

// Allow records one event from client (an IP address as text) at now and reports whether
// it is within the limits. A refused event is not counted.
func (l *Limiter) Allow(client string, now time.Time) bool {
	if l.perClient == 0 && l.global == 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := now.Unix() / 60; m != l.window {
		l.window, l.total = m, 0
		clear(l.clients)
	}
	if l.global > 0 && l.total >= l.global {
		return false
	}
	if l.perClient > 0 {
		k := l.key(client, now)
		n, seen := l.clients[k]
		if n >= l.perClient || (!seen && len(l.clients) >= MaxClients) {
			return false
		}
		l.clients[k] = n + 1
	}
	l.total++
	return true
}

// key is HMAC-SHA256(daily salt, client), truncated to 64 bits. Must hold l.mu.
func (l *Limiter) key(client string, now time.Time) uint64 {
	if d := now.Unix() / 86400; d != l.saltDay || l.saltDay == 0 {
		l.saltDay = d
		_, _ = rand.Read(l.salt[:])
	}
	h := hmac.New(sha256.New, l.salt[:])
	h.Write([]byte(client))
	return binary.BigEndian.Uint64(h.Sum(nil))
}
