package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFirstStartMakesEditablePagesBesideTheDatabase is the new user's path: no
// LITMUS_PAGES, so serve creates data/pages from the examples, and a save through the API
// is on disk and served at once, and still there after a restart.
func TestFirstStartMakesEditablePagesBesideTheDatabase(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	env := map[string]string{
		"LITMUS_DB": filepath.Join(data, "litmus.db"), "LITMUS_ADMIN_PASSWORD": "a long test password",
		"LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0",
	}
	srv := startServe(t, env)
	origin := srv.pub
	dir := filepath.Join(data, "pages")
	if !strings.Contains(srv.out.String(), "Created "+dir+" with the example pages") {
		t.Errorf("no word about the created folder:\n%s", srv.out.String())
	}
	text, err := os.ReadFile(filepath.Join(dir, "chaser.toml"))
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string, headers ...string) (*http.Response, string) {
		req, _ := http.NewRequest(method, origin+path, strings.NewReader(body))
		req.SetBasicAuth("admin", "a long test password")
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	resp, src := do("GET", "/api/v1/pages/chaser/source", "")
	if resp.StatusCode != 200 || src != string(text) {
		t.Fatalf("GET source = %d", resp.StatusCode)
	}
	edited := strings.Replace(src, "Get paid on time, every time", "Paid on time, always", 1)
	if resp, body := do("PUT", "/api/v1/pages/chaser/source", edited, "If-Match", resp.Header.Get("ETag")); resp.StatusCode != 200 {
		t.Fatalf("PUT = %d %s", resp.StatusCode, body)
	}
	if _, page := do("GET", "/chaser?variant=paid-on-time", ""); !strings.Contains(page, "Paid on time, always") {
		t.Error("the saved headline is not served")
	}
	if _, versions := do("GET", "/api/v1/pages/chaser/versions", ""); strings.Count(versions, `"id"`) != 2 || !strings.Contains(versions, "admin (API)") {
		t.Errorf("versions after one save: %s", versions)
	}

	// A restart keeps the edited folder as it is.
	if err := srv.stop(t); err != nil {
		t.Fatalf("serve: %v", err)
	}
	t.Run("restart", func(t *testing.T) {
		srv := startServe(t, env)
		origin := srv.pub
		if strings.Contains(srv.out.String(), "Created ") {
			t.Error("the folder was seeded again")
		}
		req, _ := http.NewRequest("GET", origin+"/chaser?variant=paid-on-time", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), "Paid on time, always") {
			t.Error("the edit did not survive the restart")
		}
	})
}

func TestMissingPagesFolderSaysWhatToDo(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	var out, errOut bytes.Buffer
	err := run(context.Background(), nil, envFunc(map[string]string{
		"LITMUS_DB": filepath.Join(t.TempDir(), "litmus.db"), "LITMUS_PAGES": missing,
		"LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0",
	}), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "does not exist") || !strings.Contains(err.Error(), "mkdir -p "+missing) || !strings.Contains(err.Error(), "unset LITMUS_PAGES") {
		t.Errorf("serve with a missing LITMUS_PAGES: %v", err)
	}
}

func TestCheckOneFile(t *testing.T) {
	dir := t.TempDir()
	good, _ := os.ReadFile(filepath.Join("..", "..", "pages", "examples", "taxpot.toml"))
	file := filepath.Join(dir, "taxpot.toml")
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"check", file}, envFunc(nil), &out, &errOut); err != nil || !strings.Contains(out.String(), "ok  /taxpot") {
		t.Errorf("check FILE = %v:\n%s", err, out.String())
	}
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("slug = \"x\"\ntitle = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := run(context.Background(), []string{"check", bad}, envFunc(nil), &out, &errOut)
	if err == nil || !strings.Contains(out.String(), bad+":2: title must be text") {
		t.Errorf("check of a bad file = %v:\n%s", err, out.String())
	}
}

// TestCommandsUseThePagesBesideTheDatabase: with LITMUS_PAGES unset, check (and results,
// export) read the folder serve created beside the database, so a page made in the editor
// is known to them too.
func TestCommandsUseThePagesBesideTheDatabase(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	dir := filepath.Join(data, "pages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", "pages", "examples", "taxpot.toml"))
	if err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(string(src), `slug = "taxpot"`, `slug = "made-in-the-editor"`, 1)
	if err := os.WriteFile(filepath.Join(dir, "made-in-the-editor.toml"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	env := envFunc(map[string]string{"LITMUS_DB": filepath.Join(data, "litmus.db")})
	if err := run(context.Background(), []string{"check"}, env, &out, &errOut); err != nil || !strings.Contains(out.String(), "ok  /made-in-the-editor") {
		t.Errorf("check with the folder beside the database = %v:\n%s", err, out.String())
	}
}

// TestSaveRefusesDoubleOptInWithoutMail: a save that turns on double_opt_in on a server with
// no mail server is refused like a mistake in the file (422, on that file), as serve refuses
// such a page at start and on a reload; the file and the page stay as they were.
func TestSaveRefusesDoubleOptInWithoutMail(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	srv := startServe(t, map[string]string{
		"LITMUS_DB": filepath.Join(data, "litmus.db"), "LITMUS_ADMIN_PASSWORD": "a long test password",
		"LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0",
	})
	file := filepath.Join(data, "pages", "chaser.toml")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(before), "\ndefault = true\n", "\ndefault = true\ndouble_opt_in = true\n", 1)
	req, _ := http.NewRequest("PUT", srv.pub+"/api/v1/pages/chaser/source", strings.NewReader(edited))
	req.SetBasicAuth("admin", "a long test password")
	req.Header.Set("If-Match", "*")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(body), "LITMUS_SMTP_URL") || !strings.Contains(string(body), `"file":"chaser.toml"`) {
		t.Errorf("PUT with double_opt_in and no mail server = %d %s, want 422 naming LITMUS_SMTP_URL", resp.StatusCode, body)
	}
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Error("the file changed")
	}
}
