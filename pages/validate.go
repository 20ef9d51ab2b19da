package pages

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The rules for single values of a page file. Each check returns what is wrong, phrased to
// follow the key's name ("slug " + "must ..."), or "" when the value is fine; the decoder
// adds the file and line.

var (
	slugPattern      = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	variantIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	fieldNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	colorPattern     = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	percentPattern   = regexp.MustCompile(`^([0-9]{1,3})(\.[0-9]{1,2})? ?%$`)
	staticPathChars  = regexp.MustCompile(`^[A-Za-z0-9._~/-]+$`)
)

// checkSlug reports what is wrong with a page's slug, suggesting a fixed one when it can.
func checkSlug(slug string) string {
	if IsReservedSlug(slug) {
		return fmt.Sprintf("%q is taken: the server uses /%s itself; pick another slug", slug, slug)
	}
	if n := utf8.RuneCountInString(slug); n > maxSlugLen {
		return fmt.Sprintf("is too long: %d characters, the limit is %d", n, maxSlugLen)
	}
	if slugPattern.MatchString(slug) {
		return ""
	}
	msg := fmt.Sprintf("can only use lowercase letters, digits and '-', starting and ending with a letter or digit (found %s)", quoteShort(slug))
	if s := slugify(slug); s != "" && len(s) <= maxSlugLen && !IsReservedSlug(s) {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return msg
}

// slugify turns "My Idea!" into "my-idea", for suggestions only: the slug a founder writes
// is the one used, never silently changed, because it keys the page's stored results.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	return b.String()
}

// checkVariantID reports what is wrong with a variant's id. Ids appear in results and metric
// labels, so they are short and plain.
func checkVariantID(id string) string {
	if n := utf8.RuneCountInString(id); n > maxVariantIDLen {
		return fmt.Sprintf("is too long: %d characters, the limit is %d", n, maxVariantIDLen)
	}
	if !variantIDPattern.MatchString(id) {
		return fmt.Sprintf("can only use lowercase letters, digits, '-' and '_', starting with a letter or digit (found %s)", quoteShort(id))
	}
	return ""
}

// checkFieldName reports what is wrong with a form field's name, which becomes the HTML
// input's name and the column of the export.
func checkFieldName(name string) string {
	if IsReservedFieldName(name) {
		return fmt.Sprintf("%q is reserved for Litmus's own form inputs (names starting with %q and %q); pick another name", name, ReservedFieldPrefix, HoneypotField)
	}
	if n := utf8.RuneCountInString(name); n > maxFieldNameLen {
		return fmt.Sprintf("is too long: %d characters, the limit is %d", n, maxFieldNameLen)
	}
	if !fieldNamePattern.MatchString(name) {
		return fmt.Sprintf("can only use lowercase letters, digits and '_', starting with a letter (found %s)", quoteShort(name))
	}
	return ""
}

// checkURL reports what is wrong with an image or logo address. Only https:// (pages are
// served over TLS, and browsers block insecure images there) and the server's own /static/
// files are allowed: anything else is either broken or a way to smuggle in a script.
func checkURL(s string) string {
	switch {
	case strings.HasPrefix(s, "/static/"):
		rest := strings.TrimPrefix(s, "/static/")
		if !staticPathChars.MatchString(rest) {
			return fmt.Sprintf("can only use letters, digits and - _ . ~ / after /static/ (found %s)", quoteShort(s))
		}
		for _, seg := range strings.Split(rest, "/") {
			if seg == "" || seg == "." || seg == ".." {
				return fmt.Sprintf("must be a plain path like \"/static/logo.png\", without empty, '.' or '..' parts (found %s)", quoteShort(s))
			}
		}
		return ""
	case strings.HasPrefix(s, "https://"):
		u, err := url.Parse(s)
		if err != nil {
			return fmt.Sprintf("is not a valid address (%s)", quoteShort(s))
		}
		if u.Host == "" || u.Hostname() == "" {
			return fmt.Sprintf("must include a host name, like \"https://example.com/logo.png\" (found %s)", quoteShort(s))
		}
		if u.User != nil {
			return "must not contain a user name or password"
		}
		if strings.ContainsAny(s, " \"'<>\\`{}|^") {
			return "must not contain spaces, quotes or angle brackets; write a space as %20"
		}
		return ""
	case strings.HasPrefix(strings.ToLower(s), "http://"):
		return "must use https://, not http:// (browsers block insecure images on secure pages)"
	default:
		return fmt.Sprintf("must start with https:// or /static/ (found %s)", quoteShort(s))
	}
}

// normalizeColor checks a brand colour and returns it in lowercase.
func normalizeColor(s string) (string, string) {
	if !colorPattern.MatchString(s) {
		return "", fmt.Sprintf("must be a hex colour like \"#4f46e5\" or \"#46e\" (found %s)", quoteShort(s))
	}
	return strings.ToLower(s), ""
}

// parsePercent reads a target like "5%" or "2.5%" into a rate (0.05, 0.025). A founder
// thinks in percent; requiring the % sign makes 0.05-versus-5 mix-ups impossible.
func parsePercent(s string) (float64, string) {
	m := percentPattern.FindStringSubmatch(s)
	if m == nil {
		if !strings.HasSuffix(strings.TrimSpace(s), "%") {
			return 0, fmt.Sprintf("must be a percentage ending in %%, like \"5%%\" (found %s)", quoteShort(s))
		}
		return 0, fmt.Sprintf("must be a percentage like \"5%%\" or \"2.5%%\", with at most two decimals (found %s)", quoteShort(s))
	}
	whole, _ := strconv.Atoi(m[1]) // at most three digits: cannot fail
	hundredths := 0
	if frac := strings.TrimPrefix(m[2], "."); frac != "" {
		hundredths, _ = strconv.Atoi((frac + "0")[:2])
	}
	basisPoints := whole*100 + hundredths
	if basisPoints <= 0 || basisPoints >= 10000 {
		return 0, fmt.Sprintf("must be more than 0%% and less than 100%% (found %s)", quoteShort(s))
	}
	// Integer over integer, correctly rounded: "5%" gives exactly the float64 0.05.
	return float64(basisPoints) / 10000, ""
}

// cleanLine trims a single-line value and rejects line breaks and control characters,
// which would break titles, buttons and emails in ways nobody sees until it is live.
func cleanLine(s string) (string, string) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r == '\n' || r == '\r' {
			return "", "must fit on one line (use a body for longer text)"
		}
		if unicode.IsControl(r) {
			return "", fmt.Sprintf("contains %s; use plain text", describeControl(r))
		}
	}
	return s, ""
}

// cleanMarkdown prepares a Markdown body: line endings become \n, blank lines around the
// text go, and indentation shared by every line is removed, because Markdown would turn
// text indented to line up inside the TOML file into a code block. Control characters
// other than tab and line breaks are rejected.
func cleanMarkdown(s string) (string, string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return "", fmt.Sprintf("contains %s; use plain text", describeControl(r))
		}
	}
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	indent := commonIndent(lines)
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			lines[i] = ""
			continue
		}
		lines[i] = l[len(indent):]
	}
	return strings.Join(lines, "\n"), ""
}

// commonIndent is the leading whitespace that every non-blank line starts with.
func commonIndent(lines []string) string {
	indent, first := "", true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if first {
			indent, first = lead, false
			continue
		}
		for !strings.HasPrefix(lead, indent) {
			indent = indent[:len(indent)-1]
		}
	}
	return indent
}

// describeControl names a control character the way a founder would look for it.
func describeControl(r rune) string {
	switch r {
	case '\t':
		return "a tab"
	case 0:
		return "a NUL byte (U+0000)"
	default:
		return fmt.Sprintf("an invisible control character (U+%04X)", r)
	}
}

// quoteShort quotes a value for a message, escaping anything unprintable and cutting it
// to a readable length.
func quoteShort(s string) string {
	const limit = 40
	if utf8.RuneCountInString(s) <= limit {
		return strconv.Quote(s)
	}
	return strconv.Quote(string([]rune(s)[:limit])) + "…"
}
