package pages

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestWebhooksAreRead(t *testing.T) {
	extra := `
[[webhooks]]
url = "https://hooks.zapier.com/hooks/catch/1/abc/"
events = ["signup.created", "signup.erased"]

[[webhooks]]
url = "http://127.0.0.1:5678/webhook/litmus"
`
	p := mustLoad(t, fstest.MapFS{"p/chaser.toml": pageFile("chaser", extra)}, "p")[0]
	if len(p.Webhooks) != 2 {
		t.Fatalf("Webhooks = %+v, want 2", p.Webhooks)
	}
	w := p.Webhooks[0]
	if w.URL != "https://hooks.zapier.com/hooks/catch/1/abc/" || !w.WantsEvent("signup.erased") || w.WantsEvent("verdict.reached") {
		t.Errorf("first webhook = %+v", w)
	}
	if !p.Webhooks[1].WantsEvent("verdict.reached") {
		t.Error("a webhook without events must want every event")
	}
}

// TestBadWebhooksAreFileLineErrors: what `litmus check` prints for a bad receiver.
func TestBadWebhooksAreFileLineErrors(t *testing.T) {
	extra := `
[[webhooks]]
url = "http://hooks.example.com/x"

[[webhooks]]
url = "https://hooks.example.com/y"
events = ["signup.create"]

[[webhooks]]
events = ["signup.created"]
`
	_, err := LoadDir(fstest.MapFS{"p/chaser.toml": pageFile("chaser", extra)}, "p")
	if err == nil {
		t.Fatal("LoadDir accepted bad [[webhooks]]")
	}
	msg := err.Error()
	// minimalPage ends on line 12; the extra starts on line 13.
	for _, want := range []string{
		"p/chaser.toml:15: url must use https://",
		`p/chaser.toml:19: events item 1 "signup.create" is not an event Litmus sends; use some of signup.created, signup.confirmed, signup.erased, verdict.reached, split.mismatch`,
		"p/chaser.toml:21: missing url in [[webhooks]] #3",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors do not contain %q:\n%s", want, msg)
		}
	}
}
