package botdetect

import (
	"fmt"
	"regexp"
	"regexp/syntax"
)

// rule is one user-agent pattern and the class it stands for.
type rule struct {
	pattern string
	class   Class
}

// matcher finds the highest-ranked class among many regexps in one pass over the text.
//
// A single alternation of the ~1,500 regexps takes Go's linear-time engine about 8 ms on
// one desktop Chrome user agent, far too slow for every page view. Instead every pattern
// is reduced to literals that must occur in any match (requiredLiterals), all literals go
// into one Aho-Corasick automaton scanned over the ASCII-lower-cased text, and only a
// pattern whose literal occurs is confirmed: by comparing bytes when the pattern is plain
// text (most of them), by its regexp otherwise.
type matcher struct {
	patterns []compiled
	ac       automaton
	always   []int // patterns without a usable literal, checked on every text
}

type compiled struct {
	class Class
	exact string         // the pattern itself when it is plain, case-sensitive text
	re    *regexp.Regexp // otherwise
}

func newMatcher(rules []rule) (*matcher, error) {
	m := &matcher{}
	var lits []literal
	for i, r := range rules {
		parsed, err := syntax.Parse(r.pattern, syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", r.pattern, err)
		}
		parsed = parsed.Simplify()
		c := compiled{class: r.class}
		if parsed.Op == syntax.OpLiteral && parsed.Flags&syntax.FoldCase == 0 {
			c.exact = string(parsed.Rune)
		} else if c.re, err = regexp.Compile(r.pattern); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", r.pattern, err)
		}
		m.patterns = append(m.patterns, c)
		required, ok := requiredLiterals(parsed)
		if !ok {
			m.always = append(m.always, i)
			continue
		}
		for _, s := range required {
			lits = append(lits, literal{text: s, pattern: int32(i)})
		}
	}
	var err error
	if m.ac, err = buildAutomaton(lits); err != nil {
		return nil, err
	}
	return m, nil
}

// match returns the highest-ranked class of the patterns that match ua, if any.
func (m *matcher) match(ua string) (best Class, ok bool) {
	consider := func(p int, end int) {
		c := m.patterns[p]
		if ok && c.class.rank() <= best.rank() {
			return // cannot improve on what we have; skip the check
		}
		var hit bool
		if c.exact != "" {
			start := end + 1 - len(c.exact)
			hit = start >= 0 && ua[start:end+1] == c.exact
		} else {
			hit = c.re.MatchString(ua)
		}
		if hit {
			best, ok = c.class, true
		}
	}
	m.ac.scan(ua, consider)
	for _, p := range m.always {
		consider(p, len(ua)-1)
	}
	return best, ok
}

// literal is one required string of a pattern, lower-cased in ASCII.
type literal struct {
	text    string
	pattern int32
}

// automaton is an Aho-Corasick automaton compiled to a deterministic one: one table look-up
// per byte of user agent, whatever the number of patterns. Bytes are first mapped to
// columns (the ~50 distinct bytes of the literals, upper-case ASCII folded to lower-case,
// and column 0 for every other byte), which keeps the table near 1.5 MB for the current
// list instead of 256 columns per state.
type automaton struct {
	column [256]uint8
	width  int
	next   []uint16  // next[state*width+column]
	out    [][]int32 // the patterns whose literal ends in this state, including via fail links
	final  []uint64  // bit set of the states with a non-empty out: 2 KB that stay in cache
}

// maxStates is what a uint16 state number can address; the list uses about a fifth of it.
const maxStates = 1 << 16

func buildAutomaton(lits []literal) (automaton, error) {
	var a automaton
	for _, l := range lits {
		for i := 0; i < len(l.text); i++ {
			if a.column[l.text[i]] == 0 {
				a.width++
				if a.width > 255 {
					return a, fmt.Errorf("more than 255 distinct bytes in the literals")
				}
				a.column[l.text[i]] = uint8(a.width)
			}
		}
	}
	a.width++ // column 0
	for b := 'A'; b <= 'Z'; b++ {
		a.column[b] = a.column[b+('a'-'A')]
	}

	// The trie: state 0 is the root; next holds 0 where there is no child yet.
	a.next = make([]uint16, a.width)
	a.out = [][]int32{nil}
	for _, l := range lits {
		s := 0
		for i := 0; i < len(l.text); i++ {
			cell := s*a.width + int(a.column[l.text[i]])
			if a.next[cell] == 0 {
				if len(a.out) == maxStates {
					return a, fmt.Errorf("the literals need more than %d automaton states", maxStates)
				}
				a.next[cell] = uint16(len(a.out))
				a.next = append(a.next, make([]uint16, a.width)...)
				a.out = append(a.out, nil)
			}
			s = int(a.next[cell])
		}
		a.out[s] = appendUnique(a.out[s], l.pattern)
	}

	// Breadth-first, so a state's fail state (a shorter suffix) is complete before it:
	// a missing child becomes the fail state's transition, a present child's fail state
	// is the fail state's transition on the same byte.
	fail := make([]int, len(a.out))
	queue := []int{}
	for c := 1; c < a.width; c++ {
		if child := int(a.next[c]); child != 0 {
			queue = append(queue, child) // depth 1 fails to the root
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := 1; c < a.width; c++ {
			cell, fallback := s*a.width+c, a.next[fail[s]*a.width+c]
			child := int(a.next[cell])
			if child == 0 {
				a.next[cell] = fallback
				continue
			}
			fail[child] = int(fallback)
			for _, p := range a.out[fallback] {
				a.out[child] = appendUnique(a.out[child], p)
			}
			queue = append(queue, child)
		}
	}
	a.final = make([]uint64, (len(a.out)+63)/64)
	for s, ps := range a.out {
		if len(ps) > 0 {
			a.final[s>>6] |= 1 << (s & 63)
		}
	}
	return a, nil
}

// scan calls visit(pattern, end) for every literal occurrence in text, end being the
// index of its last byte.
func (a *automaton) scan(text string, visit func(pattern, end int)) {
	s := 0
	for i := 0; i < len(text); i++ {
		s = int(a.next[s*a.width+int(a.column[text[i]])])
		if a.final[s>>6]&(1<<(s&63)) == 0 {
			continue // the common case: no literal ends here
		}
		for _, p := range a.out[s] {
			visit(int(p), i)
		}
	}
}

func appendUnique(ps []int32, p int32) []int32 {
	for _, q := range ps {
		if q == p {
			return ps
		}
	}
	return append(ps, p)
}
