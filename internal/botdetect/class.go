package botdetect

// Class is what kind of client sent a request, judged from its User-Agent. The values are
// stable: they are Prometheus label values and rows in the admin view, so never rename one.
type Class string

// The classes, from the one we count to the ones we do not. Only Human is a visitor.
const (
	// Human is a browser a person is using, including in-app browsers (Instagram,
	// Facebook, LinkedIn, TikTok...), which are people who tapped a link.
	Human Class = "human"
	// LinkPreview fetches a page to show a card when someone pastes its link into a chat
	// or a post (Slack, WhatsApp, iMessage, Discord, Facebook, X, LinkedIn, Telegram...).
	LinkPreview Class = "link_preview"
	// Crawler is a named robot: search engines, AI crawlers, SEO tools, uptime monitors,
	// feed readers, archivers, scanners, ad verifiers.
	Crawler Class = "crawler"
	// Headless is a browser driven by a program (headless Chrome, Puppeteer, Playwright,
	// Selenium, PhantomJS, AI agents that say so).
	Headless Class = "headless"
	// HTTPClient is a programming library or command-line tool (curl, Wget,
	// python-requests, Go-http-client, okhttp, axios, Java, Postman...).
	HTTPClient Class = "http_client"
	// Empty is a request without a User-Agent, or with one too short to name anything.
	Empty Class = "empty"
	// Suspicious names no known robot but is not shaped like any browser either: no
	// "Mozilla/…(" or "Opera/…(" form, control characters, or absurd length. Scripts
	// with a made-up name land here.
	Suspicious Class = "suspicious"
)

// classes lists every Class; Classes hands out copies.
var classes = []Class{Human, LinkPreview, Crawler, Headless, HTTPClient, Empty, Suspicious}

// Classes returns every class Classify can return, so a metrics package can initialise a
// counter per class at start.
func Classes() []Class { return append([]Class(nil), classes...) }

// rank orders the robot classes for a user agent that matches patterns of several: the
// most specific identity wins. A link-preview fetcher names the product that shared the
// link; a named crawler beats the tool it is built with ("MyBot/1.0 python-requests/2.32"
// is MyBot); a driven browser beats a bare library.
func (c Class) rank() int {
	switch c {
	case LinkPreview:
		return 4
	case Crawler:
		return 3
	case Headless:
		return 2
	case HTTPClient:
		return 1
	}
	return 0
}
