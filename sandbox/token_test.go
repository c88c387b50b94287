package sandbox

import (
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestHashSecretVector(t *testing.T) {
	if got, want := HashSecret("DEMO"), "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4="; got != want {
		t.Fatalf("HashSecret(DEMO) = %s, want %s", got, want)
	}
}

func TestTokenErrors(t *testing.T) {
	s := start(t, Config{})
	auth := s.Authority()
	healthy := scenario(t, s, "healthy")
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	cc := func(sc Scenario, extra ...string) url.Values {
		v := form("grant_type", "client_credentials", "client_id", sc.ClientID, "client_secret", sc.ClientSecret)
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	basicBoth := cc(healthy)
	tests := []struct {
		name     string
		form     url.Values
		basic    []string
		rawReq   func() *http.Request
		wantErr  string
		wantDesc string
	}{
		{name: "unknown client", form: form("grant_type", "client_credentials", "client_id", "com.nobody/app", "client_secret", "x"),
			wantErr: "invalid_client", wantDesc: "Invalid client_id or client_secret"},
		{name: "wrong secret", form: cc(healthy, "client_secret", "not-the-secret"), wantErr: "invalid_client", wantDesc: "Invalid client_id or client_secret"},
		{name: "disabled", form: cc(scenario(t, s, "disabled")), wantErr: "invalid_client"},
		{name: "public client", form: cc(scenario(t, s, "public-client")), wantErr: "invalid_client"},
		{name: "rotated secret", form: cc(scenario(t, s, "rotated-secret")), wantErr: "invalid_client"},
		{name: "system user not allowed", form: cc(scenario(t, s, "system-user-not-allowed")), wantErr: "unauthorized_client", wantDesc: "The client is not authorized to use this grant type"},
		{name: "no system user", form: cc(scenario(t, s, "no-system-user")), wantErr: "unauthorized_client"},
		{name: "inactive system user", form: cc(scenario(t, s, "inactive-system-user")), wantErr: "unauthorized_client"},
		{name: "scope outside field", form: cc(scenario(t, s, "scope-not-allowed"), "scope", "read update"), wantErr: "invalid_scope", wantDesc: "Invalid scope: update"},
		{name: "scope is case-sensitive", form: cc(healthy, "scope", "Read"), wantErr: "invalid_scope", wantDesc: "Invalid scope: Read"},
		{name: "legacy DomainApi not in field", form: cc(healthy, "scope", "read DomainApi"), wantErr: "invalid_scope", wantDesc: "Invalid scope: DomainApi"},
		{name: "sec not in field", form: cc(scenario(t, s, "scope-not-allowed"), "scope", "update sec"), wantErr: "invalid_scope", wantDesc: "Invalid scope: update"},
		{name: "missing client_id", form: form("grant_type", "client_credentials", "client_secret", "x"), wantErr: "invalid_request", wantDesc: "Missing client_id"},
		{name: "missing client_secret", form: form("grant_type", "client_credentials", "client_id", healthy.ClientID), wantErr: "invalid_request", wantDesc: "Missing client_secret"},
		{name: "missing grant_type", form: form("client_id", healthy.ClientID, "client_secret", healthy.ClientSecret), wantErr: "unsupported_grant_type", wantDesc: "Missing grant_type"},
		{name: "password grant", form: cc(healthy, "grant_type", "password"), wantErr: "unsupported_grant_type", wantDesc: "Unsupported grant type: password"},
		{name: "refresh_token grant", form: cc(healthy, "grant_type", "refresh_token"), wantErr: "invalid_grant", wantDesc: "Client credentials are invalid or missing"},
		{name: "basic and body at once", form: basicBoth, basic: []string{healthy.ClientID, healthy.ClientSecret}, wantErr: "invalid_request", wantDesc: "Multiple client authentication methods"},
		{name: "repeated scope", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {healthy.ClientID}, "client_secret": {healthy.ClientSecret}, "scope": {"read", "update"}},
			wantErr: "invalid_request", wantDesc: "Parameter scope is repeated"},
		{name: "GET instead of POST", rawReq: func() *http.Request { return mustReq("GET", auth+"/connect/token") },
			wantErr: "invalid_request", wantDesc: "Invalid HTTP request for token endpoint"},
		{name: "JSON body", rawReq: func() *http.Request {
			r, _ := http.NewRequest("POST", auth+"/connect/token", strings.NewReader(`{"grant_type":"client_credentials"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, wantErr: "invalid_request", wantDesc: "application/x-www-form-urlencoded"},
		{name: "Basic not base64", rawReq: func() *http.Request {
			r, _ := http.NewRequest("POST", auth+"/connect/token", strings.NewReader("grant_type=client_credentials"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Authorization", "Basic !!!")
			return r
		}, wantErr: "invalid_request", wantDesc: "not valid base64"},
		{name: "Bearer on token endpoint", rawReq: func() *http.Request {
			r, _ := http.NewRequest("POST", auth+"/connect/token", strings.NewReader("grant_type=client_credentials"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Authorization", "Bearer abc")
			return r
		}, wantErr: "invalid_request", wantDesc: "accepts only Basic"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r tokenResult
			if tc.rawReq != nil {
				resp, b := doRequest(t, tc.rawReq())
				r = tokenResult{status: resp.StatusCode, header: resp.Header, raw: string(b)}
				r.body = map[string]any{}
				if err := jsonUnmarshal(b, &r.body); err != nil {
					t.Fatalf("not JSON: %s", b)
				}
			} else {
				r = postToken(t, auth, tc.form, tc.basic)
			}
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", r.status, r.raw)
			}
			if got := r.str("error"); got != tc.wantErr {
				t.Errorf("error = %q, want %q (%s)", got, tc.wantErr, r.raw)
			}
			if !strings.Contains(r.str("error_description"), tc.wantDesc) {
				t.Errorf("error_description = %q, want it to contain %q", r.str("error_description"), tc.wantDesc)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestTokenErrorOptions(t *testing.T) {
	s := start(t, Config{DisabledAppError: "unauthorized_client", MissingCredentialsError: "invalid_client"})
	dis := scenario(t, s, "disabled")
	if dis.Expect != "token.unauthorized_client" {
		t.Errorf("disabled scenario Expect = %s with DisabledAppError=unauthorized_client", dis.Expect)
	}
	if r := postToken(t, s.Authority(), scenarioForm(dis), nil); r.str("error") != "unauthorized_client" {
		t.Errorf("disabled -> %s", r.raw)
	}
	r := postToken(t, s.Authority(), url.Values{"grant_type": {"client_credentials"}, "client_id": {"x"}}, nil)
	if r.str("error") != "invalid_client" || r.str("error_description") != "Missing client_secret" {
		t.Errorf("missing secret -> %s", r.raw)
	}
	for _, cfg := range []Config{{DisabledAppError: "access_denied"}, {MissingCredentialsError: "nope"}, {LicenseSlots: -1}, {TokenLifetime: time.Millisecond}} {
		_, err := Start(cfg)
		if err == nil {
			t.Errorf("Start(%+v) accepted a bad option", cfg)
			continue
		}
		if !regexp.MustCompile(`DisabledAppError|MissingCredentialsError|LicenseSlots|TokenLifetime`).MatchString(err.Error()) {
			t.Errorf("error does not name the field: %v", err)
		}
	}
}

func TestScopeRules(t *testing.T) {
	s := start(t, Config{})
	h := scenario(t, s, "healthy") // Scope field "read update"
	tests := []struct {
		name      string
		scope     *string
		wantScope string
	}{
		{"omitted grants the whole field", nil, "read update"},
		{"empty grants the whole field", ptr(""), "read update"},
		{"subset", ptr("read"), "read"},
		{"request order kept", ptr("update read"), "update read"},
		{"user-only scopes dropped", ptr("read openid profile offline_access"), "read"},
		{"duplicates removed", ptr("read read"), "read"},
		{"only user-only scopes gives none", ptr("openid"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := scenarioForm(h)
			f.Del("scope")
			if tc.scope != nil {
				f.Set("scope", *tc.scope)
			}
			r := postToken(t, h.Authority, f, nil)
			if r.status != 200 {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			if got := r.str("scope"); got != tc.wantScope {
				t.Errorf("response scope %q, want %q", got, tc.wantScope)
			}
			_, claims := decodeJWT(t, r.str("access_token"))
			arr, ok := claims["scope"].([]any)
			if !ok {
				t.Fatalf("scope claim is not a JSON array: %#v", claims["scope"])
			}
			var got []string
			for _, v := range arr {
				got = append(got, v.(string))
			}
			if strings.Join(got, " ") != tc.wantScope {
				t.Errorf("scope claim %v, want %q", got, tc.wantScope)
			}
		})
	}
	// An app with an empty Scope field and no scope requested gets a token without scopes.
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/noscope", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "u", Active: true}, IsEnabled: true}); err != nil {
		t.Fatal(err)
	}
	r := postToken(t, s.Authority(), url.Values{"grant_type": {"client_credentials"}, "client_id": {"com.test/noscope"}, "client_secret": {"s"}}, nil)
	if r.status != 200 || r.str("scope") != "" {
		t.Errorf("empty Scope field: %d %s", r.status, r.raw)
	}
}

func ptr(s string) *string { return &s }

func TestClaimSet(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now, Database: "ACME Prod"})
	h := scenario(t, s, "healthy")
	r := postToken(t, h.Authority, scenarioForm(h), nil)
	if r.status != 200 {
		t.Fatal(r.raw)
	}
	if r.str("token_type") != "Bearer" || r.body["expires_in"] != float64(3600) || r.str("scope") != "read update" {
		t.Errorf("token response %s", r.raw)
	}
	if _, has := r.body["refresh_token"]; has {
		t.Error("client credentials must not return a refresh_token")
	}
	tok := r.str("access_token")
	verifyWithJWKS(t, s.Authority(), tok)
	hdr, c := decodeJWT(t, tok)
	if hdr["alg"] != "RS256" || hdr["typ"] != "at+jwt" || !regexp.MustCompile(`^[0-9A-F]{32}$`).MatchString(hdr["kid"].(string)) {
		t.Errorf("header %v", hdr)
	}
	var keys []string
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := "aud client_db client_id client_system_user client_system_user_id client_system_user_type exp iat iss jti nbf scope"
	if strings.Join(keys, " ") != want {
		t.Errorf("claims %v, want exactly %s", keys, want)
	}
	now := float64(clock.Now().Unix())
	checks := map[string]any{
		"iss": s.Authority(), "client_id": "com.sandbox/healthy", "client_system_user": "svc-import",
		"client_system_user_type": "ApplicationUserNoLogin", "client_system_user_id": "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c",
		"client_db": "ACME Prod", "iat": now, "nbf": now, "exp": now + 3600,
	}
	for k, v := range checks {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
	aud, _ := c["aud"].([]any)
	if len(aud) != 5 || aud[0] != "DomainAPI" || aud[4] != s.Authority()+"/resources" {
		t.Errorf("aud %v", c["aud"])
	}
	if !regexp.MustCompile(`^[0-9A-F]{32}$`).MatchString(c["jti"].(string)) {
		t.Errorf("jti %v", c["jti"])
	}
	// A System User without an id: no client_system_user_id claim; TokenLifetime override.
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/noid", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "admin", Type: "InternalUser", Active: true}, Scope: "read", IsEnabled: true, TokenLifetime: 90 * time.Second}); err != nil {
		t.Fatal(err)
	}
	r = postToken(t, s.Authority(), url.Values{"grant_type": {"client_credentials"}, "client_id": {"com.test/noid"}, "client_secret": {"s"}}, nil)
	_, c = decodeJWT(t, r.str("access_token"))
	if _, has := c["client_system_user_id"]; has {
		t.Errorf("client_system_user_id present without an id: %v", c)
	}
	if c["client_system_user_type"] != "InternalUser" || r.body["expires_in"] != float64(90) {
		t.Errorf("claims %v, expires_in %v", c, r.body["expires_in"])
	}
}

func TestBasicAuth(t *testing.T) {
	s := start(t, Config{})
	sc := scenario(t, s, "basic-auth")
	if sc.AuthMethod != "basic" || !strings.ContainsAny(sc.ClientSecret, "+:%") {
		t.Fatalf("basic-auth scenario: %+v", sc)
	}
	// RFC 6749 2.3.1 encoding (what golang.org/x/oauth2 does): works.
	f := url.Values{"grant_type": {"client_credentials"}, "scope": {sc.Scope}}
	if r := postToken(t, sc.Authority, f, []string{sc.ClientID, sc.ClientSecret}); r.status != 200 {
		t.Fatalf("encoded Basic: %d %s", r.status, r.raw)
	}
	// Basic with client_id repeated (same value) in the body is fine.
	f.Set("client_id", sc.ClientID)
	if r := postToken(t, sc.Authority, f, []string{sc.ClientID, sc.ClientSecret}); r.status != 200 {
		t.Fatalf("Basic + same client_id in body: %d %s", r.status, r.raw)
	}
	// The same secret in the form body also works.
	if r := postToken(t, sc.Authority, scenarioForm(sc), nil); r.status != 200 {
		t.Fatalf("body: %d %s", r.status, r.raw)
	}
	// Unencoded Basic (raw secret with '%'): the server cannot decode it.
	req, _ := http.NewRequest("POST", sc.Authority+"/connect/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sc.ClientID+":"+sc.ClientSecret)))
	resp, b := doRequest(t, req)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"invalid_request"`) || !strings.Contains(string(b), "form-urlencoding") {
		t.Errorf("raw Basic: %d %s", resp.StatusCode, b)
	}
	// A '+' left unencoded decodes to a space: the secret no longer matches.
	plus := scenario(t, s, "basic-auth")
	plus.ClientSecret = strings.ReplaceAll(plus.ClientSecret, "%", "%25")
	req, _ = http.NewRequest("POST", sc.Authority+"/connect/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(sc.ClientID+":"+plus.ClientSecret)))
	resp, b = doRequest(t, req)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `"invalid_client"`) {
		t.Errorf("unencoded '+': %d %s", resp.StatusCode, b)
	}
}

func TestSlowIdentityHonoursCancel(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, Config{Logger: newLogger(logs)})
	sc := scenario(t, s, "slow-identity")
	client := &http.Client{Timeout: 300 * time.Millisecond}
	began := time.Now()
	_, err := client.PostForm(sc.Authority+"/connect/token", scenarioForm(sc))
	if err == nil {
		t.Fatal("slow-identity answered before the client's timeout")
	}
	if time.Since(began) > 5*time.Second {
		t.Fatal("client timeout did not end the request")
	}
	// The server notices the client went away instead of holding the request 8 s.
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(logs.String(), "client went away") {
		if time.Now().After(deadline) {
			t.Fatalf("server did not log the abandoned request: %s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A client that gives up during the token delay gets no response at all: a handler
// that simply returned would send "200 OK" with an empty body, which a client racing
// its own timeout could still read as a broken token response (seen in CI).
func TestSlowIdentityAbandonedGetsNoResponse(t *testing.T) {
	logs := &syncBuffer{}
	s := start(t, Config{Logger: newLogger(logs)})
	sc := scenario(t, s, "slow-identity")
	u, err := url.Parse(sc.Authority)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := scenarioForm(sc).Encode()
	req := "POST " + u.Path + "/connect/token HTTP/1.1\r\nHost: " + u.Host +
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	// Half-close: the server sees the client leave but could still write to us.
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, _ := io.ReadAll(conn)
	if len(got) != 0 {
		t.Fatalf("the abandoned request was answered: %q", got)
	}
	if !strings.Contains(logs.String(), "/id/connect/token - client_id="+sc.ClientID+" client went away") {
		t.Errorf("log line: %s", logs.String())
	}
}
