package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// rssBudget is what 5,000 held connections plus traffic may cost: a quarter of the
// smallest Fly VM in fly.toml (512 MB), so the database cache and the Go heap keep room.
const rssBudget = 128 << 20

// Issue 14 #6: 5,500 held connections plus load took RSS from 35 MB to about 299 MB
// (fasthttp kept a read and a write buffer and a grown goroutine stack per connection) and
// nothing capped the number of connections. Now idle connections give their buffers back,
// and the cap (handlers.MaxConnections) bounds the rest.
func TestHeldConnectionsPlusLoadStayUnderBudget(t *testing.T) {
	s := StartServer(t, WithEnv("LITMUS_SIGNUP_LIMIT", "0"), WithEnv("LITMUS_SIGNUP_GLOBAL_LIMIT", "0"))
	before := rss(t, s)
	addr := s.URL[len("http://"):]

	const held = 5000
	conns := make([]net.Conn, 0, held)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range held { // bounded: one dial each
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		// Half are idle keep-alive connections after one request; half never send one
		// (they are dropped after ReadTimeout, 10 s, so the measurement happens before).
		if i%2 == 0 {
			fmt.Fprintf(c, "GET /chaser HTTP/1.1\r\nHost: litmus.test\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n\r\n")
		}
	}
	// Read the answers so the keep-alive half is really idle, waiting for the next request.
	for i := 0; i < held; i += 2 {
		conns[i].SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(conns[i]), nil)
		if err != nil {
			t.Fatalf("held connection %d: %v", i, err)
		}
		resp.Body.Close()
	}

	// Load on top: 16 visitors viewing pages and signing up for a few seconds.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	served, peak := 0, int64(0)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := s.NewVisitor()
			for i := 0; i < 10000 && ctx.Err() == nil; i++ { // bounded
				status, _, _, err := v.Open(ctx, "/chaser")
				if err == nil && status == 200 {
					mu.Lock()
					served++
					mu.Unlock()
				}
				_ = w
			}
		}()
	}
	for ctx.Err() == nil {
		if r := rss(t, s); r > peak {
			peak = r
		}
		time.Sleep(200 * time.Millisecond)
	}
	wg.Wait()
	if r := rss(t, s); r > peak {
		peak = r
	}
	t.Logf("RSS %.1f MB before, peak %.1f MB with %d held connections and %d page views under load",
		float64(before)/(1<<20), float64(peak)/(1<<20), held, served)
	if peak > rssBudget {
		t.Errorf("peak RSS %.1f MB with %d held connections plus load, want under %d MB", float64(peak)/(1<<20), held, rssBudget>>20)
	}
	if served == 0 {
		t.Error("no page was served under load while the connections were held")
	}
	healthy(t, s)
}
