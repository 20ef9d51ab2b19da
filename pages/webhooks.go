package pages

import (
	"strings"

	"github.com/litmuslabs/litmus/internal/webhook"
)

// maxWebhooks bounds [[webhooks]] per page: each one is a delivery per event.
const maxWebhooks = 5

// webhooks reads the page's [[webhooks]] sections: a receiver URL (https://, checked by
// webhook.CheckURL) and optionally the events it wants.
func (d *fileDecoder) webhooks(root fileSection) []Webhook {
	list, _ := d.tableList(root, "webhooks")
	if len(list) > maxWebhooks {
		d.errorf(list[maxWebhooks].path, "too many [[webhooks]]: %d, the limit is %d (send them to one automation tool and fan out there)", len(list), maxWebhooks)
		list = list[:maxWebhooks]
	}
	var out []Webhook
	seen := map[string]int{}
	for _, s := range list {
		d.unknownKeys(s, webhookKeys, webhookSynonyms)
		var w Webhook
		w.URL = d.text(s, "url", textRule{required: true, max: webhook.MaxURLLen, example: "https://hooks.zapier.com/hooks/catch/123/abc/"})
		urlPath := childPath(s.path, "url")
		if w.URL != "" {
			if problem := webhook.CheckURL(w.URL); problem != "" {
				d.errorf(urlPath, "url %s", problem)
				w.URL = ""
			} else if line, dup := seen[w.URL]; dup {
				d.errorf(urlPath, "url is already used by the [[webhooks]] on line %d; list all its events there", line)
				w.URL = ""
			} else {
				seen[w.URL] = d.lines.line(urlPath)
			}
		}
		events, ok := d.texts(s, "events", 40, `["signup.created", "signup.erased"]`)
		if ok {
			for i, e := range events {
				if !webhook.KnownEvent(e) {
					d.errorf(elemPath(childPath(s.path, "events"), i), "events item %d %q is not an event Litmus sends; use some of %s", i+1, e, strings.Join(webhook.Events, ", "))
					ok = false
				}
			}
		}
		if ok {
			w.Events = events
		}
		if w.URL != "" {
			out = append(out, w)
		}
	}
	return out
}
