package check

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"golang.org/x/net/http/httpproxy"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/sysproxy"
	"trustedapp-tester/profiles"
)

// The proxy of each request, chosen in this order (docs/decisions.md, README "Proxy"):
//
//  1. the profile's proxy (its proxy field, or the CLI's --proxy), for every request;
//  2. the environment, when HTTPS_PROXY, HTTP_PROXY or their lowercase forms are set:
//     HTTPS_PROXY for https:// URLs, HTTP_PROXY for http:// ones, NO_PROXY's hosts
//     direct (Go's and curl's rules; localhost and loopback addresses always direct);
//  3. the system's settings (internal/sysproxy): on Windows the Internet Options with
//     their PAC file or WPAD, per URL, through WinHTTP; on macOS the network
//     settings; none on Linux. NO_PROXY set without a proxy variable still sends its
//     hosts direct.
//
// Nothing set anywhere is a direct connection ("none").

// Where a proxy choice came from (ProxyUse.Source).
const (
	ProxyFromProfile     = "profile"
	ProxyFromEnvironment = "environment"
	ProxyFromSystem      = "system"
	ProxyFromNone        = "none"
)

// ProxyUse says how the requests to one host went: through which proxy, chosen where.
type ProxyUse struct {
	// Host is the host (and port, when not the scheme's default) requests went to.
	Host string `json:"host"`
	// Proxy is the proxy's URL, any login in it redacted; "" for a direct connection.
	Proxy string `json:"proxy,omitempty"`
	// Source is where the choice came from: ProxyFromProfile, ProxyFromEnvironment,
	// ProxyFromSystem or ProxyFromNone.
	Source string `json:"source"`
	// By is what decided within the source: "HTTPS_PROXY", "NO_PROXY", "PAC
	// http://wpad/proxy.pac", "Internet Options", "Internet Options bypass list".
	By string `json:"by,omitempty"`
	// Notes say what was tried and not used (a PAC file that could not be read).
	Notes []string `json:"notes,omitempty"`
	// Auth is how this tool signed in to the proxy, once it had to ("NTLM as the
	// signed-in Windows user"); "" when the proxy asked for nothing.
	Auth string `json:"auth,omitempty"`
}

// Route is the choice in one line: "system PAC http://wpad/proxy.pac →
// proxy.corp:8080", "environment HTTPS_PROXY → proxy:3128", "none".
func (u ProxyUse) Route() string {
	if u.Source == ProxyFromNone || u.Source == "" {
		return ProxyFromNone
	}
	s := u.Source
	switch {
	case u.By != "":
		s += " " + u.By
	case u.Source == ProxyFromProfile:
		s += " proxy"
	}
	to := "direct"
	if u.Proxy != "" {
		to = shortProxy(u.Proxy)
	}
	return s + " → " + to
}

// shortProxy is a proxy URL as people write it: host:port for http://, the whole
// (redacted) URL otherwise.
func shortProxy(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Scheme == "http" && u.User == nil && u.Path == "" {
		return u.Host
	}
	return raw
}

// proxyText is a proxy URL for people and reports: any login in it redacted.
func proxyText(u *url.URL) string {
	if u.User != nil {
		return u.Scheme + "://" + redact.Redacted + "@" + u.Host
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
}

// proxyDecision is the choice for one scheme and host.
type proxyDecision struct {
	proxy *url.URL // nil: direct
	use   ProxyUse
}

// proxyRoute chooses the proxy of every request of one client and remembers each
// host's choice (the report lists them; the same host always takes the same way).
type proxyRoute struct {
	profile *url.URL
	env     *httpproxy.Config // nil when no proxy variable is set
	getenv  func(string) string
	// system reads the system's settings, once, on the first request that needs them.
	system  func() (*sysproxy.Resolver, error)
	sysOnce sync.Once
	sys     *sysproxy.Resolver
	sysErr  error

	mu    sync.Mutex
	seen  map[string]*proxyDecision
	order []string
}

// systemProxy reads the system's proxy settings (tests replace it).
var systemProxy = sysproxy.New

// proxyChoice is the proxy route of a client built for p: the profile's proxy, else
// the environment's, else the system's.
func proxyChoice(p profiles.Profile) (*proxyRoute, error) {
	r := &proxyRoute{getenv: os.Getenv, system: systemProxy, seen: map[string]*proxyDecision{}}
	if px := strings.TrimSpace(p.Proxy); px != "" {
		u, err := url.Parse(px)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
			return nil, &ConfigError{Field: "proxy", Err: fmt.Errorf("%q is not a proxy URL; use http://host:port", redact.URL(px))}
		}
		r.profile = u
		return r, nil
	}
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if r.getenv(k) != "" {
			r.env = httpproxy.FromEnvironment()
			break
		}
	}
	return r, nil
}

// proxyFor is the proxy req goes through (nil: direct).
func (r *proxyRoute) proxyFor(req *http.Request) (*url.URL, error) {
	return r.decide(req.Context(), req.URL).proxy, nil
}

// decide is the choice for target's scheme and host, made once per route.
func (r *proxyRoute) decide(ctx context.Context, target *url.URL) *proxyDecision {
	key := strings.ToLower(target.Scheme) + "://" + canonicalAddr(target)
	r.mu.Lock()
	d, ok := r.seen[key]
	r.mu.Unlock()
	if ok {
		return d
	}
	d = r.choose(ctx, target)
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.seen[key]; ok {
		return prev
	}
	r.seen[key] = d
	r.order = append(r.order, key)
	return d
}

func (r *proxyRoute) choose(ctx context.Context, target *url.URL) *proxyDecision {
	use := ProxyUse{Host: target.Host}
	with := func(u *url.URL) *proxyDecision {
		if u != nil {
			use.Proxy = proxyText(u)
		}
		return &proxyDecision{proxy: u, use: use}
	}
	switch {
	case r.profile != nil:
		use.Source = ProxyFromProfile
		return with(r.profile)
	case r.env != nil:
		use.Source = ProxyFromEnvironment
		u, err := r.env.ProxyFunc()(target)
		if err != nil {
			use.Notes = append(use.Notes, "the environment's proxy cannot be used: "+redact.Text(sysproxy.RedactLogins(err.Error())))
			u = nil
		}
		use.By = r.envBy(target, u)
		return with(u)
	}
	if r.noProxy(target) {
		// NO_PROXY alone (no proxy variable set) still says "never through a proxy"
		// for its hosts, the system's proxy included.
		use.Source, use.By = ProxyFromEnvironment, "NO_PROXY"
		return with(nil)
	}
	r.sysOnce.Do(func() { r.sys, r.sysErr = r.system() })
	if r.sysErr != nil {
		use.Source = ProxyFromNone
		use.Notes = append(use.Notes, redact.Text(sysproxy.RedactLogins(r.sysErr.Error())))
		return with(nil)
	}
	c := r.sys.For(ctx, target)
	for _, n := range c.Notes {
		use.Notes = append(use.Notes, redact.Text(sysproxy.RedactLogins(n)))
	}
	if kind, at, ok := strings.Cut(c.By, " "); ok && (kind == "PAC" || kind == "WPAD") {
		c.By = kind + " " + redact.URL(at)
	}
	if c.By == "" && c.Proxy == nil {
		use.Source = ProxyFromNone
		return with(nil)
	}
	use.Source, use.By = ProxyFromSystem, c.By
	return with(c.Proxy)
}

// noProxy reports target among the hosts NO_PROXY (or no_proxy) names, with Go's
// rules; loopback addresses are left to the system's rules (<-loopback>).
func (r *proxyRoute) noProxy(target *url.URL) bool {
	np := r.getenv("NO_PROXY")
	if np == "" {
		np = r.getenv("no_proxy")
	}
	if np == "" || isLoopback(strings.Trim(target.Hostname(), "[]")) {
		return false
	}
	cfg := httpproxy.Config{HTTPProxy: "http://proxy.invalid", HTTPSProxy: "http://proxy.invalid", NoProxy: np}
	u, err := cfg.ProxyFunc()(target)
	return err == nil && u == nil
}

// envBy names the variable that decided for target: the proxy's, NO_PROXY, or why
// the connection is direct.
func (r *proxyRoute) envBy(target *url.URL, chosen *url.URL) string {
	name := "HTTP_PROXY"
	val := r.env.HTTPProxy
	if strings.EqualFold(target.Scheme, "https") {
		name, val = "HTTPS_PROXY", r.env.HTTPSProxy
	}
	if r.getenv(name) == "" && r.getenv(strings.ToLower(name)) != "" {
		name = strings.ToLower(name)
	}
	switch {
	case chosen != nil:
		return name
	case val == "":
		return name + " not set"
	case isLoopback(strings.Trim(target.Hostname(), "[]")):
		return "(localhost is never proxied)"
	default:
		return "NO_PROXY"
	}
}

// used lists each host's choice in the order the hosts were first asked for.
func (r *proxyRoute) used() []ProxyUse {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]ProxyUse, 0, len(r.order))
	for _, k := range r.order {
		out = append(out, r.seen[k].use)
	}
	return out
}

// signedIn records how this tool signed in to the proxy for target's host.
func (r *proxyRoute) signedIn(target *url.URL, how string) {
	key := strings.ToLower(target.Scheme) + "://" + canonicalAddr(target)
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.seen[key]; ok {
		d.use.Auth = how
	}
}

// canonicalAddr is u's host:port, with the scheme's default port.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080"}[strings.ToLower(u.Scheme)]
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// ProxyFor says which proxy a request to target would take under p's settings now
// (profiles show): the same choice a run makes, without sending anything to the
// instance (a PAC file may be downloaded to evaluate it).
func ProxyFor(ctx context.Context, p profiles.Profile, target string) (ProxyUse, error) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return ProxyUse{}, fmt.Errorf("%q is not a URL", redact.URL(target))
	}
	r, err := proxyChoice(p)
	if err != nil {
		return ProxyUse{}, err
	}
	return r.decide(ctx, u).use, nil
}
