package bench_test

import (
	"net"
	"os"
	"testing"
	"time"
)

// TestServeForProfiling serves the benchmark's Litmus (the real app, store and example
// pages) on LITMUS_BENCH_SERVE for LITMUS_BENCH_SERVE_FOR (default 30s), so that wrk can load
// it while go test records a CPU profile of the server alone:
//
//	LITMUS_BENCH_SERVE=127.0.0.1:18090 go test -run TestServeForProfiling -cpuprofile cpu.out ./bench &
//	wrk -t2 -c64 -d20s -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) ...' http://127.0.0.1:18090/
//	go tool pprof -top bench.test cpu.out
//
// Without LITMUS_BENCH_SERVE it is skipped, so the normal test run stays fast.
func TestServeForProfiling(t *testing.T) {
	addr := os.Getenv("LITMUS_BENCH_SERVE")
	if addr == "" {
		t.Skip("set LITMUS_BENCH_SERVE=127.0.0.1:PORT to serve Litmus for a profile")
	}
	wait := 30 * time.Second
	if s := os.Getenv("LITMUS_BENCH_SERVE_FOR"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 || d > time.Hour {
			t.Fatalf("LITMUS_BENCH_SERVE_FOR=%q: give a duration such as 30s, at most 1h", s)
		}
		wait = d
	}
	l := startLitmus(t)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go l.app.Listener(ln) //nolint:errcheck // startLitmus's cleanup shuts the app down
	t.Logf("serving Litmus on http://%s/ for %s", addr, wait)
	time.Sleep(wait)
}
