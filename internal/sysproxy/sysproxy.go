// Package sysproxy reads the operating system's proxy settings and says which proxy a
// URL goes through under them, per URL, as the system's browsers do:
//
//   - Windows: the signed-in user's Internet Options (as WinHTTP reads them, then the
//     registry's Internet Settings, where a policy may point at the machine's), then
//     WinHTTP's own default (netsh winhttp set proxy). WPAD auto-detection and a PAC
//     file are evaluated by WinHTTP itself, per URL.
//   - macOS: the network settings (scutil --proxy, the dictionary
//     SCDynamicStoreCopyProxies returns). A PAC file is evaluated by CFNetwork where
//     the program is built with cgo (the desktop app); a build without cgo (the CLI)
//     says it cannot evaluate it.
//   - elsewhere: none (the environment's HTTPS_PROXY and friends apply, in check).
//
// The order within the system's settings is the one WinINet and Chromium follow:
// auto-detection (WPAD), then the PAC file, then the manual proxy with its bypass list.
package sysproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Settings are the system's proxy settings.
type Settings struct {
	// Where names them for the user: "Internet Options", "WinHTTP (netsh winhttp)",
	// "macOS network settings".
	Where string
	// AutoDetect is "Automatically detect settings" (WPAD).
	AutoDetect bool
	// PACURL is the automatic configuration script's address, "" for none.
	PACURL string
	// Proxies are the manual proxies as the system writes them (host:port, or
	// scheme://host:port) by the scheme of the URL they serve: "http", "https",
	// "socks", and "" for every scheme.
	Proxies map[string]string
	// Bypass is the manual proxy's exception list, entry by entry ("<local>",
	// "*.corp.example", "10.*", "169.254/16", "<-loopback>").
	Bypass []string
}

// IsZero reports settings that send everything direct.
func (s Settings) IsZero() bool { return !s.AutoDetect && s.PACURL == "" && len(s.Proxies) == 0 }

// PAC evaluates automatic configuration scripts the way the system does.
type PAC interface {
	// Detect finds the PAC file by WPAD (DHCP, then DNS), or says why it found none.
	Detect(ctx context.Context) (string, error)
	// Eval runs the PAC file at pacURL for target and returns its answer: a proxy
	// list in the PAC's own words ("PROXY a:8080; DIRECT") or WinHTTP's ("a:8080;b:80").
	Eval(ctx context.Context, pacURL, target string) (string, error)
}

// ErrNoEvaluator is Eval's and Detect's error where this build cannot evaluate PAC
// files (macOS without cgo).
var ErrNoEvaluator = errors.New("this build of the program cannot evaluate PAC files")

// Choice is the system's answer for one URL.
type Choice struct {
	// Proxy is the proxy to use; nil for a direct connection.
	Proxy *url.URL
	// By is what decided: "PAC http://wpad/proxy.pac", "WPAD http://wpad.corp/wpad.dat",
	// "Internet Options", "Internet Options bypass list", "" when nothing is set.
	By string
	// Notes say what was tried and not used, in order ("auto-detection (WPAD) found
	// no PAC file: ...").
	Notes []string
}

// Resolver answers for URLs under one reading of the settings. It is safe for
// concurrent use and detects a WPAD PAC file once.
type Resolver struct {
	Settings Settings
	// PAC evaluates scripts; nil when the system offers no way (Linux).
	PAC PAC

	once      sync.Once
	detected  string
	detectErr error
}

// For is the system's choice for target.
func (r *Resolver) For(ctx context.Context, target *url.URL) Choice {
	s := r.Settings
	var c Choice
	switch {
	case s.AutoDetect && r.PAC == nil:
		c.Notes = append(c.Notes, "automatic detection (WPAD) is on, but "+ErrNoEvaluator.Error())
	case s.AutoDetect:
		r.once.Do(func() { r.detected, r.detectErr = r.PAC.Detect(ctx) })
		if r.detectErr != nil {
			c.Notes = append(c.Notes, "automatic detection (WPAD) gave no PAC file: "+r.detectErr.Error())
		} else if got, ok := r.eval(ctx, &c, "WPAD "+r.detected, r.detected, target); ok {
			return got
		}
	}
	if s.PACURL != "" {
		if r.PAC == nil {
			c.Notes = append(c.Notes, "the PAC file "+s.PACURL+" is set, but "+ErrNoEvaluator.Error())
		} else if got, ok := r.eval(ctx, &c, "PAC "+s.PACURL, s.PACURL, target); ok {
			return got
		}
	}
	if len(s.Proxies) == 0 {
		return c
	}
	where := s.Where
	if Bypassed(s.Bypass, target.Hostname()) {
		c.By = where + " bypass list"
		return c
	}
	scheme := strings.ToLower(target.Scheme)
	raw, ok := s.Proxies[scheme]
	if !ok {
		raw, ok = s.Proxies[""]
	}
	if !ok {
		if socks, has := s.Proxies["socks"]; has {
			raw, ok = socks, true
			scheme = "socks"
		}
	}
	if !ok {
		c.By = where + " (no proxy for " + scheme + ")"
		return c
	}
	u, err := proxyURL(raw, scheme == "socks")
	if err != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("the proxy %q in %s cannot be used: %v", raw, where, err))
		return c
	}
	c.Proxy, c.By = u, where
	return c
}

// eval runs one PAC file for target into c; ok is false when the answer is not
// usable (the file failed), with a note saying why.
func (r *Resolver) eval(ctx context.Context, c *Choice, by, pacURL string, target *url.URL) (Choice, bool) {
	ans, err := r.PAC.Eval(ctx, pacURL, target.String())
	if err != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("the PAC file %s could not be used: %v", pacURL, err))
		return Choice{}, false
	}
	u, err := ParsePACResult(ans)
	if err != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("the PAC file %s answered %q: %v", pacURL, ans, err))
		return Choice{}, false
	}
	return Choice{Proxy: u, By: by, Notes: c.Notes}, true
}

// ParsePACResult reads a PAC answer and returns its first proxy, or nil for DIRECT.
// It takes the PAC's words ("PROXY a:8080; SOCKS5 b:1080; DIRECT"), WinHTTP's list
// ("a:8080;b:8080", "http=a:8080") and CFNetwork's ("a:8080"); "" is DIRECT.
func ParsePACResult(ans string) (*url.URL, error) {
	for _, e := range strings.FieldsFunc(ans, func(r rune) bool { return r == ';' }) {
		f := strings.Fields(e)
		if len(f) == 0 {
			continue
		}
		kw, addr := strings.ToUpper(f[0]), ""
		switch {
		case kw == "DIRECT" && len(f) == 1:
			return nil, nil
		case len(f) == 1 && kw != "PROXY" && kw != "HTTP" && kw != "HTTPS" && kw != "SOCKS" && kw != "SOCKS5":
			kw, addr = "PROXY", f[0]
		case len(f) == 1:
			return nil, fmt.Errorf("%q names no proxy", strings.TrimSpace(e))
		case len(f) == 2:
			addr = f[1]
		default:
			return nil, fmt.Errorf("%q is not a PAC entry", strings.TrimSpace(e))
		}
		switch kw {
		case "PROXY", "HTTP":
			return proxyURL(addr, false)
		case "HTTPS":
			return proxyURL("https://"+strings.TrimPrefix(addr, "https://"), false)
		case "SOCKS", "SOCKS5":
			return proxyURL(addr, true)
		default:
			return nil, fmt.Errorf("%q is not a PAC entry (PROXY, HTTPS, SOCKS, SOCKS5 or DIRECT)", strings.TrimSpace(e))
		}
	}
	return nil, nil
}

// proxyURL reads a proxy as systems write it: host:port, scheme://host:port, or
// WinHTTP's scheme=host:port; an http:// URL unless it says otherwise (socks: socks5).
func proxyURL(raw string, socks bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if i := strings.Index(raw, "="); i >= 0 && !strings.Contains(raw[:i], "/") {
		raw = raw[i+1:]
	}
	if !strings.Contains(raw, "://") {
		scheme := "http"
		if socks {
			scheme = "socks5"
		}
		raw = scheme + "://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("not a proxy address: %v", err)
	}
	switch u.Scheme {
	case "http", "https", "socks5":
	default:
		return nil, fmt.Errorf("the scheme %q is not supported (http, https, socks5)", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("the port %q is not a number from 1 to 65535", p)
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, User: u.User}, nil
}

// ParseProxyServer reads Windows' ProxyServer value: "host:port" for every scheme,
// or "http=a:80;https=b:443;socks=c:1080" by scheme.
func ParseProxyServer(v string) map[string]string {
	m := map[string]string{}
	for _, e := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ' ' }) {
		if k, val, ok := strings.Cut(e, "="); ok && !strings.Contains(k, "/") {
			if val != "" {
				m[strings.ToLower(k)] = val
			}
			continue
		}
		m[""] = e
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// SplitBypass splits a bypass list written with ';' (Windows), ',' or spaces.
func SplitBypass(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n' })
}

// Bypassed reports whether host goes direct under the bypass list, with Windows'
// rules (which Chromium follows too): "localhost" and loopback addresses always go
// direct unless the list holds "<-loopback>"; "<local>" is every host name without a
// dot; "*" matches any run of characters ("*.corp.example", "10.*"); an address range
// is written "10.0.0.0/8" or, as macOS does, "169.254/16"; an entry may carry a
// scheme or port ("http://intranet", "intranet:8080"), which is ignored.
func Bypassed(list []string, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	ip := net.ParseIP(host)
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost") || (ip != nil && ip.IsLoopback())
	implicit := true
	for _, e := range list {
		if strings.EqualFold(strings.TrimSpace(e), "<-loopback>") {
			implicit = false
		}
	}
	if loopback && implicit {
		return true
	}
	for _, e := range list {
		e = strings.ToLower(strings.TrimSpace(e))
		switch {
		case e == "" || e == "<-loopback>":
			continue
		case e == "<local>":
			if ip == nil && !strings.Contains(host, ".") {
				return true
			}
			continue
		}
		if _, rest, ok := strings.Cut(e, "://"); ok {
			e = rest
		}
		if strings.Contains(e, "/") {
			if ip != nil && inRange(e, ip) {
				return true
			}
			continue
		}
		if h, _, err := net.SplitHostPort(e); err == nil {
			e = h
		}
		e = strings.Trim(e, "[]")
		if glob(e, host) {
			return true
		}
	}
	return false
}

// inRange reports ip inside a range written "a.b.c.d/n" or shortened "a.b/n".
func inRange(e string, ip net.IP) bool {
	addr, bits, _ := strings.Cut(e, "/")
	if !strings.Contains(addr, ":") {
		for strings.Count(addr, ".") < 3 {
			addr += ".0"
		}
	}
	_, n, err := net.ParseCIDR(addr + "/" + bits)
	return err == nil && n.Contains(ip)
}

// glob matches pattern, where '*' is any run of characters, against s.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// New reads the system's settings now (they are read again for every Resolver, so a
// change in the system's settings applies to the next run).
func New() (*Resolver, error) {
	s, pac, err := system()
	if err != nil {
		return nil, err
	}
	return &Resolver{Settings: s, PAC: pac}, nil
}

// errNoDetect is Detect's error where the system's evaluator cannot detect PAC files.
var errNoDetect = errors.New("this program cannot detect PAC files (WPAD) on this system")

// loginRE is the login part of a URL written in text: scheme://user:password@.
var loginRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@`)

// RedactLogins replaces the login of every URL in s with "[redacted]": a proxy or
// PAC address with a user name and password in it, as it may appear in a note.
func RedactLogins(s string) string { return loginRE.ReplaceAllString(s, "${1}[redacted]@") }
