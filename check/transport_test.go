package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// TestExchangeTimings: every exchange carries the phases its round trip went
// through: the name lookup when the host is a name, the connection, the TLS handshake
// over https, and the first byte, within the total.
func TestExchangeTimings(t *testing.T) {
	for _, tc := range []struct {
		name          string
		tls, hostName bool
	}{
		{"http to an address", false, false},
		{"http to a host name", false, true},
		{"https to an address", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := hostile.New(t, "s")
			if tc.tls {
				in = hostile.NewTLS(t, "s")
			}
			p := hostileProfile(in, profiles.AuthPost)
			if tc.hostName {
				p.InstanceURL = strings.Replace(in.URL, "127.0.0.1", "localhost", 1)
			}
			rep := Run(context.Background(), p, "s", fresh(), nil)
			first := stepOf(rep, StepReachability).Exchanges[0] // a new connection
			tm := first.Timings
			if tm.Connect <= 0 || tm.FirstByte <= 0 || tm.Total < tm.FirstByte {
				t.Errorf("first exchange %s: %+v", first.URL, tm)
			}
			if got := tm.TLS > 0; got != tc.tls {
				t.Errorf("TLS time %s over https=%v", tm.TLS, tc.tls)
			}
			if got := tm.DNS > 0; got != tc.hostName {
				t.Errorf("DNS time %s for a host name=%v", tm.DNS, tc.hostName)
			}
		})
	}
}

// TestProxyRefusals: a proxy that will not pass the request on, 407 (wants a login)
// or 502, for an https:// instance (CONNECT refused) and an http:// one (the proxy
// answers itself), is named in the finding; the proxy's own answer (to the CONNECT
// or to the plain request) is the exchange's status, its headers the exchange's.
func TestProxyRefusals(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		instance   string
		want       []string
		wantStatus int // the exchange's recorded status
	}{
		{"407 to CONNECT", 407, "https://erp.example.test", []string{`it answered "Proxy Authentication Required"`, "wants credentials (HTTP 407)"}, 407},
		{"407 to a plain request", 407, "http://erp.example.test", []string{`it answered "Proxy Authentication Required"`, "wants credentials (HTTP 407)"}, 407},
		{"502 to CONNECT", 502, "https://erp.example.test", []string{`it answered "Bad Gateway"`}, 502},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen atomic.Int32
			px := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen.Add(1)
				if tc.status == 407 {
					w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
				}
				w.WriteHeader(tc.status)
			}))
			defer px.Close()
			p := profiles.Profile{InstanceURL: tc.instance, ClientID: "com.acme/nightly", Proxy: px.URL}
			rep := Run(context.Background(), p, "s", fresh(), nil)
			fd := finding(rep, NetProxy)
			host := strings.TrimPrefix(px.URL, "http://")
			if fd == nil || fd.Evidence[EvProxy] != host || seen.Load() == 0 {
				t.Fatalf("%v %+v", codes(rep, ""), fd)
			}
			for _, w := range tc.want {
				if !strings.Contains(fd.Message, w) {
					t.Errorf("message %q lacks %q", fd.Message, w)
				}
			}
			if !strings.Contains(fd.Message, "The proxy "+host+" did not pass the request on to erp.example.test") {
				t.Errorf("message %q", fd.Message)
			}
			reach := stepOf(rep, StepReachability)
			if reach.Verdict != Fail || len(reach.Exchanges) == 0 {
				t.Fatalf("reachability %+v", reach)
			}
			x := reach.Exchanges[0]
			if x.Status != tc.wantStatus || !strings.HasPrefix(x.Error, "proxy "+host+": ") {
				t.Errorf("exchange status %d, error %q", x.Status, x.Error)
			}
			if got := x.ResponseHeaders.Get("Proxy-Authenticate"); (tc.wantStatus == 407) != (got != "") {
				t.Errorf("exchange headers %v", x.ResponseHeaders)
			}
		})
	}
}
