package signup

import (
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/i18n"
)

// One address that breaks each rule (the internal/email tests hold many more).
var ruleInputs = map[email.Rule]string{
	email.RuleEmpty:          "",
	email.RuleInvalidUTF8:    "ann\xff@example.com",
	email.RuleTooLong:        strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 4) + "com",
	email.RuleLineBreak:      "ann\n@example.com",
	email.RuleWhitespace:     "ann lee@example.com",
	email.RuleControlChar:    "ann\x00@example.com",
	email.RuleBidiControl:    "ann\u202e@example.com",
	email.RuleInvisibleChar:  "ann\u200b@example.com",
	email.RuleQuotedLocal:    `"ann lee"@example.com`,
	email.RuleMissingAt:      "ann.example.com",
	email.RuleMultipleAt:     "ann@@example.com",
	email.RuleMissingLocal:   "@example.com",
	email.RuleMissingDomain:  "ann@",
	email.RuleLocalTooLong:   strings.Repeat("a", 65) + "@example.com",
	email.RuleLocalDotEdge:   ".ann@example.com",
	email.RuleDoubleDot:      "ann..lee@example.com",
	email.RuleBadLocalChar:   "ann,lee@example.com",
	email.RuleAddressLiteral: "ann@[192.0.2.1]",
	email.RuleDomainDotEdge:  "ann@.example.com",
	email.RuleSingleLabel:    "ann@localhost",
	email.RuleLabelTooLong:   "ann@" + strings.Repeat("a", 64) + ".com",
	email.RuleBadHyphen:      "ann@-example.com",
	email.RuleNumericTLD:     "ann@example.123",
	email.RuleBadDomain:      "ann@my_startup.com",
}

// TestEveryEmailRuleInEveryLanguage: each refused address gets its rule's message in the
// page's language, with the limit filled in and written the language's way.
func TestEveryEmailRuleInEveryLanguage(t *testing.T) {
	if len(ruleInputs) != len(email.Rules()) {
		t.Fatalf("ruleInputs covers %d of %d rules", len(ruleInputs), len(email.Rules()))
	}
	english := i18n.MustFor("en")
	for _, lang := range i18n.Languages() {
		m := i18n.MustFor(lang)
		p := testPage()
		p.Messages = m
		for rule, in := range ruleInputs {
			_, _, errs := Read(p, get(map[string]string{"email": in, "role": "Founder", "consent": "on"}))
			want := m.Text("email."+string(rule), "max", rule.Limit())
			if errs["email"] != want {
				t.Errorf("%s %s: message %q, want %q", lang, rule, errs["email"], want)
			}
			if strings.Contains(want, "{") {
				t.Errorf("%s %s: placeholder left in %q", lang, rule, want)
			}
			if lang != "en" && want == english.Text("email."+string(rule), "max", rule.Limit()) {
				t.Errorf("%s %s: the message is the English one", lang, rule)
			}
		}
	}
	if got := i18n.MustFor("de").Text("email.too_long", "max", email.RuleTooLong.Limit()); !strings.Contains(got, "254 Zeichen") {
		t.Errorf("German too-long message = %q", got)
	}
	if got := i18n.MustFor("ar").Text("email.too_long", "max", email.RuleTooLong.Limit()); !strings.Contains(got, "٢٥٤ حرفًا") {
		t.Errorf("Arabic too-long message = %q", got)
	}
}

// TestEveryFieldMessageInEveryLanguage: the messages about the other fields.
func TestEveryFieldMessageInEveryLanguage(t *testing.T) {
	for _, lang := range i18n.Languages() {
		m := i18n.MustFor(lang)
		p := testPage()
		p.Messages = m
		cases := []struct {
			values    map[string]string
			field     string
			key, want string
		}{
			{map[string]string{"role": "", "consent": "on"}, "role", "field.choose_required", m.Text("field.choose_required", "label", "Your role")},
			{map[string]string{"role": "Pirate", "consent": "on"}, "role", "field.choose_option", m.Text("field.choose_option", "label", "Your role")},
			{map[string]string{"role": "Founder"}, "consent", "field.tick_required", m.Text("field.tick_required", "label", "Email me")},
			{map[string]string{"role": "Founder", "consent": "maybe"}, "consent", "field.tick_only", m.Text("field.tick_only", "label", "Email me")},
			{map[string]string{"role": "Founder", "consent": "on", "name": "Ada\xff"}, "name", "field.unreadable", m.Text("field.unreadable", "label", "First name")},
			{map[string]string{"role": "Founder", "consent": "on", "name": "Ada\u202e"}, "name", "field.invisible", m.Text("field.invisible", "label", "First name")},
			{map[string]string{"role": "Founder", "consent": "on", "name": "Adalberto Tremendo"}, "name", "field.too_long", m.Text("field.too_long", "label", "First name", "n", 18, "max", 10)},
		}
		for _, c := range cases {
			c.values["email"] = "ada@example.com"
			_, _, errs := Read(p, get(c.values))
			if errs[c.field] != c.want || c.want == "" {
				t.Errorf("%s %s: %q, want %q", lang, c.key, errs[c.field], c.want)
			}
		}
		p.Fields[1].Required = true
		_, _, errs := Read(p, get(map[string]string{"email": "ada@example.com", "role": "Founder", "consent": "on"}))
		if want := m.Text("field.fill_required", "label", "First name"); errs["name"] != want {
			t.Errorf("%s field.fill_required: %q, want %q", lang, errs["name"], want)
		}
	}
}
