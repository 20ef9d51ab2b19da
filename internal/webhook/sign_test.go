package webhook

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// The Standard Webhooks specification's published test vector: matching it means any of the
// specification's libraries (and the recipes in docs/webhooks.md) verify Litmus's messages.
const (
	vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTS     = 1614265330
	vectorBody   = `{"test": 2432232314}`
	vectorSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignatureMatchesTheSpecVector(t *testing.T) {
	key, err := SecretKey(vectorSecret)
	if err != nil {
		t.Fatal(err)
	}
	if got := Signature(key, vectorID, time.Unix(vectorTS, 0), []byte(vectorBody)); got != vectorSig {
		t.Errorf("Signature = %s, want %s", got, vectorSig)
	}
}

func TestVerify(t *testing.T) {
	at := time.Unix(vectorTS, 0)
	h := http.Header{}
	key, _ := SecretKey(vectorSecret)
	Sign(h, key, vectorID, at, []byte(vectorBody))
	if err := Verify(vectorSecret, h, []byte(vectorBody), at.Add(time.Minute)); err != nil {
		t.Fatalf("Verify of a signed message: %v", err)
	}
	if err := Verify(vectorSecret, h, []byte(`{"test": 2432232315}`), at); err == nil {
		t.Error("Verify accepted an altered body")
	}
	if err := Verify(vectorSecret, h, []byte(vectorBody), at.Add(10*time.Minute)); err == nil {
		t.Error("Verify accepted a message 10 minutes old")
	}
	other := NewSecret()
	if err := Verify(other, h, []byte(vectorBody), at); err == nil {
		t.Error("Verify accepted a message signed with another secret")
	}
	h.Set(HeaderSignature, "v1,bm90IGl0 "+vectorSig) // key rotation: several signatures
	if err := Verify(vectorSecret, h, []byte(vectorBody), at); err != nil {
		t.Errorf("Verify with two signatures, the second right: %v", err)
	}
}

func TestNewSecretRoundTrips(t *testing.T) {
	s := NewSecret()
	if !strings.HasPrefix(s, SecretPrefix) {
		t.Fatalf("NewSecret() = %q, want the whsec_ prefix", s)
	}
	key, err := SecretKey(s)
	if err != nil || len(key) != 32 {
		t.Fatalf("SecretKey(NewSecret()) = %d bytes, %v", len(key), err)
	}
	if NewSecret() == s {
		t.Error("two NewSecret calls gave the same secret")
	}
	for _, bad := range []string{"", "secret", "whsec_not base64!", "whsec_c2hvcnQ="} {
		if _, err := SecretKey(bad); err == nil || !strings.Contains(err.Error(), "LITMUS_WEBHOOK_SECRET") {
			t.Errorf("SecretKey(%q) error = %v, want one naming LITMUS_WEBHOOK_SECRET", bad, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	ok := []string{"https://hooks.zapier.com/hooks/catch/1/abc/", "http://127.0.0.1:5678/webhook/x", "http://localhost/x", "http://n8n:5678/webhook/litmus", "http://[::1]:9/x"}
	for _, u := range ok {
		if p := CheckURL(u); p != "" {
			t.Errorf("CheckURL(%q) = %q, want ok", u, p)
		}
	}
	bad := map[string]string{
		"http://hooks.example.com/x":                       "must use https://",
		"ftp://example.com/x":                              "must start with https://",
		"hooks.example.com/x":                              "is not an address",
		"https://user:pw@example.com/x":                    "user name or password",
		"https:///nohost":                                  "no host name",
		"https://example.com/" + strings.Repeat("a", 3000): "characters long",
	}
	for u, want := range bad {
		if p := CheckURL(u); !strings.Contains(p, want) {
			t.Errorf("CheckURL(%.40q) = %q, want it to contain %q", u, p, want)
		}
	}
}
