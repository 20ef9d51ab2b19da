package pages

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// lineIndex knows on which line each key, table and list element of a page file was
// written. The TOML decoder gives values but no positions; the parser's syntax tree gives
// byte offsets, so the index is built from that tree and every message can carry a line.
//
// Positions are keyed by path: "title", "pass_bar.target", "variants[1].weight",
// "fields[0].options[2]". A key that itself contains '.' or '[' can make two paths look
// alike; that only ever moves a message to a neighbouring line of an already broken file.
type lineIndex struct {
	lineStarts []int          // byte offset at which each line begins
	at         map[string]int // path -> 1-based line
}

// childPath is the path of key inside the table at parent.
func childPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// elemPath is the path of element i of the list at parent.
func elemPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

// indexLines records the line of every key and value in data. data must already have
// decoded without error: the index then never sees malformed TOML.
func indexLines(data []byte) lineIndex {
	idx := lineIndex{lineStarts: []int{0}, at: map[string]int{"": 1}}
	for i, b := range data {
		if b == '\n' {
			idx.lineStarts = append(idx.lineStarts, i+1)
		}
	}

	var p unstable.Parser
	p.Reset(data)
	current := ""                // path of the table that key/value lines belong to
	arrayLen := map[string]int{} // path of an array of tables -> elements so far
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			path, line := idx.headerPath(e.Key(), arrayLen)
			if e.Kind == unstable.ArrayTable {
				n := arrayLen[path]
				arrayLen[path] = n + 1
				idx.recordFirst(path, line)
				path = elemPath(path, n)
			}
			idx.recordFirst(path, line)
			current = path
		case unstable.KeyValue:
			path, line := current, 0
			for it := e.Key(); it.Next(); {
				k := it.Node()
				if line == 0 {
					line = idx.lineOf(k, 1)
				}
				path = childPath(path, string(k.Data))
				idx.recordFirst(path, line) // dotted keys create tables: locate those too
			}
			idx.walkValue(path, e.Value(), line)
		}
	}
	return idx
}

// headerPath resolves the key of a [table] or [[array]] header. Every part but the last
// that names an array of tables refers to its latest element, as TOML specifies.
func (idx lineIndex) headerPath(key unstable.Iterator, arrayLen map[string]int) (string, int) {
	path, line := "", 0
	for key.Next() {
		k := key.Node()
		if line == 0 {
			line = idx.lineOf(k, 1)
		}
		if n, ok := arrayLen[path]; ok && path != "" {
			path = elemPath(path, n-1)
		}
		path = childPath(path, string(k.Data))
	}
	return path, line
}

// walkValue records the lines of the elements of lists and inline tables inside a value.
func (idx lineIndex) walkValue(path string, v *unstable.Node, keyLine int) {
	switch v.Kind {
	case unstable.Array:
		i := 0
		for it := v.Children(); it.Next(); i++ {
			el := it.Node()
			p := elemPath(path, i)
			idx.recordFirst(p, idx.lineOf(el, keyLine))
			idx.walkValue(p, el, idx.lineOf(el, keyLine))
		}
	case unstable.InlineTable:
		for it := v.Children(); it.Next(); {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			p, line := path, 0
			for k := kv.Key(); k.Next(); {
				if line == 0 {
					line = idx.lineOf(k.Node(), keyLine)
				}
				p = childPath(p, string(k.Node().Data))
				idx.recordFirst(p, line)
			}
			idx.walkValue(p, kv.Value(), line)
		}
	}
}

func (idx lineIndex) recordFirst(path string, line int) {
	if _, ok := idx.at[path]; !ok {
		idx.at[path] = line
	}
}

// lineOf is the line on which node starts, or fallback for nodes without a position
// (the parser gives none to arrays).
func (idx lineIndex) lineOf(n *unstable.Node, fallback int) int {
	if n.Raw.Length == 0 {
		return fallback
	}
	off := int(n.Raw.Offset)
	return sort.Search(len(idx.lineStarts), func(i int) bool { return idx.lineStarts[i] > off })
}

// line is the line of path, or of the nearest enclosing table or list when path itself was
// never written (a missing key is reported on the line of its table).
func (idx lineIndex) line(path string) int {
	for {
		if l, ok := idx.at[path]; ok {
			return l
		}
		cut := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
		if cut <= 0 {
			return 1
		}
		path = path[:cut]
	}
}
