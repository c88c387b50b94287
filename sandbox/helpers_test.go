package sandbox

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is a settable clock for Config.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func scenario(t *testing.T, s *Server, name string) Scenario {
	t.Helper()
	sc, ok := s.Scenario(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	return sc
}

// tokenResult is a decoded token-endpoint answer.
type tokenResult struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r tokenResult) str(k string) string { s, _ := r.body[k].(string); return s }

func doRequest(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// postToken posts the form to the token endpoint; basic, when non-nil, is sent as
// an RFC 6749 2.3.1 Basic header (id and secret form-urlencoded, then base64).
func postToken(t *testing.T, authority string, form url.Values, basic []string) tokenResult {
	t.Helper()
	req, _ := http.NewRequest("POST", authority+"/connect/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(basic[0])+":"+url.QueryEscape(basic[1]))))
	}
	resp, b := doRequest(t, req)
	r := tokenResult{status: resp.StatusCode, header: resp.Header, raw: string(b)}
	if err := json.Unmarshal(b, &r.body); err != nil {
		t.Fatalf("token endpoint answered non-JSON %d: %s", resp.StatusCode, b)
	}
	return r
}

func scenarioForm(sc Scenario) url.Values {
	f := url.Values{"grant_type": {"client_credentials"}, "client_id": {sc.ClientID}, "client_secret": {sc.ClientSecret}}
	if sc.Scope != "" {
		f.Set("scope", sc.Scope)
	}
	return f
}

// tokenFor gets a token for a scenario the way a profile would.
func tokenFor(t *testing.T, sc Scenario) string {
	t.Helper()
	var r tokenResult
	if sc.AuthMethod == "basic" {
		f := scenarioForm(sc)
		f.Del("client_id")
		f.Del("client_secret")
		r = postToken(t, sc.Authority, f, []string{sc.ClientID, sc.ClientSecret})
	} else {
		r = postToken(t, sc.Authority, scenarioForm(sc), nil)
	}
	if r.status != 200 {
		t.Fatalf("token for %s: %d %s", sc.Name, r.status, r.raw)
	}
	return r.str("access_token")
}

type apiResult struct {
	status int
	header http.Header
	body   []byte
}

func (r apiResult) odataError() (code, message string) {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Type    string `json:"type"`
		} `json:"error"`
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code, e.Error.Message
}

func (r apiResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return m
}

// call makes an API request; a token starting with "hdr:" is sent as "Name: value".
func call(t *testing.T, method, u, token, body string, headers ...string) apiResult {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, u, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, b := doRequest(t, req)
	return apiResult{status: resp.StatusCode, header: resp.Header, body: b}
}

// decodeJWT splits a JWT into its decoded header and claims (raw JSON maps).
func decodeJWT(t *testing.T, tok string) (header, claims map[string]any) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	for i, dst := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
	}
	return header, claims
}

// verifyWithJWKS checks the RS256 signature against the served JWKS, independently
// of the server's own code paths.
func verifyWithJWKS(t *testing.T, authority, tok string) {
	t.Helper()
	resp, b := doRequest(t, mustReq("GET", authority+"/.well-known/openid-configuration/jwks"))
	if resp.StatusCode != 200 {
		t.Fatalf("jwks: %d", resp.StatusCode)
	}
	var set struct {
		Keys []struct{ Kty, Kid, N, E, Alg, Use string } `json:"keys"`
	}
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	h, _ := decodeJWT(t, tok)
	parts := strings.Split(tok, ".")
	for _, k := range set.Keys {
		if k.Kid != h["kid"] {
			continue
		}
		n, _ := base64.RawURLEncoding.DecodeString(k.N)
		e, _ := base64.RawURLEncoding.DecodeString(k.E)
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			t.Fatalf("signature does not verify against the JWKS: %v", err)
		}
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			t.Errorf("JWK kty/alg/use = %s/%s/%s", k.Kty, k.Alg, k.Use)
		}
		return
	}
	t.Fatalf("kid %v not in JWKS", h["kid"])
}

func mustReq(method, u string) *http.Request {
	r, err := http.NewRequest(method, u, nil)
	if err != nil {
		panic(err)
	}
	return r
}

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func newLogger(w io.Writer) *log.Logger { return log.New(w, "", 0) }

func bearerDesc(r apiResult) string { return r.header.Get("WWW-Authenticate") }

func strconvInts(a []int) string {
	var s []string
	for _, n := range a {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, " ")
}
