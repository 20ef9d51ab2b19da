package static

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"regexp"
	"testing"
	"testing/fstest"
)

func TestEveryAssetHasAFingerprintedURL(t *testing.T) {
	for _, name := range []string{"app.css", "app.js", "favicon.svg"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatalf("%s is not embedded: %v", name, err)
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
		sum := sha256.Sum256(b)
		want := "/static/" + name + "?v=" + hex.EncodeToString(sum[:6])
		if got := URL(name); got != want {
			t.Errorf("URL(%q) = %q, want %q", name, got, want)
		}
		if got, ok := Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v", name, got, ok)
		}
	}
}

func TestChangedContentGetsANewURL(t *testing.T) {
	a := fingerprint(fstest.MapFS{"app.css": {Data: []byte("body{}")}})
	b := fingerprint(fstest.MapFS{"app.css": {Data: []byte("body{color:red}")}})
	if a["app.css"] == b["app.css"] {
		t.Errorf("two different files got the same URL %s", a["app.css"])
	}
}

func TestUnknownAsset(t *testing.T) {
	if _, ok := Lookup("missing.css"); ok {
		t.Error("Lookup found an asset that does not exist")
	}
	defer func() {
		if recover() == nil {
			t.Error("URL did not panic on an unknown asset")
		}
	}()
	URL("missing.css")
}

// The theme promises no requests to anyone else's server: no web fonts, no CDNs.
func TestAssetsLoadNothingFromElsewhere(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|@font-face`)
	for _, name := range []string{"app.css", "app.js"} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s refers to %q", name, m)
		}
	}
}
