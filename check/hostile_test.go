package check

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

// Secrets a hostile server echoes back: one full of characters every encoding treats
// differently, one shorter than 8 characters.
var echoSecrets = []string{
	"S3cr+t/p@ss w\"rd<&>%:é'\\`x~",
	"zQ7!",
}

// exportedStrings lists every string reachable through the exported fields of v: what
// the app, the CLI and the report writers can show.
func exportedStrings(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			exportedStrings(v.Elem(), out)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				exportedStrings(v.Field(i), out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			exportedStrings(v.Index(i), out)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			exportedStrings(k, out)
			exportedStrings(v.MapIndex(k), out)
		}
	}
}

func hostileProfile(in *hostile.Instance, auth profiles.AuthMethod) profiles.Profile {
	return profiles.Profile{Name: "hostile", InstanceURL: in.URL, ClientID: hostile.ClientID, AuthMethod: auth,
		Scopes: []string{"read", "update"}, TimeoutSeconds: 5, TLS: profiles.TLSOptions{CAFile: in.CAFile()},
		Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers"}}}
}

// A server that echoes the secret, in any of the encodings servers use, must not get
// it into anything the engine hands on: exchanges, findings, summaries, claims. Every
// style is tried with the token refused (the echo is in the error) and granted (the
// echo is in a claim, the token response and the API's error), for a long secret and
// a short one, sent in the form and in a Basic header.
func TestEchoedSecretNeverLeavesTheEngine(t *testing.T) {
	var leaked []string
	for _, secret := range echoSecrets {
		for _, style := range hostile.EchoStyles() {
			for _, grant := range []bool{false, true} {
				for _, auth := range []profiles.AuthMethod{profiles.AuthPost, profiles.AuthBasic} {
					in := hostile.New(t, secret)
					hostile.Echo(in, style.Echo(secret, hostile.ClientID), grant)
					rep := Run(context.Background(), hostileProfile(in, auth), secret, fresh(), nil)
					if grant && rep.Access == nil {
						t.Fatalf("%s: no token was issued: %v", style.Name, codes(rep, ""))
					}
					var all []string
					exportedStrings(reflect.ValueOf(rep), &all)
					leak := style.Leak(secret, hostile.ClientID)
					for _, s := range all {
						if leak != "" && strings.Contains(s, leak) {
							leaked = append(leaked, style.Name+" ("+map[bool]string{true: "granted", false: "refused"}[grant]+", "+string(auth)+", "+map[bool]string{true: "short", false: "long"}[len(secret) < 8]+")")
							break
						}
					}
				}
			}
		}
	}
	if len(leaked) > 0 {
		sort.Strings(leaked)
		t.Fatalf("the secret leaked in %d of %d cases:\n%s", len(leaked), len(echoSecrets)*len(hostile.EchoStyles())*4, strings.Join(leaked, "\n"))
	}
}

// A discovery document that names a token endpoint on another host, or plain http
// under an https instance: the Discovery step fails naming both hosts, and the
// credential gate refuses the token request there, naming both too: the secret is
// never sent.
func TestDiscoveredTokenEndpointElsewhereGetsNoSecret(t *testing.T) {
	secret := "s3cret-never-elsewhere"
	for _, tc := range []struct {
		name    string
		useTLS  bool
		thiefAt func(in *hostile.Instance, th *hostile.Thief) string
		want    []string
	}{
		{"another host", false, func(in *hostile.Instance, th *hostile.Thief) string {
			return strings.Replace(th.URL, "127.0.0.1", "localhost", 1) + "/connect/token"
		}, []string{"localhost:", "127.0.0.1:", "another host"}},
		{"plain http under https", true, func(in *hostile.Instance, th *hostile.Thief) string {
			return th.URL + "/id/connect/token"
		}, []string{"plain http://", "https://"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in *hostile.Instance
			if tc.useTLS {
				in = hostile.NewTLS(t, secret)
			} else {
				in = hostile.New(t, secret)
			}
			th := hostile.NewThief(t, false)
			endpoint := tc.thiefAt(in, th)
			in.Discovery = func(root string) map[string]any {
				d := hostile.DefaultDiscovery(root)
				d["token_endpoint"] = endpoint
				return d
			}
			for _, auth := range []profiles.AuthMethod{profiles.AuthPost, profiles.AuthBasic} {
				rep := Run(context.Background(), hostileProfile(in, auth), secret, fresh(), nil)
				if th.Requests() != 0 || in.TokenRequests() != 0 {
					t.Fatalf("%s: the secret was sent (%d requests to %s)", auth, th.Requests(), endpoint)
				}
				disc := stepOf(rep, StepDiscovery)
				fd := finding(rep, DiscTokenEndpointForeign)
				if disc.Verdict != Fail || fd == nil || rep.Verdict != Fail {
					t.Fatalf("%s: discovery %s, findings %v", auth, disc.Verdict, codes(rep, StepDiscovery))
				}
				for _, w := range tc.want {
					if !strings.Contains(fd.Message, w) {
						t.Errorf("%s: message %q lacks %q", auth, fd.Message, w)
					}
				}
				if fd.Evidence[EvURL] != endpoint || fd.Evidence[EvAuthority] != in.Authority() {
					t.Errorf("evidence %+v", fd.Evidence)
				}
				tok := stepOf(rep, StepToken)
				g := finding(rep, GateSecretForeignHost)
				if tok.Verdict != Fail || g == nil || !hasCodeIn(*tok, GateSecretForeignHost) {
					t.Fatalf("token step %s %q %v", tok.Verdict, tok.Summary, codes(rep, StepToken))
				}
				refused, _ := url.Parse(endpoint)
				authority, _ := url.Parse(in.Authority())
				if !strings.Contains(g.Message, refused.Host) || !strings.Contains(g.Message, authority.Host) || g.Evidence[EvCredential] != "client secret" {
					t.Errorf("the refusal does not name both hosts: %s %v", g.Message, g.Evidence)
				}
			}
		})
	}
}

// A token endpoint the user set in the profile is used even on another host, but
// every run says so as a warning.
func TestProfileTokenEndpointElsewhereIsAWarning(t *testing.T) {
	secret := "s3cret-user-choice"
	in := hostile.New(t, secret)
	th := hostile.NewThief(t, false)
	p := hostileProfile(in, profiles.AuthPost)
	p.TokenEndpoint = strings.Replace(th.URL, "127.0.0.1", "localhost", 1) + "/connect/token"
	rep := Run(context.Background(), p, secret, fresh(), nil)
	if got := th.Secrets(); len(got) != 1 || got[0] != secret {
		t.Fatalf("the user's own endpoint did not get the request: %v", got)
	}
	fd := finding(rep, DiscTokenEndpointProfileForeign)
	if fd == nil || fd.Severity != SevWarn || stepOf(rep, StepDiscovery).Verdict != Warn ||
		!strings.Contains(fd.Message, "localhost:") || !strings.Contains(fd.Message, "you set") {
		t.Fatalf("%v %+v", codes(rep, StepDiscovery), fd)
	}
	// The same warning when discovery itself fails before naming an endpoint.
	in.Discovery = nil
	p.Authority = in.URL + "/nowhere"
	rep = Run(context.Background(), p, secret, fresh(), nil)
	if finding(rep, DiscTokenEndpointProfileForeign) == nil {
		t.Fatalf("no warning when discovery failed: %v", codes(rep, StepDiscovery))
	}
	// Plain http under an https instance, set by the user: a warning too.
	tin := hostile.NewTLS(t, secret)
	p = hostileProfile(tin, profiles.AuthPost)
	p.TokenEndpoint = th.URL + "/connect/token"
	rep = Run(context.Background(), p, secret, fresh(), nil)
	if fd := finding(rep, DiscTokenEndpointProfileForeign); fd == nil || !strings.Contains(fd.Message, "plain http://") {
		t.Fatalf("downgrade: %v %+v", codes(rep, StepDiscovery), fd)
	}
}

// Through a proxy that passes the request on, a certificate problem of the instance is
// the instance's, not the proxy's; a proxy that cannot be reached is named by its
// address.
func TestTLSErrorsThroughAProxyAreTheInstances(t *testing.T) {
	ca := newCA(t)
	caFile := filepath.Join(testdir.New(t), "ca.pem")
	os.WriteFile(caFile, ca.PEM, 0o600)
	// The instance has a made-up name the proxy resolves: nothing but the proxy can
	// reach it, and the environment's proxy applies (it never does to 127.0.0.1).
	const host = "erp.example.test"
	for _, tc := range []struct {
		name   string
		cert   tls.Certificate
		caFile string
		code   string
	}{
		{"hostname mismatch", ca.Leaf(t, nil, []string{"other.example.com"}, time.Now().Add(time.Hour)), caFile, NetTLSHostname},
		{"unknown authority", ca.Leaf(t, nil, []string{host}, time.Now().Add(time.Hour)), "", NetTLSUnknownAuth},
		{"expired", ca.Leaf(t, nil, []string{host}, time.Now().Add(-time.Minute)), caFile, NetTLSExpired},
	} {
		for _, how := range []string{"profile", "HTTPS_PROXY"} {
			t.Run(tc.name+" via "+how, func(t *testing.T) {
				srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") }))
				srv.TLS = &tls.Config{Certificates: []tls.Certificate{tc.cert}}
				srv.Config.ErrorLog = log.New(io.Discard, "", 0)
				srv.StartTLS()
				defer srv.Close()
				px := hostile.NewProxy(t)
				px.Target = srv.Listener.Addr().String()
				_, port, _ := net.SplitHostPort(px.Target)
				p := profiles.Profile{InstanceURL: "https://" + host + ":" + port, ClientID: "x", TLS: profiles.TLSOptions{CAFile: tc.caFile}}
				if how == "profile" {
					p.Proxy = px.URL
				} else {
					for _, k := range []string{"HTTPS_PROXY", "https_proxy"} {
						t.Setenv(k, px.URL)
					}
					for _, k := range []string{"NO_PROXY", "no_proxy", "REQUEST_METHOD"} {
						t.Setenv(k, "")
					}
				}
				rep := Run(context.Background(), p, "proxy-test-secret", fresh(), nil)
				if px.Tunnels() == 0 {
					t.Fatal("the request did not go through the proxy")
				}
				if hasCode(rep, NetProxy) || finding(rep, tc.code) == nil {
					t.Fatalf("want %s, got %v", tc.code, codes(rep, ""))
				}
			})
		}
	}

	// A proxy whose host name does not resolve, and one that refuses connections:
	// named by the address the user gave, never "(proxy)".
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().String()
	l.Close()
	for _, proxy := range []string{"http://" + closed, "http://no-such-proxy.invalid:3128"} {
		opts := fresh()
		opts.Timeout = 5 * time.Second
		rep := Run(context.Background(), profiles.Profile{InstanceURL: "https://erp.example.test", ClientID: "x", Proxy: proxy}, "proxy-test-secret", opts, nil)
		fd := finding(rep, NetProxy)
		if fd == nil {
			if hasCode(rep, NetTimeout) {
				t.Skipf("no resolver answers here: %v", codes(rep, ""))
			}
			t.Fatalf("%s: %v", proxy, codes(rep, ""))
		}
		want := strings.TrimPrefix(proxy, "http://")
		if fd.Evidence[EvProxy] != want || !strings.Contains(fd.Message, "The proxy "+want+" could not be reached") || strings.Contains(fd.Message, "(proxy)") {
			t.Errorf("%s: %+v", proxy, fd)
		}
	}
}

// A token endpoint or an API that redirects to another host gets neither the secret
// nor the token there, whichever way the secret is sent.
func TestRedirectsToAnotherHostCarryNothing(t *testing.T) {
	secret := "s3cret-stays-home"
	for _, auth := range []profiles.AuthMethod{profiles.AuthPost, profiles.AuthBasic} {
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
			th := hostile.NewThief(t, false)
			in := hostile.New(t, secret)
			in.Token = hostile.Redirect(th.URL+"/connect/token", status)
			rep := Run(context.Background(), hostileProfile(in, auth), secret, fresh(), nil)
			if th.Requests() != 0 || !hasCode(rep, NetRedirectCrossHost) || rep.Verdict != Fail {
				t.Fatalf("%s %d token redirect: %d requests reached the other host; %v", auth, status, th.Requests(), codes(rep, StepToken))
			}
			in = hostile.New(t, secret)
			in.API = hostile.Redirect(th.URL+"/steal", status)
			rep = Run(context.Background(), hostileProfile(in, auth), secret, fresh(), nil)
			if th.Requests() != 0 || !hasCode(rep, NetRedirectCrossHost) {
				t.Fatalf("%s %d API redirect: %d requests reached the other host; %v", auth, status, th.Requests(), codes(rep, StepAPI))
			}
		}
	}
}
