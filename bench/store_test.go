package bench_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/store"
)

// The store benchmarks time the two writes a visitor causes, through the store's public API
// on a real file (synchronous=FULL, the writer's group commit):
//
//	go test -run '^$' -bench 'Store' ./bench

// BenchmarkStoreInsertSignup is 64 visitors signing up at once, each waiting for its commit,
// as the signup handler does: ns/op is the wall time per acknowledged signup.
func BenchmarkStoreInsertSignup(b *testing.B) {
	s, phase := openStore(b)
	ctx := context.Background()
	var seq atomic.Int64
	b.SetParallelism(connections / max(1, runtimeProcs()))
	b.ReportAllocs()
	b.ResetTimer()
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
}

// BenchmarkStoreRecordExposure is new visitors' first views (ids from assign.NewVisitorID,
// and fully random ones for comparison) and a returning visitor's views, from the call to the
// commit of the last one. Run it with -benchtime 1000000x: the cost of a new visitor grows
// with the table.
func BenchmarkStoreRecordExposure(b *testing.B) {
	returning := assign.NewVisitorID()
	for _, tc := range []struct {
		name string
		id   func() string
	}{
		{"new-visitors", assign.NewVisitorID},
		{"new-visitors-random-ids", randomVisitorID},
		{"returning-visitor", func() string { return returning }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s, phase := openStore(b)
			src := store.Source{ReferrerHost: "news.ycombinator.com", UTMSource: "hn", UTMCampaign: "launch"}
			now := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				s.RecordExposure(store.Exposure{PhaseID: phase.ID, Page: "chaser", VisitorID: tc.id(),
					Variant: "no-awkward-emails", At: now, Source: src})
			}
			if err := s.Flush(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "exposures/s")
			if d := s.Dropped(); d != 0 {
				b.Fatalf("%d exposures dropped", d)
			}
		})
	}
}

// randomVisitorID is what assign.NewVisitorID made before it put the time first: 16 random
// bytes. Each new visitor then lands on a random page of the visitors table's primary key;
// the new-visitors-random-ids case shows what that cost the writer.
func randomVisitorID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// openStore opens a store on a new file with the chaser page's phase.
func openStore(b *testing.B) (*store.Store, store.Phase) {
	b.Helper()
	s, err := store.Open(filepath.Join(b.TempDir(), "litmus.db"), store.Options{})
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
