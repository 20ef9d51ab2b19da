package bench_test

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// The handler benchmarks call the Fiber app's request handler directly on an in-memory
// request: everything Litmus does for GET / (routing, middleware, metrics, bot check,
// visitor id, cookie, token, exposure, writing the prepared bytes) without the network, the
// HTTP parser or a client competing for the two cores. ns/op is wall time per page with both
// cores serving; for new visitors it is bounded by how fast the store's writer commits their
// exposures (the queue fills, as it does under real load). The reference row is the least a
// Fiber handler can do to send the same bytes.
//
//	go test -run '^$' -bench PageHandler -cpuprofile cpu.out ./bench

// clientAddr is the remote address the in-memory requests come from.
var clientAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}

// BenchmarkPageHandler serves GET / to new visitors, to a returning visitor, and from the
// reference handler.
func BenchmarkPageHandler(b *testing.B) {
	l := startLitmus(b)
	visitor, _ := l.visit(b)
	ref := do(b, l.client, get("/", ""))
	if ref.status != fasthttp.StatusOK {
		b.Fatalf("GET / = %d", ref.status)
	}
	litmusApp := l.app
	b.Run("new-visitor", func(b *testing.B) { benchHandler(b, litmusApp.Handler(), "") })
	b.Run("returning-visitor", func(b *testing.B) { benchHandler(b, litmusApp.Handler(), visitor) })
	b.Run("reference", func(b *testing.B) { benchHandler(b, referenceApp(ref).Handler(), "") })
}

func benchHandler(b *testing.B, h fasthttp.RequestHandler, cookie string) {
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var req fasthttp.Request
		req.SetRequestURI("/")
		req.Header.SetHost("127.0.0.1")
		req.Header.SetUserAgent(browserAgent)
		if cookie != "" {
			req.Header.SetCookie("litmus_vid", cookie)
		}
		var ctx fasthttp.RequestCtx
		for pb.Next() {
			ctx.Response.Reset() // as the server does between requests on a connection
			ctx.Init(&req, clientAddr, nil)
			h(&ctx)
			if ctx.Response.StatusCode() != fiber.StatusOK || len(ctx.Response.Body()) < 1000 {
				b.Errorf("GET / = %d with %d bytes", ctx.Response.StatusCode(), len(ctx.Response.Body()))
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
