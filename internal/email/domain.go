package email

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// idnaProfile is UTS 46 Lookup processing (see the package documentation for why Lookup
// rather than Registration): MapForLookup brings the STD3 character rules and the hyphen,
// joiner and normalisation checks; we add the bidi rule and pin non-transitional
// processing, so "faß.de" stays itself rather than becoming "fass.de" whatever the
// library's default. DNS lengths are checked by checkLabels instead of by the profile, so
// a too-long label gets its own message.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// ideographicDots are the full stops UTS 46 maps to ".": people typing with a CJK input
// method produce them, and the dot rules must see them as dots.
var ideographicDots = strings.NewReplacer("\u3002", ".", "\uFF0E", ".", "\uFF61", ".")

// normalizeDomain checks the part after the @ (already free of hidden characters and @)
// and returns its lower-case ASCII form, or the rule it breaks.
func normalizeDomain(domain string) (string, Rule) {
	if domain[0] == '[' {
		return "", RuleAddressLiteral
	}
	domain = ideographicDots.Replace(domain)
	if domain[0] == '.' || domain[len(domain)-1] == '.' {
		return "", RuleDomainDotEdge
	}
	if strings.Contains(domain, "..") {
		return "", RuleDoubleDot
	}
	// Specific messages for the mistakes people make in plain ASCII; everything else is
	// left to the IDNA profile, whose verdict is the generic RuleBadDomain.
	for label := range strings.SplitSeq(domain, ".") {
		if label[0] == '-' || label[len(label)-1] == '-' {
			return "", RuleBadHyphen
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; c < 0x80 && !isDomainASCII(c) {
				return "", RuleBadDomain
			}
		}
	}
	ascii, err := idnaProfile.ToASCII(domain)
	if err != nil {
		return "", RuleBadDomain
	}
	if strings.Contains(ascii, "xn--") && !internationalLabelsOK(ascii) {
		return "", RuleBadDomain
	}
	return ascii, checkLabels(ascii)
}

// internationalLabelsOK reports whether the Unicode form of an ASCII domain uses only
// letters, marks and digits beyond ASCII. IDNA2008 (RFC 5892) disallows symbols and emoji,
// but the UTS 46 tables keep them valid for IDNA2003 compatibility, so "💩.la" would pass
// the profile; the check runs on the decoded result so "xn--ls8h.la" typed as punycode
// gets the same answer.
func internationalLabelsOK(ascii string) bool {
	unicodeForm, err := idnaProfile.ToUnicode(ascii)
	if err != nil {
		return false
	}
	for _, r := range unicodeForm {
		if r >= utf8.RuneSelf && !isLetterMarkDigit(r) {
			return false
		}
	}
	return true
}

// checkLabels applies the DNS rules to the final ASCII domain.
func checkLabels(domain string) Rule {
	labels := strings.Split(domain, ".")
	for _, label := range labels {
		switch {
		case label == "":
			return RuleBadDomain // a mapped character produced an empty label
		case len(label) > maxLabelBytes:
			return RuleLabelTooLong
		}
	}
	if len(labels) == 1 {
		return RuleSingleLabel
	}
	if allDigits(labels[len(labels)-1]) {
		if len(labels) == 4 && allDigits(labels[0]) && allDigits(labels[1]) && allDigits(labels[2]) {
			return RuleAddressLiteral // user@192.0.2.1
		}
		return RuleNumericTLD
	}
	return ""
}

// isDomainASCII reports the ASCII characters a host name may contain (RFC 1123).
func isDomainASCII(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
