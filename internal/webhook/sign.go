// Package webhook holds what Litmus's outgoing webhooks are made of, with no I/O: the event
// names, the rule for a receiver's URL, and Standard Webhooks signing (standardwebhooks.com).
// The delivery worker (internal/delivery) sends them; pages and config validate with it.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts every secret, as the Standard Webhooks specification writes them.
const SecretPrefix = "whsec_"

// The Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// NewSecret returns a fresh secret: whsec_ and 32 random bytes in standard base64.
func NewSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("webhook: crypto/rand failed: " + err.Error()) // never happens on a supported OS
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// SecretKey decodes a whsec_ secret into the HMAC key. The message says what to write.
func SecretKey(secret string) ([]byte, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(secret), SecretPrefix)
	if !ok {
		return nil, errors.New("LITMUS_WEBHOOK_SECRET must start with whsec_ followed by base64 (unset it and Litmus makes one)")
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, errors.New("LITMUS_WEBHOOK_SECRET: the part after whsec_ is not base64 (unset it and Litmus makes one)")
	}
	if len(key) < 24 || len(key) > 64 {
		return nil, fmt.Errorf("LITMUS_WEBHOOK_SECRET: the key is %d bytes; use 24 to 64 (unset it and Litmus makes one)", len(key))
	}
	return key, nil
}

// Signature returns the webhook-signature value for one message: "v1," and the base64
// HMAC-SHA256, under key, of "id.timestamp.body".
func Signature(key []byte, id string, ts time.Time, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(ts.Unix(), 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign sets the three Standard Webhooks headers on h.
func Sign(h http.Header, key []byte, id string, ts time.Time, body []byte) {
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, Signature(key, id, ts, body))
}

// Tolerance is how far a message's timestamp may be from the receiver's clock, as the
// specification's reference libraries use: it stops replays of old captured messages.
const Tolerance = 5 * time.Minute

// Verify checks a received message the way docs/webhooks.md tells receivers to: the
// timestamp within Tolerance of now, and one of the space-separated v1 signatures equal (in
// constant time) to the expected one. It is here for tests and Go receivers.
func Verify(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := SecretKey(secret)
	if err != nil {
		return err
	}
	id, tsText, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || tsText == "" || sigs == "" {
		return errors.New("webhook: missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(tsText, 10, 64)
	if err != nil {
		return errors.New("webhook: webhook-timestamp is not a number")
	}
	ts := time.Unix(sec, 0)
	if d := now.Sub(ts); d > Tolerance || d < -Tolerance {
		return errors.New("webhook: webhook-timestamp is too far from now")
	}
	want := Signature(key, id, ts, body)
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("webhook: no signature matches")
}
