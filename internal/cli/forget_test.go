package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/litmuslabs/litmus/internal/results"
)

func TestForgetErasesThePersonEverywhere(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "litmus.db")
	s := seedDB(t, db, 40, map[string]int{"no-awkward-emails": 4, "paid-on-time": 4})
	target := s.emails[1]
	out, _, err := runCmd(t, db, "forget", "  "+strings.ToUpper(target[:1])+target[1:]+" ")
	if err != nil || !strings.Contains(out, "Erased 1 signup of") {
		t.Fatalf("forget: %v %q", err, out)
	}
	csvOut, _, _ := runCmd(t, db, "export", "--page", "chaser")
	if strings.Contains(csvOut, target) || strings.Count(csvOut, "\n") != len(s.emails) {
		t.Errorf("after forget the export still has %s or lost others:\n%s", target, csvOut)
	}
	out, _, err = runCmd(t, db, "forget", target)
	if err != nil || !strings.Contains(out, "No signups of "+target+" found; nothing was erased.") {
		t.Errorf("forgetting twice: %v %q", err, out)
	}
	if _, errOut, err := runCmd(t, db, "forget"); err == nil || !strings.Contains(errOut, "give one email address") {
		t.Errorf("forget without an address: %v %q", err, errOut)
	}
}

// TestOfflineCommandsBesideARunningServer: a real server on real ports takes a signup;
// while it runs, `litmus results`, `export` and `forget` read and change the same file,
// and `results --json` answers exactly what the API does.
func TestOfflineCommandsBesideARunningServer(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "litmus.db")
	const password = "a long admin password for tests"
	srv := startServe(t, map[string]string{
		"LITMUS_DB": db, "LITMUS_ADDR": "127.0.0.1:0", "LITMUS_METRICS_ADDR": "127.0.0.1:0", "LITMUS_ADMIN_PASSWORD": password,
	})
	pub := srv.pub

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string, auth bool) string {
		req, _ := http.NewRequest("GET", pub+path, nil)
		req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
		if auth {
			req.SetBasicAuth("admin", password)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		return string(b)
	}
	page := get("/?utm_source=podcast&utm_campaign=ep12", false)
	token := regexp.MustCompile(`name="_token" value="([^"]+)"`).FindStringSubmatch(page)[1]
	form := url.Values{"_token": {token}, "email": {"listener@example.com"}, "work": {"Writing"}, "consent": {"on"}}
	req, _ := http.NewRequest("POST", pub+"/chaser/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", pub)
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 303 {
		t.Fatalf("signup: %v %v", err, resp)
	}
	resp.Body.Close()
	time.Sleep(300 * time.Millisecond) // exposures commit within the 100 ms flush interval

	// The CLI's JSON equals the API's, apart from when each was read.
	cliJSON, errOut, err := runCmd(t, db, "results", "--json", "--page", "chaser")
	if err != nil {
		t.Fatalf("results while the server runs: %v\n%s", err, errOut)
	}
	var fromCLI, fromAPI results.Results
	if err := json.Unmarshal([]byte(cliJSON), &fromCLI); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(get("/api/v1/pages/chaser/results", true)), &fromAPI); err != nil {
		t.Fatal(err)
	}
	if fromCLI.Verdict.Visitors != 1 || fromCLI.Verdict.Signups != 1 {
		t.Errorf("CLI sees %d visitors and %d signups, want 1 and 1", fromCLI.Verdict.Visitors, fromCLI.Verdict.Signups)
	}
	if !reflect.DeepEqual(fromCLI.Variants, fromAPI.Variants) || !reflect.DeepEqual(fromCLI.Sources, fromAPI.Sources) ||
		fromCLI.Phase.ID != fromAPI.Phase.ID || fromCLI.Verdict.Sentence != fromAPI.Verdict.Sentence {
		t.Errorf("CLI and API disagree:\nCLI %+v\nAPI %+v", fromCLI, fromAPI)
	}

	csvOut, _, err := runCmd(t, db, "export", "--page", "chaser")
	if err != nil || !strings.Contains(csvOut, "listener@example.com") || !strings.Contains(csvOut, "podcast") || !strings.Contains(csvOut, "ep12") {
		t.Errorf("export while the server runs: %v\n%s", err, csvOut)
	}
	if adminCSV := get("/admin/pages/chaser/signups.csv", true); adminCSV != csvOut {
		t.Errorf("the CLI export differs from the admin's download:\nCLI:\n%s\nadmin:\n%s", csvOut, adminCSV)
	}
	if out, _, err := runCmd(t, db, "forget", "listener@example.com"); err != nil || !strings.Contains(out, "Erased 1 signup") {
		t.Errorf("forget while the server runs: %v %q", err, out)
	}
	if adminCSV := get("/admin/pages/chaser/signups.csv", true); strings.Contains(adminCSV, "listener@example.com") {
		t.Error("the server still exports a forgotten signup")
	}

	if err := srv.stop(t); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
