package litefs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Peer is a replica's way to the primary: it looks up the primary's recorded address (a
// second at most stale, so it follows a failover) and posts to its internal endpoints.
type Peer struct {
	lookup func(context.Context) (string, error) // store.PrimaryAddress
	token  string
	client *http.Client

	mu   sync.Mutex
	addr Address
	at   time.Time
}

// NewPeer returns a Peer that reads the primary's address with lookup and authenticates
// with token (Token of the installation's secret).
func NewPeer(lookup func(context.Context) (string, error), token string) *Peer {
	return &Peer{lookup: lookup, token: token, client: &http.Client{Timeout: 5 * time.Second}}
}

// Address returns the primary's address, re-read from the database at most once a second.
func (p *Peer) Address(ctx context.Context) (Address, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.addr.Internal != "" && time.Since(p.at) < time.Second {
		return p.addr, nil
	}
	s, err := p.lookup(ctx)
	if err != nil {
		return p.addr, err
	}
	a, err := DecodeAddress(s)
	if err != nil {
		return p.addr, err
	}
	p.addr, p.at = a, time.Now()
	return a, nil
}

// post sends body to the primary's internal endpoint path and wants 204.
func (p *Peer) post(ctx context.Context, path string, body []byte) error {
	a, err := p.Address(ctx)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.Internal+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("the primary at %s answered %s: %s", a.Internal, resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
