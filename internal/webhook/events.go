package webhook

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// The events Litmus sends. Receivers see them in the payload's "type".
const (
	SignupCreated   = "signup.created"
	SignupConfirmed = "signup.confirmed" // the person pressed their confirmation link's button (double opt-in)
	SignupErased    = "signup.erased"
	VerdictReached  = "verdict.reached"
	SplitMismatch   = "split.mismatch"
	// Test is sent only by the admin's "send a test event" button.
	Test = "webhook.test"
)

// Events lists the events a page file's [[webhooks]] may ask for, in documentation order.
var Events = []string{SignupCreated, SignupConfirmed, SignupErased, VerdictReached, SplitMismatch}

// KnownEvent reports whether name is one of Events.
func KnownEvent(name string) bool {
	for _, e := range Events {
		if e == name {
			return true
		}
	}
	return false
}

// MaxURLLen bounds a receiver's address.
const MaxURLLen = 2048

// CheckURL reports what is wrong with a receiver's address, or "" when it is fine. Signups
// carry email addresses, so they travel over https://; http:// is accepted only for a
// receiver on this machine (localhost, 127.0.0.1, ::1) or a private network name without
// dots (a container such as http://n8n:5678), where nothing crosses the internet.
func CheckURL(s string) string {
	if len(s) > MaxURLLen {
		return fmt.Sprintf("is %d characters long; the limit is %d", len(s), MaxURLLen)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() {
		return fmt.Sprintf("is not an address like https://hooks.example.com/litmus (found %q)", clip(s))
	}
	if u.Hostname() == "" {
		return "has no host name: write it like https://hooks.example.com/litmus"
	}
	if u.User != nil {
		return "must not contain a user name or password; put the secret in the path or use the signature"
	}
	if u.Fragment != "" {
		return "must not have a #fragment"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if local(u.Hostname()) {
			return ""
		}
		return "must use https:// (signups carry email addresses); http:// is only for a receiver on this machine or a private host name without dots"
	default:
		return fmt.Sprintf("must start with https:// (found %q)", clip(s))
	}
}

func local(host string) bool {
	if host == "localhost" || !strings.Contains(host, ".") && !strings.Contains(host, ":") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
