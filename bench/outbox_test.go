package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/delivery"
	"github.com/litmuslabs/litmus/internal/store"
	"github.com/litmuslabs/litmus/internal/webhook"
)

// The outbox benchmarks (issue 15) answer two questions:
//
//	go test -run '^$' -bench 'Outbox' -benchtime 20000x ./bench
//
// BenchmarkOutboxSignup: how much slower is an acknowledged signup when its webhook is
// written in the same transaction (64 concurrent signups, as BenchmarkStoreInsertSignup)?
// BenchmarkOutboxDrain: how many messages a second does the worker deliver to a receiver on
// this machine (a real listener answering 204), from the first try to the recorded commit?

func BenchmarkOutboxSignup(b *testing.B) {
	receiver := "https://hooks.example.com/litmus"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		route   store.Route
		deliver bool // run the delivery worker meanwhile, to a receiver in this process
	}{
		{"webhooks-off", nil, false},
		{"webhooks-on", func(page, event string) []string { return []string{receiver} }, false},
		{"webhooks-on-delivering", func(page, event string) []string { return []string{srv.URL} }, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var w *delivery.Worker
			s, phase := openStoreWith(b, store.Options{Route: tc.route, Hooks: store.Hooks{
				Outboxed: func() {
					if w != nil {
						w.Wake()
					}
				},
				SignupStored: func(string, string) {
					if w != nil {
						w.SignupArrived()
					}
				},
			}})
			if tc.deliver {
				key, _ := webhook.SecretKey(webhook.NewSecret())
				w = delivery.New(delivery.Config{Store: s, Key: key})
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { w.Run(ctx); close(done) }()
				b.Cleanup(func() { cancel(); <-done })
			}
			ctx := context.Background()
			var seq atomic.Int64
			b.SetParallelism(connections / max(1, runtimeProcs()))
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := processCPU()
			b.RunParallel(func(pb *testing.PB) {
				visitor := assign.NewVisitorID()
				for pb.Next() {
					n := seq.Add(1)
					if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: phase.ID, Page: "chaser",
						Email: fmt.Sprintf("bench-%d@example.com", n), VisitorID: visitor, Variant: "no-awkward-emails",
						Fields: map[string]string{"work": "Development", "consent": "on"}}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signups/s")
			// CPU per signup is the steadier figure on a shared machine: it does not
			// depend on how much of the CPU other jobs took.
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/signup")
		})
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkOutboxDrain(b *testing.B) {
	for _, pagesN := range []int{1, 8} {
		b.Run(fmt.Sprintf("pages-%d", pagesN), func(b *testing.B) {
			var got atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			s, _ := openStoreWith(b, store.Options{Route: func(page, event string) []string { return []string{srv.URL} }})
			ctx := context.Background()
			phases := make([]store.Phase, pagesN)
			for i := range phases {
				p, err := s.EnsurePhase(ctx, fmt.Sprintf("page-%d", i), "bench", []byte(`{}`))
				if err != nil {
					b.Fatal(err)
				}
				phases[i] = p
			}
			for i := range b.N {
				p := phases[i%pagesN]
				if _, err := s.InsertSignup(ctx, store.Signup{PhaseID: p.ID, Page: p.Page,
					Email: fmt.Sprintf("drain-%d@example.com", i), Variant: "a"}); err != nil {
					b.Fatal(err)
				}
			}
			key, _ := webhook.SecretKey(webhook.NewSecret())
			w := delivery.New(delivery.Config{Store: s, Key: key})
			b.ResetTimer()
			start := time.Now()
			for {
				n, err := w.Round(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			elapsed := time.Since(start)
			b.StopTimer()
			if backlog, _ := s.OutboxBacklog(ctx); backlog != 0 || got.Load() != int64(b.N) {
				b.Fatalf("backlog %d, receiver got %d of %d", backlog, got.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "messages/s")
		})
	}
}

// openStoreWith is openStore with options.
func openStoreWith(b *testing.B, opts store.Options) (*store.Store, store.Phase) {
	b.Helper()
	s, err := store.Open(filepath.Join(b.TempDir(), "litmus.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p, err := s.EnsurePhase(context.Background(), "chaser", "bench", []byte(`{}`))
	if err != nil {
		b.Fatal(err)
	}
	return s, p
}
