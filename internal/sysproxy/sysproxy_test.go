package sysproxy

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// fakePAC answers as a PAC file would, by host, and counts detections.
type fakePAC struct {
	byHost    map[string]string
	detect    string
	detectErr error
	evalErr   error
	detects   int
	evaluated []string
}

func (f *fakePAC) Detect(context.Context) (string, error) {
	f.detects++
	return f.detect, f.detectErr
}

func (f *fakePAC) Eval(_ context.Context, pacURL, target string) (string, error) {
	f.evaluated = append(f.evaluated, pacURL+" "+target)
	if f.evalErr != nil {
		return "", f.evalErr
	}
	u, _ := url.Parse(target)
	return f.byHost[u.Hostname()], nil
}

func choose(t *testing.T, r *Resolver, target string) (string, Choice) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	c := r.For(context.Background(), u)
	if c.Proxy == nil {
		return "", c
	}
	return c.Proxy.String(), c
}

// The selection logic with a fake evaluator: a PAC file that picks a proxy per host
// (the Windows test runs the same through WinHTTP itself).
func TestPACChoosesPerHost(t *testing.T) {
	pac := &fakePAC{byHost: map[string]string{
		"acme.my.erp.example": "PROXY erp-proxy.corp.example:8080",
		"billing.api.example": "PROXY api-proxy.corp.example:3128; DIRECT",
		"files.example":       "SOCKS5 socks.corp.example:1080",
		"wiki.intranet":       "DIRECT",
		"winhttp.example":     "win-proxy.corp.example:80;other:80",
	}}
	r := &Resolver{Settings: Settings{Where: "Internet Options", PACURL: "http://wpad/proxy.pac"}, PAC: pac}
	for target, want := range map[string]string{
		"https://acme.my.erp.example/api":  "http://erp-proxy.corp.example:8080",
		"https://billing.api.example/":     "http://api-proxy.corp.example:3128",
		"https://files.example/":           "socks5://socks.corp.example:1080",
		"https://wiki.intranet/":           "",
		"https://winhttp.example/":         "http://win-proxy.corp.example:80",
		"https://unlisted.example/a?b=c#d": "",
	} {
		got, c := choose(t, r, target)
		if got != want || c.By != "PAC http://wpad/proxy.pac" {
			t.Errorf("%s: %q by %q, want %q by the PAC", target, got, c.By, want)
		}
	}
	if !strings.HasPrefix(pac.evaluated[0], "http://wpad/proxy.pac https://") {
		t.Errorf("evaluated %q", pac.evaluated)
	}
}

// WPAD first (detected once per resolver), then the PAC URL, then the manual proxy
// with its bypass list: the order of WinINet and Chromium.
func TestOrderWithinTheSystemSettings(t *testing.T) {
	pac := &fakePAC{detect: "http://wpad.corp.example/wpad.dat", byHost: map[string]string{"a.example": "PROXY wpad-proxy:8080"}}
	s := Settings{Where: "Internet Options", AutoDetect: true, PACURL: "http://pac/x.pac", Proxies: map[string]string{"": "manual:3128"}, Bypass: []string{"<local>", "*.corp.example"}}
	r := &Resolver{Settings: s, PAC: pac}
	if got, c := choose(t, r, "https://a.example/"); got != "http://wpad-proxy:8080" || c.By != "WPAD http://wpad.corp.example/wpad.dat" {
		t.Errorf("WPAD: %q by %q", got, c.By)
	}
	choose(t, r, "https://b.example/")
	if pac.detects != 1 {
		t.Errorf("WPAD detected %d times, want once per resolver", pac.detects)
	}

	pac = &fakePAC{detectErr: errors.New("no PAC file was found on this network"), evalErr: errors.New("it could not be downloaded")}
	r = &Resolver{Settings: s, PAC: pac}
	got, c := choose(t, r, "https://erp.example/")
	if got != "http://manual:3128" || c.By != "Internet Options" || len(c.Notes) != 2 ||
		!strings.Contains(c.Notes[0], "automatic detection (WPAD) gave no PAC file: no PAC file was found") ||
		!strings.Contains(c.Notes[1], "the PAC file http://pac/x.pac could not be used: it could not be downloaded") {
		t.Errorf("fallback to the manual proxy: %q by %q, notes %q", got, c.By, c.Notes)
	}
	if got, c := choose(t, r, "https://erp.corp.example/"); got != "" || c.By != "Internet Options bypass list" {
		t.Errorf("bypassed: %q by %q", got, c.By)
	}
	if got, c := choose(t, r, "http://intranet/"); got != "" || c.By != "Internet Options bypass list" {
		t.Errorf("<local>: %q by %q", got, c.By)
	}
}

// Where the program cannot run PAC files (macOS without cgo), it says so and uses
// the manual proxy.
func TestNoEvaluator(t *testing.T) {
	r := &Resolver{Settings: Settings{Where: "macOS network settings", AutoDetect: true, PACURL: "http://pac/x.pac", Proxies: map[string]string{"https": "p:8080"}}}
	got, c := choose(t, r, "https://erp.example/")
	if got != "http://p:8080" || len(c.Notes) != 2 || !strings.Contains(c.Notes[1], "the PAC file http://pac/x.pac is set, but this build of the program cannot evaluate PAC files") {
		t.Errorf("%q by %q, notes %q", got, c.By, c.Notes)
	}
	if got, c := choose(t, r, "http://erp.example/"); got != "" || c.By != "macOS network settings (no proxy for http)" {
		t.Errorf("no http proxy: %q by %q", got, c.By)
	}
}

func TestPACAnswers(t *testing.T) {
	for ans, want := range map[string]string{
		"":                             "",
		"DIRECT":                       "",
		"  direct ; PROXY a:1":         "",
		"PROXY a.example:8080; DIRECT": "http://a.example:8080",
		"HTTPS secure.example:443":     "https://secure.example:443",
		"SOCKS s:1080":                 "socks5://s:1080",
		"a:8080;b:8080":                "http://a:8080",
		"http=a:8080":                  "http://a:8080",
		"PROXY [2001:db8::1]:3128":     "http://[2001:db8::1]:3128",
	} {
		u, err := ParsePACResult(ans)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != want {
			t.Errorf("ParsePACResult(%q) = %q, %v; want %q", ans, got, err, want)
		}
	}
	for _, bad := range []string{"PROXY", "FTP a:21", "PROXY a b c", "PROXY a:99999", "PROXY :80"} {
		if u, err := ParsePACResult(bad); err == nil {
			t.Errorf("ParsePACResult(%q) = %v, want an error", bad, u)
		}
	}
}

func TestProxyServerValue(t *testing.T) {
	for v, want := range map[string]map[string]string{
		"proxy.corp:8080":                    {"": "proxy.corp:8080"},
		"http=a:80;https=b:443;socks=c:1080": {"http": "a:80", "https": "b:443", "socks": "c:1080"},
		"HTTPS=b:443;ftp=f:21":               {"https": "b:443", "ftp": "f:21"},
		"http://proxy.corp:8080":             {"": "http://proxy.corp:8080"},
		"":                                   nil,
	} {
		if got := ParseProxyServer(v); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseProxyServer(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestBypassRules(t *testing.T) {
	list := SplitBypass("<local>;*.corp.example; 10.*,192.168.0.0/16 169.254/16;http://intranet.example;files.example:8080")
	for host, want := range map[string]bool{
		"localhost":           true,
		"127.0.0.1":           true,
		"[::1]":               true,
		"printer":             true,
		"erp.corp.example":    true,
		"corp.example":        false,
		"10.1.2.3":            true,
		"192.168.4.5":         true,
		"169.254.1.1":         true,
		"172.16.0.1":          false,
		"intranet.example":    true,
		"files.example":       true,
		"acme.my.erp.example": false,
		"ACME.CORP.EXAMPLE.":  true,
	} {
		if got := Bypassed(list, host); got != want {
			t.Errorf("Bypassed(%q) = %v, want %v", host, got, want)
		}
	}
	// <-loopback> sends the loopback addresses through the proxy too.
	if Bypassed([]string{"<-loopback>"}, "127.0.0.1") || Bypassed([]string{"<-loopback>"}, "localhost") {
		t.Error("<-loopback> should remove the implicit loopback bypass")
	}
	if Bypassed(nil, "acme.example") {
		t.Error("an empty list bypasses nothing but loopback")
	}
}

func TestScutilOutput(t *testing.T) {
	out := `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
    1 : 169.254/16
  }
  ExcludeSimpleHostnames : 1
  FTPPassive : 1
  HTTPEnable : 1
  HTTPPort : 3128
  HTTPProxy : http-proxy.corp.example
  HTTPSEnable : 1
  HTTPSPort : 8080
  HTTPSProxy : proxy.corp.example
  ProxyAutoConfigEnable : 1
  ProxyAutoConfigURLString : http://wpad.corp.example/proxy.pac
  SOCKSEnable : 0
  SOCKSProxy : socks.corp.example
  __SCOPED__ : <dictionary> {
    en0 : <dictionary> {
      HTTPSProxy : scoped.example
    }
  }
}
`
	s := ParseScutil(out)
	want := Settings{
		Where:   "macOS network settings",
		PACURL:  "http://wpad.corp.example/proxy.pac",
		Proxies: map[string]string{"http": "http-proxy.corp.example:3128", "https": "proxy.corp.example:8080"},
		Bypass:  []string{"*.local", "169.254/16", "<local>"},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("ParseScutil = %+v\nwant %+v", s, want)
	}
	if s := ParseScutil("<dictionary> {\n  HTTPEnable : 0\n}\n"); !s.IsZero() {
		t.Errorf("no proxy: %+v", s)
	}
}

func TestRedactLogins(t *testing.T) {
	for in, want := range map[string]string{
		"the PAC file http://u:pw@wpad/p.pac could not be used": "the PAC file http://[redacted]@wpad/p.pac could not be used",
		"http://CORP%5Calice:Pa55@proxy:8080 and https://x@y/":  "http://[redacted]@proxy:8080 and https://[redacted]@y/",
		"mail alice@corp.example, http://proxy:8080/a@b":        "mail alice@corp.example, http://proxy:8080/a@b",
	} {
		if got := RedactLogins(in); got != want {
			t.Errorf("RedactLogins(%q) = %q, want %q", in, got, want)
		}
	}
}
