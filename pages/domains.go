package pages

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
)

// maxDomains bounds the host names of one page: an apex, www and a few spellings is plenty.
const maxDomains = 10

// hostProfile turns a host name as a founder writes it (any case, Unicode) into the form a
// browser sends in Host: lowercase ASCII, internationalised labels as xn--. It is the UTS 46
// Lookup profile, the one browsers use.
var hostProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false), idna.StrictDomainName(true))

// domains reads the page's host names (domains = ["shiftmeals.app", "www.shiftmeals.app"]).
// Each must be a plain host name; p.domainLines keeps each one's line for the checks across
// files.
func (d *fileDecoder) domains(root fileSection, p *Page) {
	list, ok := d.texts(root, "domains", 253, `["shiftmeals.app", "www.shiftmeals.app"]`)
	if !ok {
		return
	}
	path := childPath(root.path, "domains")
	if len(list) == 0 {
		d.errorf(path, `domains is empty: list the host names that serve this page, like domains = ["shiftmeals.app"], or remove the line to serve it at /%s`, p.Slug)
		return
	}
	if len(list) > maxDomains {
		d.errorf(path, "too many domains: %d, the limit is %d", len(list), maxDomains)
		return
	}
	seen := map[string]int{}
	for i, raw := range list {
		elPath := elemPath(path, i)
		host, problem := NormalizeHost(raw)
		if problem != "" {
			d.errorf(elPath, "domains item %d (%s) %s", i+1, quoteShort(raw), problem)
			continue
		}
		line := d.lines.line(elPath)
		if first, dup := seen[host]; dup {
			d.errorf(elPath, "domain %q is listed twice (first on line %d)", host, first)
			continue
		}
		seen[host] = line
		p.Domains = append(p.Domains, host)
		p.domainLines = append(p.domainLines, line)
	}
}

// NormalizeHost checks a host name from a page file and returns it as browsers send it in
// the Host header, or a problem in plain words (starting with a verb: "is not ...").
func NormalizeHost(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?#@") {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
			return "", fmt.Sprintf("is an address, not a host name: write the host only, like %q", u.Hostname())
		}
		return "", `is not a host name: write the host only, like "shiftmeals.app"`
	}
	if strings.Contains(s, ":") {
		if net.ParseIP(strings.Trim(s, "[]")) != nil {
			return "", "is an IP address: a page needs a domain name people can type, like \"shiftmeals.app\""
		}
		return "", `has a port: write the host only, like "shiftmeals.app" (the server's port is set by LITMUS_ADDR)`
	}
	if net.ParseIP(s) != nil {
		return "", "is an IP address: a page needs a domain name people can type, like \"shiftmeals.app\""
	}
	s = strings.TrimSuffix(s, ".")
	host, err := hostProfile.ToASCII(s)
	if err != nil || host == "" {
		return "", `is not a valid host name: use letters, digits and hyphens between dots, like "shiftmeals.app"`
	}
	if !strings.Contains(host, ".") {
		return "", `needs a dot: a public host name looks like "shiftmeals.app" (for a local test, use a name like "shiftmeals.test")`
	}
	if len(host) > 253 {
		return "", "is too long: a host name has at most 253 characters"
	}
	tld := host[strings.LastIndexByte(host, '.')+1:]
	if strings.Trim(tld, "0123456789") == "" {
		return "", `must end in letters, like ".app" or ".com"`
	}
	return host, ""
}

// checkDomainsUnique reports a host name listed by two pages: a visitor could only ever
// reach one of them, and its results would be mixed with the other's.
func checkDomainsUnique(all []loadedFile) Errors {
	var errs Errors
	type owner struct {
		file string
		line int
	}
	first := map[string]owner{}
	for _, lf := range all {
		if lf.page == nil {
			continue
		}
		for i, host := range lf.page.Domains {
			line := lf.page.domainLines[i]
			if o, dup := first[host]; dup {
				errs = append(errs, Error{File: lf.name, Line: line,
					Msg: fmt.Sprintf("domain %q is already used by %s:%d; each host name serves one page", host, o.file, o.line)})
				continue
			}
			first[host] = owner{lf.name, line}
		}
	}
	return errs
}

// CheckBaseURL reports a page domain that is the main site's own host (LITMUS_BASE_URL):
// the main site serves the admin and every page without domains there, so one host cannot
// also be one page's. Messages carry the page file and the domain's line.
func CheckBaseURL(ps []*Page, baseURL string) Errors {
	if baseURL == "" {
		return nil
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil // reported by the configuration
	}
	main := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	var errs Errors
	for _, p := range ps {
		for i, host := range p.Domains {
			if host == main {
				errs = append(errs, Error{File: p.File, Line: p.domainLines[i],
					Msg: fmt.Sprintf("domain %q is the main site's host (LITMUS_BASE_URL=%s); list only the page's own domains here, or serve the page at /%s by removing it", host, baseURL, p.Slug)})
			}
		}
	}
	return errs
}
