package email

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	// A 254-byte address: 64 + 1 + 63 + 1 + 63 + 1 + 61.
	longest := long(64) + "@" + long(63) + "." + long(63) + "." + long(57) + ".com"

	tests := []struct {
		name string
		in   string
		want string // the stored address when valid
		rule Rule   // the refusal when invalid
	}{
		// Accepted, and what gets stored.
		{name: "plain address kept as typed", in: "ann@example.com", want: "ann@example.com"},
		{name: "surrounding spaces trimmed", in: "  ann@example.com \t", want: "ann@example.com"},
		{name: "trailing newline from a paste trimmed", in: "ann@example.com\r\n", want: "ann@example.com"},
		{name: "no-break spaces around trimmed", in: "\u00a0ann@example.com\u00a0", want: "ann@example.com"},
		{name: "domain lower-cased, local case kept", in: "Ann.Lee@Example.COM", want: "Ann.Lee@example.com"},
		{name: "plus tag kept", in: "ann+litmus@example.com", want: "ann+litmus@example.com"},
		{name: "gmail dots kept", in: "a.n.n@gmail.com", want: "a.n.n@gmail.com"},
		{name: "all atext specials allowed", in: "!#$%&'*+-/=?^_`{|}~@example.com", want: "!#$%&'*+-/=?^_`{|}~@example.com"},
		{name: "digits only local part", in: "12345@example.com", want: "12345@example.com"},
		{name: "subdomains", in: "ann@mail.eu.example.co.uk", want: "ann@mail.eu.example.co.uk"},
		{name: "hyphen inside a label", in: "ann@my-startup.io", want: "ann@my-startup.io"},
		{name: "digits in the TLD are fine when not all digits", in: "ann@example.c0m", want: "ann@example.c0m"},
		{name: "single-letter labels", in: "a@b.co", want: "a@b.co"},
		{name: "umlaut domain to punycode", in: "ann@Bücher.DE", want: "ann@xn--bcher-kva.de"},
		{name: "punycode domain accepted as is", in: "ann@xn--bcher-kva.de", want: "ann@xn--bcher-kva.de"},
		{name: "upper-case punycode lower-cased", in: "ann@XN--BCHER-KVA.DE", want: "ann@xn--bcher-kva.de"},
		{name: "sharp s kept (non-transitional)", in: "ann@faß.de", want: "ann@xn--fa-hia.de"},
		{name: "full-width domain typed on a phone mapped", in: "ann@ｅｘａｍｐｌｅ．ｃｏｍ", want: "ann@example.com"},
		{name: "ideographic full stop is a dot", in: "ann@example。com", want: "ann@example.com"},
		{name: "Japanese domain", in: "ann@例え.テスト", want: "ann@xn--r8jz45g.xn--zckzah"},
		{name: "Cyrillic domain", in: "ann@пример.рф", want: "ann@xn--e1afmkfd.xn--p1ai"},
		{name: "Arabic right-to-left domain", in: "ann@مثال.إختبار", want: "ann@xn--mgbh0fb.xn--kgbechtv"},
		{name: "non-ASCII local part accepted", in: "josé@example.com", want: "josé@example.com"},
		{name: "decomposed local part stored composed (NFC)", in: "jose\u0301@example.com", want: "josé@example.com"},
		{name: "Cyrillic local part", in: "иван@пример.рф", want: "иван@xn--e1afmkfd.xn--p1ai"},
		{name: "Chinese local part", in: "用户@例子.广告", want: "用户@xn--fsqu00a.xn--4rr70v"},
		{name: "64-byte local part is the limit", in: long(64) + "@example.com", want: long(64) + "@example.com"},
		{name: "63-byte label is the limit", in: "a@" + long(63) + ".com", want: "a@" + long(63) + ".com"},
		{name: "254-byte address is the limit", in: longest, want: longest},

		// Refused: nothing usable typed.
		{name: "empty", in: "", rule: RuleEmpty},
		{name: "only spaces", in: "   \t ", rule: RuleEmpty},
		{name: "no at sign", in: "ann.example.com", rule: RuleMissingAt},
		{name: "just a name", in: "ann", rule: RuleMissingAt},
		{name: "two at signs", in: "ann@@example.com", rule: RuleMultipleAt},
		{name: "at sign in the domain", in: "ann@example@com", rule: RuleMultipleAt},
		{name: "nothing before the at", in: "@example.com", rule: RuleMissingLocal},
		{name: "nothing after the at", in: "ann@", rule: RuleMissingDomain},
		{name: "just an at", in: "@", rule: RuleMissingLocal},

		// Refused: hidden and invisible characters.
		{name: "invalid UTF-8", in: "ann\xff@example.com", rule: RuleInvalidUTF8},
		{name: "NUL byte", in: "ann\x00@example.com", rule: RuleControlChar},
		{name: "escape character", in: "ann\x1b[31m@example.com", rule: RuleControlChar},
		{name: "delete character", in: "ann\x7f@example.com", rule: RuleControlChar},
		{name: "C1 control", in: "ann\u009b@example.com", rule: RuleControlChar},
		{name: "header injection with CRLF", in: "ann@example.com\r\nBcc: all@example.com", rule: RuleLineBreak},
		{name: "bare LF inside", in: "ann\n@example.com", rule: RuleLineBreak},
		{name: "Unicode line separator", in: "ann\u2028@example.com", rule: RuleLineBreak},
		{name: "right-to-left override", in: "ann\u202e@example.com", rule: RuleBidiControl},
		{name: "left-to-right mark", in: "ann@example.com\u200eX", rule: RuleBidiControl},
		{name: "first strong isolate", in: "ann\u2068@example.com", rule: RuleBidiControl},
		{name: "Arabic letter mark", in: "ann\u061c@example.com", rule: RuleBidiControl},
		{name: "zero-width space", in: "ann\u200b@example.com", rule: RuleInvisibleChar},
		{name: "zero-width joiner", in: "an\u200dn@example.com", rule: RuleInvisibleChar},
		{name: "byte order mark from a paste", in: "\ufeffann@example.com", rule: RuleInvisibleChar},
		{name: "soft hyphen in the domain", in: "ann@exam\u00adple.com", rule: RuleInvisibleChar},
		{name: "Hangul filler", in: "ann\u3164@example.com", rule: RuleInvisibleChar},
		{name: "variation selector", in: "ann\ufe0f@example.com", rule: RuleInvisibleChar},
		{name: "tag character", in: "ann\U000E0041@example.com", rule: RuleInvisibleChar},
		{name: "space inside", in: "ann lee@example.com", rule: RuleWhitespace},
		{name: "space before the at", in: "ann @example.com", rule: RuleWhitespace},
		{name: "tab inside", in: "ann\t@example.com", rule: RuleWhitespace},
		{name: "no-break space inside", in: "ann\u00a0lee@example.com", rule: RuleWhitespace},
		{name: "ideographic space inside", in: "ann\u3000@example.com", rule: RuleWhitespace},

		// Refused: the local part.
		{name: "quoted local part", in: `"ann lee"@example.com`, rule: RuleQuotedLocal},
		{name: "quoted local part hiding an at", in: `"ann@home"@example.com`, rule: RuleQuotedLocal},
		{name: "whole address in quotes", in: `"ann@example.com"`, rule: RuleQuotedLocal},
		{name: "leading dot in local part", in: ".ann@example.com", rule: RuleLocalDotEdge},
		{name: "trailing dot in local part", in: "ann.@example.com", rule: RuleLocalDotEdge},
		{name: "two dots in a row in local part", in: "ann..lee@example.com", rule: RuleDoubleDot},
		{name: "comma instead of dot", in: "ann,lee@example.com", rule: RuleBadLocalChar},
		{name: "display name and angle brackets", in: "Ann<ann@example.com>", rule: RuleBadLocalChar},
		{name: "parenthesised comment", in: "ann(comment)@example.com", rule: RuleBadLocalChar},
		{name: "backslash", in: `ann\lee@example.com`, rule: RuleBadLocalChar},
		{name: "semicolon list", in: "ann;bob@example.com", rule: RuleBadLocalChar},
		{name: "emoji local part", in: "😀@example.com", rule: RuleBadLocalChar},
		{name: "private-use character", in: "ann\ue000@example.com", rule: RuleBadLocalChar},
		{name: "65-byte local part", in: long(65) + "@example.com", rule: RuleLocalTooLong},
		{name: "local part over 64 bytes in UTF-8", in: strings.Repeat("é", 33) + "@example.com", rule: RuleLocalTooLong},

		// Refused: the domain.
		{name: "single-label domain", in: "ann@localhost", rule: RuleSingleLabel},
		{name: "bare TLD", in: "ann@com", rule: RuleSingleLabel},
		{name: "IPv4 address literal", in: "ann@[192.0.2.1]", rule: RuleAddressLiteral},
		{name: "IPv6 address literal", in: "ann@[IPv6:2001:db8::1]", rule: RuleAddressLiteral},
		{name: "bare IPv4 address", in: "ann@192.0.2.1", rule: RuleAddressLiteral},
		{name: "all-numeric TLD", in: "ann@example.123", rule: RuleNumericTLD},
		{name: "leading dot in domain", in: "ann@.example.com", rule: RuleDomainDotEdge},
		{name: "trailing dot in domain", in: "ann@example.com.", rule: RuleDomainDotEdge},
		{name: "trailing ideographic full stop", in: "ann@example.com。", rule: RuleDomainDotEdge},
		{name: "two dots in a row in domain", in: "ann@example..com", rule: RuleDoubleDot},
		{name: "label starting with a hyphen", in: "ann@-example.com", rule: RuleBadHyphen},
		{name: "label ending with a hyphen", in: "ann@example-.com", rule: RuleBadHyphen},
		{name: "hyphen-only TLD end", in: "ann@example.co-", rule: RuleBadHyphen},
		{name: "underscore in domain", in: "ann@my_startup.com", rule: RuleBadDomain},
		{name: "comma in domain", in: "ann@example,com", rule: RuleBadDomain},
		{name: "slash in domain", in: "ann@example.com/path", rule: RuleBadDomain},
		{name: "port in domain", in: "ann@example.com:25", rule: RuleBadDomain},
		{name: "double hyphen at positions 3-4", in: "ann@ab--cd.com", rule: RuleBadDomain},
		{name: "broken punycode", in: "ann@xn--zz.com", rule: RuleBadDomain},
		{name: "emoji domain", in: "ann@💩.la", rule: RuleBadDomain},
		{name: "emoji domain as punycode", in: "ann@xn--ls8h.la", rule: RuleBadDomain},
		{name: "symbol that maps to a dot", in: "ann@⒈.com", rule: RuleBadDomain},
		{name: "64-byte label", in: "ann@" + long(64) + ".com", rule: RuleLabelTooLong},
		{name: "255-byte address", in: long(64) + "@" + long(63) + "." + long(63) + "." + long(58) + ".com", rule: RuleTooLong},
		{name: "address over 254 bytes", in: long(60) + "@" + long(63) + "." + long(63) + "." + long(63) + ".com", rule: RuleTooLong},
		{name: "huge input refused before any work", in: strings.Repeat("a", 5000) + "@example.com", rule: RuleTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("Normalize(%q) refused it: %v; want %q", tt.in, err, tt.want)
				}
				if got != tt.want {
					t.Fatalf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Normalize(%q) = %q, %v; want refusal %q", tt.in, got, err, tt.rule)
			}
			if e.Rule != tt.rule {
				t.Fatalf("Normalize(%q) refused with %q (%s), want %q", tt.in, e.Rule, e.Message, tt.rule)
			}
			if e.Message != tt.rule.Message() || got != "" {
				t.Fatalf("Normalize(%q) = %q, message %q; want no address and the rule's message", tt.in, got, e.Message)
			}
		})
	}
}

// TestMessagesArePlainAndDistinct guards what a visitor reads: every rule has its own
// sentence, and none leaks a code or a placeholder.
func TestMessagesArePlainAndDistinct(t *testing.T) {
	seen := map[string]Rule{}
	for _, r := range Rules() {
		m := r.Message()
		if m == "" {
			t.Errorf("rule %q has no message", r)
			continue
		}
		if other, dup := seen[m]; dup {
			t.Errorf("rules %q and %q share the message %q", r, other, m)
		}
		seen[m] = r
		if !strings.HasSuffix(m, ".") || strings.ContainsAny(m, "%{}") || len(m) > 110 {
			t.Errorf("rule %q message %q: want one short sentence ending in '.', no codes", r, m)
		}
	}
	if len(messages) != len(Rules()) {
		t.Errorf("%d messages for %d rules: a rule is missing from Rules() or messages", len(messages), len(Rules()))
	}
}

func TestErrorNamesRuleForLogs(t *testing.T) {
	_, err := Normalize("ann@localhost")
	want := "email: single_label: The domain needs a dot, like example.com."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func BenchmarkNormalize(b *testing.B) {
	inputs := []string{"  Ann.Lee+litmus@Example.COM ", "josé@Bücher.de", "ann..lee@example.com"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Normalize(inputs[i%len(inputs)])
	}
}
