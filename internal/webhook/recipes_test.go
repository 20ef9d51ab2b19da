package webhook

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDocumentedRecipesVerify runs the Go, Python and JavaScript recipes of docs/webhooks.md
// (the code blocks themselves, read from the file) on the specification's test vector, an
// altered body, and a message Litmus signed just now. A recipe that drifts from what Litmus
// sends fails here. Python and Node are skipped when missing, except in CI.
func TestDocumentedRecipesVerify(t *testing.T) {
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	secret := NewSecret()
	key, _ := SecretKey(secret)
	body := `{"type":"signup.created","data":{"email":"ada@example.com"}}`
	h := http.Header{}
	Sign(h, key, "msg_recipe", time.Now(), []byte(body))
	type check struct {
		Secret  string            `json:"secret"`
		Headers map[string]string `json:"headers"`
		Body    string            `json:"body"`
		Now     int64             `json:"now"`
	}
	vector := map[string]string{"webhook-id": vectorID, "webhook-timestamp": "1614265330", "webhook-signature": vectorSig}
	checks := []check{
		{vectorSecret, vector, vectorBody, vectorTS},
		{vectorSecret, vector, `{"test": 2432232315}`, vectorTS},
		{secret, map[string]string{"webhook-id": h.Get(HeaderID), "webhook-timestamp": h.Get(HeaderTimestamp), "webhook-signature": h.Get(HeaderSignature)}, body, time.Now().Unix()},
		{secret, map[string]string{"webhook-id": h.Get(HeaderID), "webhook-timestamp": h.Get(HeaderTimestamp), "webhook-signature": h.Get(HeaderSignature)}, body, time.Now().Unix() + 3600},
	}
	want := "true false true false"
	input, _ := json.Marshal(checks)

	block := func(lang string) string {
		m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindSubmatch(doc)
		if m == nil {
			t.Fatalf("docs/webhooks.md has no %s recipe", lang)
		}
		return string(m[1])
	}
	run := func(t *testing.T, tool string, args []string, dir string) {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to check the documented recipe", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
		cmd := exec.Command(tool, args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(string(input))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tool, err, out)
		}
		if got := strings.Join(strings.Fields(strings.ToLower(string(out))), " "); got != want {
			t.Errorf("the recipe says %q, want %q", got, want)
		}
	}

	t.Run("python", func(t *testing.T) {
		dir := t.TempDir()
		src := block("python") + `
import json, sys
for c in json.load(sys.stdin):
    print(verify(c["secret"], c["headers"], c["body"].encode(), now=c["now"]))
`
		os.WriteFile(filepath.Join(dir, "v.py"), []byte(src), 0o644)
		run(t, "python3", []string{"v.py"}, dir)
	})
	t.Run("js", func(t *testing.T) {
		dir := t.TempDir()
		src := block("js") + `
const checks = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
for (const c of checks) console.log(verify(c.secret, c.headers, c.body, c.now));
`
		os.WriteFile(filepath.Join(dir, "v.js"), []byte(src), 0o644)
		run(t, "node", []string{"v.js"}, dir)
	})
	t.Run("go", func(t *testing.T) {
		dir := t.TempDir()
		// The Go recipe reads the clock, and the test vector is from 2021: the harness runs
		// verifyAt, the same recipe with time.Now().Unix() replaced by each check's clock.
		recipe := block("go")
		at := strings.Replace(recipe, "func verify(secret string, h http.Header, body []byte) bool {",
			"func verifyAt(now int64, secret string, h http.Header, body []byte) bool {", 1)
		at = strings.Replace(at, "time.Now().Unix()", "now", 1)
		src := "package main\n\nimport (\n\t\"crypto/hmac\"\n\t\"crypto/sha256\"\n\t\"encoding/base64\"\n\t\"encoding/json\"\n\t\"fmt\"\n\t\"math\"\n\t\"net/http\"\n\t\"os\"\n\t\"strconv\"\n\t\"strings\"\n\t\"time\"\n)\n\n" +
			recipe + "\n" + at + `
var _ = time.Now

func main() {
	var checks []struct {
		Secret  string
		Headers map[string]string
		Body    string
		Now     int64
	}
	json.NewDecoder(os.Stdin).Decode(&checks)
	for _, c := range checks {
		h := http.Header{}
		for k, v := range c.Headers {
			h.Set(k, v)
		}
		fmt.Println(verifyAt(c.Now, c.Secret, h, []byte(c.Body)))
	}
	_ = verify
}
`
		os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module recipe\n\ngo 1.22\n"), 0o644)
		run(t, "go", []string{"run", "."}, dir)
	})
}
