package check

import (
	"encoding/json"
	"maps"
	"net/http"
	"testing"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// testKey is the key the test instance signs its tokens with (and publishes).
var testKey = hostile.SigningKey()

// erp is the hostile ERP.net look-alike (internal/hostile: every part answers like
// ERP.net until a test sets its hook) with the shortcuts the engine's tests use.
type erp struct{ *hostile.Instance }

func newERP(t *testing.T) erp { return erp{hostile.New(t, "s3cret-VALUE")} }

// profile is a profile of the instance's Trusted App with the default calls.
func (f erp) profile() profiles.Profile {
	return profiles.Profile{Name: "fake", InstanceURL: f.URL, ClientID: hostile.ClientID, Scopes: []string{"read", "update"}, TimeoutSeconds: 5}
}

// calls is how many token requests reached the instance.
func (f erp) calls() int { return f.TokenRequests() }

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
func (f erp) issue(tok string) {
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "expires_in": 3600, "token_type": "Bearer", "scope": "read update"})
	}
}

// withClaims has change edit the claims of every token the instance issues (ERP.net's,
// with the granted scopes).
func (f erp) withClaims(change func(c map[string]any)) { f.Claims = change }

// replaceClaims has the instance issue tokens with the claims claims makes, from the
// issuer and the granted scopes, instead of ERP.net's.
func (f erp) replaceClaims(claims func(iss string, scope []string) map[string]any) {
	f.Claims = func(c map[string]any) {
		scope, _ := c["scope"].([]string)
		next := claims(f.Authority(), scope)
		clear(c)
		maps.Copy(c, next)
	}
}

// serveJWKS has the instance publish jwks as its signing keys.
func (f erp) serveJWKS(jwks []byte) {
	f.JWKS = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(jwks)
	}
}

// dated has the token endpoint's answers carry the Date header date.
func (f erp) dated(date string) {
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", date)
		f.GrantToken(w, r)
	}
}

func hasCodeIn(s Step, code string) bool {
	for _, f := range s.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
