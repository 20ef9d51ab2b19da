package litefs

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Address is how the other nodes reach the primary. The primary records it in the
// database at start; replicas read it from their copy, so it follows a failover.
type Address struct {
	Public   string `json:"public"`            // base URL of the public port: forwarded signups
	Internal string `json:"internal"`          // base URL of the internal (metrics) port
	Machine  string `json:"machine,omitempty"` // the Fly Machine ID, for fly-replay
}

// Encode returns the address as recorded in the database.
func (a Address) Encode() string {
	b, _ := json.Marshal(a)
	return string(b)
}

// DecodeAddress reads an address recorded by Encode.
func DecodeAddress(s string) (Address, error) {
	var a Address
	if s == "" {
		return a, fmt.Errorf("the primary has not recorded its address yet")
	}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		return a, fmt.Errorf("the primary's recorded address %q: %w", s, err)
	}
	return a, nil
}

// Token returns the bearer token of the internal endpoints, derived from the
// installation's secret (the form-token key), which every node has from the database.
// Nothing else needs to be configured, and a node of another installation cannot post.
func Token(secret []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("litmus litefs internal endpoints v1"))
	return hex.EncodeToString(h.Sum(nil))
}
