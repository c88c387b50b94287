package check

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
)

func TestRunHealthy(t *testing.T) {
	f := newERP(t)
	var streamed []Step
	rep := Run(context.Background(), f.profile(), f.Secret, fresh(), func(s Step) { streamed = append(streamed, s) })
	if rep.Verdict != Pass {
		t.Fatalf("verdict %s: %v", rep.Verdict, codes(rep, ""))
	}
	var kinds []string
	for _, s := range streamed {
		kinds = append(kinds, string(s.Kind))
	}
	if strings.Join(kinds, ",") != "reachability,discovery,token,inspect,api,api,api" {
		t.Errorf("steps streamed: %v", kinds)
	}
	if len(rep.Steps) != len(streamed) {
		t.Error("report and stream differ")
	}
	if rep.Claims == nil || rep.Claims.SystemUser != "admin" || !rep.Claims.Verified() || rep.Claims.Database != "E1_DEV-1 Test" {
		t.Errorf("claims %+v", rep.Claims)
	}
	if rep.Token == nil || rep.Token.Last6 != rep.Access.Last6() || rep.Token.Fingerprint != Fingerprint(rep.Access.Reveal()) || rep.Token.ExpiresIn != 3600 {
		t.Errorf("token info %+v", rep.Token)
	}
	if f := finding(rep, ReachOK); f == nil || f.Evidence[EvVersion] != "26.2.0.76" {
		t.Errorf("reach.ok %+v", f)
	}
	for _, s := range rep.Steps[4:] {
		if s.Verdict != Pass || len(s.Exchanges) != 1 || s.Exchanges[0].Status != 200 || !strings.HasPrefix(s.Summary, "200 OK") {
			t.Errorf("api step %+v", s)
		}
	}
	// No secret and no whole token anywhere in the marshalled report.
	b, _ := json.Marshal(rep)
	if strings.Contains(string(b), f.Secret) || strings.Contains(string(b), rep.Access.Reveal()) {
		t.Fatal("secret or token leaked into the report JSON")
	}
	tokStep := stepOf(rep, StepToken)
	x := tokStep.Exchanges[0]
	if !strings.Contains(x.RequestBody, "client_secret=[redacted]") || !strings.Contains(x.RequestBody, "client_id="+url.QueryEscape(hostile.ClientID)) {
		t.Errorf("token request body not redacted as expected: %s", x.RequestBody)
	}
	if !strings.Contains(x.ResponseBody, `"access_token":"…`+rep.Access.Last6()+` (sha256 `+rep.Token.Fingerprint[:12]+`)"`) {
		t.Errorf("token response body: %s", x.ResponseBody)
	}
	if x.Timings.Total <= 0 || x.Timings.FirstByte <= 0 {
		t.Errorf("timings %+v", x.Timings)
	}
	apiX := rep.Steps[4].Exchanges[0]
	if got := apiX.RequestHeaders.Get("Authorization"); got != "Bearer …"+rep.Access.Last6() {
		t.Errorf("authorization captured as %q", got)
	}
}

func TestRunBasicAuth(t *testing.T) {
	f := newERP(t)
	f.BasicOnly = true
	p := f.profile()
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	fd := finding(rep, TokInvalidClient)
	if fd == nil || rep.Verdict != Fail || !strings.Contains(fd.Message, "as form fields (client_secret_post)") || !strings.Contains(fd.Message, "--auth basic") || fd.Evidence[EvAuthMethod] != "post" {
		t.Fatalf("post to a Basic-only server: %+v", fd)
	}
	for _, s := range rep.Steps[3:] {
		if s.Verdict != Skipped || !strings.Contains(s.Summary, "no token") {
			t.Errorf("later step not skipped: %+v", s)
		}
	}
	if f.calls() != 1 {
		t.Errorf("one failed login must be one request, got %d (no auto-detect)", f.calls())
	}
	var auth atomic.Value
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		auth.Store(r.Header.Get("Authorization"))
		f.GrantToken(w, r)
	}
	p.AuthMethod = "basic"
	rep = Run(context.Background(), p, f.Secret, fresh(), nil)
	if rep.Verdict != Pass {
		t.Fatalf("basic: %v", codes(rep, ""))
	}
	if got := stepOf(rep, StepToken).Exchanges[0].RequestHeaders.Get("Authorization"); got != "Basic [redacted]" {
		t.Errorf("basic header captured as %q", got)
	}
	if got, _ := auth.Load().(string); !strings.HasPrefix(got, "Basic ") {
		t.Error("server did not get Basic")
	}
}

func TestRunBasicEncodingHint(t *testing.T) {
	f := newERP(t)
	p := f.profile()
	p.AuthMethod = "basic"
	rep := Run(context.Background(), p, "wrong:secret with space", fresh(), nil)
	if !hasCode(rep, TokInvalidClient) || !hasCode(rep, TokBasicEncoding) {
		t.Fatalf("codes %v", codes(rep, ""))
	}
}

func TestRunScopes(t *testing.T) {
	f := newERP(t)
	f.AppScope = []string{"read"}
	p := f.profile()
	rep := Run(context.Background(), p, f.Secret, fresh(), nil)
	fd := finding(rep, TokInvalidScope)
	if fd == nil || !strings.Contains(fd.Message, `"read update"`) || fd.Evidence[EvDescription] != "Invalid scope: update" || fd.Evidence[EvScope] != "update" {
		t.Fatalf("invalid_scope: %+v", fd)
	}
	// Server narrows silently.
	f.Token = nil
	f.AppScope = []string{"read", "update"}
	f.replaceClaims(func(iss string, _ []string) map[string]any {
		c := map[string]any{"iss": iss, "aud": "DomainApi", "client_system_user": "svc", "client_id": "PK", "iat": time.Now().Unix(), "exp": time.Now().Unix() + 3600, "scope": "read"}
		return c
	})
	rep = Run(context.Background(), p, f.Secret, fresh(), nil)
	fd = finding(rep, TokScopeNarrowed)
	if fd == nil || fd.Message != `The server granted "read" but not "update".` || fd.Evidence[EvMissing] != "update" || fd.Evidence[EvGranted] != "read" || fd.Evidence[EvRequested] != "read update" {
		t.Fatalf("narrowed: %+v (%v)", fd, codes(rep, ""))
	}
	if rep.Verdict != Warn || rep.Scopes == nil || rep.Scopes.Missing[0] != "update" {
		t.Errorf("verdict %s scopes %+v", rep.Verdict, rep.Scopes)
	}
	// No scope requested: the whole field granted; odd scope names flagged.
	p.Scopes = nil
	rep = Run(context.Background(), p, f.Secret, fresh(), nil)
	if !hasCode(rep, TokScopeAllGranted) {
		t.Errorf("all granted: %v", codes(rep, ""))
	}
	p.Scopes = []string{"DomainApi", "openid", "sec", "Read"}
	f.AppScope = p.Scopes
	rep = Run(context.Background(), p, f.Secret, fresh(), nil)
	for _, c := range []string{TokScopeLegacy, TokScopeUserOnly, TokScopeInternal, TokScopeUnknown} {
		if !hasCode(rep, c) {
			t.Errorf("missing %s in %v", c, codes(rep, StepToken))
		}
	}
}

func TestRunCache(t *testing.T) {
	f := newERP(t)
	cache := NewTokenCache()
	now := time.Now()
	clock := func() time.Time { return now }
	opts := Options{Cache: cache, Now: clock, Mode: NoAPI}
	p := f.profile()
	r1 := Run(context.Background(), p, f.Secret, opts, nil)
	r2 := Run(context.Background(), p, f.Secret, opts, nil)
	if f.calls() != 1 || !hasCode(r2, TokFromCache) || !r2.Token.FromCache || r2.Access.Reveal() != r1.Access.Reveal() {
		t.Fatalf("second run should reuse: calls %d codes %v", f.calls(), codes(r2, StepToken))
	}
	if len(stepOf(r2, StepToken).Exchanges) != 0 || r2.Claims == nil || r2.Claims.SystemUser != "admin" {
		t.Error("a cached token is still inspected, without a request")
	}
	// Any key part changes: a new request.
	Run(context.Background(), p, "other-secret", opts, nil)
	p2 := p
	p2.Scopes = []string{"read"}
	Run(context.Background(), p2, f.Secret, opts, nil)
	if f.calls() != 3 {
		t.Errorf("secret and scope changes must bypass the cache: %d calls", f.calls())
	}
	// Fresh bypasses; expiry within 60 s drops.
	opts.Fresh = true
	Run(context.Background(), p, f.Secret, opts, nil)
	opts.Fresh = false
	now = now.Add(time.Hour - 59*time.Second)
	r := Run(context.Background(), p, f.Secret, opts, nil)
	if f.calls() != 5 || hasCode(r, TokFromCache) {
		t.Errorf("fresh/expiry: %d calls", f.calls())
	}
	if cache.Len() == 0 {
		t.Error("cache empty")
	}
	cache.DropClient(hostile.ClientID)
	if cache.Len() != 0 {
		t.Error("DropClient")
	}
}

func TestRunDefaultCache(t *testing.T) {
	f := newERP(t)
	DefaultCache().Clear()
	Run(context.Background(), f.profile(), f.Secret, Options{Mode: NoAPI}, nil)
	Run(context.Background(), f.profile(), f.Secret, Options{Mode: NoAPI}, nil)
	if f.calls() != 1 {
		t.Errorf("nil Options.Cache must use the default cache: %d calls", f.calls())
	}
	DefaultCache().Clear()
}

func TestRunTokenErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		code    string
		msg     string
	}{
		{"unauthorized_client", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"unauthorized_client","error_description":"System user is not allowed"}`)
		}, TokUnauthorizedClient, `"System user is not allowed"`},
		{"unknown oauth error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"temporarily_unavailable"}`)
		}, TokOtherError, `"temporarily_unavailable"`},
		{"bare 401", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) }, TokHTTPError, "HTTP 401"},
		{"html 500", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprint(w, "<html><body>Bad gateway</body></html>")
		}, TokHTMLResponse, "HTML page (HTTP 502)"},
		{"html 200 login page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!DOCTYPE html><html><form>Sign in</form></html>")
		}, TokHTMLResponse, "HTML page (HTTP 200)"},
		{"200 without token", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"token_type":"Bearer"}`)
		}, TokBadResponse, "missing access_token"},
		{"200 not json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `this is not json`)
		}, TokBadResponse, "cannot parse json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			f.Token = tc.handler
			rep := Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
			fd := finding(rep, tc.code)
			if fd == nil || !strings.Contains(fd.Message, tc.msg) || rep.Verdict != Fail {
				t.Fatalf("want %s with %q, got %v / %+v", tc.code, tc.msg, codes(rep, StepToken), fd)
			}
			if stepOf(rep, StepInspect).Verdict != Skipped {
				t.Error("inspect not skipped")
			}
		})
	}
}

func TestRunTokenOnly(t *testing.T) {
	f := newERP(t)
	rep := Run(context.Background(), f.profile(), f.Secret, Options{Mode: TokenOnly, Fresh: true, Cache: NewTokenCache()}, nil)
	var kinds []string
	for _, s := range rep.Steps {
		kinds = append(kinds, string(s.Kind))
	}
	if strings.Join(kinds, ",") != "discovery,token,inspect" || rep.Access == nil || rep.Verdict != Pass {
		t.Fatalf("%v %s", kinds, rep.Verdict)
	}
	if rep.Session.State != SessionNone || !strings.Contains(rep.Session.Summary, "asked for a token only and made no API call") {
		t.Errorf("token-only session: %+v", rep.Session)
	}
	f.Secret = "changed"
	rep = Run(context.Background(), f.profile(), "wrong", Options{Mode: TokenOnly, Fresh: true, Cache: NewTokenCache()}, nil)
	kinds = nil
	for _, s := range rep.Steps {
		kinds = append(kinds, string(s.Kind)+"="+string(s.Verdict))
	}
	if strings.Join(kinds, ",") != "discovery=pass,token=fail,inspect=skipped" {
		t.Fatalf("%v", kinds)
	}
}

func TestRejectedTokenLeavesTheCache(t *testing.T) {
	f := newERP(t)
	cache := NewTokenCache()
	opts := Options{Cache: cache}
	p := onlyCall(f.profile(), "/api/domain/odata/X")
	Run(context.Background(), p, f.Secret, opts, nil)
	if cache.Len() != 1 {
		t.Fatal("token not cached")
	}
	f.API = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="The token expired"`)
		w.WriteHeader(401)
	}
	rep := Run(context.Background(), p, f.Secret, opts, nil)
	if !hasCode(rep, TokFromCache) || !hasCode(rep, APITokenExpired) || cache.Len() != 0 {
		t.Fatalf("%v, %d cached", codes(rep, ""), cache.Len())
	}
	Run(context.Background(), p, f.Secret, opts, nil)
	if f.calls() != 2 {
		t.Errorf("after a refused token the next run must ask for a new one: %d token calls", f.calls())
	}
}
