package report

import (
	"bytes"
	"fmt"

	"trustedapp-tester/check"
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

func (p Proxy) routeText() string {
	s := p.Route
	if p.Auth != "" {
		s += " (signed in: " + p.Auth + ")"
	}
	return s
}

// writeProxyText writes "Proxy: <route>" (or a line per host, when they went
// different ways) and the notes.
func writeProxyText(b *bytes.Buffer, ps []Proxy) {
	if len(ps) == 0 {
		return
	}
	if oneRoute(ps) != "" {
		fmt.Fprintf(b, "Proxy: %s\n", line(ps[0].routeText()))
	} else {
		for _, p := range ps {
			fmt.Fprintf(b, "Proxy for %s: %s\n", line(p.Host), line(p.routeText()))
		}
	}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, n := range p.Notes {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(b, "  Proxy note: %s\n", line(n))
			}
		}
	}
}

// writeProxyMarkdown writes the "Proxy" section: a row per host.
func writeProxyMarkdown(b *bytes.Buffer, ps []Proxy) {
	if len(ps) == 0 {
		return
	}
	b.WriteString("\n## Proxy\n\nIn this order: the profile's proxy, then the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), then the system's settings.\n\n| Host | Route | Sign-in to the proxy |\n|---|---|---|\n")
	for _, p := range ps {
		auth := p.Auth
		if auth == "" {
			auth = "none asked"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(p.Host), mdCell(p.Route), mdCell(auth))
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
