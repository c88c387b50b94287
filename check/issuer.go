package check

import (
	"fmt"
	"net/url"
	"strings"
)

// Issuer exactness. The authority a profile implies ({instance}/id or its override),
// the issuer in the discovery document and the iss in the token must be the same
// string: common clients compare them character for character.
//
//   - IdentityModel's discovery policy (the official ErpNet.Api.Client uses it)
//     compares the authority with the discovery issuer ordinally, ignoring only a
//     trailing slash: "Issuer name does not match authority".
//   - OIDC clients that follow OpenID Connect Discovery 1.0 section 4.3 exactly (Go's
//     coreos/go-oidc, Spring Security) reject any difference, a trailing slash too.
//   - ASP.NET Core JwtBearer validates a token's iss against the discovery issuer
//     ordinally: "IDX10205: Issuer validation failed".

const (
	rejectsDiscovery      = "IdentityModel's discovery policy (used by ErpNet.Api.Client): \"Issuer name does not match authority\""
	rejectsDiscoveryExact = "OIDC clients that compare the issuer exactly, as OpenID Connect Discovery 1.0 section 4.3 requires (Go's coreos/go-oidc, Spring Security)"
	rejectsTokenIss       = "ASP.NET Core JwtBearer's issuer validation (\"IDX10205: Issuer validation failed\")"
	issuerFix             = "the instance's public address settings, so that its Identity site publishes exactly the address integrations use"
)

// issuerDiff compares two issuer values exactly. sameHost is true when they name the
// same server: host names equal ignoring case, and the same port once the scheme's
// default is filled in (or no port on either side, as with http:// vs https://). A
// server on another host or port is another instance as far as the token goes.
// parts names each difference: scheme, host case, port, path, trailing slash.
func issuerDiff(a, b string) (same, sameHost bool, parts []string) {
	if a == b {
		return true, true, nil
	}
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil || ua.Host == "" || ub.Host == "" || !strings.EqualFold(ua.Hostname(), ub.Hostname()) {
		return false, false, nil
	}
	if effectivePort(ua) != effectivePort(ub) && (ua.Port() != "" || ub.Port() != "") {
		return false, false, nil
	}
	show := func(s string) string {
		if s == "" {
			return "none"
		}
		return s
	}
	if ua.Scheme != ub.Scheme {
		parts = append(parts, fmt.Sprintf("scheme (%s vs %s)", ua.Scheme, ub.Scheme))
	}
	if ua.Hostname() != ub.Hostname() {
		parts = append(parts, fmt.Sprintf("host case (%s vs %s)", ua.Hostname(), ub.Hostname()))
	}
	if ua.Port() != ub.Port() {
		parts = append(parts, fmt.Sprintf("port (%s vs %s)", show(ua.Port()), show(ub.Port())))
	}
	pa, pb := ua.EscapedPath(), ub.EscapedPath()
	if strings.TrimRight(pa, "/") != strings.TrimRight(pb, "/") {
		parts = append(parts, fmt.Sprintf("path (%s vs %s)", show(strings.TrimRight(pa, "/")), show(strings.TrimRight(pb, "/"))))
	}
	if strings.HasSuffix(pa, "/") != strings.HasSuffix(pb, "/") {
		parts = append(parts, "trailing slash")
	}
	if len(parts) == 0 {
		parts = append(parts, "spelling")
	}
	return false, true, parts
}

// onlyTrailingSlash reports whether the only difference is a trailing slash.
func onlyTrailingSlash(parts []string) bool { return len(parts) == 1 && parts[0] == "trailing slash" }

// discoveryIssuerInexact is the warning for an authority and a discovery issuer that
// name the same host but are not the same string.
func discoveryIssuerInexact(authority, issuer string, parts []string) Finding {
	clients := rejectsDiscovery + "; " + rejectsDiscoveryExact
	if onlyTrailingSlash(parts) {
		clients = rejectsDiscoveryExact + " (IdentityModel ignores a trailing slash)"
	}
	return newFinding(DiscIssuerInexact,
		fmt.Sprintf("The identity server calls itself %q, which differs from the authority %q in %s. This tool and ERP.net's own APIs tolerate it, but clients that compare the issuer exactly refuse the discovery document: %s. Fix %s, or set the authority to the issuer exactly.",
			issuer, authority, strings.Join(parts, ", "), clients, issuerFix),
		map[string]string{EvExpected: authority, EvActual: issuer, EvIssuer: issuer, EvAuthority: authority,
			EvDiffers: strings.Join(parts, ", "), EvClients: clients})
}

// tokenIssuerInexact is the warning for a token whose iss names the discovery issuer's
// host but is not the same string.
func tokenIssuerInexact(issuer, iss string, parts []string) Finding {
	return newFinding(TokIssuerInexact,
		fmt.Sprintf("The token's iss %q differs from the identity server's issuer %q in %s. Clients that validate iss against the discovery issuer reject the token: %s. Fix %s.",
			iss, issuer, strings.Join(parts, ", "), rejectsTokenIss, issuerFix),
		map[string]string{EvExpected: issuer, EvActual: iss, EvIssuer: iss, EvDiffers: strings.Join(parts, ", "), EvClients: rejectsTokenIss})
}

// effectivePort is the URL's port, or its scheme's default.
func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}
