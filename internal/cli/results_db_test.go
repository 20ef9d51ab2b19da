package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 14 (newcomer): `litmus results --page X` failed for a page that is in the database
// but not in the current page files, and plain `litmus results` gave no hint that the
// database held other pages.
func TestResultsReadsPagesTheFilesLack(t *testing.T) {
	db := filepath.Join(t.TempDir(), "litmus.db")
	seedDB(t, db, 300, map[string]int{"no-awkward-emails": 20, "paid-on-time": 9}) // chaser and taxpot
	// The page files now hold only taxpot.
	pagesDir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("..", "..", "pages", "examples", "taxpot.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(pagesDir, "taxpot.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	env := envFunc(map[string]string{"LITMUS_DB": db, "LITMUS_PAGES": pagesDir})

	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"results", "--page", "chaser"}, env, &out, &errOut); err != nil {
		t.Fatalf("results --page chaser (only in the database): %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "/chaser") || !strings.Contains(out.String(), "300") || !strings.Contains(errOut.String(), "not in "+pagesDir) {
		t.Errorf("results of a page only in the database:\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}

	out.Reset()
	errOut.Reset()
	if err := run(context.Background(), []string{"results"}, env, &out, &errOut); err != nil {
		t.Fatalf("results: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "The database also holds results of pages not in "+pagesDir+": chaser. See one with `litmus results --page chaser`.") {
		t.Errorf("results gave no hint about the other pages:\n%s", out.String())
	}
}
