package formtoken

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	key  = []byte("0123456789abcdef0123456789abcdef")
	when = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	tok  = Token{Page: "launch", Phase: 7, Variant: "bold", Visitor: "q3Kx9_vY-2mZ8aB1cD4eFg", Rendered: when}
)

func TestRoundTrip(t *testing.T) {
	s := NewSigner(key)
	raw := s.Sign(tok)
	if strings.Trim(raw, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
		t.Fatalf("token %q has characters outside base64url and '.'", raw)
	}
	got, err := s.Check(raw, when.Add(10*time.Second))
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got != tok {
		t.Fatalf("Check = %+v, want %+v", got, tok)
	}
}

func TestTimeTrap(t *testing.T) {
	s := NewSigner(key)
	raw := s.Sign(tok)
	cases := []struct {
		name string
		at   time.Time
		want error
	}{
		{"at once", when, ErrTooFast},
		{"one second", when.Add(time.Second), ErrTooFast},
		{"two seconds", when.Add(MinAge), nil},
		{"one day", when.Add(MaxAge), nil},
		{"a day and a second", when.Add(MaxAge + time.Second), ErrExpired},
		{"clock skew backwards", when.Add(-time.Hour), ErrTooFast},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Check(raw, c.at)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if c.want != nil && got.Page != "launch" {
				t.Errorf("a well-signed but mistimed token should still say its page, got %+v", got)
			}
		})
	}
}

// TestSetMinAge: whole-server tests turn the minimum off; a token from the future is still
// refused, and the maximum still holds.
func TestSetMinAge(t *testing.T) {
	s := NewSigner(key).SetMinAge(0)
	raw := s.Sign(tok)
	if _, err := s.Check(raw, when); err != nil {
		t.Errorf("at once with no minimum: %v", err)
	}
	if _, err := s.Check(raw, when.Add(-time.Second)); !errors.Is(err, ErrTooFast) {
		t.Errorf("a second before it was shown: %v, want ErrTooFast", err)
	}
	if _, err := s.Check(raw, when.Add(MaxAge+time.Second)); !errors.Is(err, ErrExpired) {
		t.Errorf("after a day: %v, want ErrExpired", err)
	}
	if _, err := NewSigner(key).Check(raw, when.Add(time.Second)); !errors.Is(err, ErrTooFast) {
		t.Errorf("another signer keeps the 2 s minimum: %v", err)
	}
}

func TestRejectsTampering(t *testing.T) {
	s := NewSigner(key)
	raw := s.Sign(tok)
	later := when.Add(time.Minute)
	payload, mac, _ := strings.Cut(raw, ".")
	forged := NewSigner([]byte("another key entirely............")).Sign(Token{Page: "launch", Phase: 7, Variant: "control", Visitor: tok.Visitor, Rendered: when})
	for name, bad := range map[string]string{
		"empty":            "",
		"no dot":           payload,
		"mac cut":          payload + "." + mac[:10],
		"payload flipped":  strings.Replace(payload, payload[3:4], string(payload[3]^1), 1) + "." + mac,
		"other key":        forged,
		"swapped variant":  swapVariant(raw),
		"garbage":          "<script>.alert(1)",
		"huge":             strings.Repeat("A", 4096) + "." + mac,
		"version 2":        s.signRaw("v2|launch|7|bold|x|1"),
		"phase not number": s.signRaw("v1|launch|x|bold|x|1"),
		"too many fields":  s.signRaw("v1|launch|7|bold|x|1|extra"),
	} {
		if _, err := s.Check(bad, later); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

// swapVariant re-encodes the payload with another variant but keeps the old MAC: the attack
// of a visitor choosing the variant their signup is credited to.
func swapVariant(raw string) string {
	p, mac, _ := strings.Cut(raw, ".")
	b, _ := b64.DecodeString(p)
	return b64.EncodeToString([]byte(strings.Replace(string(b), "|bold|", "|control|", 1))) + "." + mac
}

func (s *Signer) signRaw(payload string) string {
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(s.mac([]byte(payload), nil))
}

func FuzzCheck(f *testing.F) {
	s := NewSigner(key)
	f.Add(s.Sign(tok))
	f.Add("")
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := s.Check(raw, when.Add(time.Minute))
		if err == nil && s.Sign(got) != raw {
			t.Fatalf("accepted %q but it does not re-sign to itself", raw)
		}
	})
}

var b64 = base64.RawURLEncoding

// TestConcurrentSigning: the pooled MAC states are never shared between goroutines.
func TestConcurrentSigning(t *testing.T) {
	s := NewSigner(key)
	want := s.Sign(tok)
	done := make(chan string, 64)
	for i := 0; i < 64; i++ {
		go func() {
			for j := 0; j < 100; j++ {
				if got := s.Sign(tok); got != want {
					done <- got
					return
				}
			}
			done <- want
		}()
	}
	for i := 0; i < 64; i++ {
		if got := <-done; got != want {
			t.Fatalf("concurrent Sign gave %q, want %q", got, want)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	s := NewSigner(key)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s.Sign(tok)
	}
}
