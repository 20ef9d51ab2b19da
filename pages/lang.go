package pages

import (
	"slices"
	"sync"

	"github.com/litmuslabs/litmus/internal/i18n"
)

// maxMessageLen bounds one message override: a sentence or two.
const maxMessageLen = 300

// language reads the page's lang (BCP 47, "en" when absent) and its [messages] overrides,
// and sets p.Messages: every word Litmus itself writes on the page comes from there. It runs
// before the fields and the thank-you page, whose defaults are in the page's language.
func (d *fileDecoder) language(root fileSection, p *Page) {
	p.Lang = d.text(root, "lang", textRule{max: 35, example: "de"})
	overrides := map[string]string{}
	if s, ok := d.table(root, "messages"); ok {
		known := i18n.Keys()
		keys := make([]string, 0, len(s.values))
		for k := range s.values {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			path := childPath(s.path, k)
			if !slices.Contains(known, k) {
				d.errorf(path, "there is no message called %q; docs/page-files.md lists the messages a page can change", k)
				continue
			}
			text := d.text(s, k, textRule{required: true, max: maxMessageLen, example: i18n.MustFor("en").Text(k)})
			if text == "" {
				continue
			}
			if err := i18n.CheckOverride(k, text); err != nil {
				d.errorf(path, "%v", err)
				continue
			}
			overrides[k] = text
		}
	}
	m, err := i18n.For(p.Lang, overrides)
	if err != nil {
		d.errorf("lang", "lang: %v", err)
		m = i18n.MustFor(i18n.Default)
	}
	p.Messages = m
	if p.Lang == "" {
		p.Lang = i18n.Default
	}
}

var english = sync.OnceValue(func() *i18n.Messages { return i18n.MustFor(i18n.Default) })

// Msg returns the page's messages; English for a page built by hand without them.
func (p *Page) Msg() *i18n.Messages {
	if p == nil || p.Messages == nil {
		return english()
	}
	return p.Messages
}
