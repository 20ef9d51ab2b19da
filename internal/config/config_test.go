package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func parse(t *testing.T, env map[string]string, args ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, err := Register(fs, ScopeServe, func(k string) string { return env[k] })
	if err != nil {
		return c, err
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate(ScopeServe)
}

func TestDefaults(t *testing.T) {
	c, err := parse(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.MetricsAddr != ":9091" || c.DB != "data/litmus.db" || c.Pages != "" || c.SignupLimit != 5 || c.TrustProxy {
		t.Errorf("defaults = %+v", c)
	}
}

func TestPrecedence(t *testing.T) {
	env := map[string]string{"PORT": "3000", "LITMUS_DB": "/data/x.db", "LITMUS_SIGNUP_LIMIT": "0", "LITMUS_TRUST_PROXY": "1"}
	c, err := parse(t, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":3000" {
		t.Errorf("PORT not honoured: Addr = %q", c.Addr)
	}
	if c.DB != "/data/x.db" || c.SignupLimit != 0 || !c.TrustProxy {
		t.Errorf("environment not applied: %+v", c)
	}
	env["LITMUS_ADDR"] = ":7000"
	c, _ = parse(t, env)
	if c.Addr != ":7000" {
		t.Errorf("LITMUS_ADDR should win over PORT, Addr = %q", c.Addr)
	}
	c, _ = parse(t, env, "--addr", ":6000", "--db", "flag.db")
	if c.Addr != ":6000" || c.DB != "flag.db" {
		t.Errorf("flags should win over the environment: %+v", c)
	}
}

func TestErrorsNameTheSetting(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"LITMUS_SIGNUP_LIMIT": "lots"}, nil, `LITMUS_SIGNUP_LIMIT="lots": want a whole number`},
		{map[string]string{"LITMUS_TRUST_PROXY": "maybe"}, nil, `LITMUS_TRUST_PROXY="maybe": want true or false`},
		{nil, []string{"--metrics-addr", ":8080"}, "metrics must never be public"},
		{nil, []string{"--addr", "8080"}, `LITMUS_ADDR (--addr) "8080": want host:port`},
		{nil, []string{"--base-url", "example.com"}, "want an origin like https://"},
		{map[string]string{"LITMUS_ADMIN_PASSWORD": "short"}, nil, "shorter than 12 characters"},
		{nil, []string{"--log-format", "xml"}, "want text or json"},
		{nil, []string{"--db", " "}, "LITMUS_DB (--db) is empty"},
	}
	for _, c := range cases {
		_, err := parse(t, c.env, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("env %v args %v: err = %v, want it to contain %q", c.env, c.args, err, c.want)
		}
	}
}

func TestBaseURLIsNormalised(t *testing.T) {
	c, err := parse(t, nil, "--base-url", "https://Try.Example.com/")
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL != "https://Try.Example.com" {
		t.Errorf("BaseURL = %q", c.BaseURL)
	}
}

// Issue 14: the 12-character minimum counted bytes, so "パスワード" (5 characters, 15
// bytes) passed. Characters are what a person counts.
func TestAdminPasswordMinimumCountsCharacters(t *testing.T) {
	for _, short := range []string{"パスワード", "日本語です", "ééééééé"} {
		if _, err := parse(t, map[string]string{"LITMUS_ADMIN_PASSWORD": short}); err == nil || !strings.Contains(err.Error(), "shorter than 12 characters") {
			t.Errorf("password %q (%d characters): err = %v, want refused", short, len([]rune(short)), err)
		}
	}
	if _, err := parse(t, map[string]string{"LITMUS_ADMIN_PASSWORD": "十二文字のパスワードです"}); err != nil {
		t.Errorf("a 12-character Japanese password: %v", err)
	}
}
