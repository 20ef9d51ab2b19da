package email

import "strconv"

// Rule names the reason an address was refused. The values are stable: they are used as
// metric label values (a bounded set, see Rules) and in tests, so never rename one.
type Rule string

// The rules Normalize can refuse an address by, roughly in the order they are checked.
const (
	RuleEmpty          Rule = "empty"
	RuleInvalidUTF8    Rule = "invalid_utf8"
	RuleTooLong        Rule = "too_long"
	RuleLineBreak      Rule = "line_break"
	RuleWhitespace     Rule = "whitespace"
	RuleControlChar    Rule = "control_char"
	RuleBidiControl    Rule = "bidi_control"
	RuleInvisibleChar  Rule = "invisible_char"
	RuleQuotedLocal    Rule = "quoted_local"
	RuleMissingAt      Rule = "missing_at"
	RuleMultipleAt     Rule = "multiple_at"
	RuleMissingLocal   Rule = "missing_local"
	RuleMissingDomain  Rule = "missing_domain"
	RuleLocalTooLong   Rule = "local_too_long"
	RuleLocalDotEdge   Rule = "local_dot_edge"
	RuleDoubleDot      Rule = "double_dot"
	RuleBadLocalChar   Rule = "bad_local_char"
	RuleAddressLiteral Rule = "address_literal"
	RuleDomainDotEdge  Rule = "domain_dot_edge"
	RuleSingleLabel    Rule = "single_label"
	RuleLabelTooLong   Rule = "label_too_long"
	RuleBadHyphen      Rule = "bad_hyphen"
	RuleNumericTLD     Rule = "numeric_tld"
	RuleBadDomain      Rule = "bad_domain"
)

// messages are shown to visitors next to the email field: short, plain, and saying what
// to do. One per rule, fixed (never echoing the input), so they are safe anywhere and can
// be translated later.
var messages = map[Rule]string{
	RuleEmpty:          "Please enter your email address.",
	RuleInvalidUTF8:    "That address has characters we can't read — please type it in again.",
	RuleTooLong:        "That address is too long — an email address has at most " + strconv.Itoa(MaxLength) + " characters.",
	RuleLineBreak:      "Please enter one address, on a single line.",
	RuleWhitespace:     "An email address can't contain spaces — please remove them.",
	RuleControlChar:    "That address has a hidden control character — please type it in by hand.",
	RuleBidiControl:    "That address has hidden text-direction characters — please type it in by hand.",
	RuleInvisibleChar:  "That address has an invisible character, often left by copy and paste — please type it in by hand.",
	RuleQuotedLocal:    "Addresses with quote marks aren't accepted — please use a plain address like name@example.com.",
	RuleMissingAt:      "An email address needs an @, like name@example.com.",
	RuleMultipleAt:     "An email address has only one @ — please check it.",
	RuleMissingLocal:   "Please add the part before the @, like name@example.com.",
	RuleMissingDomain:  "Please add the domain after the @, like name@example.com.",
	RuleLocalTooLong:   "The part before the @ is too long — it can have at most 64 characters.",
	RuleLocalDotEdge:   "The part before the @ can't start or end with a dot — please check it.",
	RuleDoubleDot:      "That address has two dots in a row — please check it.",
	RuleBadLocalChar:   "The part before the @ has a character addresses can't use — letters, digits and . _ - + are fine.",
	RuleAddressLiteral: "Please use an address with a domain name, not an IP address.",
	RuleDomainDotEdge:  "The domain can't start or end with a dot — please check the part after the @.",
	RuleSingleLabel:    "The domain needs a dot, like example.com.",
	RuleLabelTooLong:   "Part of the domain is too long — each part between dots can have at most 63 characters.",
	RuleBadHyphen:      "Part of the domain starts or ends with a hyphen — please check it.",
	RuleNumericTLD:     "The domain has to end in letters, like .com — please check it.",
	RuleBadDomain:      "The domain after the @ isn't valid — please check it, like example.com.",
}

// rules lists every Rule in check order; Rules hands out copies.
var rules = []Rule{
	RuleEmpty, RuleInvalidUTF8, RuleTooLong, RuleLineBreak, RuleWhitespace, RuleControlChar,
	RuleBidiControl, RuleInvisibleChar, RuleQuotedLocal, RuleMissingAt, RuleMultipleAt,
	RuleMissingLocal, RuleMissingDomain, RuleLocalTooLong, RuleLocalDotEdge, RuleDoubleDot,
	RuleBadLocalChar, RuleAddressLiteral, RuleDomainDotEdge, RuleSingleLabel, RuleLabelTooLong,
	RuleBadHyphen, RuleNumericTLD, RuleBadDomain,
}

// Rules returns every rule Normalize can report, so a metrics package can initialise a
// rejection counter for each one at start instead of discovering them one by one.
func Rules() []Rule { return append([]Rule(nil), rules...) }

// Limit is the number a rule's message quotes (the length limits), 0 for the others. Message
// catalogues in other languages fill it in as {max}.
func (r Rule) Limit() int {
	switch r {
	case RuleTooLong:
		return maxAddressBytes
	case RuleLocalTooLong:
		return maxLocalBytes
	case RuleLabelTooLong:
		return maxLabelBytes
	}
	return 0
}

// Message returns the visitor-facing message for the rule in English ("" for an unknown
// rule); internal/i18n has it in every language as "email." + the rule.
func (r Rule) Message() string { return messages[r] }

// Error is why an address was refused: Rule for code and metrics, Message for the visitor.
// Message never contains the input, so it is safe to render and to log.
type Error struct {
	Rule    Rule
	Message string
}

// Error reports the rule and the message, for logs.
func (e *Error) Error() string { return "email: " + string(e.Rule) + ": " + e.Message }

// refuse builds the *Error for a rule.
func refuse(r Rule) (string, error) { return "", &Error{Rule: r, Message: messages[r]} }
