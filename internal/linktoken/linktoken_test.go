package linktoken_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/linktoken"
)

func TestRoundTripPurposeAndExpiry(t *testing.T) {
	s := linktoken.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Unix(1_800_000_000, 0).UTC()
	tok := linktoken.Token{Purpose: linktoken.Confirm, Page: "chaser", Signup: 42, Issued: now}
	raw := s.Sign(tok)

	got, err := s.Check(raw, linktoken.Confirm, now.Add(time.Hour), 24*time.Hour)
	if err != nil || got != tok {
		t.Fatalf("Check = %+v, %v; want %+v", got, err, tok)
	}
	if _, err := s.Check(raw, linktoken.Thanks, now, 0); !errors.Is(err, linktoken.ErrInvalid) {
		t.Errorf("a confirm token used as a thanks token: err = %v, want ErrInvalid", err)
	}
	if got, err := s.Check(raw, linktoken.Confirm, now.Add(25*time.Hour), 24*time.Hour); !errors.Is(err, linktoken.ErrExpired) || got.Signup != 42 {
		t.Errorf("old token: %+v, %v; want signup 42 and ErrExpired", got, err)
	}
	other := linktoken.NewSigner([]byte("another secret, another server.."))
	if _, err := other.Check(raw, linktoken.Confirm, now, 0); !errors.Is(err, linktoken.ErrInvalid) {
		t.Errorf("token from another key: err = %v, want ErrInvalid", err)
	}
	// Every single-character change is refused.
	for i := range raw {
		for _, c := range "A_-.0z" {
			if byte(c) == raw[i] {
				continue
			}
			bad := raw[:i] + string(c) + raw[i+1:]
			if _, err := s.Check(bad, linktoken.Confirm, now, 0); err == nil {
				t.Fatalf("tampered token %q accepted", bad)
			}
		}
	}
	if strings.Contains(raw, "@") {
		t.Errorf("token %q", raw)
	}
}

// FuzzCheck: no input makes Check panic, and whatever it accepts is exactly the token Sign
// makes for what it returned (one accepted spelling per token).
func FuzzCheck(f *testing.F) {
	s := linktoken.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	now := time.Unix(1_800_000_000, 0).UTC()
	f.Add(s.Sign(linktoken.Token{Purpose: linktoken.Thanks, Page: "idea", Signup: 7, Issued: now}))
	f.Add(s.Sign(linktoken.Token{Purpose: linktoken.Confirm, Page: "idea", Signup: 0, Issued: now}))
	f.Add("bDF8dGhhbmtzfGlkZWF8N3wx.AAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		for _, p := range []linktoken.Purpose{linktoken.Thanks, linktoken.Confirm} {
			tok, err := s.Check(raw, p, now, 0)
			if err == nil && s.Sign(tok) != raw {
				t.Fatalf("accepted %q, which is not Sign(%+v)", raw, tok)
			}
		}
	})
}
