package email

import "unicode"

// hiddenCharRule reports the rule for a rune that has no business anywhere inside an
// address because a reader cannot see it, or "" when the rune is visible. The whole
// address is checked with it before any splitting, so a hidden rune is reported as such
// rather than as a confusing "bad domain".
func hiddenCharRule(r rune) Rule {
	switch {
	case r == '\n' || r == '\r' || r == '\u0085' || r == '\u2028' || r == '\u2029':
		return RuleLineBreak
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
		return RuleWhitespace
	case unicode.Is(unicode.Cc, r):
		return RuleControlChar
	case isBidiControl(r):
		return RuleBidiControl
	case isInvisible(r):
		return RuleInvisibleChar
	}
	return ""
}

// isBidiControl reports the explicit direction marks, embeddings, overrides and isolates:
// they reorder how text is displayed, so "moc.elpmaxe@ann" can be shown as something else
// in an admin table or a CSV opened in a spreadsheet (the "Trojan Source" trick).
func isBidiControl(r rune) bool {
	return r == '\u200E' || r == '\u200F' || r == '\u061C' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// invisibles are the default-ignorable and blank-looking runes that are not format
// characters (Cf): Hangul fillers, variation selectors, the combining grapheme joiner,
// Mongolian free variation selectors, Khmer inherent vowels and the blank Braille cell.
var invisibles = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x034F, Hi: 0x034F, Stride: 1},
		{Lo: 0x115F, Hi: 0x1160, Stride: 1},
		{Lo: 0x17B4, Hi: 0x17B5, Stride: 1},
		{Lo: 0x180B, Hi: 0x180F, Stride: 1},
		{Lo: 0x2800, Hi: 0x2800, Stride: 1},
		{Lo: 0x3164, Hi: 0x3164, Stride: 1},
		{Lo: 0xFE00, Hi: 0xFE0F, Stride: 1},
		{Lo: 0xFFA0, Hi: 0xFFA0, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0xE0100, Hi: 0xE01EF, Stride: 1},
	},
}

// isInvisible reports runes that render as nothing: every format character (zero-width
// space and joiners, soft hyphen, byte order mark, word joiner, tag characters...) and
// the blank-looking runes in invisibles.
func isInvisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(invisibles, r)
}

// isLocalASCII reports the ASCII characters RFC 5322 allows unquoted in a local part
// ("atext" plus the dot; dot placement is checked separately).
func isLocalASCII(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '.', '!', '#', '$', '%', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~':
		return true
	}
	return false
}

// isLetterMarkDigit reports the non-ASCII runes accepted in a local part or domain label:
// letters, marks and digits of any script, roughly the repertoire IDNA2008 allows in
// domain names. Emoji, symbols, punctuation and private-use runes are refused: no real
// mailbox uses them, and they are favourites for look-alike addresses.
func isLetterMarkDigit(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N)
}
