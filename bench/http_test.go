package bench_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// The HTTP benchmarks send real requests over keep-alive connections to the real app on a
// 127.0.0.1 listener, 64 at a time, as load.sh does with wrk. Client and server share the two
// cores, so compare each Litmus figure with the reference, measured the same way.
//
//	go test -run '^$' -bench 'GetPage|Signup$' ./bench

// BenchmarkGetPage serves GET / to new visitors (each gets a visitor id, a cookie and an
// exposure write), to a returning visitor (cookie sent), and, as the yardstick, from a bare
// Fiber app that sends the same bytes and headers with no work at all.
func BenchmarkGetPage(b *testing.B) {
	l := startLitmus(b)
	visitor, _ := l.visit(b)
	b.Run("new-visitor", func(b *testing.B) {
		benchGet(b, l.client, "", func(r response) error {
			if r.cookie == "" {
				return fmt.Errorf("a new visitor got no cookie")
			}
			return nil
		})
	})
	b.Run("returning-visitor", func(b *testing.B) {
		benchGet(b, l.client, visitor, func(r response) error {
			if r.cookie != "" {
				return fmt.Errorf("a returning visitor got a new cookie %q", r.cookie)
			}
			return nil
		})
	})
	b.Run("reference", func(b *testing.B) {
		ref := do(b, l.client, get("/", ""))
		if ref.status != fasthttp.StatusOK {
			b.Fatalf("GET / = %d", ref.status)
		}
		benchGet(b, newClient(serve(b, referenceApp(ref))), "", func(response) error { return nil })
	})
}

func benchGet(b *testing.B, c *fasthttp.HostClient, cookie string, check func(response) error) {
	b.SetParallelism(connections / max(1, runtimeProcs()))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := do(b, c, get("/", cookie))
			if r.status != fasthttp.StatusOK {
				b.Errorf("GET / = %d", r.status)
				return
			}
			if err := check(r); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// referenceApp answers GET / with the bytes and headers of r and nothing else: what
// bench/reference does, in process.
func referenceApp(r response) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
		c.Set(fiber.HeaderVary, "Cookie")
		if c.Cookies("litmus_vid") == "" {
			c.Set(fiber.HeaderSetCookie, r.cookie)
		}
		return c.Send(r.body)
	})
	return app
}

// BenchmarkSignup posts the example form through HTTP, 64 at a time, each with a new email:
// every op is a signup acknowledged (303) only after its transaction committed.
func BenchmarkSignup(b *testing.B) {
	l := startLitmus(b)
	visitor, _ := l.visit(b)
	token := l.formToken(visitor)
	var seq atomic.Int64
	b.SetParallelism(connections / max(1, runtimeProcs()))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			email := fmt.Sprintf("bench-%d@example.com", seq.Add(1))
			r := do(b, l.client, postSignup(token, visitor, email))
			if r.status != fasthttp.StatusSeeOther || !strings.HasSuffix(r.location, "/chaser/thanks") {
				b.Errorf("signup %s = %d to %q, want 303 to /chaser/thanks", email, r.status, r.location)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signups/s")
}
