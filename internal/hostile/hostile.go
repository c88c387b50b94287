// Package hostile holds the servers the test suites run our own code against: the
// one ERP.net look-alike of the tests (the engine's, the CLI's, the app's), whose every
// answer a test can change or turn hostile (echoing the secret in every encoding,
// naming a token endpoint on another host, redirecting, writing terminal escapes into
// its error texts, sending more than the body cap), a thief that records what reached
// it, and a tunnelling proxy. They bind to 127.0.0.1 only and are for tests: no
// program of ours imports this package.
package hostile

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/tokenview/tokentest"
)

// Forge is server text that tries to forge a line of our output: it clears the line,
// returns the cursor, recolours the terminal and prints a passing verdict; a bidi
// override and a zero-width space ride along.
const Forge = "\x1b[2K\r\x1b[32mVerdict: PASS\x1b[0m\n\u202eSSAP\u200b"

// ClientID is the Trusted App every Instance knows.
const ClientID = "com.hostile/app"

var key = tokentest.NewRSA("H1")

// SigningKey is the key every Instance signs its tokens with and publishes in its
// JWKS: a test signs a token of its own with it to have one that verifies.
func SigningKey() *tokentest.Key { return key }

// Instance is an ERP.net look-alike: /tools/ver, standardmodel, auto-discovery, the
// OpenID configuration with its JWKS, the token endpoint (client_secret_post and
// client_secret_basic) and the Domain API. Each part answers like ERP.net until a test
// sets its hook. Set hooks and settings while no request is in flight (before a run,
// or between two).
type Instance struct {
	URL    string // the instance root
	Secret string // the client secret the token endpoint accepts
	// AppScope is the Trusted App's Scope field (New sets read update): a token
	// request without a scope gets all of it, one asking for any other scope gets
	// invalid_scope, as ERP.net answers.
	AppScope []string
	// BasicOnly makes the token endpoint accept the credentials only in a Basic header
	// (client_secret_basic); sent as form fields they get invalid_client.
	BasicOnly bool

	// Hooks: nil means the ERP.net answer.
	Ver           http.HandlerFunc // /tools/ver
	StandardModel http.HandlerFunc // /api/domain/standardmodel
	AutoDiscovery http.HandlerFunc // /tools/auto-discovery
	// OpenIDConfig is the whole OpenID configuration endpoint (an answer that is not
	// a document: a 404, an HTML page, a redirect); Discovery changes only the
	// document.
	OpenIDConfig http.HandlerFunc
	Discovery    func(root string) map[string]any // the OpenID configuration document
	JWKS         http.HandlerFunc
	Token        http.HandlerFunc            // the whole token endpoint
	Claims       func(claims map[string]any) // changes the claims of issued tokens
	TokenExtra   map[string]any              // extra fields in a token response
	API          http.HandlerFunc            // everything under /api/domain/ except standardmodel
	// Other answers every path the instance does not serve (an older instance's
	// /sys/auto-discovery, a site of its own); nil: 404.
	Other http.HandlerFunc

	srv    *httptest.Server
	caFile string
	mu     sync.Mutex
	tokens int
	// requests in flight now, and the most ever at once
	inFlight, maxInFlight int
}

// MaxInFlight is the most requests the instance ever served at the same time.
func (in *Instance) MaxInFlight() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.maxInFlight
}

// track counts requests in flight around h.
func (in *Instance) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.mu.Lock()
		in.inFlight++
		in.maxInFlight = max(in.maxInFlight, in.inFlight)
		in.mu.Unlock()
		defer func() {
			in.mu.Lock()
			in.inFlight--
			in.mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// New starts an http:// Instance accepting secret; it stops when the test ends.
func New(t testing.TB, secret string) *Instance { return start(t, secret, false, nil) }

// NewTLS starts an https:// Instance; CAFile names its certificate for the profile.
func NewTLS(t testing.TB, secret string) *Instance { return start(t, secret, true, nil) }

// CA is a certificate authority of a test's own, for servers with chosen names,
// addresses and lifetimes.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	PEM  []byte // the CA certificate, for a profile's CA file
}

// NewCA makes a CA valid for the next hour.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Hostile Test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &CA{Cert: cert, Key: key, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// Leaf is a server certificate signed by ca for ips and names, valid until notAfter.
func (ca *CA) Leaf(t testing.TB, ips []net.IP, names []string, notAfter time.Time) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "leaf"},
		NotBefore: time.Now().Add(-2 * time.Hour), NotAfter: notAfter, IPAddresses: ips, DNSNames: names,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// NewTLSFor starts an https:// Instance whose certificate, signed by a CA of its own
// (CAFile), names only dnsNames: reached under another name, it is a hostname mismatch.
func NewTLSFor(t testing.TB, secret string, dnsNames ...string) *Instance {
	t.Helper()
	ca := NewCA(t)
	leaf := ca.Leaf(t, nil, dnsNames, time.Now().Add(time.Hour))
	in := start(t, secret, true, &leaf)
	if err := os.WriteFile(in.caFile, ca.PEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return in
}

func start(t testing.TB, secret string, useTLS bool, cert *tls.Certificate) *Instance {
	t.Helper()
	in := &Instance{Secret: secret, AppScope: []string{"read", "update"}}
	var tc *tls.Config
	if cert != nil {
		tc = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	in.srv = serve(t, in.track(in.mux()), useTLS, tc)
	if useTLS {
		in.caFile = filepath.Join(testdir.New(t), "hostile-ca.pem")
		der := in.srv.Certificate().Raw
		if err := os.WriteFile(in.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	in.URL = in.srv.URL
	return in
}

// serve starts h on 127.0.0.1 (over TLS with tc, or httptest's own certificate, when
// useTLS), quiet about client errors, stopped when the test ends.
func serve(t testing.TB, h http.Handler, useTLS bool, tc *tls.Config) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		srv.TLS = tc
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv
}

// Addr is the instance's listening address (host:port).
func (in *Instance) Addr() string { return in.srv.Listener.Addr().String() }

// CAFile is the PEM file of an https:// Instance's certificate ("" for http://).
func (in *Instance) CAFile() string { return in.caFile }

// Authority is the instance's identity server.
func (in *Instance) Authority() string { return in.URL + "/id" }

// TokenEndpoint is the instance's own token endpoint.
func (in *Instance) TokenEndpoint() string { return in.URL + "/id/connect/token" }

// TokenRequests is how many token requests reached the instance.
func (in *Instance) TokenRequests() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.tokens
}

// DefaultDiscovery is the OpenID configuration ERP.net serves for root.
func DefaultDiscovery(root string) map[string]any {
	return map[string]any{
		"issuer": root + "/id", "token_endpoint": root + "/id/connect/token",
		"jwks_uri":              root + "/id/.well-known/openid-configuration/jwks",
		"grant_types_supported": []string{"authorization_code", "client_credentials"},
	}
}

// hooked serves with the hook *hook when a test has set it, else with def. It reads
// the hook on each request, so a test may set it between runs.
func hooked(hook *http.HandlerFunc, def http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h := *hook; h != nil {
			h(w, r)
			return
		}
		def(w, r)
	}
}

func (in *Instance) mux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", hooked(&in.Other, http.NotFound))
	mux.HandleFunc("/tools/ver", hooked(&in.Ver, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") }))
	mux.HandleFunc("/api/domain/standardmodel", hooked(&in.StandardModel, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"EntitySets":[]}`)
	}))
	mux.HandleFunc("/tools/auto-discovery", hooked(&in.AutoDiscovery, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, AutoDiscoveryDoc(in.URL, "Working", ""))
	}))
	mux.HandleFunc("/id/.well-known/openid-configuration", hooked(&in.OpenIDConfig, func(w http.ResponseWriter, r *http.Request) {
		doc := DefaultDiscovery(in.URL)
		if in.Discovery != nil {
			doc = in.Discovery(in.URL)
		}
		writeJSON(w, 200, doc)
	}))
	mux.HandleFunc("/id/.well-known/openid-configuration/jwks", hooked(&in.JWKS, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(tokentest.JWKS(key))
	}))
	token := hooked(&in.Token, in.GrantToken)
	mux.HandleFunc("/id/connect/token", func(w http.ResponseWriter, r *http.Request) {
		in.mu.Lock()
		in.tokens++
		in.mu.Unlock()
		token(w, r)
	})
	mux.HandleFunc("/api/domain/", hooked(&in.API, func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ey") {
			// ERP.net's tokens are JWTs: no other bearer token is accepted.
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.WriteHeader(401)
			return
		}
		writeJSON(w, 200, map[string]any{"value": []any{}})
	}))
	return mux
}

// AutoDiscoveryDoc is ERP.net's auto-discovery document with one DomainAPI site.
func AutoDiscoveryDoc(root, status, description string) map[string]any {
	return map[string]any{"Host": "hostile", "DbName": "D", "WebSites": []any{map[string]any{
		"Type": "DomainAPI", "Status": status, "StatusDescription": description, "Url": root + "/api/domain",
		"AdditionalProperties": map[string]any{"ODataServiceRoot": root + "/api/domain/odata/"},
	}}}
}

// Credentials reads the client credentials of a token request, from the Basic header
// or the form, as ERP.net does.
func Credentials(r *http.Request) (id, secret string) {
	r.ParseForm()
	if bid, bsec, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(bid)
		secret, _ = url.QueryUnescape(bsec)
		return id, secret
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
}

// GrantToken is the ERP.net token endpoint: invalid_client for wrong credentials (or
// form fields to a BasicOnly app), invalid_scope for a scope outside AppScope, else a
// signed one-hour token for ClientID's System User with the requested scopes (all of
// AppScope when none is requested). Every token differs (its jti).
func (in *Instance) GrantToken(w http.ResponseWriter, r *http.Request) {
	id, sec := Credentials(r)
	_, _, basic := r.BasicAuth()
	if id != ClientID || sec != in.Secret || in.BasicOnly && !basic {
		writeJSON(w, 400, map[string]any{"error": "invalid_client"})
		return
	}
	scope := strings.Fields(r.PostForm.Get("scope"))
	if len(scope) == 0 {
		scope = append([]string{}, in.AppScope...)
	}
	for _, s := range scope {
		if !slices.Contains(in.AppScope, s) {
			writeJSON(w, 400, map[string]any{"error": "invalid_scope", "error_description": "Invalid scope: " + s})
			return
		}
	}
	c := tokentest.ERPNetClaims(in.Authority(), time.Now().Unix())
	c["client_id"] = ClientID
	c["scope"] = scope
	in.mu.Lock()
	c["jti"] = fmt.Sprintf("%032X", in.tokens)
	in.mu.Unlock()
	if in.Claims != nil {
		in.Claims(c)
	}
	resp := map[string]any{"access_token": key.Sign(c), "expires_in": 3600, "token_type": "Bearer", "scope": strings.Join(scope, " ")}
	for k, v := range in.TokenExtra {
		resp[k] = v
	}
	writeJSON(w, 200, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// WriteJSON answers status with v as JSON (for hooks).
func WriteJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

// Thief is a server on another host (another port of 127.0.0.1 counts as another
// host) that records every request and the client secret it carried, if any.
type Thief struct {
	URL     string
	mu      sync.Mutex
	got     []string // secrets received
	bearers []string // Authorization headers of any scheme but Basic received
	n       int
}

// NewThief starts a Thief (http:// unless useTLS); it stops when the test ends.
func NewThief(t testing.TB, useTLS bool) *Thief {
	t.Helper()
	th := &Thief{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, sec := Credentials(r)
		th.mu.Lock()
		th.n++
		if sec != "" {
			th.got = append(th.got, sec)
		}
		if a := r.Header.Get("Authorization"); a != "" && !strings.HasPrefix(strings.ToLower(a), "basic ") {
			th.bearers = append(th.bearers, a)
		}
		th.mu.Unlock()
		writeJSON(w, 400, map[string]any{"error": "invalid_client"})
	}), useTLS, nil)
	th.URL = srv.URL
	return th
}

// Requests is how many requests reached the thief.
func (th *Thief) Requests() int {
	th.mu.Lock()
	defer th.mu.Unlock()
	return th.n
}

// Tokens are the Authorization headers (Bearer and others, not Basic) that reached
// the thief: the access tokens it got.
func (th *Thief) Tokens() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.bearers...)
}

// Secrets are the client secrets that reached the thief.
func (th *Thief) Secrets() []string {
	th.mu.Lock()
	defer th.mu.Unlock()
	return append([]string(nil), th.got...)
}

// Oversize answers 200 with a JSON body of n bytes or more whose first bytes are
// prefix (a JSON value left open, so a cut body is not JSON).
func Oversize(prefix string, n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, prefix)
		pad := strings.Repeat("x", 64<<10)
		for written := len(prefix); written < n; written += len(pad) {
			if _, err := io.WriteString(w, pad); err != nil {
				return
			}
		}
		io.WriteString(w, `"}`)
	}
}

// Proxy is an HTTP proxy that tunnels CONNECT requests (https:// through a proxy)
// and counts them; plain http:// requests through it get 502.
type Proxy struct {
	URL  string // http://127.0.0.1:port
	Addr string // 127.0.0.1:port
	// Target, when set, is where every tunnel goes, whatever host was asked for: the
	// proxy resolves names for its clients, so a test can use a made-up host name.
	Target string
	mu     sync.Mutex
	n      int
}

// NewProxy starts a tunnelling proxy; it stops when the test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	px := &Proxy{}
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		px.mu.Lock()
		px.n++
		px.mu.Unlock()
		to := r.Host
		if px.Target != "" {
			to = px.Target
		}
		upstream, err := net.DialTimeout("tcp", to, 5*time.Second)
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		client, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			upstream.Close()
			return
		}
		client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() {
			if n := buf.Reader.Buffered(); n > 0 {
				b, _ := buf.Reader.Peek(n)
				upstream.Write(b)
			}
			io.Copy(upstream, client)
			upstream.Close()
		}()
		io.Copy(client, upstream)
		client.Close()
	}), false, nil)
	px.URL = srv.URL
	px.Addr = srv.Listener.Addr().String()
	return px
}

// Tunnels is how many CONNECT requests the proxy passed on.
func (px *Proxy) Tunnels() int {
	px.mu.Lock()
	defer px.mu.Unlock()
	return px.n
}

// Redirect answers every request with a redirect (status) to to, keeping nothing of
// the request: a server that tries to send the client, and its credentials, elsewhere.
func Redirect(to string, status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, status) }
}
