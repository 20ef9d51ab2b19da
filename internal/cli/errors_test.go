package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/litmuslabs/litmus/internal/store"
)

// TestErrorsReadAsPlainSentences: what a command prints when it fails is the sentence for
// a person, with no package prefix and no internal chain (issue 11 found
// "litmus: nothing was changed: store: there is no file nope.db").
func TestErrorsReadAsPlainSentences(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "litmus.db")
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	notDB := filepath.Join(dir, "signups.csv")
	if err := os.WriteFile(notDB, []byte("email\nada@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		want string // the whole line printed
	}{
		{[]string{"restore", "nope.db"}, "litmus: there is no file nope.db; nothing was changed"},
		{[]string{"restore", notDB}, "litmus: " + notDB + " is not a SQLite database file (a Litmus backup is one, made by `litmus backup`); nothing was changed"},
		{[]string{"backup", notDB}, "litmus: " + notDB + " already exists; backups never overwrite, choose a new name"},
		{[]string{"results", "--page", "chaser"}, "litmus: /chaser has had no visitors in this database yet; start `litmus serve` with these page files to begin its test"},
	}
	for _, c := range cases {
		_, _, err := runCmd(t, db, c.args...)
		var stderr bytes.Buffer
		if code := ExitCode(err, &stderr); code != 1 {
			t.Errorf("%v: exit %d, want 1 (%v)", c.args, code, err)
		}
		if got := strings.TrimSuffix(stderr.String(), "\n"); got != c.want {
			t.Errorf("%v printed\n  %q\nwant\n  %q", c.args, got, c.want)
		}
	}
}
