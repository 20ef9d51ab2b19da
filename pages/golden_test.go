package pages

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// The -update flag rewrites golden files. Other test files of the package may define it
// too, so it is defined only once, by whichever file's init runs first.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/ with the current output")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// errorCasesDir holds one bad page file (or a directory of them) per error class, each with
// the exact output a founder sees in a .golden file beside it.
const errorCasesDir = "testdata/errors"

// errorCases is one case per class of mistake. A case is read from errorCasesDir/<name>.toml
// (loaded alone), or the directory errorCasesDir/<name>, or built by files when a file
// would be silly to keep in git.
var errorCases = []struct {
	name   string
	intent string
	files  func() fstest.MapFS // optional
}{
	{name: "syntax", intent: "text that is not TOML is reported on its line with a hint about quotes"},
	{name: "duplicate-key", intent: "a key written twice is reported where it is repeated"},
	{name: "unknown-keys", intent: "unknown keys are reported in every section, with the key probably meant"},
	{name: "misplaced-keys", intent: "a key under the wrong header says which section it belongs in"},
	{name: "missing-required", intent: "every missing required key is reported on its section's line, with an example"},
	{name: "wrong-types", intent: "a value of the wrong type says what type is expected and what was found"},
	{name: "missing-pass-bar", intent: "a page without a pass bar explains how to choose one"},
	{name: "bad-slug", intent: "a slug with capitals and spaces suggests a valid one"},
	{name: "reserved-slug", intent: "a slug the server routes itself is refused"},
	{name: "slug-too-long", intent: "slugs are at most 40 characters"},
	{name: "duplicate-slug", intent: "two files with one slug are refused, naming the first file"},
	{name: "two-defaults", intent: "default = true on several pages is reported on each"},
	{name: "no-default", intent: "several pages without a default says to set default = true on one"},
	{name: "bad-variant-id", intent: "variant ids are plain lowercase names"},
	{name: "duplicate-variant-id", intent: "a repeated variant id names the line of the first"},
	{name: "weights", intent: "weights are whole numbers from 1 to 1000"},
	{name: "too-many-variants", intent: "more than five variants are refused, on the sixth"},
	{name: "no-variants", intent: "a page needs at least one variant"},
	{name: "variants-not-sections", intent: "variants written as a list of text are reported once per item"},
	{name: "variants-single-brackets", intent: "[variants] instead of [[variants]] says to use double brackets"},
	{name: "thanks-double-brackets", intent: "[[thanks]] instead of [thanks] says to use single brackets"},
	{name: "duplicate-field-name", intent: "a repeated field name names the line of the first"},
	{name: "reserved-field-names", intent: "field names Litmus's own form uses are refused"},
	{name: "bad-field-name", intent: "field names are lowercase with underscores"},
	{name: "field-kind", intent: "an unknown kind lists the kinds and suggests the likely one"},
	{name: "select-options", intent: "selects need two or more distinct options; other kinds take none"},
	{name: "email-field", intent: "the email field is always kind email and required, and is the only email"},
	{name: "email-not-first", intent: "a declared email field must come first"},
	{name: "max-length", intent: "max_length is bounded per kind and refused where answers are fixed"},
	{name: "target-number", intent: "a bare 0.05 target suggests writing \"5%\""},
	{name: "target-zero", intent: "a 0% target is refused"},
	{name: "target-over-100", intent: "a target of 100% or more is refused"},
	{name: "target-words", intent: "a target must end in %"},
	{name: "target-decimals", intent: "a target has at most two decimals"},
	{name: "min-visitors", intent: "min_visitors of 0 and a min_days beyond a year are refused, suggesting a sample size"},
	{name: "min-visitors-absurd", intent: "min_visitors beyond a million is refused"},
	{name: "too-long", intent: "over-long text says its length and the limit"},
	{name: "brand-color", intent: "colours are hex codes"},
	{name: "urls", intent: "images must be https:// or /static/"},
	{name: "static-path", intent: "/static/ paths cannot climb out, https URLs need a host"},
	{name: "control-characters", intent: "control characters and line breaks in one-line text are refused"},
	{name: "invalid-utf8", intent: "a file that is not UTF-8 is reported on the offending line"},
	{name: "many-errors", intent: "every problem of a file is reported at once, in line order"},
	{name: "file-too-large", intent: "files over 256 KiB are refused before parsing", files: func() fstest.MapFS {
		big := "title = \"" + strings.Repeat("x", maxFileBytes) + "\"\n"
		return fstest.MapFS{"file-too-large/huge.toml": {Data: []byte(big)}}
	}},
	{name: "no-page-files", intent: "a directory without .toml files says what to add", files: func() fstest.MapFS {
		return fstest.MapFS{"no-page-files/README.md": {Data: []byte("pages go here")}}
	}},
}

// loadErrorCase loads one case the way LoadDir would be called on a founder's directory.
func loadErrorCase(t *testing.T, name string, files func() fstest.MapFS) error {
	t.Helper()
	if files != nil {
		_, err := LoadDir(files(), name)
		return err
	}
	single := filepath.Join(errorCasesDir, name+".toml")
	if data, err := os.ReadFile(single); err == nil {
		_, err := LoadDir(fstest.MapFS{name + ".toml": {Data: data}}, ".")
		return err
	}
	_, err := LoadDir(os.DirFS(errorCasesDir), name)
	return err
}

func TestLoadDirReportsEachClassOfMistake(t *testing.T) {
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			err := loadErrorCase(t, tc.name, tc.files)
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("%s: want Errors, got %v", tc.intent, err)
			}
			for _, e := range errs {
				if e.File == "" || e.Msg == "" || strings.Contains(e.Msg, "\n") {
					t.Errorf("every error needs a file and a one-line message, got %#v", e)
				}
			}
			compareLoadGolden(t, filepath.Join(errorCasesDir, tc.name+".golden"), []byte(err.Error()+"\n"))
		})
	}
}

// TestEveryErrorCaseIsListed keeps testdata and the table in step: a bad file nobody loads
// tests nothing.
func TestEveryErrorCaseIsListed(t *testing.T) {
	entries, err := os.ReadDir(errorCasesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimSuffix(e.Name(), ".toml"), ".golden")
		if !slices.ContainsFunc(errorCases, func(c struct {
			name   string
			intent string
			files  func() fstest.MapFS
		}) bool {
			return c.name == name
		}) {
			t.Errorf("%s/%s belongs to no case in errorCases", errorCasesDir, e.Name())
		}
	}
}

// TestManyErrorsAreReportedOnTheirLines checks the line of every error in one file full of
// mistakes: each line marked "# ERROR" must be reported, and no other line.
func TestManyErrorsAreReportedOnTheirLines(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(errorCasesDir, "many-errors.toml"))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "# ERROR") {
			want = append(want, i+1)
		}
	}
	_, err = LoadDir(fstest.MapFS{"many.toml": {Data: data}}, ".")
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("want Errors, got %v", err)
	}
	var got []int
	for _, e := range errs {
		if e.File != "many.toml" {
			t.Errorf("error in file %q, want many.toml: %v", e.File, e)
		}
		got = append(got, e.Line)
	}
	got = slices.Compact(got)
	if !slices.Equal(got, want) {
		t.Errorf("lines reported %v, want the marked lines %v\n%v", got, want, err)
	}
}

// compareLoadGolden compares got with the golden file, or rewrites it under -update.
func compareLoadGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updateGolden() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
