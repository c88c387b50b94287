package report

import (
	"bytes"
	"fmt"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/sysproxy"
)

// Proxy is how the run reached one host: through which proxy, chosen where
// (check.ProxyUse), with the choice in one line.
type Proxy struct {
	// Host is the host (and port) the requests went to.
	Host string `json:"host"`
	// Route is the choice in one line: "system PAC http://wpad/proxy.pac →
	// proxy.corp:8080", "environment HTTPS_PROXY → proxy:3128", "none".
	Route string `json:"route"`
	// Proxy is the proxy's URL, any login in it redacted; absent for a direct
	// connection.
	Proxy string `json:"proxy,omitempty"`
	// Source is "profile", "environment", "system" or "none".
	Source string `json:"source"`
	// By is what decided within the source: "HTTPS_PROXY", "NO_PROXY",
	// "PAC http://wpad/proxy.pac", "WPAD http://wpad.corp/wpad.dat",
	// "Internet Options", "Internet Options bypass list", "macOS network settings".
	By string `json:"by,omitempty"`
	// Auth is how the tool signed in to the proxy, when it asked.
	Auth string `json:"auth,omitempty"`
	// Notes say what was tried and not used (a PAC file that could not be read).
	Notes []string `json:"notes,omitempty"`
}

func buildProxies(uses []check.ProxyUse) []Proxy {
	var out []Proxy
	for _, u := range uses {
		px := Proxy{Host: scrubLogins(u.Host), Route: scrubLogins(u.Route()), Proxy: scrubLogins(u.Proxy), Source: u.Source, By: scrubLogins(u.By), Auth: scrubLogins(u.Auth)}
		for _, n := range u.Notes {
			px.Notes = append(px.Notes, scrubLogins(n))
		}
		out = append(out, px)
	}
	return out
}

// scrubLogins is Scrub with the login of any URL in s redacted (check redacts them
// already; this is the second line of defence).
func scrubLogins(s string) string { return Scrub(sysproxy.RedactLogins(s)) }

// oneRoute is the route every host took, "" when they differ.
func oneRoute(ps []Proxy) string {
	for _, p := range ps[1:] {
		if p.Route != ps[0].Route || p.Auth != ps[0].Auth {
			return ""
		}
	}
	return ps[0].Route
}

func (p Proxy) routeText(lang *i18n.Localizer) string {
	s := p.routeIn(lang)
	if p.Auth != "" {
		s += fmt.Sprintf(lang.X("report.proxy.signed_in", " (signed in: %s)"), p.Auth)
	}
	return s
}

// routeIn is the route in lang: where the choice came from and where it led ("system
// PAC http://wpad/proxy.pac → proxy.corp:8080"); the names of variables, files and
// proxies stay as they are.
func (p Proxy) routeIn(lang *i18n.Localizer) string {
	if english(lang) {
		return p.Route
	}
	if p.Route == check.ProxyFromNone {
		return lang.X("report.proxy.none", "none")
	}
	from, to, ok := strings.Cut(p.Route, " → ")
	if !ok {
		return p.Route
	}
	switch p.Source {
	case check.ProxyFromProfile:
		if from == "profile proxy" {
			from = lang.X("report.proxy.profile_proxy", "profile proxy")
		} else {
			from = lang.X("report.proxy.profile", "profile") + strings.TrimPrefix(from, "profile")
		}
	case check.ProxyFromEnvironment:
		from = lang.X("report.proxy.environment", "environment") + strings.TrimPrefix(from, "environment")
	case check.ProxyFromSystem:
		from = lang.X("report.proxy.system", "system") + strings.TrimPrefix(from, "system")
	}
	if to == "direct" {
		to = lang.X("report.proxy.direct", "direct")
	}
	return from + " → " + to
}

// RouteIn is the way a run of a profile takes to a host (check.ProxyUse.Route), in
// lang, as the reports say it.
func RouteIn(lang *i18n.Localizer, u check.ProxyUse) string {
	return buildProxies([]check.ProxyUse{u})[0].routeIn(lang)
}

// writeProxyText writes "Proxy: <route>" (or a line per host, when they went
// different ways) and the notes.
func writeProxyText(b *bytes.Buffer, ps []Proxy, lang *i18n.Localizer) {
	if len(ps) == 0 {
		return
	}
	if oneRoute(ps) != "" {
		fmt.Fprintf(b, lang.X("report.proxy.text", "Proxy: %s")+"\n", line(ps[0].routeText(lang)))
	} else {
		for _, p := range ps {
			fmt.Fprintf(b, lang.X("report.proxy.text_host", "Proxy for %s: %s")+"\n", line(p.Host), line(p.routeText(lang)))
		}
	}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, n := range p.Notes {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(b, "  "+lang.X("report.proxy.note", "Proxy note: %s")+"\n", line(n))
			}
		}
	}
}

// writeProxyMarkdown writes the "Proxy" section: a row per host.
func writeProxyMarkdown(b *bytes.Buffer, ps []Proxy, lang *i18n.Localizer) {
	if len(ps) == 0 {
		return
	}
	b.WriteString("\n## " + lang.X("report.md.proxy", "Proxy") + "\n\n" +
		lang.X("report.proxy.md_order", "In this order: the profile's proxy, then the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), then the system's settings.") +
		"\n\n| " + lang.X("report.proxy.md_columns", "Host | Route | Sign-in to the proxy") + " |\n|---|---|---|\n")
	for _, p := range ps {
		auth := p.Auth
		if auth == "" {
			auth = lang.X("report.proxy.none_asked", "none asked")
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(p.Host), mdCell(p.routeIn(lang)), mdCell(auth))
	}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, n := range p.Notes {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(b, "\n- %s", mdText(n))
			}
		}
	}
	if len(seen) > 0 {
		b.WriteString("\n")
	}
}
