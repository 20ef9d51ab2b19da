package handlers

import (
	"net/netip"

	"github.com/gofiber/fiber/v2"
)

// DefaultProxyNets are the peers LITMUS_TRUST_PROXY believes: loopback and the private
// ranges (RFC 1918, RFC 4193 unique-local, which holds Fly's fdaa::/16 private network).
// Fly.io's proxy reaches a Machine over its private network, so on Fly every request comes
// from one of these. Anyone who reaches the server directly from the internet comes from a
// public address, and their Fly-Client-IP and X-Forwarded-Proto are ignored: they cannot
// pose as another client (to dodge a rate limit, or to lock the admin out) however
// LITMUS_TRUST_PROXY is set.
var DefaultProxyNets = []netip.Prefix{
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

// fromProxy reports whether the request's headers from the proxy (Fly-Client-IP,
// X-Forwarded-Proto) are to be believed: TrustProxy is set and the connection comes from a
// proxy network.
func (s *server) fromProxy(c *fiber.Ctx) bool {
	if !s.TrustProxy {
		return false
	}
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return false
	}
	peer = peer.Unmap()
	nets := s.ProxyNets
	if nets == nil {
		nets = DefaultProxyNets
	}
	for _, n := range nets {
		if n.Contains(peer) {
			return true
		}
	}
	return false
}
