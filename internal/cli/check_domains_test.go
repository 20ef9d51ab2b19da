package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const domainPageFile = `slug = "%s"
title = "Idea"
domains = [%s]

[pass_bar]
target = "5%%"
min_visitors = 400

[[variants]]
id = "a"
headline = "Headline"
cta = "Join"
`

// TestCheckDomains: litmus check names each bad domain with its file and line, including a
// domain that is the main site's own host (LITMUS_BASE_URL), and lists good domain pages
// by their public address.
func TestCheckDomains(t *testing.T) {
	write := func(dir, slug, domains string) {
		t.Helper()
		text := strings.NewReplacer("%%", "%").Replace(strings.Replace(strings.Replace(domainPageFile, "%s", slug, 1), "%s", domains, 1))
		if err := os.WriteFile(filepath.Join(dir, slug+".toml"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	good := t.TempDir()
	write(good, "shiftmeals", `"shiftmeals.app", "www.shiftmeals.app"`)
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"check", good}, envFunc(nil), &out, &errOut); err != nil {
		t.Fatalf("check: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ok  https://shiftmeals.app/ (shiftmeals): 1 variants") {
		t.Errorf("check output:\n%s", out.String())
	}

	out.Reset()
	env := envFunc(map[string]string{"LITMUS_BASE_URL": "https://shiftmeals.app"})
	err := run(context.Background(), []string{"check", good}, env, &out, &errOut)
	want := filepath.Join(good, "shiftmeals.toml") + `:3: domain "shiftmeals.app" is the main site's host`
	if err == nil || !strings.Contains(out.String(), want) {
		t.Errorf("check with a colliding LITMUS_BASE_URL: %v\n%s\nwant %s", err, out.String(), want)
	}

	bad := t.TempDir()
	write(bad, "a", `"shiftmeals.app"`)
	write(bad, "b", `"shiftmeals.app", "http://chaser.io"`)
	out.Reset()
	err = run(context.Background(), []string{"check", bad}, envFunc(nil), &out, &errOut)
	for _, want := range []string{
		filepath.Join(bad, "b.toml") + `:3: domain "shiftmeals.app" is already used by a.toml:3`,
		filepath.Join(bad, "b.toml") + `:3: domains item 2 ("http://chaser.io") is an address, not a host name`,
	} {
		if err == nil || !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
}
