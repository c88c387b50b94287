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
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

func onlyCall(p profiles.Profile, path string) profiles.Profile {
	p.Calls = []profiles.APICall{{Method: "GET", Path: path}}
	return p
}

func TestAPISlowTimeoutAndCancel(t *testing.T) {
	f := newERP(t)
	arrived := make(chan struct{}, 4)
	f.API = func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}
	opts := fresh()
	opts.Timeout = 300 * time.Millisecond
	rep := Run(context.Background(), onlyCall(f.profile(), "/api/domain/currentmodel"), f.Secret, opts, nil)
	fd := finding(rep, NetTimeout)
	if fd == nil || fd.Evidence[EvTimeout] != "300ms" || !strings.Contains(fd.Message, "did not answer within 300ms") || rep.Cancelled {
		t.Fatalf("timeout: %v %+v", codes(rep, ""), fd)
	}

	// Cancel while the first of two calls is waiting: it reports net.cancelled, the
	// next is skipped, and the run returns promptly.
	// The first run's request has signalled already: drop that, so the cancel waits
	// for this run's own call (on a slow machine, such as Windows under Wine, the stale
	// signal cancelled this run while it was still checking reachability).
	for len(arrived) > 0 {
		<-arrived
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; time.Sleep(20 * time.Millisecond); cancel() }()
	p := f.profile()
	p.Calls = []profiles.APICall{{Method: "GET", Path: "/api/domain/currentmodel"}, {Method: "GET", Path: "/api/domain/odata/X"}}
	start := time.Now()
	rep = Run(ctx, p, f.Secret, fresh(), nil)
	if time.Since(start) > 4*time.Second {
		t.Errorf("cancel took %s", time.Since(start))
	}
	if !rep.Cancelled || rep.Verdict != Fail || !hasCode(rep, NetCancelled) {
		t.Fatalf("cancel: cancelled=%v %v", rep.Cancelled, codes(rep, ""))
	}
	last := rep.Steps[len(rep.Steps)-1]
	if last.Verdict != Skipped || !strings.Contains(last.Summary, "cancelled") {
		t.Errorf("last step %+v", last)
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	f := newERP(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := Run(ctx, f.profile(), f.Secret, fresh(), nil)
	if !rep.Cancelled || !hasCode(rep, NetCancelled) || len(rep.Steps) != 7 {
		t.Fatalf("%v %d steps", codes(rep, ""), len(rep.Steps))
	}
	for _, s := range rep.Steps[1:] {
		if s.Verdict != Skipped {
			t.Errorf("%s not skipped", s.Name)
		}
	}
}

func TestAPIFaultyAnswers(t *testing.T) {
	big := strings.Repeat("x", int(DefaultBodyCap)+10)
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		codes   []string
		msg     string
	}{
		{"non-JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "hello")
		}, []string{APINotJSON}, "text/plain, not JSON"},
		{"HTML login page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!DOCTYPE html><html>Sign in</html>")
		}, []string{APILoginPage}, "HTML page"},
		{"redirect to login on same host", func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "login") {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, "<html>login</html>")
				return
			}
			http.Redirect(w, r, "/api/domain/account/login?ReturnUrl=x", http.StatusFound)
		}, []string{APILoginPage}, "HTML page"},
		{"oversized", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `"`+big+`"`)
		}, []string{NetBodyTruncated, APIOK}, "headers and body together were larger than the 1 MiB capture limit (1048576 bytes), so only the first 10485"},
		{"reset", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
				conn.Close()
			}
		}, []string{NetReset}, "closed the connection"},
		{"401 expired", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The token expired at '11/26/2026 10:00:00'"`)
			w.WriteHeader(401)
		}, []string{APITokenExpired}, "expired"},
		{"401 issuer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The issuer 'https://other/id' is invalid"`)
			w.WriteHeader(401)
		}, []string{APIForeignIssuer}, "another instance"},
		{"401 signature", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The signature is invalid"`)
			w.WriteHeader(401)
		}, []string{APIBadSignature}, "signature"},
		{"401 bare", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer`)
			w.WriteHeader(401)
		}, []string{APIUnauthorized}, "401 Unauthorized"},
		{"403 insufficient scope", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="update"`)
			w.WriteHeader(403)
		}, []string{APIForbiddenScope}, `needs the "update" scope`},
		{"403 permission", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(403)
			fmt.Fprint(w, `{"error":{"message":"Access denied to Crm_Sales_Customers","code":"1","type":"Sec"}}`)
		}, []string{APIForbidden}, `"Access denied to Crm_Sales_Customers"`},
		{"404", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }, []string{APINotFound}, "not found"},
		{"405", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Allow", "POST"); w.WriteHeader(405) }, []string{APIMethodNotAllowed}, "does not accept GET"},
		{"429", func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Retry-After", "7"); w.WriteHeader(429) }, []string{APIRateLimited}, "wait 7s"},
		{"licence", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			fmt.Fprint(w, `{"error":{"message":"All 10 licences are in use.","code":"MaximumLicenseCountExceeded","type":"Lic"}}`)
		}, []string{APILicenseExhausted}, "licence slot"},
		{"odata business error (unwrapped)", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			fmt.Fprint(w, `{"message":"Document is locked","code":2029,"type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException"}`)
		}, []string{APIODataError}, `"Document is locked"`},
		{"500 bare", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }, []string{APIServerError}, "HTTP 503"},
		{"418", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) }, []string{APIClientError}, "HTTP 418"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			f.API = tc.handler
			rep := Run(context.Background(), onlyCall(f.profile(), "/api/domain/odata/Crm_Sales_Customers"), f.Secret, fresh(), nil)
			api := stepOf(rep, StepAPI)
			var got []string
			msgs := ""
			for _, fd := range api.Findings {
				got = append(got, fd.Code)
				msgs += fd.Message + "\n"
			}
			if strings.Join(got, ",") != strings.Join(tc.codes, ",") || !strings.Contains(msgs, tc.msg) {
				t.Fatalf("got %v %q, want %v with %q", got, msgs, tc.codes, tc.msg)
			}
			if tc.name == "oversized" {
				x := api.Exchanges[0]
				// The headers count against the limit: the body has what they leave.
				var hdr int
				for name, vs := range x.ResponseHeaders {
					for _, v := range vs {
						hdr += len(name) + len(v) + 4
					}
				}
				if !x.Truncated || hdr == 0 || len(x.ResponseBody)+hdr != int(DefaultBodyCap) || x.Size != int64(len(x.ResponseBody))+1 {
					t.Errorf("truncation: %v, body %d + headers %d, size %d", x.Truncated, len(x.ResponseBody), hdr, x.Size)
				}
			}
			if tc.name == "429" && finding(rep, APIRateLimited).Evidence[EvRetryAfter] != "7s" {
				t.Errorf("retry_after evidence %+v", finding(rep, APIRateLimited).Evidence)
			}
			if tc.name == "odata business error (unwrapped)" && finding(rep, APIODataError).Evidence[EvODataCode] != "2029" {
				t.Errorf("odata evidence %+v", finding(rep, APIODataError).Evidence)
			}
		})
	}
}

func TestRedirectToAnotherHostKeepsTheToken(t *testing.T) {
	var hits, withAuth atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			withAuth.Add(1)
		}
		fmt.Fprint(w, `{"value":[]}`)
	}))
	defer other.Close()
	f := newERP(t)
	f.API = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}
	rep := Run(context.Background(), onlyCall(f.profile(), "/api/domain/odata/X"), f.Secret, fresh(), nil)
	if withAuth.Load() != 0 || hits.Load() != 0 {
		t.Fatalf("the redirect was followed to another host (%d hits, %d with Authorization)", hits.Load(), withAuth.Load())
	}
	fd := finding(rep, NetRedirectCrossHost)
	if fd == nil || !hasCode(rep, APIRedirect) || !strings.Contains(fd.Message, "the token was not sent there") || !strings.HasPrefix(fd.Evidence[EvLocation], other.URL) {
		t.Fatalf("%v %+v", codes(rep, StepAPI), fd)
	}
}

func TestNetworkClassification(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + l.Addr().String()
	l.Close()

	for _, tc := range []struct {
		name    string
		p       profiles.Profile
		timeout time.Duration
		check   func(t *testing.T, rep Report)
	}{
		{"connection refused", profiles.Profile{InstanceURL: closed, ClientID: "x"}, 0, func(t *testing.T, rep Report) {
			if !hasCode(rep, NetRefused) || len(rep.Steps) != 7 || stepOf(rep, StepDiscovery).Verdict != Skipped {
				t.Fatalf("refused: %v", codes(rep, ""))
			}
			if !strings.Contains(stepOf(rep, StepDiscovery).Summary, "could not be reached") {
				t.Errorf("skip summary %q", stepOf(rep, StepDiscovery).Summary)
			}
		}},
		{"proxy refused", profiles.Profile{InstanceURL: "http://example.test", Proxy: closed, ClientID: "x"}, 0, func(t *testing.T, rep Report) {
			if fd := finding(rep, NetProxy); fd == nil || fd.Evidence[EvProxy] == "" {
				t.Fatalf("proxy: %v", codes(rep, ""))
			}
		}},
		{"name does not resolve", profiles.Profile{InstanceURL: "http://nosuchhost.invalid", ClientID: "x"}, 3 * time.Second, func(t *testing.T, rep Report) {
			if hasCode(rep, NetTimeout) {
				t.Skip("no resolver answers here")
			}
			if fd := finding(rep, NetDNS); fd == nil || !strings.Contains(fd.Message, `"nosuchhost.invalid" does not resolve`) {
				t.Fatalf("dns: %v", codes(rep, ""))
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := fresh()
			opts.Timeout = tc.timeout
			tc.check(t, Run(context.Background(), tc.p, "s", opts, nil))
		})
	}
}

func TestConfigErrors(t *testing.T) {
	dir := testdir.New(t)
	notPEM := filepath.Join(dir, "ca.pem")
	os.WriteFile(notPEM, []byte("not a certificate"), 0o600)
	for _, tc := range []struct {
		name  string
		p     profiles.Profile
		field string
		msg   string
	}{
		{"no instance URL", profiles.Profile{InstanceURL: ""}, "instance_url", "is empty"},
		{"instance URL without a scheme", profiles.Profile{InstanceURL: "acme.my.erp.net"}, "instance_url", "not an http(s) URL"},
		{"authority not http(s)", profiles.Profile{InstanceURL: "https://a", Authority: "ftp://x"}, "authority", "leave it empty"},
		{"CA file missing", profiles.Profile{InstanceURL: "https://a", TLS: profiles.TLSOptions{CAFile: filepath.Join(dir, "missing.pem")}}, "ca_file", "cannot read the CA file"},
		{"CA file without a certificate", profiles.Profile{InstanceURL: "https://a", TLS: profiles.TLSOptions{CAFile: notPEM}}, "ca_file", "holds no PEM certificate"},
		{"proxy not a URL", profiles.Profile{InstanceURL: "https://a", Proxy: "::nope"}, "proxy", "not a proxy URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := Run(context.Background(), tc.p, "config-test-secret", fresh(), nil)
			fd := finding(rep, ConfigInvalid)
			if fd == nil || fd.Evidence[EvField] != tc.field || !strings.Contains(fd.Message, tc.msg) || !strings.Contains(fd.Message, tc.field) || rep.Verdict != Fail {
				t.Errorf("%s: %+v", tc.field, fd)
			}
		})
	}
	f := newERP(t)
	p := f.profile()
	p.ClientID = ""
	rep := Run(context.Background(), p, "s", fresh(), nil)
	if fd := finding(rep, ConfigInvalid); fd == nil || fd.Evidence[EvField] != "client_id" {
		t.Errorf("empty client_id: %v", codes(rep, ""))
	}
}

// ---- TLS ----

// newCA is a CA of the test's own (internal/hostile).
func newCA(t *testing.T) *hostile.CA { return hostile.NewCA(t) }

func TestTLSCertificates(t *testing.T) {
	ca := newCA(t)
	caFile := filepath.Join(testdir.New(t), "ca.pem")
	os.WriteFile(caFile, ca.PEM, 0o600)
	local := []net.IP{net.ParseIP("127.0.0.1")}
	for _, tc := range []struct {
		name   string
		cert   tls.Certificate
		caFile string
		code   string
	}{
		{"unknown authority", ca.Leaf(t, local, nil, time.Now().Add(time.Hour)), "", NetTLSUnknownAuth},
		{"hostname mismatch", ca.Leaf(t, nil, []string{"erp.example.com"}, time.Now().Add(time.Hour)), caFile, NetTLSHostname},
		{"expired", ca.Leaf(t, local, nil, time.Now().Add(-time.Minute)), caFile, NetTLSExpired},
		{"trusted through the CA file", ca.Leaf(t, local, nil, time.Now().Add(time.Hour)), caFile, ReachOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") }))
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{tc.cert}}
			srv.Config.ErrorLog = log.New(io.Discard, "", 0)
			srv.StartTLS()
			defer srv.Close()
			p := profiles.Profile{InstanceURL: srv.URL, ClientID: "x", TLS: profiles.TLSOptions{CAFile: tc.caFile}}
			rep := Run(context.Background(), p, "s", fresh(), nil)
			fd := finding(rep, tc.code)
			if fd == nil {
				t.Fatalf("want %s, got %v", tc.code, codes(rep, ""))
			}
			if tc.code == NetTLSExpired && fd.Evidence[EvCertExpiry] == "" {
				t.Errorf("expiry evidence missing: %+v", fd.Evidence)
			}
			if tc.code == NetTLSHostname && fd.Evidence[EvActual] != "erp.example.com" {
				t.Errorf("hostname evidence: %+v", fd.Evidence)
			}
		})
	}
	// Certificate checks turned off: it works, with a warning.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") }))
	defer srv.Close()
	rep := Run(context.Background(), profiles.Profile{InstanceURL: srv.URL, ClientID: "x", TLS: profiles.TLSOptions{InsecureSkipVerify: true}}, "s", fresh(), nil)
	if !hasCode(rep, NetTLSInsecure) || !hasCode(rep, ReachOK) {
		t.Errorf("insecure: %v", codes(rep, ""))
	}
}

func TestTokenAndDiscoveryRedirectToAnotherHost(t *testing.T) {
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer other.Close()
	f := newERP(t)
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/connect/token", http.StatusTemporaryRedirect)
	}
	rep := Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
	if !hasCode(rep, NetRedirectCrossHost) || !hasCode(rep, TokHTTPError) || hits.Load() != 0 {
		t.Fatalf("token redirect: %v, %d hits", codes(rep, StepToken), hits.Load())
	}
	f.OpenIDConfig = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/.well-known/openid-configuration", http.StatusFound)
	}
	rep = Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
	if fd := finding(rep, NetRedirectCrossHost); fd == nil || !strings.Contains(fd.Message, "the OpenID configuration") || hits.Load() != 0 {
		t.Fatalf("discovery redirect: %v", codes(rep, StepDiscovery))
	}
}

// lateEmpty answers the token request only after the caller's deadline, with the
// empty 200 a server that gives up on the request can race past the client's own
// timeout (the HTTP/2 client may deliver it when both are ready).
type lateEmpty struct {
	base http.RoundTripper
	path string
}

func (l lateEmpty) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, l.path) {
		return l.base.RoundTrip(req)
	}
	<-req.Context().Done()
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

func TestTokenAnswerAfterDeadlineIsATimeout(t *testing.T) {
	f := newERP(t)
	opts := fresh()
	opts.Timeout = 200 * time.Millisecond
	opts.Transport = lateEmpty{base: http.DefaultTransport, path: "/connect/token"}
	rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
	fd := finding(rep, NetTimeout)
	if fd == nil || hasCode(rep, TokBadResponse) || stepOf(rep, StepToken).Verdict != Fail || !strings.Contains(fd.Message, "did not answer within 200ms") {
		t.Fatalf("late empty answer: %v %+v", codes(rep, ""), fd)
	}
	// The same race on an API call.
	opts = fresh()
	opts.Timeout = 200 * time.Millisecond
	opts.Transport = lateEmpty{base: http.DefaultTransport, path: "/currentmodel"}
	rep = Run(context.Background(), onlyCall(f.profile(), "/api/domain/currentmodel"), f.Secret, opts, nil)
	fd = finding(rep, NetTimeout)
	if fd == nil || len(codes(rep, StepAPI)) != 1 || !strings.Contains(fd.Message, "did not answer within 200ms") || fd.Evidence[EvPath] != "/api/domain/currentmodel" {
		t.Fatalf("late empty API answer: %v %+v", codes(rep, StepAPI), fd)
	}
}
