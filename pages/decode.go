package pages

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/litmuslabs/litmus/internal/i18n"
)

// fileDecoder reads typed values out of one decoded page file, reporting every problem on
// the line where it was written. It keeps going after a problem, so one run shows them all.
type fileDecoder struct {
	file  string
	lines lineIndex
	errs  Errors
	// meant holds the paths of keys that an unknown key was suggested for. A missing key
	// there is not reported again: "unknown key button; did you mean cta?" says it all.
	meant map[string]bool
	msgs  *i18n.Messages // the page's language, for the defaults it fills in
}

// fileSection is one section (TOML table) of a page file: the top level, [thanks], one
// [[variants]] entry.
type fileSection struct {
	values map[string]any
	path   string // position key for lineIndex
	name   string // how messages name it: "" for the top level, "[thanks]", "[[variants]] #2"
	home   string // which kind of section it is: "" for the top level, "[thanks]", "[[variants]]"
}

// in is the " in [thanks]" part of a message, empty at the top level.
func (s fileSection) in() string {
	if s.name == "" {
		return ""
	}
	return " in " + s.name
}

func (d *fileDecoder) errorf(path, format string, args ...any) {
	d.errs = append(d.errs, Error{File: d.file, Line: d.lines.line(path), Msg: fmt.Sprintf(format, args...)})
}

// missing reports a required key that is absent, on the line of its section, unless an
// unknown key was already reported as probably meaning it.
func (d *fileDecoder) missing(s fileSection, key, format string, args ...any) {
	if !d.meant[childPath(s.path, key)] {
		d.errorf(s.path, format, args...)
	}
}

// textRule says how one text value is checked.
type textRule struct {
	required  bool
	max       int    // characters
	multiline bool   // Markdown body: line breaks allowed, indentation shared by all lines removed
	example   string // a sensible value, shown in messages
}

// text reads a text value; "" when absent or wrong.
func (d *fileDecoder) text(s fileSection, key string, r textRule) string {
	path := childPath(s.path, key)
	v, ok := s.values[key]
	if !ok {
		if r.required {
			d.missing(s, key, "missing %s%s: add a line like %s = %q", key, s.in(), key, r.example)
		}
		return ""
	}
	str, ok := v.(string)
	if !ok {
		d.errorf(path, "%s must be text in double quotes, like %s = %q (found %s)", key, key, r.example, describeValue(v))
		return ""
	}
	clean, problem := cleanLine(str)
	if r.multiline {
		clean, problem = cleanMarkdown(str)
	}
	if problem != "" {
		d.errorf(path, "%s %s", key, problem)
		return ""
	}
	if clean == "" && r.required {
		d.errorf(path, "%s is empty: write something like %s = %q", key, key, r.example)
		return ""
	}
	if n := utf8.RuneCountInString(clean); n > r.max {
		d.errorf(path, "%s is too long: %d characters, the limit is %d", key, n, r.max)
		return ""
	}
	return clean
}

// texts reads a list of single-line text values, each at most maxLen characters.
func (d *fileDecoder) texts(s fileSection, key string, maxLen int, example string) ([]string, bool) {
	path := childPath(s.path, key)
	v, ok := s.values[key]
	if !ok {
		return nil, false
	}
	list, ok := v.([]any)
	if !ok {
		d.errorf(path, "%s must be a list of text in square brackets, like %s = %s (found %s)", key, key, example, describeValue(v))
		return nil, false
	}
	out := make([]string, 0, len(list))
	valid := true
	for i, el := range list {
		elPath := elemPath(path, i)
		str, ok := el.(string)
		if !ok {
			d.errorf(elPath, "%s must contain only text in double quotes (item %d is %s)", key, i+1, describeValue(el))
			valid = false
			continue
		}
		clean, problem := cleanLine(str)
		switch n := utf8.RuneCountInString(clean); {
		case problem != "":
			d.errorf(elPath, "%s item %d %s", key, i+1, problem)
			valid = false
		case clean == "":
			d.errorf(elPath, "%s item %d is empty", key, i+1)
			valid = false
		case n > maxLen:
			d.errorf(elPath, "%s item %d is too long: %d characters, the limit is %d", key, i+1, n, maxLen)
			valid = false
		}
		out = append(out, clean)
	}
	return out, valid
}

// integer reads a whole number in lo..hi. why, if set, is added to the out-of-range message.
// ok is false when the value is absent or wrong.
func (d *fileDecoder) integer(s fileSection, key string, lo, hi int, example int, why string) (int, bool) {
	path := childPath(s.path, key)
	v, ok := s.values[key]
	if !ok {
		return 0, false
	}
	n, ok := v.(int64)
	if !ok {
		d.errorf(path, "%s must be a whole number without quotes, like %s = %d (found %s)", key, key, example, describeValue(v))
		return 0, false
	}
	if n < int64(lo) || n > int64(hi) {
		msg := fmt.Sprintf("%s must be between %s and %s (found %s)", key, groupDigits(int64(lo)), groupDigits(int64(hi)), groupDigits(n))
		if why != "" {
			msg += "; " + why
		}
		d.errorf(path, "%s", msg)
		return 0, false
	}
	return int(n), true
}

// boolean reads true or false. ok is false when the value is absent or wrong.
func (d *fileDecoder) boolean(s fileSection, key string) (value, ok bool) {
	v, present := s.values[key]
	if !present {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		d.errorf(childPath(s.path, key), "%s must be true or false, without quotes (found %s)", key, describeValue(v))
		return false, false
	}
	return b, true
}

// table reads a single [key] section. ok is false when it is absent or not a section.
func (d *fileDecoder) table(s fileSection, key string) (fileSection, bool) {
	path := childPath(s.path, key)
	v, present := s.values[key]
	if !present {
		return fileSection{}, false
	}
	m, ok := v.(map[string]any)
	if !ok {
		if _, isList := v.([]any); isList {
			d.errorf(path, "%s is a single section: write [%s] with single brackets, once", key, key)
		} else {
			d.errorf(path, "%s must be a [%s] section (found %s)", key, key, describeValue(v))
		}
		return fileSection{}, false
	}
	return fileSection{values: m, path: path, name: "[" + key + "]", home: "[" + key + "]"}, true
}

// tableList reads [[key]] sections. present is false when the key is absent.
func (d *fileDecoder) tableList(s fileSection, key string) (list []fileSection, present bool) {
	path := childPath(s.path, key)
	v, present := s.values[key]
	if !present {
		return nil, false
	}
	items, ok := v.([]any)
	if !ok {
		if _, isTable := v.(map[string]any); isTable {
			d.errorf(path, "write each of the %s as its own [[%s]] section, with double brackets", key, key)
		} else {
			d.errorf(path, "%s must be [[%s]] sections (found %s)", key, key, describeValue(v))
		}
		return nil, true
	}
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			d.errorf(elemPath(path, i), "%s must be [[%s]] sections (item %d is %s)", key, key, i+1, describeValue(item))
			continue
		}
		list = append(list, fileSection{values: m, path: elemPath(path, i), name: fmt.Sprintf("[[%s]] #%d", key, i+1), home: "[[" + key + "]]"})
	}
	return list, true
}

// unknownKeys reports every key of s that the format does not know, with the likely
// intended key, or the section where it belongs. A misspelt optional key would otherwise
// be silently ignored, and a key written below the wrong [section] header (TOML puts every
// key into the section above it) would be too.
func (d *fileDecoder) unknownKeys(s fileSection, allowed []string, synonyms map[string]string) {
	keys := make([]string, 0, len(s.values))
	for k := range s.values {
		if !slices.Contains(allowed, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if homes := homesOf(k, s.home); len(homes) > 0 && synonyms[k] == "" {
			d.errorf(childPath(s.path, k), "unknown key %s%s: %s belongs %s", quoteShort(k), s.in(), k, strings.Join(homes, ", or "))
			continue
		}
		if hint := suggestKey(k, allowed, synonyms); hint != "" {
			if d.meant == nil {
				d.meant = map[string]bool{}
			}
			d.meant[childPath(s.path, strings.Trim(hint, "[]"))] = true
			d.errorf(childPath(s.path, k), "unknown key %s%s; did you mean %s?", quoteShort(k), s.in(), hint)
			continue
		}
		d.errorf(childPath(s.path, k), "unknown key %s%s; the keys allowed here are %s", quoteShort(k), s.in(), strings.Join(allowed, ", "))
	}
}

// describeValue names a TOML value's type for a message, with the value when it is short.
func describeValue(v any) string {
	switch v := v.(type) {
	case string:
		return "text " + quoteShort(v)
	case int64:
		return fmt.Sprintf("the number %d", v)
	case float64:
		return fmt.Sprintf("the number %g", v)
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a section"
	default:
		return "a date or time"
	}
}

// groupDigits writes 1000000 as 1,000,000 so limits are readable at a glance.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}
