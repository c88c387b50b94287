package profiles

import (
	"fmt"
	"net/url"
	"strings"

	"trustedapp-tester/internal/safetext"
)

// SecurityNote is one security-relevant value a profile carries: where the client
// secret or the token may go, what protects them on the way, and calls that change
// data. An import shows them before the profile is saved.
type SecurityNote struct {
	Field   string `json:"field"`   // the JSON field: "tls.insecure_skip_verify", "proxy", "calls[2]", ...
	Message string `json:"message"` // one line; values from the profile are escaped (safetext.Line)
}

func (n SecurityNote) String() string { return n.Field + ": " + n.Message }

// Review is the security notes of one profile.
type Review struct {
	Name  string         `json:"name"`
	Notes []SecurityNote `json:"notes"`
}

// ReviewProfiles returns the security notes of every profile that has some, in order.
func ReviewProfiles(ps []Profile) []Review {
	var out []Review
	for _, p := range ps {
		if notes := SecurityNotes(p); len(notes) > 0 {
			out = append(out, Review{Name: p.Name, Notes: notes})
		}
	}
	return out
}

// SecurityNotes lists what in p decides where the client secret and the token go and
// how they are protected, beyond a plain https instance: TLS verification turned off,
// an extra trusted CA, a proxy, an authority, token endpoint or OData root on another
// host than the instance, plain http to another machine, API calls to another host,
// and calls that change data (POST, PATCH, PUT, DELETE).
func SecurityNotes(p Profile) []SecurityNote {
	var out []SecurityNote
	note := func(field, format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = safetext.Line(s)
			}
		}
		out = append(out, SecurityNote{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	inst := parseHTTP(p.InstanceURL)
	instHost := ""
	if inst != nil {
		instHost = strings.ToLower(inst.Hostname())
		if plainHTTP(inst) {
			note("instance_url", "plain http:// to %s: the client secret and the tokens cross the network unencrypted", inst.Host)
		}
	}
	if p.TLS.InsecureSkipVerify {
		note("tls.insecure_skip_verify", "TLS certificate verification is OFF: anyone on the network path can read the client secret and the tokens")
	}
	if ca := strings.TrimSpace(p.TLS.CAFile); ca != "" {
		note("tls.ca_file", "trusts the extra CA certificates in %s: whoever holds that CA's key can stand in for the instance", ca)
	}
	if pr := strings.TrimSpace(p.Proxy); pr != "" {
		note("proxy", "every request goes through the proxy %s", pr)
	}
	for _, o := range []struct{ field, value, what string }{
		{"authority", p.Authority, "the client secret is sent to its token endpoint"},
		{"token_endpoint", p.TokenEndpoint, "the client secret is sent there"},
		{"odata_root", p.ODataRoot, "the access token is sent there"},
	} {
		u := parseHTTP(o.value)
		if u == nil {
			continue
		}
		if instHost != "" && !strings.EqualFold(u.Hostname(), instHost) {
			note(o.field, "on another host than the instance (%s, the instance is %s): %s", u.Host, inst.Host, o.what)
		}
		if plainHTTP(u) {
			note(o.field, "plain http:// to %s: %s unencrypted", u.Host, o.what)
		}
	}
	for i, c := range p.Calls {
		field := fmt.Sprintf("calls[%d]", i)
		m, _ := LookupMethod(c.Method)
		if m.Write {
			note(field, "%s %s changes data on the instance", m.Name, c.Path)
		}
		if u := parseHTTP(c.Path); u != nil && u.IsAbs() && instHost != "" && !strings.EqualFold(u.Hostname(), instHost) {
			note(field, "sends the access token to another host than the instance: %s", u.Host)
		}
	}
	return out
}

// parseHTTP parses an absolute http(s) URL with a host, or returns nil.
func parseHTTP(s string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}

func plainHTTP(u *url.URL) bool { return u.Scheme == "http" && !isLoopback(u.Hostname()) }
