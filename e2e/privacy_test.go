package e2e

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestNoIPAddressReachesTheDatabase runs real traffic from distinctive client addresses
// (Fly-Client-IP trusted, X-Forwarded-For spoofed, the loopback socket), with page views,
// a bot, a prefetch and signups, stops the server cleanly, and searches every byte of the
// database files for any of the addresses, in text and in binary form.
func TestNoIPAddressReachesTheDatabase(t *testing.T) {
	t.Parallel()
	s := StartServer(t, WithEnv("LITMUS_TRUST_PROXY", "1"))
	ctx := context.Background()
	addrs := []string{"203.0.113.77", "198.51.100.23", "2001:db8::4c17"}
	send := func(v *Visitor, method, path string, body url.Values, extra ...string) *http.Response {
		var req *http.Request
		if body != nil {
			req, _ = http.NewRequestWithContext(ctx, method, s.URL+path, strings.NewReader(body.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", s.URL)
		} else {
			req, _ = http.NewRequestWithContext(ctx, method, s.URL+path, nil)
		}
		req.Header.Set("User-Agent", v.UA)
		req.Header.Set("Fly-Client-IP", addrs[0])
		req.Header.Set("X-Forwarded-For", addrs[1]+", "+addrs[2])
		for i := 0; i+1 < len(extra); i += 2 {
			req.Header.Set(extra[i], extra[i+1])
		}
		resp, err := v.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	var tokens []string
	var visitors []*Visitor
	for i := 0; i < 3; i++ {
		v := s.NewVisitor()
		_, _, token, err := v.Open(ctx, "/?utm_source=privacy-test&utm_campaign=ip")
		if err != nil || token == "" {
			t.Fatalf("open: %v", err)
		}
		send(v, "GET", "/taxpot", nil)
		send(v, "GET", "/", nil, "Sec-Purpose", "prefetch")
		visitors, tokens = append(visitors, v), append(tokens, token)
	}
	bot := s.NewVisitor()
	bot.UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	send(bot, "GET", "/", nil)

	for i, v := range visitors {
		form := url.Values{"_token": {tokens[i]}, "email": {"private" + string(rune('a'+i)) + "@example.com"},
			"work": {"Writing"}, "consent": {"on"}, "first_name": {"Ada"}}
		if resp := send(v, "POST", "/chaser/signup", form); resp.StatusCode != 303 {
			t.Fatalf("signup %d = %d", i, resp.StatusCode)
		}
	}
	s.Stop(t, 10*time.Second)

	files, _ := filepath.Glob(s.DB + "*") // the database, and any -wal/-shm left
	if len(files) == 0 {
		t.Fatal("no database file")
	}
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if !bytes.Contains(all, []byte("privatea@example.com")) || !bytes.Contains(all, []byte("privacy-test")) {
		t.Fatal("the signups and their source are not in the file: this test would prove nothing")
	}
	// Text, and the 16-byte form a net.IP has in memory (4 bytes alone would match SQLite's
	// own structures by chance).
	needles := map[string][]byte{"127.0.0.1": []byte("127.0.0.1")}
	for _, a := range addrs {
		needles[a] = []byte(a)
		needles[a+" (binary)"] = net.ParseIP(a)
	}
	needles["127.0.0.1 (binary)"] = net.ParseIP("127.0.0.1")
	for name, needle := range needles {
		if bytes.Contains(all, needle) {
			t.Errorf("the database files contain the client address %s", name)
		}
	}
}
