package pages

import (
	"testing/fstest"
)

// LoadSources checks page files held in memory (file name → text) exactly as LoadDir checks
// a directory holding them: the editor and the page API validate a save by loading the
// directory as it would be after the save, and `litmus check FILE` loads one file alone.
// Names must be plain file names ending in .toml.
func LoadSources(files map[string][]byte) ([]*Page, error) {
	fsys := make(fstest.MapFS, len(files))
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return LoadDir(fsys, ".")
}
