package check

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/sysproxy"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// noEnvProxy clears the proxy variables for the test.
func noEnvProxy(t *testing.T) {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
		t.Setenv(k, "")
	}
}

// withSystem makes the system's settings r for the test, and counts the reads.
func withSystem(t *testing.T, r *sysproxy.Resolver, err error) *int {
	reads := new(int)
	old := systemProxy
	systemProxy = func() (*sysproxy.Resolver, error) { *reads++; return r, err }
	t.Cleanup(func() { systemProxy = old })
	return reads
}

// pacByHost is a PAC evaluator answering by host, as a company's PAC file does.
type pacByHost map[string]string

func (p pacByHost) Detect(context.Context) (string, error) { return "", errors.New("no WPAD here") }
func (p pacByHost) Eval(_ context.Context, _, target string) (string, error) {
	u, _ := url.Parse(target)
	return p[u.Hostname()], nil
}

func decideFor(t *testing.T, p profiles.Profile, target string) ProxyUse {
	t.Helper()
	use, err := ProxyFor(context.Background(), p, target)
	if err != nil {
		t.Fatal(err)
	}
	return use
}

// The order: the profile's proxy, then the environment, then the system's settings;
// the system is read only when neither of the first two is set.
func TestProxyOrder(t *testing.T) {
	noEnvProxy(t)
	reads := withSystem(t, &sysproxy.Resolver{Settings: sysproxy.Settings{Where: "Internet Options", PACURL: "http://wpad/proxy.pac"},
		PAC: pacByHost{"acme.my.erp.example": "PROXY erp-proxy.corp.example:8080", "other.example": "DIRECT"}}, nil)

	sys := decideFor(t, profiles.Profile{}, "https://acme.my.erp.example/api")
	if got := sys.Route(); got != "system PAC http://wpad/proxy.pac → erp-proxy.corp.example:8080" || sys.Source != ProxyFromSystem || sys.Proxy != "http://erp-proxy.corp.example:8080" {
		t.Errorf("system: %q %+v", got, sys)
	}
	if got := decideFor(t, profiles.Profile{}, "https://other.example/").Route(); got != "system PAC http://wpad/proxy.pac → direct" {
		t.Errorf("PAC DIRECT: %q", got)
	}

	// NO_PROXY alone sends its hosts direct past the system's proxy too.
	t.Setenv("NO_PROXY", "intranet.example,.my.erp.example")
	if got := decideFor(t, profiles.Profile{}, "https://acme.my.erp.example/").Route(); got != "environment NO_PROXY → direct" {
		t.Errorf("NO_PROXY before the system: %q", got)
	}
	if got := decideFor(t, profiles.Profile{}, "https://other.example/").Route(); got != "system PAC http://wpad/proxy.pac → direct" {
		t.Errorf("NO_PROXY not matching: %q", got)
	}

	t.Setenv("HTTPS_PROXY", "http://env-proxy.example:3128")
	t.Setenv("NO_PROXY", "intranet.example")
	n := *reads
	if got := decideFor(t, profiles.Profile{}, "https://acme.my.erp.example/").Route(); got != "environment HTTPS_PROXY → env-proxy.example:3128" {
		t.Errorf("environment: %q", got)
	}
	if got := decideFor(t, profiles.Profile{}, "https://intranet.example/").Route(); got != "environment NO_PROXY → direct" {
		t.Errorf("NO_PROXY: %q", got)
	}
	if got := decideFor(t, profiles.Profile{}, "http://acme.my.erp.example/").Route(); got != "environment HTTP_PROXY not set → direct" {
		t.Errorf("http:// without HTTP_PROXY: %q", got)
	}
	if got := decideFor(t, profiles.Profile{}, "https://127.0.0.1:8443/").Route(); got != "environment (localhost is never proxied) → direct" {
		t.Errorf("loopback: %q", got)
	}
	if *reads != n {
		t.Error("the system's settings were read though the environment sets a proxy")
	}

	prof := decideFor(t, profiles.Profile{Proxy: "http://profile-proxy.example:8080"}, "https://acme.my.erp.example/")
	if got := prof.Route(); got != "profile proxy → profile-proxy.example:8080" || prof.Source != ProxyFromProfile {
		t.Errorf("profile: %q", got)
	}
	if *reads != n {
		t.Error("the system's settings were read though the profile sets a proxy")
	}
}

// Nothing set anywhere is "none"; a system whose settings cannot be read says why.
func TestProxyNone(t *testing.T) {
	noEnvProxy(t)
	withSystem(t, &sysproxy.Resolver{}, nil)
	if use := decideFor(t, profiles.Profile{}, "https://acme.example/"); use.Route() != "none" || use.Source != ProxyFromNone || use.Proxy != "" {
		t.Errorf("no proxy anywhere: %+v", use)
	}
	withSystem(t, nil, errors.New("cannot read the macOS proxy settings (scutil --proxy): exit status 1"))
	if use := decideFor(t, profiles.Profile{}, "https://acme.example/"); use.Route() != "none" || len(use.Notes) != 1 || !strings.Contains(use.Notes[0], "scutil") {
		t.Errorf("unreadable system settings: %+v", use)
	}
}

// A login in a proxy URL never reaches the report, the route, or a finding.
func TestProxyLoginRedacted(t *testing.T) {
	noEnvProxy(t)
	t.Setenv("HTTPS_PROXY", "http://CORP%5Calice:Proxy-Pa55@proxy.corp.example:8080")
	use := decideFor(t, profiles.Profile{}, "https://acme.example/")
	if use.Proxy != "http://[redacted]@proxy.corp.example:8080" || strings.Contains(use.Route(), "Pa55") || strings.Contains(use.Route(), "alice") {
		t.Errorf("%+v %q", use, use.Route())
	}
	if _, err := ProxyFor(context.Background(), profiles.Profile{Proxy: "ftp://u:Proxy-Pa55@x"}, "https://a/"); err == nil || strings.Contains(err.Error(), "Pa55") {
		t.Errorf("bad profile proxy: %v", err)
	}
}

// A run through the system's PAC choice goes through the proxy the PAC names, and the
// report says so; a PAC that fails is a note, and the connection is direct.
func TestRunThroughSystemPAC(t *testing.T) {
	noEnvProxy(t)
	s, err := sandbox.Start(sandbox.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("healthy")
	p := profileFor(s, sc)
	px := hostile.NewProxy(t)
	u, _ := url.Parse(sc.Instance)
	withSystem(t, &sysproxy.Resolver{Settings: sysproxy.Settings{Where: "Internet Options", PACURL: "http://wpad.corp.example/proxy.pac"},
		PAC: pacByHost{u.Hostname(): "PROXY " + px.Addr}}, nil)
	rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	if rep.Verdict != Pass || px.Tunnels() == 0 {
		t.Fatalf("verdict %s, %d tunnels: %v", rep.Verdict, px.Tunnels(), codes(rep, ""))
	}
	if len(rep.Proxies) != 1 || rep.Proxies[0].Route() != "system PAC http://wpad.corp.example/proxy.pac → "+px.Addr || rep.Proxies[0].Host != u.Host {
		t.Errorf("report's proxies %+v", rep.Proxies)
	}
}

// The fake NTLM proxy: a whole run through it with the login in the proxy URL (the
// discovery, the token with the client secret, the API calls, each through a tunnel
// opened with a real NTLM handshake), and the report says how it signed in.
func TestRunThroughNTLMProxy(t *testing.T) {
	noEnvProxy(t)
	s, err := sandbox.Start(sandbox.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("healthy")
	p := profileFor(s, sc)
	u, _ := url.Parse(sc.Instance)
	px := newNTLMProxy(t, u.Host, "Negotiate", "NTLM")
	px.NTHash, _ = hex.DecodeString("e85c8ef48c8b810ed98f236526b5c150") // "Proxy-Pa55"
	p.Proxy = "http://CORP%5Calice:Proxy-Pa55@" + px.Addr
	rep := Run(context.Background(), p, sc.ClientSecret, fresh(), nil)
	neg, acc, refused := px.counts()
	if rep.Verdict != Pass || acc == 0 || neg != acc || len(refused) != 0 {
		t.Fatalf("verdict %s (%v); the proxy saw %d NEGOTIATE, accepted %d, refused %q", rep.Verdict, codes(rep, ""), neg, acc, refused)
	}
	if len(rep.Proxies) != 1 || rep.Proxies[0].Auth != "NTLM with the login in the proxy URL" || rep.Proxies[0].Proxy != "http://[redacted]@"+px.Addr {
		t.Errorf("report's proxies %+v", rep.Proxies)
	}
	b, _ := json.Marshal(rep)
	for _, leak := range []string{"Proxy-Pa55", "alice", "NTLMSSP", "TlRMTVNT"} {
		if strings.Contains(string(b), leak) {
			t.Errorf("the report holds %q", leak)
		}
	}
}

// The environment's proxy with a login, a proxy that takes Negotiate only (a raw NTLM
// token inside Negotiate, as SPNEGO acceptors take it).
func TestNegotiateProxyFromTheEnvironment(t *testing.T) {
	noEnvProxy(t)
	inst := hostile.NewTLS(t, "s")
	iu, _ := url.Parse(inst.URL)
	px := newNTLMProxy(t, iu.Host, "Negotiate")
	t.Setenv("HTTPS_PROXY", "http://alice@corp:Password@"+px.Addr)
	// A made-up name only the proxy resolves: the environment's proxy never applies to
	// 127.0.0.1.
	p := profiles.Profile{InstanceURL: "https://erp.example.test:" + iu.Port(), ClientID: "x"}
	rep := Run(context.Background(), p, "s", fresh(), nil)
	if _, acc, refused := px.counts(); acc == 0 || len(refused) != 0 {
		t.Fatalf("accepted %d, refused %q: %v", acc, refused, codes(rep, ""))
	}
	if hasCode(rep, NetProxy) || len(rep.Proxies) == 0 {
		t.Fatalf("%v %+v", codes(rep, ""), rep.Proxies)
	}
	if got := rep.Proxies[0]; got.Route() != "environment HTTPS_PROXY → http://[redacted]@"+px.Addr || got.Auth != "Negotiate (NTLM) with the login in the proxy URL" {
		t.Errorf("%q %+v", got.Route(), got)
	}
}

// The proxy refuses the sign-in: a wrong password, a proxy that closes the
// connection that carries its challenge, and no login at all outside Windows. Each
// is net.proxy, naming the proxy, where it was chosen and what became of the
// sign-in; no password anywhere.
func TestNTLMProxyRefusals(t *testing.T) {
	noEnvProxy(t)
	inst := hostile.NewTLS(t, "s")
	iu, _ := url.Parse(inst.URL)
	for _, tc := range []struct {
		name, login string
		closes      bool
		want        string
	}{
		{"wrong password", "CORP%5Calice:Wr0ng-Pa55@", false, "It wants credentials (HTTP 407): it refused NTLM with the login in the proxy URL."},
		{"challenge on a closed connection", "CORP%5Calice:Password@", true, "needs one connection for the whole sign-in, and the proxy closed it"},
		{"no login", "", false, "it asks for NTLM; outside Windows this tool signs in to a proxy only with the login in the proxy URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.login == "" && runtime.GOOS == "windows" {
				t.Skip("on Windows, SSPI signs in as the signed-in user (proxyauth_windows_test.go)")
			}
			px := newNTLMProxy(t, iu.Host, "NTLM")
			px.CloseAfterChallenge = tc.closes
			p := profiles.Profile{InstanceURL: inst.URL, ClientID: "x", Proxy: "http://" + tc.login + px.Addr}
			rep := Run(context.Background(), p, "s", fresh(), nil)
			fd := finding(rep, NetProxy)
			if fd == nil {
				t.Fatalf("%v", codes(rep, ""))
			}
			if !strings.Contains(fd.Message, tc.want) || fd.Evidence[EvProxy] != px.Addr || !strings.HasPrefix(fd.Evidence[EvProxyRoute], "profile proxy → ") || fd.Evidence[EvProxyAuth] == "" {
				t.Errorf("%s\n%v", fd.Message, fd.Evidence)
			}
			x := stepOf(rep, StepReachability).Exchanges[0]
			if x.Status != 407 || x.ResponseHeaders.Get("Proxy-Authenticate") == "" {
				t.Errorf("exchange %d %v", x.Status, x.ResponseHeaders)
			}
			b, _ := json.Marshal(rep)
			if strings.Contains(string(b), "Pa55") || strings.Contains(string(b), "Password") {
				t.Error("a password reached the report")
			}
			if _, acc, _ := px.counts(); acc != 0 {
				t.Error("the proxy opened a tunnel")
			}
		})
	}
}

// A proxy that cannot be reached, chosen by the system: the finding says where the
// proxy came from.
func TestUnreachableSystemProxyNamesItsSource(t *testing.T) {
	noEnvProxy(t)
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	withSystem(t, &sysproxy.Resolver{Settings: sysproxy.Settings{Where: "Internet Options", Proxies: map[string]string{"": closed}, Bypass: []string{"<-loopback>"}}}, nil)
	rep := Run(context.Background(), profiles.Profile{InstanceURL: "https://127.0.0.1:9/", ClientID: "x"}, "s", fresh(), nil)
	fd := finding(rep, NetProxy)
	if fd == nil || fd.Evidence[EvProxyRoute] != "system Internet Options → "+closed || !strings.Contains(fd.Message, "Where the proxy was chosen: system Internet Options → "+closed) {
		t.Fatalf("%v %+v", codes(rep, ""), fd)
	}
}
