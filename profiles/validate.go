package profiles

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"unicode"
)

// Severity of a validation Problem.
type Severity string

const (
	// SeverityError blocks saving the profile.
	SeverityError Severity = "error"
	// SeverityWarning is shown to the user but does not block saving.
	SeverityWarning Severity = "warning"
)

// Problem is one validation result. Field is the profile's JSON field name
// ("instance_url", "scopes", "calls[1].method", "tls.ca_file", ...); Message says
// what is wrong and how to fix it.
type Problem struct {
	Field    string   `json:"field"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

func (p Problem) String() string { return fmt.Sprintf("%s %s: %s", p.Severity, p.Field, p.Message) }

// ValidationError is returned by Store methods when a profile has error-level problems.
type ValidationError struct {
	Name     string
	Problems []Problem // all problems, warnings included
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "profile %q is not valid:", e.Name)
	for _, p := range e.Problems {
		if p.Severity == SeverityError {
			fmt.Fprintf(&b, " %s: %s;", p.Field, p.Message)
		}
	}
	return strings.TrimSuffix(b.String(), ";")
}

// HasErrors reports whether any problem is an error.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Scope is a scope name ERP.net knows (erpnet-reference.md section 2).
type Scope struct {
	Name    string
	Meaning string
	// ServiceApp is true when a client-credentials (service) app can be granted it.
	ServiceApp bool
	// Legacy scopes must not be requested by new apps.
	Legacy bool
}

// KnownScopes are the scope names ERP.net documents, in the order a UI should offer them
// as chips. DomainApi is not listed: it is legacy (Validate warns about it).
func KnownScopes() []Scope {
	return []Scope{
		{Name: "read", Meaning: "read-only data access", ServiceApp: true},
		{Name: "update", Meaning: "create, modify and delete data", ServiceApp: true},
		{Name: "offline_access", Meaning: "refresh tokens (interactive sign-in only)"},
		{Name: "openid", Meaning: "OpenID Connect sign-in (interactive only)"},
		{Name: "profile", Meaning: "basic user info (interactive only)"},
		{Name: "sec", Meaning: "security-namespace APIs, internal use only", ServiceApp: true},
	}
}

// CallPathError says what stops an API call's path from being sent, nil when it can
// be: a path from the instance root, or an http(s) URL with a host.
func CallPathError(path string) error {
	const example = "/api/domain/odata/Crm_Sales_Customers?$top=5"
	switch {
	case strings.TrimSpace(path) == "":
		return fmt.Errorf("enter a path such as %s", example)
	case strings.IndexFunc(path, unicode.IsSpace) >= 0:
		return errors.New("the path contains a space: write it as %20")
	}
	u, err := url.Parse(path)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL path (%v): enter a path such as %s", path, cleanURLErr(err), example)
	case u.IsAbs() && u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the scheme %q cannot be called: use a path from the instance root or an https:// URL", u.Scheme)
	case u.IsAbs() && u.Host == "":
		return errors.New("the URL has no host: use a path from the instance root or a full https:// URL")
	}
	return nil
}

func knownScopeNames() string {
	var names []string
	for _, s := range KnownScopes() {
		names = append(names, s.Name)
	}
	return strings.Join(names, " ")
}

// GlobalIdentityHost is ERP.net's global identity server. It issues no instance tokens.
const GlobalIdentityHost = "id.erp.net"

// MaxTimeoutSeconds is the largest per-call timeout a profile may set.
const MaxTimeoutSeconds = 600

// MaxNameLength bounds profile names (they are keyring keys and file names in exports).
const MaxNameLength = 100

var allowedMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true}

// Validate checks p on its own and against others (the other profiles in the store; a
// profile with the same name, compared case-insensitively, is a duplicate). Pass the
// store's profiles without p itself when editing. It also checks that the CA file exists.
func Validate(p Profile, others []Profile) []Problem {
	return validate(p, others, true)
}

func validate(p Profile, others []Profile, checkFiles bool) []Problem {
	var ps []Problem
	add := func(sev Severity, field, format string, args ...any) {
		ps = append(ps, Problem{Field: field, Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
	errf := func(field, format string, args ...any) { add(SeverityError, field, format, args...) }
	warnf := func(field, format string, args ...any) { add(SeverityWarning, field, format, args...) }

	// name
	name := p.Name
	switch {
	case strings.TrimSpace(name) == "":
		errf("name", "is empty: give the profile a name, e.g. \"Acme Test\"")
	case name != strings.TrimSpace(name):
		errf("name", "has leading or trailing spaces: remove them")
	case len(name) > MaxNameLength:
		errf("name", "is %d characters long: use at most %d", len(name), MaxNameLength)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		errf("name", "contains a control character (tab, newline, ...): use plain text")
	}
	for _, o := range others {
		if name != "" && strings.EqualFold(strings.TrimSpace(o.Name), strings.TrimSpace(name)) {
			errf("name", "a profile named %q already exists: choose another name (names are compared ignoring case)", o.Name)
			break
		}
	}

	// instance_url
	if strings.TrimSpace(p.InstanceURL) == "" {
		errf("instance_url", "is empty: enter the instance root, e.g. https://acme.my.erp.net")
	} else if u, msg := checkURL(p.InstanceURL); msg != "" {
		errf("instance_url", "%s: enter the instance root, e.g. https://acme.my.erp.net", msg)
	} else {
		checkHTTP(u, "instance_url", warnf)
		if strings.EqualFold(u.Hostname(), GlobalIdentityHost) {
			errf("instance_url", "%s is ERP.net's global identity server, not an instance: enter your instance root, e.g. https://acme.my.erp.net", GlobalIdentityHost)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			errf("instance_url", "has a query or fragment (%q): enter only the instance root, e.g. https://acme.my.erp.net", p.InstanceURL)
		}
		if path := strings.TrimRight(u.Path, "/"); strings.HasSuffix(strings.ToLower(path), "/id") || strings.Contains(strings.ToLower(path), "/api/") || strings.HasSuffix(strings.ToLower(path), "/api") {
			warnf("instance_url", "ends in %q, which looks like the authority or an API root: enter the instance root (%s://%s) and use the authority or odata_root overrides for the rest", u.Path, u.Scheme, u.Host)
		}
	}

	// overrides
	for _, o := range []struct{ field, value, example string }{
		{"authority", p.Authority, "https://acme.my.erp.net/id"},
		{"token_endpoint", p.TokenEndpoint, "https://acme.my.erp.net/id/connect/token"},
		{"odata_root", p.ODataRoot, "https://acme.my.erp.net/api/domain/odata/"},
	} {
		if strings.TrimSpace(o.value) == "" {
			continue
		}
		u, msg := checkURL(o.value)
		if msg != "" {
			errf(o.field, "%s: enter an absolute URL such as %s, or leave it empty to derive it from instance_url", msg, o.example)
			continue
		}
		checkHTTP(u, o.field, warnf)
		if o.field != "odata_root" && strings.EqualFold(u.Hostname(), GlobalIdentityHost) {
			errf(o.field, "%s is ERP.net's global identity server: it issues no tokens for an instance; use your instance's own %s, e.g. %s, or leave it empty", GlobalIdentityHost, o.field, o.example)
		}
	}

	// client_id
	switch {
	case strings.TrimSpace(p.ClientID) == "":
		errf("client_id", "is empty: enter the Trusted App's ApplicationUri")
	case p.ClientID != strings.TrimSpace(p.ClientID):
		warnf("client_id", "has leading or trailing spaces, but the ApplicationUri must match exactly: remove them")
	}

	// auth_method
	switch p.AuthMethod {
	case "", AuthPost, AuthBasic:
	default:
		errf("auth_method", "%q is not a client authentication method: use %q (form body, the documented default) or %q (HTTP Basic)", p.AuthMethod, AuthPost, AuthBasic)
	}

	// scopes
	known := map[string]Scope{}
	for _, s := range KnownScopes() {
		known[s.Name] = s
	}
	seen := map[string]bool{}
	for i, s := range p.Scopes {
		field := fmt.Sprintf("scopes[%d]", i)
		switch {
		case strings.TrimSpace(s) == "":
			errf(field, "is empty: remove it")
			continue
		case strings.IndexFunc(s, unicode.IsSpace) >= 0:
			errf(field, "%q contains a space: list each scope separately, e.g. [\"read\", \"update\"]", s)
			continue
		}
		if seen[s] {
			warnf(field, "%q is listed twice: remove the duplicate", s)
			continue
		}
		seen[s] = true
		if strings.EqualFold(s, "DomainApi") {
			warnf(field, "DomainApi is a legacy scope that current ERP.net servers no longer use: remove it and request read and/or update")
			continue
		}
		k, ok := known[s]
		if !ok {
			for n := range known {
				if strings.EqualFold(n, s) {
					warnf(field, "%q: scopes are case-sensitive; did you mean %q?", s, n)
					ok = true
					break
				}
			}
			if !ok {
				warnf(field, "%q is not a scope ERP.net documents: the known scopes are %s", s, knownScopeNames())
			}
			continue
		}
		if !k.ServiceApp {
			warnf(field, "%q is never granted to a service (client credentials) app, so the token request may fail with invalid_scope: remove it", s)
		}
	}

	// calls
	for i, c := range p.Calls {
		field := fmt.Sprintf("calls[%d]", i)
		m := strings.TrimSpace(c.Method)
		switch {
		case m == "":
			errf(field+".method", "is empty: use GET, POST, PUT, PATCH or DELETE")
		case !allowedMethods[strings.ToUpper(m)]:
			errf(field+".method", "%q is not an HTTP method: use GET, POST, PUT, PATCH or DELETE", c.Method)
		case m != strings.ToUpper(m):
			warnf(field+".method", "%q should be upper case: use %q", c.Method, strings.ToUpper(m))
		}
		if err := CallPathError(c.Path); err != nil {
			errf(field+".path", "%v", err)
		}
		if c.Body != "" && (strings.EqualFold(m, "GET") || strings.EqualFold(m, "HEAD")) {
			warnf(field+".body", "a %s request has a body, which servers ignore: remove the body or use POST", strings.ToUpper(m))
		}
	}

	// tls
	if f := p.TLS.CAFile; f != "" && checkFiles {
		data, err := os.ReadFile(f)
		switch {
		case os.IsNotExist(err):
			errf("tls.ca_file", "%s does not exist: enter the path of a PEM file with the extra CA certificates, or leave it empty", f)
		case err != nil:
			errf("tls.ca_file", "cannot be read (%v): check the path and its permissions", err)
		case !x509.NewCertPool().AppendCertsFromPEM(data):
			errf("tls.ca_file", "%s contains no PEM certificate: use a file with -----BEGIN CERTIFICATE----- blocks", f)
		}
	}
	if p.TLS.InsecureSkipVerify {
		warnf("tls.insecure_skip_verify", "certificate verification is OFF: anyone on the network path can read the client secret; use tls.ca_file for a private CA instead")
	}

	// proxy
	if pr := strings.TrimSpace(p.Proxy); pr != "" {
		u, err := url.Parse(pr)
		switch {
		case err != nil:
			errf("proxy", "is not a valid URL (%v): use e.g. http://proxy.example:3128, or leave it empty to use HTTPS_PROXY", cleanURLErr(err))
		case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
			errf("proxy", "uses the scheme %q: use http://, https:// or socks5://, e.g. http://proxy.example:3128", u.Scheme)
		case u.Host == "":
			errf("proxy", "has no host: use e.g. http://proxy.example:3128")
		case u.User != nil:
			errf("proxy", "holds a user name or password, which the profile file would keep in plain text: remove it and put the proxy login in the HTTPS_PROXY environment variable instead")
		}
	}

	// timeout
	switch {
	case p.TimeoutSeconds < 0:
		errf("timeout_seconds", "is negative (%d): use a number of seconds between 1 and %d, or 0 for the default of %d", p.TimeoutSeconds, MaxTimeoutSeconds, int(DefaultTimeout.Seconds()))
	case p.TimeoutSeconds > MaxTimeoutSeconds:
		errf("timeout_seconds", "is %d seconds: use at most %d", p.TimeoutSeconds, MaxTimeoutSeconds)
	}
	return ps
}

// checkURL parses an absolute http(s) URL with a host; msg is empty when it is fine.
func checkURL(s string) (*url.URL, string) {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Sprintf("%q is not a valid URL (%v)", s, cleanURLErr(err))
	}
	if u.Scheme == "" || u.Host == "" {
		if !strings.Contains(s, "://") {
			return nil, fmt.Sprintf("%q has no scheme", s)
		}
		return nil, fmt.Sprintf("%q has no host", s)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Sprintf("%q uses the scheme %q, not https", s, u.Scheme)
	}
	if u.User != nil {
		return nil, fmt.Sprintf("%q contains a user name or password, which must never be stored", redactUserinfo(u))
	}
	return u, ""
}

func redactUserinfo(u *url.URL) string {
	c := *u
	c.User = url.User("…")
	return c.String()
}

func cleanURLErr(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

func checkHTTP(u *url.URL, field string, warnf func(field, format string, args ...any)) {
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		warnf(field, "uses http:// to %s, so the client secret and tokens cross the network unencrypted: use https://", u.Hostname())
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
