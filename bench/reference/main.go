// Command reference is the yardstick for Litmus's GET / throughput: the least a Fiber v2
// server can do to send the same response. At start it fetches one page from a running
// Litmus (as a new visitor with a browser's User-Agent), keeps the body and the headers, and
// from then on answers every GET / with those bytes: no routing beyond one route, no
// middleware, no cookie parsing, no token signing, no database. Whatever Litmus spends on
// top of this is the cost of its features.
//
// The Set-Cookie header is sent only to a request without a litmus_vid cookie, as Litmus
// does, so new and returning visitors get the same bytes from both servers.
//
//	go run ./bench/reference -from http://127.0.0.1:8080/ -addr 127.0.0.1:8081
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// browserAgent makes Litmus serve the page a person gets (with a visitor cookie and a real
// visitor id in the token), not the one it serves to bots.
const browserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"

// maxPage bounds what is read from Litmus: a landing page is a few KiB.
const maxPage = 1 << 20

// skipped are headers the server writes itself (or that describe the transfer, not the page).
var skipped = map[string]bool{"Date": true, "Content-Length": true, "Server": true, "Connection": true, "Set-Cookie": true}

func main() {
	from := flag.String("from", "http://127.0.0.1:8080/", "URL of the Litmus page to copy")
	addr := flag.String("addr", "127.0.0.1:8081", "address to serve the copy on")
	flag.Parse()
	if err := run(*from, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "reference:", err)
		os.Exit(1)
	}
}

// snapshot is one response of Litmus, ready to send again.
type snapshot struct {
	header    [][2]string
	setCookie string
	body      []byte
}

func run(from, addr string) error {
	snap, err := fetch(from)
	if err != nil {
		return err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		for _, kv := range snap.header {
			c.Set(kv[0], kv[1])
		}
		if snap.setCookie != "" && c.Cookies("litmus_vid") == "" {
			c.Set(fiber.HeaderSetCookie, snap.setCookie)
		}
		return c.Send(snap.body)
	})
	fmt.Printf("reference: serving %d bytes and %d headers copied from %s on http://%s/\n", len(snap.body), len(snap.header), from, addr)
	return app.Listen(addr)
}

// fetch reads one page from Litmus as a new visitor.
func fetch(url string) (*snapshot, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", browserAgent)
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the page to copy (is Litmus running?): %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: status %s, want 200", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPage+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", url, err)
	}
	if len(body) > maxPage {
		return nil, fmt.Errorf("the page at %s is over %d bytes; this is not a landing page", url, maxPage)
	}
	if !bytes.Contains(body, []byte(`name="_token"`)) {
		return nil, errors.New("the page has no form token: is it a Litmus page?")
	}
	snap := &snapshot{body: body, setCookie: resp.Header.Get("Set-Cookie")}
	for name, values := range resp.Header {
		if skipped[name] {
			continue
		}
		snap.header = append(snap.header, [2]string{name, strings.Join(values, ", ")})
	}
	return snap, nil
}
