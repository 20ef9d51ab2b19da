package email

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits from RFC 5321 (section 4.5.3.1): 64 octets of local part, and 254 for the whole
// address (the 256-octet path minus its angle brackets).
const (
	maxAddressBytes = MaxLength
	maxLocalBytes   = 64
	maxLabelBytes   = 63 // one label of the domain (RFC 1035)
	// maxInputBytes bounds the work done on what a visitor sent before any checking;
	// anything longer cannot become a valid address, whatever trimming removes.
	maxInputBytes = 1024
)

// Normalize returns the canonical form of an address typed into a signup form (trimmed,
// domain in lower-case ASCII, local part NFC-normalised but otherwise as typed), or an
// *Error saying in plain words what is wrong with it. See the package documentation for
// what is accepted and why. It never looks anything up on the network.
//
// Normalize is idempotent: Normalize(addr) returns addr for every addr it returned.
func Normalize(raw string) (addr string, err error) {
	if !utf8.ValidString(raw) {
		return refuse(RuleInvalidUTF8)
	}
	if len(raw) > maxInputBytes {
		return refuse(RuleTooLong)
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return refuse(RuleEmpty)
	}
	// Quotes first: a quoted local part usually holds the space or @ that would otherwise
	// be reported, and "no quote marks" is the message that helps.
	if strings.ContainsRune(s, '"') {
		return refuse(RuleQuotedLocal)
	}
	for _, r := range s {
		if rule := hiddenCharRule(r); rule != "" {
			return refuse(rule)
		}
	}
	switch strings.Count(s, "@") {
	case 0:
		return refuse(RuleMissingAt)
	case 1:
	default:
		return refuse(RuleMultipleAt)
	}
	rawLocal, rawDomain, _ := strings.Cut(s, "@")
	if rawLocal == "" {
		return refuse(RuleMissingLocal)
	}
	if rawDomain == "" {
		return refuse(RuleMissingDomain)
	}
	local, rule := normalizeLocal(rawLocal)
	if rule != "" {
		return refuse(rule)
	}
	domain, rule := normalizeDomain(rawDomain)
	if rule != "" {
		return refuse(rule)
	}
	addr = local + "@" + domain
	if len(addr) > maxAddressBytes {
		return refuse(RuleTooLong)
	}
	return addr, nil
}

// normalizeLocal checks the part before the @ (already free of hidden characters, quotes
// and @) and returns it NFC-normalised, or the rule it breaks.
func normalizeLocal(local string) (string, Rule) {
	if local[0] == '.' || local[len(local)-1] == '.' {
		return "", RuleLocalDotEdge
	}
	if strings.Contains(local, "..") {
		return "", RuleDoubleDot
	}
	for _, r := range local {
		if r < utf8.RuneSelf {
			if !isLocalASCII(byte(r)) {
				return "", RuleBadLocalChar
			}
		} else if !isLetterMarkDigit(r) {
			return "", RuleBadLocalChar
		}
	}
	local = norm.NFC.String(local)
	if len(local) > maxLocalBytes {
		return "", RuleLocalTooLong
	}
	return local, ""
}

// Lookup returns the form in which a signup form would have stored raw, for finding a
// person's signups (erasure requests): the normalised address when raw is valid, else raw
// trimmed, so an address the form would refuse today is still looked up as typed.
func Lookup(raw string) string {
	if addr, err := Normalize(raw); err == nil {
		return addr
	}
	return strings.TrimSpace(raw)
}
