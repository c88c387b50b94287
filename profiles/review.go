package profiles

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"trustedapp-tester/internal/origin"
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

// ReviewBundle is what an import of the bundle data would bring in, before anything is
// saved: for each profile, its security notes, how the file spells its fields, and,
// for one that would replace a profile of held (the store's), what the replacement
// changes of where the credentials go (ChangeNotes).
func ReviewBundle(data []byte, held []Profile) ([]Review, error) {
	ps, flaws, err := readBundle(data)
	if err != nil {
		return nil, err
	}
	return reviewImport(ps, flaws, held), nil
}

// ReviewImport is ReviewBundle of profiles already read (ReadCSV: a CSV file has no
// member names to spell twice).
func ReviewImport(ps, held []Profile) []Review { return reviewImport(ps, nil, held) }

func reviewImport(ps []Profile, flaws map[int]keyFlaws, held []Profile) []Review {
	idx := indexNames(held)
	var out []Review
	for i, p := range ps {
		var notes []SecurityNote
		for _, pr := range flaws[i].twice {
			notes = append(notes, SecurityNote{Field: pr.Field, Message: pr.Message + " (this profile will not be imported)"})
		}
		notes = append(notes, flaws[i].spelled...)
		if j := idx.find(NormalizeName(p.Name)); j >= 0 {
			notes = append(notes, ChangeNotes(held[j], p, false)...)
		}
		notes = append(notes, SecurityNotes(p)...)
		if len(notes) > 0 {
			out = append(out, Review{Name: p.Name, Notes: notes})
		}
	}
	return out
}

// SecurityNotes lists what in p decides where the client secret and the token go and
// how they are protected, beyond a plain https instance: TLS verification turned off,
// an extra trusted CA, a proxy, an authority, token endpoint or OData root on another
// host or port than the instance, plain http to another machine, host names that mix
// scripts (look-alikes), hosts confirmed for the token, API calls to another host, and
// calls that change data (POST, PATCH, PUT, DELETE). Hosts are compared in their DNS
// form (lower case, punycode), scheme and port included.
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
	kindNotes(note, p)
	inst, instErr := origin.Parse(p.InstanceURL)
	if instErr == nil {
		if u := parseHTTP(p.InstanceURL); u != nil && plainHTTP(u) {
			note("instance_url", "plain http:// to %s: the client secret and the tokens cross the network unencrypted", u.Host)
		}
		lookAlike(note, "instance_url", inst)
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
		ou, err := origin.Of(u)
		if err != nil {
			continue
		}
		if instErr == nil && ou.Host != inst.Host {
			note(o.field, "on another host than the instance (%s, the instance is %s): %s", ou.HostPort(), inst.HostPort(), o.what)
		} else if instErr == nil && ou.Port != inst.Port {
			note(o.field, "on another port of the instance's host (%s, the instance is %s): %s", ou.HostPort(), inst.HostPort(), o.what)
		}
		if plainHTTP(u) {
			note(o.field, "plain http:// to %s: %s unencrypted", u.Host, o.what)
		}
		lookAlike(note, o.field, ou)
	}
	for i, h := range p.ConfirmedHosts {
		field := fmt.Sprintf("confirmed_hosts[%d]", i)
		o, err := origin.Parse(h)
		if err != nil {
			note(field, "%s is not a host address; it confirms nothing", h)
			continue
		}
		note(field, "the access token may be sent to %s (a host confirmed for this profile)", o.Display())
		lookAlike(note, field, o)
	}
	tokenTo := TokenOrigins(p)
	for i, c := range p.Calls {
		field := fmt.Sprintf("calls[%d]", i)
		m, _ := LookupMethod(c.Method)
		if m.Write {
			note(field, "%s %s changes data on the instance", m.Name, c.Path)
		}
		if u := parseHTTP(c.Path); u != nil && u.IsAbs() {
			if o, err := origin.Of(u); err == nil && !slices.Contains(tokenTo, o.String()) {
				note(field, "calls another host than the instance (%s): the access token is not sent there unless that host is confirmed for this profile", o.Display())
			}
		}
	}
	return out
}

// lookAlike notes a host that is not plain ASCII: its DNS (punycode) form, and when
// a label mixes scripts, that it is the shape of a look-alike ("аcme" with a Cyrillic
// а is not "acme").
func lookAlike(note func(field, format string, args ...any), field string, o origin.Origin) {
	if o.Unicode == "" {
		return
	}
	if label, scripts, mixed := origin.MixedScript(o.Host); mixed {
		note(field, "the host %s is %s in DNS: its part %q mixes %s letters, the mark of a look-alike of another name", o.Unicode, o.Host, label, strings.Join(scripts, " and "))
		return
	}
	note(field, "the host %s is %s in DNS (an international name): check that it is the host you mean", o.Unicode, o.Host)
}

// ChangeNotes lists what replacing held with p changes of where the credentials go:
// another instance, authority, token endpoint or OData root (compared as origins:
// scheme, host in DNS form, port), a proxy, the CA, certificate checks, hosts confirmed
// for the token; and, when held has a stored secret that p sends elsewhere, whether
// it follows (moved) or stays with the hosts it was stored for.
func ChangeNotes(held, p Profile, moved bool) []SecurityNote {
	var out []SecurityNote
	note := func(field, format string, args ...any) {
		for i, a := range args {
			if s, ok := a.(string); ok {
				args[i] = safetext.Line(s)
			}
		}
		out = append(out, SecurityNote{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for _, f := range []struct {
		field     string
		was, will string
		what      string
	}{
		{"instance_url", held.Root(), p.Root(), "the profile talks to another instance"},
		{"authority", held.AuthorityURL(), p.AuthorityURL(), "the client secret goes to another identity server"},
		{"token_endpoint", held.TokenURL(), p.TokenURL(), "the client secret goes to another token endpoint"},
		{"odata_root", held.ODataRootURL(), p.ODataRootURL(), "the access token goes to another OData root"},
	} {
		if f.was == f.will {
			continue
		}
		was, err1 := origin.Parse(f.was)
		will, err2 := origin.Parse(f.will)
		switch {
		case f.was == "" || f.will == "":
			note(f.field, "changes from %s to %s: %s", orNone(f.was), orNone(f.will), f.what)
		case err1 != nil || err2 != nil || was.Key() != will.Key():
			note(f.field, "changes from %s to %s: %s", displayOf(f.was), displayOf(f.will), f.what)
		}
	}
	kindChangeNotes(note, held, p)
	if strings.TrimSpace(held.Proxy) != strings.TrimSpace(p.Proxy) {
		note("proxy", "changes from %s to %s: every request goes through it", orNone(held.Proxy), orNone(p.Proxy))
	}
	if held.TLS.CAFile != p.TLS.CAFile {
		note("tls.ca_file", "changes from %s to %s: it decides which certificates are trusted", orNone(held.TLS.CAFile), orNone(p.TLS.CAFile))
	}
	if p.TLS.InsecureSkipVerify && !held.TLS.InsecureSkipVerify {
		note("tls.insecure_skip_verify", "turns certificate checks OFF (they are on in your profile)")
	}
	for _, h := range TokenOrigins(p) {
		if !slices.Contains(TokenOrigins(held), h) && slices.Contains(originList(p.ConfirmedHosts...), h) {
			note("confirmed_hosts", "adds %s: the access token may be sent there", h)
		}
	}
	if from, to := SecretBinding(held, Profile{}), SecretOrigins(p); len(from) > 0 && !subset(to, from) {
		if moved {
			note("client secret", "the secret stored for %s follows the profile to %s, as asked", strings.Join(from, ", "), strings.Join(to, ", "))
		} else {
			note("client secret", "the secret stored for %s stays with it: it is not sent to %s unless you let it follow (--move-secrets, or the app's question) or set it again", strings.Join(from, ", "), strings.Join(to, ", "))
		}
	}
	return out
}

// subset reports whether every origin of a is in b.
func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// displayOf is a URL with its host's DNS form when that differs from how it is typed.
func displayOf(raw string) string {
	o, err := origin.Parse(raw)
	if err != nil || o.Unicode == "" {
		return raw
	}
	return raw + " (" + o.Host + " in DNS)"
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

// SecretMove is a stored profile whose client secret an import would send elsewhere:
// the origins the secret belongs to, and those the imported profile names.
type SecretMove struct {
	Name string   `json:"name"`
	From []string `json:"from"`
	To   []string `json:"to"`
}

// SecretMoves lists the profiles of held (the store's) with a stored secret that the
// bundle data would replace with a profile sending the secret to other origins: what
// the user decides before replacing them (the app's question, --move-secrets).
func SecretMoves(data []byte, held []Profile) ([]SecretMove, error) {
	ps, _, err := readBundle(data)
	if err != nil {
		return nil, err
	}
	return SecretMovesOf(ps, held), nil
}

// SecretMovesOf is SecretMoves of profiles already read (ReadCSV).
func SecretMovesOf(ps, held []Profile) []SecretMove {
	idx := indexNames(held)
	var out []SecretMove
	for _, p := range ps {
		j := idx.find(NormalizeName(p.Name))
		if j < 0 {
			continue
		}
		from, to := SecretBinding(held[j], Profile{}), SecretOrigins(p)
		if len(from) > 0 && !subset(to, from) {
			out = append(out, SecretMove{Name: held[j].Name, From: from, To: to})
		}
	}
	return out
}

// readBundle reads the profiles of a bundle (ReadBundle) with what their member names
// say (bundlekeys.go), by index.
func readBundle(data []byte) ([]Profile, map[int]keyFlaws, error) {
	ps, err := ReadBundle(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	return ps, bundleKeyFlaws(data), nil
}
