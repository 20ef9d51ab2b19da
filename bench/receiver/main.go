// Command receiver is the webhook receiver bench/webhooks.sh sends to: it answers 204 to
// every POST whose Standard Webhooks signature verifies (401 otherwise), and GET /count
// says how many it accepted and how many distinct webhook-ids that was.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/litmuslabs/litmus/internal/webhook"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18090", "listen address")
	secret := flag.String("secret", "", "the whsec_ secret Litmus signs with")
	flag.Parse()
	var (
		mu       sync.Mutex
		accepted int
		ids      = map[string]bool{}
		bad      int
	)
	http.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err := webhook.Verify(*secret, r.Header, body, time.Now()); err != nil {
			mu.Lock()
			bad++
			mu.Unlock()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		accepted++
		ids[r.Header.Get(webhook.HeaderID)] = true
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	http.HandleFunc("GET /count", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "%d %d %d\n", accepted, len(ids), bad)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
