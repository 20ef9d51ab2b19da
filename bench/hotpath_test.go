package bench_test

import (
	"io"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/assign"
	"github.com/litmuslabs/litmus/internal/botdetect"
	"github.com/litmuslabs/litmus/internal/email"
	"github.com/litmuslabs/litmus/internal/formtoken"
	"github.com/litmuslabs/litmus/internal/signup"
	"github.com/litmuslabs/litmus/pages"
)

// The hot-path benchmarks time each piece of a page view and of a signup on its own, in the
// order a request runs them, so a slow handler can be traced to its part:
//
//	page view: Classify → ValidVisitorID or NewVisitorID → Bucket → Sign → WriteWithToken
//	signup:    Check → signup.Read (email.Normalize inside) → store.InsertSignup
//
//	go test -run '^$' -bench 'HotPath' -benchmem ./bench

func BenchmarkHotPathClassify(b *testing.B) {
	for _, tc := range []struct{ name, agent string }{
		{"chrome", browserAgent},
		{"googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
		{"curl", "curl/8.5.0"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				botdetect.Classify(tc.agent)
			}
		})
	}
}

func BenchmarkHotPathVisitorID(b *testing.B) {
	id := assign.NewVisitorID()
	b.Run("valid-cookie", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !assign.ValidVisitorID(id) {
				b.Fatal("a fresh id is not valid")
			}
		}
	})
	b.Run("new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			assign.NewVisitorID()
		}
	})
}

func BenchmarkHotPathBucket(b *testing.B) {
	id := assign.NewVisitorID()
	weights := []int{1, 1}
	b.ReportAllocs()
	for b.Loop() {
		assign.Bucket("chaser", id, weights)
	}
}

func BenchmarkHotPathToken(b *testing.B) {
	signer := formtoken.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	t := formtoken.Token{Page: "chaser", Phase: 1, Variant: "no-awkward-emails",
		Visitor: assign.NewVisitorID(), Rendered: time.Now().Add(-time.Minute)}
	raw := signer.Sign(t)
	b.Run("sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			signer.Sign(t)
		}
	})
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		now := time.Now()
		for b.Loop() {
			if _, err := signer.Check(raw, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkHotPathWritePage is the prepared page with its token spliced in, written to a
// buffer reused between requests as fasthttp reuses the response body.
func BenchmarkHotPathWritePage(b *testing.B) {
	page, prepared := examplePage(b)
	r := prepared.Variants[page.Control().ID]
	token := formtoken.NewSigner(make([]byte, 32)).Sign(formtoken.Token{Page: page.Slug, Phase: 1,
		Variant: page.Control().ID, Visitor: assign.NewVisitorID(), Rendered: time.Now()})
	var buf reusedBuffer
	b.ReportAllocs()
	b.SetBytes(int64(len(r.Head) + len(token) + len(r.Tail)))
	for b.Loop() {
		buf.Reset()
		if err := r.WriteWithToken(&buf, token); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHotPathNormalizeEmail(b *testing.B) {
	for _, tc := range []struct{ name, raw string }{
		{"ascii", "  Jane.Doe+launch@Example.COM "},
		{"idn", "josé@Bücher.de"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := email.Normalize(tc.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHotPathReadForm validates the example page's form as a signup submits it.
func BenchmarkHotPathReadForm(b *testing.B) {
	page, _ := examplePage(b)
	form := map[string]string{"email": "jane@example.com", "work": "Development", "consent": "on"}
	get := func(k string) string { return form[k] }
	b.ReportAllocs()
	for b.Loop() {
		if _, _, errs := signup.Read(page, get); errs != nil {
			b.Fatal(errs)
		}
	}
}

// BenchmarkHotPathPrepare is what loading one page costs at start or on reload: every variant,
// preview and thanks page rendered once.
func BenchmarkHotPathPrepare(b *testing.B) {
	page, _ := examplePage(b)
	theme := pages.DefaultTheme()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := theme.Prepare(page, pages.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// examplePage is the default example page (chaser) and its prepared bytes.
func examplePage(tb testing.TB) (*pages.Page, *pages.Prepared) {
	tb.Helper()
	ps, err := pages.LoadExamples()
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range ps {
		if p.Default {
			prepared, err := pages.DefaultTheme().Prepare(p, pages.Options{})
			if err != nil {
				tb.Fatal(err)
			}
			return p, prepared
		}
	}
	tb.Fatal("the example pages have no default page")
	return nil, nil
}

// reusedBuffer is a growable byte slice that keeps its memory across Reset, like fasthttp's
// response body.
type reusedBuffer struct{ b []byte }

func (r *reusedBuffer) Reset() { r.b = r.b[:0] }

func (r *reusedBuffer) Write(p []byte) (int, error) {
	r.b = append(r.b, p...)
	return len(p), nil
}

var _ io.Writer = (*reusedBuffer)(nil)
