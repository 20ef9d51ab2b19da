package botdetect

import (
	"regexp/syntax"
	"unicode/utf8"
)

// requiredLiterals returns strings, lower-cased in ASCII, such that every text matching re
// contains at least one of them (compared ASCII-case-insensitively). The matcher scans for
// these with one pass over the user agent and runs a pattern's regexp only when one of its
// literals occurs. ok is false when no such set exists (say, for ".*").
func requiredLiterals(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral, syntax.OpCharClass:
		s, ok := fixedString(re)
		return []string{s}, ok
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, ok := requiredLiterals(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, s...)
		}
		return lits, true
	case syntax.OpConcat:
		return concatLiterals(re.Sub)
	}
	return nil, false
}

// concatLiterals picks the most selective required set of a concatenation: the runs of
// fixed text between its variable parts (zero-width assertions do not break a run, they
// consume nothing), and the required sets of its variable parts.
func concatLiterals(subs []*syntax.Regexp) (best []string, ok bool) {
	consider := func(lits []string) {
		if !ok || selectivity(lits) > selectivity(best) {
			best, ok = lits, true
		}
	}
	run := ""
	for _, sub := range subs {
		if isZeroWidth(sub) {
			continue
		}
		if s, fixed := fixedString(sub); fixed {
			run += s
			continue
		}
		if run != "" {
			consider([]string{run})
			run = ""
		}
		if lits, found := requiredLiterals(sub); found {
			consider(lits)
		}
	}
	if run != "" {
		consider([]string{run})
	}
	return best, ok
}

// selectivity scores a literal set: the shortest literal counts, since it causes the most
// false candidates.
func selectivity(lits []string) int {
	shortest := 1 << 30
	for _, l := range lits {
		shortest = min(shortest, len(l))
	}
	return shortest
}

// fixedString reports the text a node always matches, lower-cased in ASCII: a literal, or
// a character class that is one letter in both cases ("[wW]"). Non-ASCII letters under
// case folding are not fixed, since the scan folds ASCII only.
func fixedString(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		buf := make([]byte, 0, len(re.Rune))
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf && re.Flags&syntax.FoldCase != 0 {
				return "", false
			}
			buf = utf8.AppendRune(buf, r)
		}
		return lowerASCII(string(buf)), true
	case syntax.OpCharClass:
		// re.Rune holds [lo, hi] pairs; a fixed class is one ASCII letter in one or both cases.
		var folded rune = -1
		for i := 0; i < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf || (folded >= 0 && lowerByte(byte(r)) != byte(folded)) {
					return "", false
				}
				folded = rune(lowerByte(byte(r)))
			}
		}
		return string(folded), folded >= 0
	}
	return "", false
}

func isZeroWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] = lowerByte(b[i])
	}
	return string(b)
}
