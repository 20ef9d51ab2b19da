package signup

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/pages"
)

func testPage() *pages.Page {
	return &pages.Page{Slug: "launch", Fields: []pages.Field{
		{Name: "email", Kind: pages.FieldEmail, Label: "Email", Required: true, MaxLength: 254},
		{Name: "name", Kind: pages.FieldText, Label: "First name", MaxLength: 10},
		{Name: "notes", Kind: pages.FieldTextarea, Label: "Anything else?", MaxLength: 50},
		{Name: "role", Kind: pages.FieldSelect, Label: "Your role", Required: true, Options: []string{"Founder", "Marketer"}},
		{Name: "consent", Kind: pages.FieldCheckbox, Label: "Email me", Required: true},
	}}
}

func get(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadValidForm(t *testing.T) {
	form, values, errs := Read(testPage(), get(map[string]string{
		"email": " Ada@Example.com ", "name": "  Ada ", "notes": "line 1\r\nline 2", "role": "Founder", "consent": "on", "extra": "ignored",
	}))
	if errs != nil {
		t.Fatalf("errors: %v", errs)
	}
	if form.Email != "Ada@example.com" {
		t.Errorf("email = %q", form.Email)
	}
	want := map[string]string{"name": "Ada", "notes": "line 1\nline 2", "role": "Founder", "consent": "yes"}
	for k, v := range want {
		if form.Fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, form.Fields[k], v)
		}
	}
	if _, ok := form.Fields["extra"]; ok {
		t.Error("a field the page does not declare was kept")
	}
	if values["name"] != "  Ada " {
		t.Errorf("values keep what was typed: got %q", values["name"])
	}
}

func TestReadErrors(t *testing.T) {
	base := map[string]string{"email": "ada@example.com", "role": "Founder", "consent": "on"}
	cases := []struct {
		name, field, value, want string
	}{
		{"bad email", "email", "ada@", "domain"},
		{"missing role", "role", "", "Please choose an answer to “Your role”."},
		{"role not offered", "role", "CEO", "one of the options"},
		{"consent missing", "consent", "", "Please tick “Email me” to continue."},
		{"consent odd value", "consent", "maybe", "ticked or not"},
		{"name too long", "name", "Bartholomew", "11 characters, the limit is 10"},
		{"newline in one-line field", "name", "Ada\nB", "control character"},
		{"bidi override", "name", "Ada\u202e", "control character"},
		{"invalid utf8", "notes", "\xff\xfe", "can't read"},
		{"notes too long", "notes", strings.Repeat("ü", 51), "the limit is 50"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := map[string]string{}
			for k, v := range base {
				in[k] = v
			}
			in[c.field] = c.value
			_, _, errs := Read(testPage(), get(in))
			if len(errs) != 1 || !strings.Contains(errs[c.field], c.want) {
				t.Errorf("errors = %v, want one on %s containing %q", errs, c.field, c.want)
			}
		})
	}
}

func TestValuesKeptAreBounded(t *testing.T) {
	_, values, _ := Read(testPage(), get(map[string]string{"name": strings.Repeat("é", 10000)}))
	if len(values["name"]) > maxKeepBytes || !utf8.ValidString(values["name"]) {
		t.Errorf("kept %d bytes (valid UTF-8: %v), want at most %d", len(values["name"]), utf8.ValidString(values["name"]), maxKeepBytes)
	}
}

// TestNaughtyStrings sends every line of the Big List of Naughty Strings through every
// field: each is either accepted clean or refused with a message; nothing panics.
func TestNaughtyStrings(t *testing.T) {
	f, err := os.Open("../../../shared/testdata/blns.txt")
	if err != nil {
		if os.Getenv("LITMUS_REQUIRE_SHARED") != "" {
			t.Fatalf("blns.txt is required here: %v", err)
		}
		t.Skipf("../shared/testdata/blns.txt not found (%v): run from a checkout with ../shared beside it", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		n++
		for _, field := range []string{"email", "name", "notes", "role"} {
			in := map[string]string{"email": "ada@example.com", "role": "Founder", "consent": "on", field: line}
			form, _, errs := Read(testPage(), get(in))
			if errs != nil {
				if errs[field] == "" {
					t.Errorf("%s=%q: errors %v not on the field", field, line, errs)
				}
				continue
			}
			for k, v := range form.Fields {
				if !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\u202e") {
					t.Errorf("%s=%q accepted with an unclean %s=%q", field, line, k, v)
				}
			}
		}
	}
	if n < 400 {
		t.Fatalf("read only %d naughty strings", n)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{"ada@example.com", "", "Founder", "on", "\x00", "a\u202eb", strings.Repeat("x", 300)} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, email, name, role string) {
		form, _, errs := Read(testPage(), get(map[string]string{"email": email, "name": name, "role": role, "consent": "on"}))
		if errs == nil {
			if form.Email == "" || len(form.Email) > 254 {
				t.Fatalf("accepted email %q", form.Email)
			}
			if r := form.Fields["role"]; r != "Founder" && r != "Marketer" {
				t.Fatalf("accepted role %q", r)
			}
			if utf8.RuneCountInString(form.Fields["name"]) > 10 {
				t.Fatalf("accepted name over its limit: %q", form.Fields["name"])
			}
		}
	})
}
