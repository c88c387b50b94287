package check

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview/tokentest"
)

var testKey = tokentest.NewRSA("K1")

// fakeERP is a small ERP.net look-alike whose answers each test can change.
type fakeERP struct {
	t   *testing.T
	srv *httptest.Server
	mu  sync.Mutex

	secret       string
	appScope     []string // the Trusted App's Scope field
	basicOnly    bool
	claims       func(iss string, scope []string) map[string]any
	tokenHandler http.HandlerFunc // replaces the token endpoint when set
	apiHandler   http.HandlerFunc // replaces /api/domain/ (not standardmodel) when set
	discovery    http.HandlerFunc
	ver          http.HandlerFunc // replaces /tools/ver when set
	stdModel     http.HandlerFunc // replaces /api/domain/standardmodel when set
	autoDisc     http.HandlerFunc // replaces /tools/auto-discovery when set
	jwks         []byte
	tokenCalls   int
	lastAuth     string
	date         string // Date header override for the token response
}

func newFakeERP(t *testing.T) *fakeERP {
	f := &fakeERP{t: t, secret: "s3cret-VALUE", appScope: []string{"read", "update"}, jwks: tokentest.JWKS(testKey)}
	mux := http.NewServeMux()
	mux.HandleFunc("/tools/ver", func(w http.ResponseWriter, r *http.Request) {
		if f.ver != nil {
			f.ver(w, r)
			return
		}
		fmt.Fprint(w, "26.2.0.76")
	})
	mux.HandleFunc("/api/domain/standardmodel", func(w http.ResponseWriter, r *http.Request) {
		if f.stdModel != nil {
			f.stdModel(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"EntitySets":[]}`)
	})
	mux.HandleFunc("/tools/auto-discovery", func(w http.ResponseWriter, r *http.Request) {
		if f.autoDisc != nil {
			f.autoDisc(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"Host":"x","DbName":"D","WebSites":[{"Type":"DomainAPI","Status":"Working","Url":"%s/api/domain","AdditionalProperties":{"ODataServiceRoot":"%s/api/domain/odata/"}}]}`, f.srv.URL, f.srv.URL)
	})
	mux.HandleFunc("/id/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if f.discovery != nil {
			f.discovery(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer": f.srv.URL + "/id", "token_endpoint": f.srv.URL + "/id/connect/token",
			"jwks_uri": f.srv.URL + "/id/.well-known/openid-configuration/jwks", "grant_types_supported": []string{"authorization_code", "client_credentials"},
		})
	})
	mux.HandleFunc("/id/.well-known/openid-configuration/jwks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(f.jwks)
	})
	mux.HandleFunc("/id/connect/token", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.tokenCalls++
		f.lastAuth = r.Header.Get("Authorization")
		f.mu.Unlock()
		if f.tokenHandler != nil {
			f.tokenHandler(w, r)
			return
		}
		f.defaultToken(w, r)
	})
	mux.HandleFunc("/api/domain/", func(w http.ResponseWriter, r *http.Request) {
		if f.apiHandler != nil {
			f.apiHandler(w, r)
			return
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"value":[]}`)
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeERP) profile() profiles.Profile {
	return profiles.Profile{Name: "fake", InstanceURL: f.srv.URL, ClientID: "PK", Scopes: []string{"read", "update"}, TimeoutSeconds: 5}
}

func (f *fakeERP) calls() int { f.mu.Lock(); defer f.mu.Unlock(); return f.tokenCalls }

// codes lists the finding codes of a report, or of one step kind.
func codes(r Report, kind StepKind) []string {
	var out []string
	for _, s := range r.Steps {
		if kind == "" || s.Kind == kind {
			for _, f := range s.Findings {
				out = append(out, f.Code)
			}
		}
	}
	return out
}

func hasCode(r Report, code string) bool { return r.HasFinding(code) }

func finding(r Report, code string) *Finding {
	for _, s := range r.Steps {
		for i := range s.Findings {
			if s.Findings[i].Code == code {
				return &s.Findings[i]
			}
		}
	}
	return nil
}

func stepOf(r Report, kind StepKind) *Step {
	for i := range r.Steps {
		if r.Steps[i].Kind == kind {
			return &r.Steps[i]
		}
	}
	return nil
}

func fresh() Options { return Options{Fresh: true, Cache: NewTokenCache()} }

func profilesCall(method, path, body string) profiles.APICall {
	return profiles.APICall{Method: method, Path: path, Body: body}
}

// issue makes the token endpoint answer with tok (whatever it is) as a one-hour
// Bearer token for "read update".
func (f *fakeERP) issue(tok string) {
	f.tokenHandler = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer", "scope": "read update"})
	}
}

// withClaims signs the token with the fake's key after change edits ERP.net's claims.
func (f *fakeERP) withClaims(change func(c map[string]any)) {
	f.claims = func(iss string, scope []string) map[string]any {
		c := tokentest.ERPNetClaims(iss, time.Now().Unix())
		c["scope"] = scope
		change(c)
		return c
	}
}

// defaultToken is the fake's own token endpoint: client "PK" with f.secret (form or
// Basic), scopes from f.appScope, claims from f.claims.
func (f *fakeERP) defaultToken(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, sec, basic := r.BasicAuth()
	if !basic {
		id, sec = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	w.Header().Set("Content-Type", "application/json")
	if f.date != "" {
		w.Header().Set("Date", f.date)
	}
	if id != "PK" || sec != f.secret || (f.basicOnly && !basic) {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	var granted []string
	req := strings.Fields(r.PostForm.Get("scope"))
	if len(req) == 0 {
		granted = f.appScope
	}
	for _, s := range req {
		ok := false
		for _, a := range f.appScope {
			ok = ok || a == s
		}
		if !ok {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_scope","error_description":"scope not allowed"}`)
			return
		}
		granted = append(granted, s)
	}
	c := tokentest.ERPNetClaims(f.srv.URL+"/id", time.Now().Unix())
	c["scope"] = granted
	if f.claims != nil {
		c = f.claims(f.srv.URL+"/id", granted)
	}
	if c["jti"] == tokentest.ERPNetClaims("", 0)["jti"] {
		f.mu.Lock()
		c["jti"] = fmt.Sprintf("%032X", f.tokenCalls) // every token differs, as real ones do
		f.mu.Unlock()
	}
	tok := testKey.Sign(c)
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer", "scope": strings.Join(granted, " ")})
}

func hasCodeIn(s Step, code string) bool {
	for _, f := range s.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
