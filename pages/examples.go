package pages

import (
	"embed"
	"io/fs"
)

// exampleFiles holds the bundled example pages. They are what `litmus serve` shows when no
// page directory is configured, and the tutorial founders copy to write their own.
//
//go:embed examples/*.toml
var exampleFiles embed.FS

// Examples returns the bundled example page files, at the root of the returned FS, so a
// command can copy them into a founder's own page directory.
func Examples() fs.FS {
	sub, err := fs.Sub(exampleFiles, "examples")
	if err != nil {
		panic(err) // "examples" is a valid path; fs.Sub cannot fail on it
	}
	return sub
}

// LoadExamples loads the bundled example pages. They are checked by the same rules as a
// founder's pages, and a test keeps them valid.
func LoadExamples() ([]*Page, error) {
	return LoadDir(exampleFiles, "examples")
}

// StarterTemplate is the text a new page starts from when it is not a copy of another page:
// the first built-in example, which explains every key in its comments.
func StarterTemplate() []byte {
	data, err := exampleFiles.ReadFile("examples/chaser.toml")
	if err != nil {
		panic(err) // embedded at build time
	}
	return data
}
