package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview/tokentest"
)

// Servers that produce each combination of a finding and the later evidence that
// raises or lowers it (the table in docs/decisions.md). Every case runs the whole
// engine against a real HTTP server on 127.0.0.1.

// refuseAll answers every API call 401 with the given error description.
func refuseAll(desc string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, desc))
		w.WriteHeader(401)
	}
}

// acceptAll answers every API call 200 with an empty OData collection.
func acceptAll(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprint(w, `{"value":[]}`)
}

func closeConn(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func htmlPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<!DOCTYPE html><html><body>Welcome</body></html>")
}

func discoveryDoc(f erp, edit func(m map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := map[string]any{
			"issuer": f.URL + "/id", "token_endpoint": f.URL + "/id/connect/token",
			"jwks_uri": f.URL + "/id/.well-known/openid-configuration/jwks", "grant_types_supported": []string{"authorization_code", "client_credentials"},
		}
		edit(m)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m)
	}
}

type judgeCase struct {
	name  string
	setup func(f erp, p *profiles.Profile)
	code  string
	want  Severity
	// moved is true when later evidence changed the default severity (and the finding
	// says why in its message and its "adjusted" evidence).
	moved bool
	msg   string // the message must contain this
}

func runJudgeCases(t *testing.T, cases []judgeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			p := f.profile()
			tc.setup(f, &p)
			rep := Run(context.Background(), p, f.Secret, fresh(), nil)
			fd := finding(rep, tc.code)
			if fd == nil {
				t.Fatalf("no %s; codes %v", tc.code, codes(rep, ""))
			}
			if fd.Severity != tc.want {
				t.Errorf("%s is %s, want %s: %s", tc.code, fd.Severity, tc.want, fd.Message)
			}
			adjusted := fd.Evidence[EvAdjusted]
			if tc.moved != (adjusted != "") {
				t.Errorf("adjusted evidence %q, moved %v", adjusted, tc.moved)
			}
			if tc.moved && Codes[tc.code] == tc.want {
				t.Errorf("case says moved, but %s is the default severity", tc.want)
			}
			if !strings.Contains(fd.Message, tc.msg) {
				t.Errorf("message lacks %q: %s", tc.msg, fd.Message)
			}
			// The step verdict and the run verdict agree with the adjusted findings.
			for _, s := range rep.Steps {
				if s.Verdict != Skipped && s.Verdict != StepVerdict(s.Findings) {
					t.Errorf("step %s verdict %s, findings say %s", s.Name, s.Verdict, StepVerdict(s.Findings))
				}
			}
			if rep.Verdict != OverallVerdict(rep.Steps) && !rep.Cancelled {
				t.Errorf("run verdict %s, steps say %s", rep.Verdict, OverallVerdict(rep.Steps))
			}
		})
	}
}

func TestJudgeReachability(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		{"probe cut off, API works", func(f erp, p *profiles.Profile) { f.StandardModel = closeConn },
			NetReset, SevWarn, true, "only this anonymous probe failed"},
		{"probe cut off, API refuses", func(f erp, p *profiles.Profile) {
			f.StandardModel = closeConn
			f.API = refuseAll("The token expired")
		}, NetReset, SevFail, false, "closed the connection"},
		{"probes 404, API works", func(f erp, p *profiles.Profile) {
			f.Ver, f.StandardModel = http.NotFound, http.NotFound
		}, ReachHTTPError, SevWarn, true, "only the anonymous probes are refused"},
		{"probes 404, API 404 too", func(f erp, p *profiles.Profile) {
			f.Ver, f.StandardModel, f.API = http.NotFound, http.NotFound, http.NotFound
		}, ReachHTTPError, SevFail, false, "answers with errors"},
		{"probes look foreign, token and API work", func(f erp, p *profiles.Profile) {
			f.Ver = func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") }
			f.StandardModel = htmlPage
		}, ReachNotERPNet, SevInfo, true, "a working instance"},
		{"probes look foreign, API refuses", func(f erp, p *profiles.Profile) {
			f.Ver = func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") }
			f.StandardModel = htmlPage
			f.API = refuseAll("The signature is invalid")
		}, ReachNotERPNet, SevWarn, false, "looks like ERP.net"},
		{"no auto-discovery, every call works", func(f erp, p *profiles.Profile) { f.AutoDiscovery = http.NotFound },
			ReachAutoDiscMissing, SevInfo, true, "the standard layout is right"},
		{"no auto-discovery, a call fails", func(f erp, p *profiles.Profile) {
			f.AutoDiscovery = http.NotFound
			f.API = func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(r.URL.Path, "Customers") {
					http.NotFound(w, r)
					return
				}
				acceptAll(w, r)
			}
		}, ReachAutoDiscMissing, SevWarn, false, "could not be confirmed"},
		{"profile's OData root differs and 404s", func(f erp, p *profiles.Profile) {
			p.ODataRoot = f.URL + "/api/other/odata/"
		}, ReachODataRootDiffers, SevFail, true, "The profile's own OData root was used and an API call answered 404"},
		{"profile's OData root differs and works", func(f erp, p *profiles.Profile) {
			p.ODataRoot = f.URL + "/api/domain/odata2/"
		}, ReachODataRootDiffers, SevWarn, false, "the profile's root is used"},
		{"site NotWorking but answers", func(f erp, p *profiles.Profile) {
			f.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"WebSites":[{"Type":"DomainAPI","Status":"NotWorking","Url":"%s/api","AdditionalProperties":{"ODataServiceRoot":"%s/api/domain/odata/"}}]}`, f.URL, f.URL)
			}
		}, ReachSiteNotWorking, SevInfo, true, "the status is out of date"},
		{"site NotWorking and failing", func(f erp, p *profiles.Profile) {
			f.AutoDiscovery = func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprintf(w, `{"WebSites":[{"Type":"DomainAPI","Status":"NotWorking","Url":"%s/api","AdditionalProperties":{"ODataServiceRoot":"%s/api/domain/odata/"}}]}`, f.URL, f.URL)
			}
			f.API = func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }
		}, ReachSiteNotWorking, SevWarn, false, "NotWorking"},
	})
}

func TestJudgeDiscovery(t *testing.T) {
	runJudgeCases(t, []judgeCase{
		{"no document, standard token endpoint works", func(f erp, p *profiles.Profile) { f.OpenIDConfig = http.NotFound },
			DiscNotFound, SevWarn, true, "integrations that configure themselves from discovery"},
		{"no document, token refused", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = http.NotFound
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				fmt.Fprint(w, `{"error":"invalid_client"}`)
			}
		}, DiscNotFound, SevFail, false, "(404)"},
		{"HTML document, token and API work", func(f erp, p *profiles.Profile) { f.OpenIDConfig = htmlPage },
			DiscBadDocument, SevWarn, true, "this app works"},
		{"issuer on another host, API accepts", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) { m["issuer"] = "https://elsewhere.example/id" })
		}, DiscIssuerMismatch, SevWarn, true, "accepted this run's token anyway"},
		{"issuer on another host, API refuses", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) { m["issuer"] = "https://elsewhere.example/id" })
			f.API = refuseAll("The issuer is invalid")
		}, DiscIssuerMismatch, SevFail, false, "tokens will not be accepted"},
		{"grant not listed, token issued", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) { m["grant_types_supported"] = []string{"authorization_code"} })
		}, DiscNoClientCreds, SevWarn, true, "worked anyway"},
		{"grant not listed, token refused", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) { m["grant_types_supported"] = []string{"authorization_code"} })
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				fmt.Fprint(w, `{"error":"unsupported_grant_type"}`)
			}
		}, DiscNoClientCreds, SevFail, false, "does not offer"},
		{"no token_endpoint, fallback works", func(f erp, p *profiles.Profile) {
			f.OpenIDConfig = discoveryDoc(f, func(m map[string]any) { delete(m, "token_endpoint") })
		}, DiscNoTokenEndpoint, SevWarn, true, "issued a token"},
		{"override fails", func(f erp, p *profiles.Profile) { p.TokenEndpoint = f.URL + "/id/connect/token2" },
			DiscTokenEndpointOverride, SevWarn, true, "The token request to this override failed"},
		{"override works", func(f erp, p *profiles.Profile) {
			p.TokenEndpoint = f.URL + "/id/connect/token?x=1"
		}, DiscTokenEndpointOverride, SevInfo, false, "overrides the discovered"},
	})
}

func TestJudgeTokenAndScopes(t *testing.T) {
	narrowed := func(f erp, p *profiles.Profile) {
		f.withClaims(func(c map[string]any) { c["scope"] = []string{"read"} })
	}
	runJudgeCases(t, []judgeCase{
		{"narrowed and a write refused", func(f erp, p *profiles.Profile) {
			narrowed(f, p)
			p.Calls = []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/X"}, {Method: "PATCH", Path: "/api/domain/odata/X(1)", Body: `{}`}}
			f.API = func(w http.ResponseWriter, r *http.Request) {
				if r.Method == "PATCH" {
					w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="update"`)
					w.WriteHeader(403)
					return
				}
				acceptAll(w, r)
			}
		}, TokScopeNarrowed, SevFail, true, "An API call was refused because the token lacks \"update\""},
		{"narrowed, reads only", narrowed, TokScopeNarrowed, SevWarn, false, "but not \"update\""},
		{"no scopes, calls work anyway", func(f erp, p *profiles.Profile) {
			f.AppScope, p.Scopes = nil, nil
		}, TokNoScopes, SevInfo, true, "does not enforce scopes"},
		{"no scopes, calls refused", func(f erp, p *profiles.Profile) {
			f.AppScope, p.Scopes = nil, nil
			f.API = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="read"`)
				w.WriteHeader(403)
			}
		}, TokNoScopes, SevFail, true, "refused for lack of a scope"},
		{"unknown scope granted", func(f erp, p *profiles.Profile) {
			f.AppScope = []string{"read", "update", "Custom.Reports"}
			p.Scopes = []string{"read", "Custom.Reports"}
		}, TokScopeUnknown, SevInfo, true, "this instance knows the scope"},
		{"not Bearer but accepted", func(f erp, p *profiles.Profile) {
			tok := testKey.Sign(tokentest.ERPNetClaims(f.URL+"/id", time.Now().Unix()))
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"access_token":%q,"expires_in":3600,"token_type":"N_A","scope":"read update"}`, tok)
			}
		}, TokNotBearer, SevInfo, true, "accepted it as a Bearer token"},
		{"DomainApi on 20.1", func(f erp, p *profiles.Profile) {
			f.Ver = func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "20.1.7.12") }
			f.AppScope = []string{"read", "update", "DomainApi"}
			p.Scopes = []string{"read", "DomainApi"}
		}, TokScopeLegacy, SevInfo, false, "servers of version 20.1 need it"},
		{"DomainApi on 26.2", func(f erp, p *profiles.Profile) {
			f.AppScope = []string{"read", "update", "DomainApi"}
			p.Scopes = []string{"read", "DomainApi"}
		}, TokScopeLegacy, SevWarn, false, "obsolete on this instance's version 26.2.0.76"},
	})
}

func TestJudgeInspect(t *testing.T) {
	past := func(f erp, p *profiles.Profile) {
		f.withClaims(func(c map[string]any) {
			now := time.Now().Unix()
			c["iat"], c["nbf"], c["exp"] = now-7200, now-7200, now-3600
		})
	}
	future := func(f erp, p *profiles.Profile) {
		f.withClaims(func(c map[string]any) {
			now := time.Now().Unix()
			c["iat"], c["nbf"], c["exp"] = now+600, now+600, now+4200
		})
	}
	signedBy := func(k *tokentest.Key) func(f erp, p *profiles.Profile) {
		return func(f erp, p *profiles.Profile) {
			f.issue(k.Sign(tokentest.ERPNetClaims(f.URL+"/id", time.Now().Unix())))
		}
	}
	foreignIss := func(f erp, p *profiles.Profile) {
		f.withClaims(func(c map[string]any) { c["iss"] = "https://elsewhere.example/id" })
	}
	runJudgeCases(t, []judgeCase{
		{"expired but accepted", past, TokExpired, SevWarn, true, "this computer's clock is probably wrong"},
		{"expired and refused", func(f erp, p *profiles.Profile) { past(f, p); f.API = refuseAll("The token expired") },
			TokExpired, SevFail, false, "expired at"},
		{"not yet valid but accepted", future, TokNotYetValid, SevWarn, true, "clock is probably wrong"},
		{"bad signature but accepted", signedBy(tokentest.NewRSA(testKey.Kid)), TokSignatureInvalid, SevWarn, true, "the fetched JWKS does not match"},
		{"bad signature and refused", func(f erp, p *profiles.Profile) {
			signedBy(tokentest.NewRSA(testKey.Kid))(f, p)
			f.API = refuseAll("The signature is invalid")
		}, TokSignatureInvalid, SevFail, false, ""},
		{"unknown key but accepted", signedBy(tokentest.NewRSA("K9")), TokUnknownKid, SevWarn, true, "keys rotated since"},
		{"HS256 accepted", func(f erp, p *profiles.Profile) {
			f.issue(tokentest.Unsigned("HS256", testKey.Kid, tokentest.ERPNetClaims(f.URL+"/id", time.Now().Unix())))
		}, TokAlgNotAllowed, SevWarn, true, "clients that allow only RS256"},
		{"alg none stays a failure", func(f erp, p *profiles.Profile) {
			f.issue(tokentest.Unsigned("none", "", tokentest.ERPNetClaims(f.URL+"/id", time.Now().Unix())))
		}, TokAlgNotAllowed, SevFail, false, ""},
		{"foreign iss but accepted", foreignIss, TokIssuerMismatch, SevWarn, true, "clients that validate the issuer"},
		{"foreign iss and refused", func(f erp, p *profiles.Profile) {
			foreignIss(f, p)
			f.API = refuseAll("The issuer is invalid")
		},
			TokIssuerMismatch, SevFail, false, "the API will refuse it"},
		{"other audience but accepted", func(f erp, p *profiles.Profile) {
			f.withClaims(func(c map[string]any) { c["aud"] = []string{"Billing"} })
		}, TokAudienceMismatch, SevInfo, true, "accepted the token"},
		// The issue's own example.
		{"no client_system_user but every call accepted", func(f erp, p *profiles.Profile) {
			f.withClaims(func(c map[string]any) { delete(c, "client_system_user") })
		}, TokNoSystemUser, SevWarn, true, "It works: every API call that reached the instance accepted the token. But it does not look like an ERP.net client-credentials token (no client_system_user)"},
		{"no client_system_user and refused", func(f erp, p *profiles.Profile) {
			f.withClaims(func(c map[string]any) { delete(c, "client_system_user") })
			f.API = refuseAll("The user is not allowed")
		}, TokNoSystemUser, SevFail, false, "API calls have no identity"},
		{"undecodable JWT but accepted", func(f erp, p *profiles.Profile) { f.issue("eyJhbGciOiJSUzI1NiJ9.%%%.sig") },
			TokMalformed, SevWarn, true, "a token format this tool cannot decode"},
	})
}
