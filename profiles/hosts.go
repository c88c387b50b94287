package profiles

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"trustedapp-tester/internal/origin"
)

// Where a profile's credentials may go: the credential boundary. The client secret goes
// to the origins the user named for it (SecretOrigins), and, once stored, only to those
// it was stored for (Profile.SecretFor); the access token goes to the instance, the
// profile's own OData root and the hosts the user confirmed (TokenOrigins). The engine's
// credential gate (check/gate.go) refuses everything else; this file says what the
// profile names, for the gate, the review of an import and the editors.

// SecretOrigins are the origins p sends its client secret to: its authority's and, when
// it sets one, its own token endpoint's. Sorted, each once; an address that does not
// parse is left out.
func SecretOrigins(p Profile) []string {
	return originList(p.AuthorityURL(), p.TokenURL())
}

// TokenOrigins are the origins p's access token may go to: the instance's, the
// profile's own OData root's and ConfirmedHosts. Sorted, each once.
func TokenOrigins(p Profile) []string {
	list := []string{p.Root()}
	if strings.TrimSpace(p.ODataRoot) != "" {
		list = append(list, p.ODataRootURL())
	}
	return originList(append(list, p.ConfirmedHosts...)...)
}

func originList(urls ...string) []string {
	var out []string
	for _, u := range urls {
		if strings.TrimSpace(u) == "" {
			continue
		}
		if o, err := origin.Parse(u); err == nil && !slices.Contains(out, o.String()) {
			out = append(out, o.String())
		}
	}
	slices.Sort(out)
	return out
}

// SecretMoved reports whether p's stored secret belongs to other origins than those p
// now sends it to: from are the origins it was stored for, to those p names now. Such
// a secret is not sent until it is moved (MoveSecret, --move-secrets, the editor's
// question) or set again. A profile without a stored secret, or whose secret was stored
// before its origins were recorded, has not moved.
func SecretMoved(p Profile) (from, to []string, moved bool) {
	if p.SecretSetAt.IsZero() || len(p.SecretFor) == 0 {
		return nil, nil, false
	}
	from, to = originList(p.SecretFor...), SecretOrigins(p)
	for _, o := range to {
		if !slices.Contains(from, o) {
			return from, to, true
		}
	}
	return from, to, false
}

// SecretBinding is what an edit leaves of the origins stored's secret belongs to, p
// being the edited profile: none when stored has no secret; the origins given in p
// (a move the caller decided) or else those stored for it; for a secret stored before
// its origins were recorded, the origins stored named then.
func SecretBinding(stored, p Profile) []string {
	switch {
	case stored.SecretSetAt.IsZero():
		return nil
	case len(p.SecretFor) > 0:
		return originList(p.SecretFor...)
	case len(stored.SecretFor) > 0:
		return originList(stored.SecretFor...)
	}
	return SecretOrigins(stored)
}

// ConfirmHost adds the origin of raw (an http(s) URL; only its scheme, host and port
// count) to p's confirmed hosts and returns it as stored ("https://api.acme.example").
// It reports added=false when p already confirms it or raw is one of p's own origins
// (the instance, its OData root), which need no confirmation.
func ConfirmHost(p *Profile, raw string) (o string, added bool, err error) {
	or, err := parseHostOrigin(raw)
	if err != nil {
		return "", false, err
	}
	o = or.String()
	if slices.Contains(TokenOrigins(*p), o) {
		return o, false, nil
	}
	p.ConfirmedHosts = append(slices.Clone(p.ConfirmedHosts), o)
	return o, true, nil
}

// UnconfirmHost removes raw's origin from p's confirmed hosts; false when it was not
// there.
func UnconfirmHost(p *Profile, raw string) (bool, error) {
	or, err := parseHostOrigin(raw)
	if err != nil {
		return false, err
	}
	out := p.ConfirmedHosts[:0:0]
	for _, h := range p.ConfirmedHosts {
		if ho, err := origin.Parse(h); err == nil && ho.Key() == or.Key() {
			continue
		}
		out = append(out, h)
	}
	removed := len(out) != len(p.ConfirmedHosts)
	p.ConfirmedHosts = out
	return removed, nil
}

// parseHostOrigin reads a confirmed host: an http(s) URL whose path, query and user
// name say nothing (a host is confirmed, never a path).
func parseHostOrigin(raw string) (origin.Origin, error) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw // a bare host name means https
	}
	u, msg := checkURL(raw)
	if msg != "" {
		return origin.Origin{}, fmt.Errorf("%s: give the host's origin, e.g. https://api.acme.example", msg)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return origin.Origin{}, fmt.Errorf("%q has a path or query: give only the scheme and host (and a port), e.g. %s://%s", redactQuery(u), u.Scheme, u.Host)
	}
	return origin.Of(u)
}

func redactQuery(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.String()
}

// checkConfirmedHosts is the rule for confirmed_hosts: each an http(s) origin without a
// path, once; http:// to another machine is warned about, as a host that mixes
// scripts in a label is (a look-alike of another name).
func checkConfirmedHosts(c *checker) {
	seen := map[string]bool{}
	for i, h := range c.p.ConfirmedHosts {
		field := fmt.Sprintf("confirmed_hosts[%d]", i)
		o, err := parseHostOrigin(h)
		if err != nil {
			c.errorf(field, "%v", err)
			continue
		}
		if seen[o.String()] {
			c.warnf(field, "%s is listed twice: remove the duplicate", o.String())
			continue
		}
		seen[o.String()] = true
		if o.Scheme == "http" && !isLoopback(o.Host) {
			c.warnf(field, "uses http:// to %s, so the access token crosses the network unencrypted: use https://", o.Host)
		}
		if label, scripts, mixed := origin.MixedScript(o.Host); mixed {
			c.warnf(field, "the host part %q mixes %s letters, the mark of a look-alike of another name: check that it is the host you mean (%s)", label, strings.Join(scripts, " and "), o.Display())
		}
	}
}
