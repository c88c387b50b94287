package profiles

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/safetext"
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

// MaxNameLength bounds profile names, in characters (they are keyring accounts).
const MaxNameLength = 100

// MaxURLLength bounds the URLs of a profile (instance, overrides, proxy), in bytes.
const MaxURLLength = 2048

// MaxPathLength bounds an API call's path or URL (OData queries can be long), in bytes.
const MaxPathLength = 8192

// maxHostLength and maxLabelLength are DNS's limits on a host name and on each of its
// dot-separated labels (RFC 1035).
const (
	maxHostLength  = 253
	maxLabelLength = 63
)

// Validate checks p on its own and against others (the other profiles in the store; a
// profile with the same name, compared ignoring case and accent form, is a duplicate).
// Pass the store's profiles without p itself when editing. It also checks that the CA
// file exists.
func Validate(p Profile, others []Profile) []Problem {
	idx := indexNames(others)
	return validate(p, func(name string) (string, bool) {
		if i := idx.find(name); i >= 0 {
			return others[i].Name, true
		}
		return "", false
	}, true)
}

// checker collects the problems of one profile.
type checker struct {
	p          Profile
	taken      func(name string) (existing string, ok bool) // another profile's name
	checkFiles bool
	problems   []Problem
}

func (c *checker) add(sev Severity, field, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Severity: sev, Message: fmt.Sprintf(format, args...)})
}
func (c *checker) errorf(field, format string, args ...any) {
	c.add(SeverityError, field, format, args...)
}
func (c *checker) warnf(field, format string, args ...any) {
	c.add(SeverityWarning, field, format, args...)
}

// fieldChecks are the profile's rules, one function per field, in the order their
// problems are listed.
var fieldChecks = []func(c *checker){
	checkName, checkInstanceURL, checkOverrides, checkClientID, checkAuthMethod,
	checkScopes, checkCalls, checkCAFile, checkInsecure, checkProxy, checkTimeout, checkTags, checkConfirmedHosts,
}

// validate runs every field's check. taken finds another profile by name; checkFiles
// also reads the CA file.
func validate(p Profile, taken func(string) (string, bool), checkFiles bool) []Problem {
	c := &checker{p: p, taken: taken, checkFiles: checkFiles}
	for _, check := range fieldChecks {
		check(c)
	}
	return c.problems
}

func checkName(c *checker) {
	name := c.p.Name
	switch {
	case strings.TrimSpace(name) == "":
		c.errorf("name", "is empty: give the profile a name, e.g. \"Acme Test\"")
	case name != strings.TrimSpace(name):
		c.errorf("name", "has leading or trailing spaces: remove them")
	case utf8.RuneCountInString(name) > MaxNameLength:
		c.errorf("name", "is %d characters long: use at most %d", utf8.RuneCountInString(name), MaxNameLength)
	case !utf8.ValidString(name):
		c.errorf("name", "is not valid UTF-8 text: type the name again")
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		c.errorf("name", "contains a control character (tab, newline, ...): use plain text")
	case safetext.Contains(name):
		c.errorf("name", "contains %s, an invisible or direction-changing character that can make a name look like another: remove it", hiddenRune(name))
	}
	if strings.TrimSpace(name) == "" || c.taken == nil {
		return
	}
	if existing, ok := c.taken(name); ok {
		c.errorf("name", "a profile named %q already exists: choose another name (names are compared ignoring case)", existing)
	}
}

// hiddenRune names the first hidden character in s, e.g. "U+202E".
func hiddenRune(s string) string {
	for _, r := range s {
		if safetext.Hidden(r) {
			return fmt.Sprintf("U+%04X", r)
		}
	}
	return "a hidden character"
}

func checkInstanceURL(c *checker) {
	const fix = "enter the instance root, e.g. https://acme.my.erp.net"
	raw := c.p.InstanceURL
	if strings.TrimSpace(raw) == "" {
		c.errorf("instance_url", "is empty: %s", fix)
		return
	}
	u, msg := checkURL(raw)
	if msg != "" {
		c.errorf("instance_url", "%s: %s", msg, fix)
		return
	}
	checkHTTP(c, u, "instance_url")
	if strings.EqualFold(u.Hostname(), GlobalIdentityHost) {
		c.errorf("instance_url", "%s is ERP.net's global identity server, not an instance: %s", GlobalIdentityHost, fix)
	}
	if f := secretQueryField(u); f != "" {
		c.errorf("instance_url", "%s", secretInQuery(f))
	} else if u.RawQuery != "" || u.Fragment != "" {
		c.errorf("instance_url", "has a query or fragment (%q): enter only the instance root, e.g. https://acme.my.erp.net", redact.URL(raw))
	}
	if path := strings.ToLower(strings.TrimRight(u.Path, "/")); strings.HasSuffix(path, "/id") || strings.Contains(path, "/api/") || strings.HasSuffix(path, "/api") {
		c.warnf("instance_url", "ends in %q, which looks like the authority or an API root: enter the instance root (%s://%s) and use the authority or odata_root overrides for the rest", u.Path, u.Scheme, u.Host)
	}
}

// overrides are the URL fields that replace what is derived from the instance.
var overrides = []struct {
	field   string
	value   func(Profile) string
	example string
	tokens  bool // issues tokens: ERP.net's global identity server is wrong here
}{
	{"authority", func(p Profile) string { return p.Authority }, "https://acme.my.erp.net/id", true},
	{"token_endpoint", func(p Profile) string { return p.TokenEndpoint }, "https://acme.my.erp.net/id/connect/token", true},
	{"odata_root", func(p Profile) string { return p.ODataRoot }, "https://acme.my.erp.net/api/domain/odata/", false},
}

func checkOverrides(c *checker) {
	for _, o := range overrides {
		v := o.value(c.p)
		if strings.TrimSpace(v) == "" {
			continue
		}
		u, msg := checkURL(v)
		if msg != "" {
			c.errorf(o.field, "%s: enter an absolute URL such as %s, or leave it empty to derive it from instance_url", msg, o.example)
			continue
		}
		checkHTTP(c, u, o.field)
		if f := secretQueryField(u); f != "" {
			c.errorf(o.field, "%s", secretInQuery(f))
		}
		if o.tokens && strings.EqualFold(u.Hostname(), GlobalIdentityHost) {
			c.errorf(o.field, "%s is ERP.net's global identity server: it issues no tokens for an instance; use your instance's own %s, e.g. %s, or leave it empty", GlobalIdentityHost, o.field, o.example)
		}
	}
}

func checkClientID(c *checker) {
	id := c.p.ClientID
	switch {
	case strings.TrimSpace(id) == "":
		c.errorf("client_id", "is empty: enter the Trusted App's ApplicationUri")
	case safetext.Contains(strings.TrimSpace(id)):
		c.errorf("client_id", "contains %s, an invisible or control character that the ApplicationUri cannot match: type it again", hiddenRune(id))
	case id != strings.TrimSpace(id):
		c.warnf("client_id", "has leading or trailing spaces, but the ApplicationUri must match exactly: remove them")
	}
}

func checkAuthMethod(c *checker) {
	switch c.p.AuthMethod {
	case "", AuthPost, AuthBasic:
	default:
		c.errorf("auth_method", "%q is not a client authentication method: use %q (form body, the documented default) or %q (HTTP Basic)", c.p.AuthMethod, AuthPost, AuthBasic)
	}
}

func checkScopes(c *checker) {
	known := map[string]Scope{}
	for _, s := range KnownScopes() {
		known[s.Name] = s
	}
	seen := map[string]bool{}
	for i, s := range c.p.Scopes {
		field := fmt.Sprintf("scopes[%d]", i)
		switch {
		case strings.TrimSpace(s) == "":
			c.errorf(field, "is empty: remove it")
			continue
		case strings.IndexFunc(s, unicode.IsSpace) >= 0:
			c.errorf(field, "%q contains a space: list each scope separately, e.g. [\"read\", \"update\"]", s)
			continue
		case safetext.Contains(s):
			c.errorf(field, "%q contains %s, an invisible or control character: type the scope again", s, hiddenRune(s))
			continue
		case seen[s]:
			c.warnf(field, "%q is listed twice: remove the duplicate", s)
			continue
		}
		seen[s] = true
		if strings.EqualFold(s, "DomainApi") {
			c.warnf(field, "DomainApi is a legacy scope that current ERP.net servers no longer use: remove it and request read and/or update")
			continue
		}
		k, ok := known[s]
		if !ok {
			if n, ok := knownIgnoringCase(s); ok {
				c.warnf(field, "%q: scopes are case-sensitive; did you mean %q?", s, n)
			} else {
				c.warnf(field, "%q is not a scope ERP.net documents: the known scopes are %s", s, knownScopeNames())
			}
			continue
		}
		if !k.ServiceApp {
			c.warnf(field, "%q is never granted to a service (client credentials) app, so the token request may fail with invalid_scope: remove it", s)
		}
	}
}

func knownIgnoringCase(s string) (string, bool) {
	for _, k := range KnownScopes() {
		if strings.EqualFold(k.Name, s) {
			return k.Name, true
		}
	}
	return "", false
}

func checkCalls(c *checker) {
	for i, call := range c.p.Calls {
		field := fmt.Sprintf("calls[%d]", i)
		m := strings.TrimSpace(call.Method)
		method, known := LookupMethod(m)
		if err := MethodError(m); err != nil {
			c.errorf(field+".method", "%v", err)
		} else if m != strings.ToUpper(m) {
			c.warnf(field+".method", "%q should be upper case: use %q", call.Method, strings.ToUpper(m))
		}
		if err := CallPathError(call.Path); err != nil {
			c.errorf(field+".path", "%v", err)
		}
		if call.Body != "" && known && !method.Body {
			c.warnf(field+".body", "a %s request has a body, which servers ignore: remove the body or use POST", method.Name)
		}
	}
}

// CallPathError says what stops an API call's path from being sent, nil when it can
// be: a path from the instance root, or an http(s) URL with a host.
func CallPathError(path string) error {
	const example = "/api/domain/odata/Crm_Sales_Customers?$top=5"
	switch {
	case strings.TrimSpace(path) == "":
		return fmt.Errorf("enter a path such as %s", example)
	case len(path) > MaxPathLength:
		return fmt.Errorf("the path is %d bytes long: use at most %d", len(path), MaxPathLength)
	case strings.IndexFunc(path, unicode.IsSpace) >= 0:
		return errors.New("the path contains a space: write it as %20")
	case safetext.Contains(path):
		return fmt.Errorf("the path contains %s, an invisible or control character: write it percent-encoded, or type the path again", hiddenRune(path))
	}
	u, err := url.Parse(path)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL path (%v): enter a path such as %s", redact.URL(path), cleanURLErr(err), example)
	case secretQueryField(u) != "":
		return errors.New(secretInQuery(secretQueryField(u)) + " (the run sends the token in the Authorization header by itself)")
	case u.IsAbs() && u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the scheme %q cannot be called: use a path from the instance root or an https:// URL", u.Scheme)
	case u.IsAbs() && u.Host == "":
		return errors.New("the URL has no host: use a path from the instance root or a full https:// URL")
	case u.IsAbs():
		if msg := hostError(u); msg != "" {
			return errors.New(msg)
		}
	}
	return nil
}

// secretQueryField is the first query parameter of u whose name carries a credential
// (internal/redact's one list: client_secret, access_token, ...), "" for none.
func secretQueryField(u *url.URL) string {
	q := u.Query()
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if redact.IsSecretField(name) {
			return name
		}
	}
	return ""
}

// secretInQuery says why a credential in a URL's query is refused (never its value).
func secretInQuery(field string) string {
	return fmt.Sprintf("has a %s in its query, a credential the profile file would keep in plain text (and export): remove it; client secrets belong in the keychain", field)
}

func checkCAFile(c *checker) {
	f := c.p.TLS.CAFile
	if f == "" || !c.checkFiles {
		return
	}
	data, err := os.ReadFile(f)
	switch {
	case os.IsNotExist(err):
		c.errorf("tls.ca_file", "%q does not exist: enter the path of a PEM file with the extra CA certificates, or leave it empty", f)
	case err != nil:
		c.errorf("tls.ca_file", "cannot be read (%s): check the path and its permissions", safetext.Line(err.Error()))
	case !x509.NewCertPool().AppendCertsFromPEM(data):
		c.errorf("tls.ca_file", "%q contains no PEM certificate: use a file with -----BEGIN CERTIFICATE----- blocks", f)
	}
}

func checkInsecure(c *checker) {
	if c.p.TLS.InsecureSkipVerify {
		c.warnf("tls.insecure_skip_verify", "certificate verification is OFF: anyone on the network path can read the client secret; use tls.ca_file for a private CA instead")
	}
}

func checkProxy(c *checker) {
	pr := strings.TrimSpace(c.p.Proxy)
	if pr == "" {
		return
	}
	const fix = "use e.g. http://proxy.example:3128"
	if len(pr) > MaxURLLength {
		c.errorf("proxy", "is %d bytes long: use at most %d", len(pr), MaxURLLength)
		return
	}
	if safetext.Contains(pr) {
		c.errorf("proxy", "contains %s, an invisible or control character: type the proxy URL again", hiddenRune(pr))
		return
	}
	u, err := url.Parse(pr)
	switch {
	case err != nil:
		c.errorf("proxy", "is not a valid URL (%v): %s, or leave it empty to use HTTPS_PROXY", cleanURLErr(err), fix)
	case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5":
		c.errorf("proxy", "uses the scheme %q: use http://, https:// or socks5://, e.g. http://proxy.example:3128", u.Scheme)
	case u.Host == "":
		c.errorf("proxy", "has no host: %s", fix)
	case u.User != nil:
		c.errorf("proxy", "holds a user name or password, which the profile file would keep in plain text: remove it and put the proxy login in the HTTPS_PROXY environment variable instead")
	default:
		if msg := hostError(u); msg != "" {
			c.errorf("proxy", "%s: %s", msg, fix)
		}
	}
}

func checkTimeout(c *checker) {
	switch t := c.p.TimeoutSeconds; {
	case t < 0:
		c.errorf("timeout_seconds", "is negative (%d): use a number of seconds between 1 and %d, or 0 for the default of %d", t, MaxTimeoutSeconds, int(DefaultTimeout.Seconds()))
	case t > MaxTimeoutSeconds:
		c.errorf("timeout_seconds", "is %d seconds: use at most %d", t, MaxTimeoutSeconds)
	}
}

// checkURL parses an absolute http(s) URL with a valid host and port; msg is empty
// when it is fine.
func checkURL(s string) (*url.URL, string) {
	s = strings.TrimSpace(s)
	if len(s) > MaxURLLength {
		return nil, fmt.Sprintf("the URL is %d bytes long; a URL has at most %d", len(s), MaxURLLength)
	}
	if safetext.Contains(s) {
		return nil, fmt.Sprintf("%q contains %s, an invisible or control character", s, hiddenRune(s))
	}
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
	if msg := hostError(u); msg != "" {
		return nil, fmt.Sprintf("%q: %s", s, msg)
	}
	return u, ""
}

// hostError checks u's host name and port against DNS's and TCP's limits.
func hostError(u *url.URL) string {
	host := u.Hostname()
	if host == "" {
		return "the URL has no host"
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Sprintf("the port %s does not exist: ports go from 1 to 65535", port)
		}
	}
	if net.ParseIP(host) != nil {
		return ""
	}
	if len(host) > maxHostLength {
		return fmt.Sprintf("the host name is %d characters long; a host name has at most %d", len(host), maxHostLength)
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		switch {
		case label == "":
			return fmt.Sprintf("the host name %q has an empty part between dots", host)
		case len(label) > maxLabelLength:
			return fmt.Sprintf("the host name has a part of %d characters; each part between dots has at most %d", len(label), maxLabelLength)
		}
	}
	return ""
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

func checkHTTP(c *checker, u *url.URL, field string) {
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		c.warnf(field, "uses http:// to %s, so the client secret and tokens cross the network unencrypted: use https://", u.Hostname())
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
