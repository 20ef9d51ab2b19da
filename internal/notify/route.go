package notify

import (
	"github.com/litmuslabs/litmus/internal/site"
	"github.com/litmuslabs/litmus/pages"
)

// Receivers lists the webhook URLs that want event: the global one (LITMUS_WEBHOOK_URL, every
// event) and the page's [[webhooks]] that ask for it, each once.
func Receivers(global string, hooks []pages.Webhook, event string) []string {
	var out []string
	if global != "" {
		out = append(out, global)
	}
	for _, h := range hooks {
		if h.URL != global && h.WantsEvent(event) {
			out = append(out, h.URL)
		}
	}
	return out
}

// Route is the store's router (store.Options.Route) for the pages being served now: it reads
// the current site at each call, so a reload that adds [[webhooks]] takes effect at once.
func Route(global string, holder *site.Holder) func(page, event string) []string {
	return func(page, event string) []string {
		var hooks []pages.Webhook
		if s := holder.Load(); s != nil {
			if e := s.Lookup(page); e != nil {
				hooks = e.Page.Webhooks
			}
		}
		return Receivers(global, hooks, event)
	}
}
