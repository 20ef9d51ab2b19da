package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Issue 14 #3: the admin login limit was per address only; 150 addresses (behind the proxy,
// so each really is a separate client) made 1,500 checked guesses in 0.4 s.
func TestFailedLoginsAreCappedAcrossAllClients(t *testing.T) {
	e := newEnv(t, behindTestProxy)
	checked, refused := 0, 0
	for addr := range 150 {
		for range 10 {
			resp, _ := e.adminReq("GET", "/admin", "guess", nil, "Fly-Client-IP", fmt.Sprintf("198.51.100.%d", addr))
			switch resp.StatusCode {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
				refused++
			default:
				t.Fatalf("guess answered %d", resp.StatusCode)
			}
		}
	}
	if checked >= maxGlobalLoginFailures || checked+refused != 1500 {
		t.Errorf("%d of 1500 guesses from 150 addresses were checked (401), %d refused; want fewer than %d checked in the minute",
			checked, refused, maxGlobalLoginFailures)
	}
	// A new browser with the right password waits for the next minute too...
	resp, body := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", "192.0.2.50")
	if resp.StatusCode != 429 || !strings.Contains(body, "sign-ins from new browsers are paused") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("a new browser during the attack = %d %q", resp.StatusCode, body)
	}
	// ...and the next minute it is let in.
	e.advance(61e9)
	if resp, _ := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", "192.0.2.50"); resp.StatusCode != 200 {
		t.Errorf("the next minute = %d, want 200", resp.StatusCode)
	}
}

// The lock-outs cannot be aimed at the admin: a browser that signed in before keeps getting
// in while an attacker floods the server and guesses from the admin's own address.
func TestAttackerCannotLockOutTheAdmin(t *testing.T) {
	e := newEnv(t, behindTestProxy)
	const adminAddr = "192.0.2.10"
	resp, _ := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", adminAddr)
	var device string
	for _, c := range resp.Cookies() {
		if c.Name == deviceCookie {
			device = c.Name + "=" + c.Value
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
				t.Errorf("device cookie %+v: want HttpOnly and SameSite=Strict", c)
			}
		}
	}
	if resp.StatusCode != 200 || device == "" {
		t.Fatalf("signing in = %d, device cookie %q", resp.StatusCode, device)
	}
	// The attacker guesses from the admin's address (same office or NAT) and from many others.
	for range maxLoginFailures + 1 {
		e.adminReq("GET", "/admin", "guess", nil, "Fly-Client-IP", adminAddr)
	}
	for i := range maxGlobalLoginFailures {
		e.adminReq("GET", "/admin", "guess", nil, "Fly-Client-IP", fmt.Sprintf("203.0.113.%d", i%250))
	}
	if resp, _ := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", adminAddr); resp.StatusCode != 429 {
		t.Errorf("the admin's address without the cookie = %d, want 429 (it is locked out)", resp.StatusCode)
	}
	if resp, body := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", adminAddr, "Cookie", device); resp.StatusCode != 200 {
		t.Errorf("the admin's browser during the attack = %d %q, want 200", resp.StatusCode, clipBody(body))
	}
	// The cookie is not a password: with it, a wrong password is still refused, and its
	// own guesses are limited like any client's.
	for range maxLoginFailures {
		if resp, _ := e.adminReq("GET", "/admin", "guess", nil, "Cookie", device); resp.StatusCode != 401 {
			t.Fatalf("a wrong password with the device cookie = %d, want 401", resp.StatusCode)
		}
	}
	if resp, _ := e.adminReq("GET", "/admin", "guess", nil, "Cookie", device); resp.StatusCode != 429 {
		t.Errorf("guess %d with the device cookie = %d, want 429", maxLoginFailures+1, resp.StatusCode)
	}
	// A forged or altered cookie is an ordinary new browser.
	if resp, _ := e.adminReq("GET", "/admin", testPassword, nil, "Fly-Client-IP", "192.0.2.77", "Cookie", deviceCookie+"=AAAA"+strings.Repeat("B", 70)); resp.StatusCode != 429 {
		t.Errorf("a forged device cookie during the attack = %d, want 429", resp.StatusCode)
	}
}
