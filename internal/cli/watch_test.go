package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirWatchReportsASettledChangeOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("chaser.toml", "slug = \"chaser\"\n")
	w := &dirWatch{dir: dir, keep: isPageFile}
	w.served = w.look()

	// looks lists what successive looks at the directory must report, after change().
	steps := []struct {
		name   string
		change func()
		looks  []bool
	}{
		{"nothing changed", func() {}, []bool{false, false}},
		{"a page edited: reported on the look after, once", func() { write("chaser.toml", "slug = \"chaser\"\ntitle = \"x\"\n") }, []bool{false, true, false}},
		{"a new page file", func() { write("taxpot.toml", "slug = \"taxpot\"\n") }, []bool{false, true, false}},
		{"editor swap and backup files are not pages", func() { write(".chaser.toml.swp", "x"); write("chaser.toml~", "x") }, []bool{false, false, false}},
		{"a file still being written counts once it stops changing", func() { write("chaser.toml", "half") }, []bool{false}},
		{"... and is then reported", func() { write("chaser.toml", "slug = \"chaser\"\n# done\n") }, []bool{false, true}},
		{"the directory removed", func() { os.RemoveAll(dir) }, []bool{false, true, false}},
	}
	for _, st := range steps {
		st.change()
		for i, want := range st.looks {
			if got := w.settled(); got != want {
				t.Errorf("%s: look %d reported %v, want %v", st.name, i+1, got, want)
			}
		}
	}
}

func TestWatchWithoutAPageDirectorySaysSo(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	ch := watchPages(context.Background(), "", "", slog.New(slog.NewTextHandler(&log, nil)))
	if ch != nil {
		t.Error("watchPages returned a channel with nothing to watch")
	}
	if !strings.Contains(log.String(), "set LITMUS_PAGES") {
		t.Errorf("log = %q, want it to say how to give a page directory", log.String())
	}
}
