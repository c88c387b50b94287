package check

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"trustedapp-tester/internal/hostile"
)

func TestIssuerDiff(t *testing.T) {
	for _, tc := range []struct {
		name     string
		a, b     string
		sameHost bool
		parts    string
	}{
		{"identical", "https://acme.my.erp.net/id", "https://acme.my.erp.net/id", true, ""},
		{"trailing slash", "https://acme.my.erp.net/id", "https://acme.my.erp.net/id/", true, "trailing slash"},
		{"scheme", "https://acme.my.erp.net/id", "http://acme.my.erp.net/id", true, "scheme (https vs http)"},
		{"host case", "https://acme.my.erp.net/id", "https://ACME.my.erp.net/id", true, "host case (acme.my.erp.net vs ACME.my.erp.net)"},
		{"default port named", "https://acme.my.erp.net/id", "https://acme.my.erp.net:443/id", true, "port (none vs 443)"},
		{"path case and trailing slash", "https://acme.my.erp.net/id", "https://acme.my.erp.net/ID/", true, "path (/id vs /ID), trailing slash"},
		{"another path", "https://acme.my.erp.net/id", "https://acme.my.erp.net/identity", true, "path (/id vs /identity)"},
		{"another port", "https://acme.my.erp.net/id", "https://acme.my.erp.net:8443/id", false, ""},
		{"another host", "https://acme.my.erp.net/id", "https://other.my.erp.net/id", false, ""},
		{"empty", "https://acme.my.erp.net/id", "", false, ""},
		{"not a URL", "https://acme.my.erp.net/id", "not a url", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			same, sameHost, parts := issuerDiff(tc.a, tc.b)
			if same != (tc.a == tc.b) || sameHost != tc.sameHost || strings.Join(parts, ", ") != tc.parts {
				t.Errorf("issuerDiff(%q, %q) = %v %v %q", tc.a, tc.b, same, sameHost, parts)
			}
		})
	}
}

// TestIssuerExactness serves discovery issuers and token issuers that name the same
// server but are not the same string: each is a warning naming the difference, the
// clients that reject it and the fix; the API still works, so nothing fails.
func TestIssuerExactness(t *testing.T) {
	for _, tc := range []struct {
		name      string
		issuer    func(f erp) string // discovery issuer
		iss       func(f erp) string // token iss
		instance  func(f erp) string // profile instance URL ("" = the server's)
		code      string
		differs   string
		clients   []string
		notClient string
	}{
		{"trailing slash in discovery", func(f erp) string { return f.URL + "/id/" }, func(f erp) string { return f.URL + "/id/" }, nil,
			DiscIssuerInexact, "trailing slash", []string{"coreos/go-oidc", "IdentityModel ignores a trailing slash"}, "Issuer name does not match authority"},
		{"scheme in discovery", func(f erp) string { return strings.Replace(f.URL, "http://", "https://", 1) + "/id" },
			func(f erp) string { return strings.Replace(f.URL, "http://", "https://", 1) + "/id" }, nil,
			DiscIssuerInexact, "scheme (http vs https)", []string{`"Issuer name does not match authority"`, "coreos/go-oidc"}, ""},
		{"host case in discovery", func(f erp) string { return strings.Replace(f.URL, "127.0.0.1", "LocalHost", 1) + "/id" },
			func(f erp) string { return strings.Replace(f.URL, "127.0.0.1", "LocalHost", 1) + "/id" },
			func(f erp) string { return strings.Replace(f.URL, "127.0.0.1", "localhost", 1) },
			DiscIssuerInexact, "host case (localhost vs LocalHost)", []string{"IdentityModel's discovery policy"}, ""},
		{"path in discovery", func(f erp) string { return f.URL + "/Id" }, func(f erp) string { return f.URL + "/Id" }, nil,
			DiscIssuerInexact, "path (/id vs /Id)", []string{"IdentityModel's discovery policy"}, ""},
		{"trailing slash in the token", func(f erp) string { return f.URL + "/id" }, func(f erp) string { return f.URL + "/id/" }, nil,
			TokIssuerInexact, "trailing slash", []string{"IDX10205: Issuer validation failed"}, ""},
		{"scheme in the token", func(f erp) string { return f.URL + "/id" }, func(f erp) string { return strings.Replace(f.URL, "http://", "https://", 1) + "/id" }, nil,
			TokIssuerInexact, "scheme (http vs https)", []string{"ASP.NET Core JwtBearer"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			issuer, iss := tc.issuer(f), tc.iss(f)
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) {
				m["issuer"] = issuer
				if strings.Contains(issuer, "LocalHost") {
					// A server spells its endpoints as it spells its issuer; the token
					// endpoint on the same host in other case is the authority's.
					for _, k := range []string{"token_endpoint", "jwks_uri"} {
						if v, ok := m[k].(string); ok {
							m[k] = strings.Replace(v, "127.0.0.1", "LocalHost", 1)
						}
					}
				}
			})
			if strings.Contains(issuer, "LocalHost") {
				// ... and its API sites: localhost is the host the profile names, not
				// 127.0.0.1, whatever it resolves to.
				f.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
					hostile.WriteJSON(w, 200, hostile.AutoDiscoveryDoc(strings.Replace(f.URL, "127.0.0.1", "LocalHost", 1), "Working", ""))
				}
			}
			f.withClaims(func(c map[string]any) { c["iss"] = iss })
			p := f.profile()
			if tc.instance != nil {
				p.InstanceURL = tc.instance(f)
			}
			rep := Run(context.Background(), p, f.Secret, fresh(), nil)
			fd := finding(rep, tc.code)
			if fd == nil {
				t.Fatalf("no %s; codes %v", tc.code, codes(rep, ""))
			}
			if fd.Severity != SevWarn || rep.Verdict != Warn || hasCode(rep, DiscIssuerMismatch) || hasCode(rep, TokIssuerMismatch) {
				t.Errorf("severity %s, run %s, codes %v", fd.Severity, rep.Verdict, codes(rep, ""))
			}
			if fd.Evidence[EvDiffers] != tc.differs {
				t.Errorf("differs %q, want %q", fd.Evidence[EvDiffers], tc.differs)
			}
			for _, c := range append(tc.clients, "public address settings", tc.differs) {
				if !strings.Contains(fd.Message, c) {
					t.Errorf("message lacks %q: %s", c, fd.Message)
				}
			}
			if tc.notClient != "" && strings.Contains(fd.Message, tc.notClient) {
				t.Errorf("message names %q, which accepts this difference: %s", tc.notClient, fd.Message)
			}
			if n := strings.Count(strings.Join(codes(rep, ""), " "), "issuer_inexact"); n != 1 {
				t.Errorf("%d issuer_inexact findings: %v", n, codes(rep, ""))
			}
		})
	}
}

// An exact issuer everywhere (the sandbox) raises nothing.
func TestIssuerExactEverywhere(t *testing.T) {
	f := newERP(t)
	rep := Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
	for _, c := range []string{DiscIssuerInexact, TokIssuerInexact, DiscIssuerMismatch, TokIssuerMismatch} {
		if hasCode(rep, c) {
			t.Errorf("%s on an exact issuer", c)
		}
	}
}
