package handlers

import (
	"net/netip"
	"testing"
)

// testProxyNets stands app.Test's connections (which always come from 0.0.0.0) and the test
// listeners' (loopback) for Fly's proxy, so tests can send what the proxy sends.
var testProxyNets = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("127.0.0.0/8")}

// behindTestProxy is the envOption of a server behind Fly's proxy (LITMUS_TRUST_PROXY=1),
// with app.Test's connections coming from the proxy.
func behindTestProxy(d *Deps) { d.TrustProxy, d.ProxyNets = true, testProxyNets }

// Issue 14 #3: with LITMUS_TRUST_PROXY=1 on a server reachable without Fly's proxy, a client
// sending Fly-Client-IP itself dodged the per-client limits and could lock out whichever
// address it named (the admin's). A connection from outside the proxy networks is now its
// own socket address, whatever it says.
func TestProxyHeadersFromADirectClientAreIgnored(t *testing.T) {
	// app.Test connects from 0.0.0.0, which is not in DefaultProxyNets: a direct client.
	e := newEnv(t, func(d *Deps) { d.TrustProxy = true })
	for i := range maxLoginFailures + 1 {
		// Each guess claims another address, as the attack did.
		e.adminReq("GET", "/admin", "wrong", nil, "Fly-Client-IP", netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String())
	}
	if resp, _ := e.adminReq("GET", "/admin", "wrong", nil, "Fly-Client-IP", "198.51.100.99"); resp.StatusCode != 429 {
		t.Errorf("a direct client rotating Fly-Client-IP = %d after %d guesses, want 429 (its own address is locked out)", resp.StatusCode, maxLoginFailures+2)
	}
	// X-Forwarded-Proto from a direct client is not believed either (no HSTS on plain HTTP).
	if resp, _ := e.adminReq("GET", "/admin", "", nil, "X-Forwarded-Proto", "https"); resp.Header.Get("Strict-Transport-Security") != "" {
		t.Error("X-Forwarded-Proto from a direct client was believed (HSTS sent)")
	}
}
