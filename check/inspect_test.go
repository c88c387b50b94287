package check

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/tokenview/tokentest"
)

func TestInspectFindings(t *testing.T) {
	other := tokentest.NewRSA("K2")
	now := time.Now()
	for _, tc := range []struct {
		name   string
		setup  func(f erp)
		want   []string
		absent []string
	}{
		{"expired", func(f erp) {
			f.replaceClaims(func(iss string, s []string) map[string]any {
				c := tokentest.ERPNetClaims(iss, now.Add(-2*time.Hour).Unix())
				return c
			})
		}, []string{TokExpired}, []string{TokSignatureInvalid}},
		{"not yet valid", func(f erp) {
			f.replaceClaims(func(iss string, s []string) map[string]any {
				return tokentest.ERPNetClaims(iss, now.Add(10*time.Minute).Unix())
			})
		}, []string{TokNotYetValid}, nil},
		{"foreign issuer, odd lifetime, no ERP audience", func(f erp) {
			f.replaceClaims(func(iss string, s []string) map[string]any {
				c := tokentest.ERPNetClaims("https://other.my.erp.net/id", now.Unix())
				c["exp"] = now.Unix() + 600
				c["aud"] = "someone-else"
				return c
			})
		}, []string{TokIssuerMismatch, TokLifetimeUnusual, TokAudienceMismatch}, nil},
		{"no system user", func(f erp) {
			f.replaceClaims(func(iss string, s []string) map[string]any {
				c := tokentest.ERPNetClaims(iss, now.Unix())
				delete(c, "client_system_user")
				return c
			})
		}, []string{TokNoSystemUser}, nil},
		{"user token", func(f erp) {
			f.replaceClaims(func(iss string, s []string) map[string]any {
				c := tokentest.ERPNetClaims(iss, now.Unix())
				delete(c, "client_system_user")
				c["sub"] = "u-1"
				return c
			})
		}, []string{TokUserToken}, []string{TokNoSystemUser}},
		{"key rotated away (unknown kid)", func(f erp) { f.serveJWKS(tokentest.JWKS(other)) }, []string{TokUnknownKid}, nil},
		{"rotation: JWKS has both keys", func(f erp) { f.serveJWKS(tokentest.JWKS(other, testKey)) }, nil, []string{TokUnknownKid, TokNotVerified}},
		{"JWKS empty", func(f erp) { f.serveJWKS([]byte(`{"keys":[]}`)) }, []string{DiscJWKSInvalid, TokNotVerified}, nil},
		{"no scopes", func(f erp) {
			c := tokentest.ERPNetClaims(f.Authority(), now.Unix())
			delete(c, "scope")
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"access_token":%q,"expires_in":3600,"token_type":"Bearer"}`, testKey.Sign(c))
			}
		}, []string{TokNoScopes}, nil},
		{"reference token", func(f erp) {
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"access_token":"enrt_%s","expires_in":3600,"token_type":"Bearer","scope":"read update"}`, strings.Repeat("ab", 32))
			}
		}, []string{TokReference}, []string{TokNoScopes, TokScopeNarrowed}},
		{"opaque token, refresh token, not bearer", func(f erp) {
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"access_token":"2YotnFZFEjr1zCsicMWpAA","expires_in":3600,"token_type":"mac","refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","scope":"read"}`)
			}
		}, []string{TokOpaque, TokNotBearer, TokRefreshPresent, TokScopeNarrowed}, nil},
		{"malformed JWT", func(f erp) {
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"access_token":"eyJhbGciOi.broken.x","expires_in":3600,"token_type":"Bearer"}`)
			}
		}, []string{TokMalformed}, nil},
		{"server clock 5 minutes ahead", func(f erp) { f.dated(now.Add(5 * time.Minute).UTC().Format(http.TimeFormat)) }, []string{TokClockSkew}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			tc.setup(f)
			opts := fresh()
			opts.Mode = NoAPI
			rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
			got := codes(rep, "")
			for _, c := range tc.want {
				if !hasCode(rep, c) {
					t.Errorf("missing %s in %v", c, got)
				}
			}
			for _, c := range tc.absent {
				if hasCode(rep, c) {
					t.Errorf("unexpected %s in %v", c, got)
				}
			}
		})
	}
}

func TestClockSkewEvidence(t *testing.T) {
	f := newERP(t)
	f.dated(time.Now().Add(-3 * time.Minute).UTC().Format(http.TimeFormat))
	rep := Run(context.Background(), f.profile(), f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	fd := finding(rep, TokClockSkew)
	if fd == nil || !strings.Contains(fd.Message, "behind this computer's") || !strings.HasPrefix(fd.Evidence[EvSkew], "-3m") {
		t.Fatalf("%+v", fd)
	}
}

func TestDiscoveryFindings(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    func(f erp) http.HandlerFunc
		want []string
		skip bool // token step skipped
	}{
		{"404", func(f erp) http.HandlerFunc { return http.NotFound }, []string{DiscNotFound}, false},
		{"HTML", func(f erp) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				fmt.Fprint(w, "<html>proxy login</html>")
			}
		}, []string{DiscBadDocument}, false},
		{"issuer, grants, no jwks", func(f erp) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"issuer":"https://elsewhere/id","token_endpoint":"%s/id/connect/token","grant_types_supported":["authorization_code"]}`, f.URL)
			}
		}, []string{DiscIssuerMismatch, DiscNoClientCreds, DiscNoJWKSURI, TokNotVerified, TokIssuerMismatch}, false},
		{"no token endpoint, jwks 500", func(f erp) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"issuer":"%s/id","jwks_uri":"%s/nojwks"}`, f.URL, f.URL)
			}
		}, []string{DiscNoTokenEndpoint, DiscJWKSUnavailable}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			f.OpenIDConfig = tc.h(f)
			opts := fresh()
			opts.Mode = NoAPI
			rep := Run(context.Background(), f.profile(), f.Secret, opts, nil)
			for _, c := range tc.want {
				if !hasCode(rep, c) {
					t.Errorf("missing %s in %v", c, codes(rep, ""))
				}
			}
			if stepOf(rep, StepDiscovery).Verdict != StepVerdict(stepOf(rep, StepDiscovery).Findings) {
				t.Error("verdict")
			}
		})
	}
	// The global IdP is refused outright.
	f := newERP(t)
	p := f.profile()
	p.Authority = "https://id.erp.net/id"
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	if !hasCode(rep, DiscGlobalIdP) || stepOf(rep, StepToken).Verdict != Skipped || !strings.Contains(stepOf(rep, StepToken).Summary, "id.erp.net") {
		t.Fatalf("global idp: %v", codes(rep, ""))
	}
	// Token endpoint override is reported and used.
	f = newERP(t)
	p = f.profile()
	p.TokenEndpoint = f.URL + "/id/connect/token?x=1"
	rep = Run(context.Background(), p, f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	if !hasCode(rep, DiscTokenEndpointOverride) || rep.Access == nil {
		t.Fatalf("override: %v", codes(rep, ""))
	}
	if !strings.Contains(stepOf(rep, StepToken).Exchanges[0].URL, "?x=1") {
		t.Error("override not used")
	}
}

func TestReachabilityFindings(t *testing.T) {
	f := newERP(t)
	// Auto-discovery pointing at another OData root: used, and reported.
	p := f.profile()
	p.Calls = nil
	p.ODataRoot = ""
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	if hasCode(rep, ReachODataRootDiffers) || hasCode(rep, ReachAutoDiscMissing) {
		t.Fatalf("healthy: %v", codes(rep, StepReachability))
	}
	p.ODataRoot = f.URL + "/custom/odata"
	rep = Run(context.Background(), onlyCall(p, "/api/domain/odata/Crm_Sales_Customers?$top=5"), f.Secret, fresh(), nil)
	fd := finding(rep, ReachODataRootDiffers)
	if fd == nil || !strings.Contains(fd.Message, "the profile's root is used") {
		t.Fatalf("override differs: %v", codes(rep, ""))
	}
	if u := stepOf(rep, StepAPI).Exchanges[0].URL; u != f.URL+"/custom/odata/Crm_Sales_Customers?$top=5" {
		t.Errorf("call resolved to %s", u)
	}
	// A server that is not ERP.net: not_erpnet and no auto-discovery.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html>hello</html>")
	}))
	defer plain.Close()
	p = f.profile()
	p.InstanceURL = plain.URL
	rep = Run(context.Background(), p, "s", fresh(), nil)
	if !hasCode(rep, ReachNotERPNet) || !hasCode(rep, ReachAutoDiscMissing) || !hasCode(rep, DiscBadDocument) {
		t.Fatalf("not erp: %v", codes(rep, ""))
	}
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer down.Close()
	p.InstanceURL = down.URL
	rep = Run(context.Background(), p, "s", fresh(), nil)
	if !hasCode(rep, ReachHTTPError) {
		t.Fatalf("503: %v", codes(rep, ""))
	}
	// http:// to a non-loopback host warns (refused quickly through a dead proxy).
	rep = Run(context.Background(), onlyCall(f.profile(), "/x"), f.Secret, fresh(), nil)
	if hasCode(rep, NetInsecureHTTP) {
		t.Error("loopback http must not warn")
	}
}

func TestSiteNotWorking(t *testing.T) {
	f := newERP(t)
	f.AutoDiscovery = http.NotFound
	f.Other = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/sys/auto-discovery" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"WebSites":[{"Type":"DomainAPI","Status":"Working","AdditionalProperties":{"ODataServiceRoot":"%s/odata2/"}},{"Type":"TableAPI","Status":"NotWorking","StatusDescription":"stopped"}]}`, f.URL)
	}
	rep := Run(context.Background(), onlyCall(f.profile(), "/api/domain/odata/X"), f.Secret, fresh(), nil)
	if fd := finding(rep, ReachSiteNotWorking); fd == nil || !strings.Contains(fd.Message, "TableAPI site as NotWorking (stopped)") {
		t.Fatalf("%v", codes(rep, ""))
	}
	if fd := finding(rep, ReachODataRootDiffers); fd == nil || !strings.Contains(fd.Message, "the discovered root is used") {
		t.Fatalf("%v", codes(rep, ""))
	}
	if u := stepOf(rep, StepAPI).Exchanges[0].URL; u != f.URL+"/odata2/X" {
		t.Errorf("discovered root not used: %s", u)
	}
}

func TestCallConsole(t *testing.T) {
	f := newERP(t)
	rep := Run(context.Background(), f.profile(), f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	st := Call(context.Background(), f.profile(), rep.Access, onlyCall(f.profile(), "/api/domain/odata/Y").Calls[0], Options{})
	if st.Kind != StepAPI || st.Verdict != Pass || len(st.Exchanges) != 1 || !hasCode(Report{Steps: []Step{st}}, APIOK) {
		t.Fatalf("%+v", st)
	}
	f.API = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope"`)
		w.WriteHeader(403)
	}
	st = Call(context.Background(), f.profile(), rep.Access, profilesCall("PATCH", "/api/domain/odata/Y(1)", `{"a":1}`), Options{})
	if st.Verdict != Fail || st.Findings[0].Code != APIForbiddenScope || st.Exchanges[0].RequestBody != `{"a":1}` {
		t.Fatalf("%+v", st)
	}
	bad := f.profile()
	bad.InstanceURL = "nope"
	st = Call(context.Background(), bad, rep.Access, profilesCall("GET", "/x", ""), Options{})
	if st.Verdict != Fail || st.Findings[0].Code != ConfigInvalid {
		t.Fatalf("%+v", st)
	}
}
