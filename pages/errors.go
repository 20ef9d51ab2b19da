package pages

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is one problem in a page file, located by file and line so a founder can jump
// straight to it. Line is 0 when the problem concerns a whole file or the directory.
type Error struct {
	File string
	Line int
	Msg  string
}

// Error formats the problem the way compilers do, "file:line: message", which editors and
// terminals turn into clickable links.
func (e Error) Error() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Errors is every problem found while loading page files. Loading reports them all at once,
// so a founder fixes a file in one pass instead of one error per run.
type Errors []Error

// Error lists the problems one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sorted returns the errors ordered by file, then line, without exact duplicates, so output
// reads top to bottom like the files themselves.
func (es Errors) sorted() Errors {
	out := slices.Clone(es)
	slices.SortStableFunc(out, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	seen := make(map[Error]bool, len(out))
	return slices.DeleteFunc(out, func(e Error) bool {
		dup := seen[e]
		seen[e] = true
		return dup
	})
}
