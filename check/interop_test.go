package check

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"trustedapp-tester/profiles"
)

// The interop tests run the engine against an independent, standards-compliant
// provider: zitadel/oidc's op package, in process on 127.0.0.1, with the minimal
// Storage below. It returns scope as a space-delimited string (RFC 9068), signs with
// a second key while publishing both (rotation), and its client accepts HTTP Basic
// only.

type opKey struct {
	id  string
	key *rsa.PrivateKey
}

func newOPKey(id string) opKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return opKey{id, k}
}

func (k opKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k opKey) ID() string                                  { return k.id }

type signingKey struct{ opKey }

func (k signingKey) Key() any { return k.key }

type publicKey struct{ opKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

// opClient is a confidential service client with client credentials only.
type opClient struct {
	id, secret string
	method     oidc.AuthMethod
	scopes     []string // the app's allowed scopes
	systemUser string
}

func (c *opClient) GetID() string                       { return c.id }
func (c *opClient) RedirectURIs() []string              { return nil }
func (c *opClient) PostLogoutRedirectURIs() []string    { return nil }
func (c *opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *opClient) AuthMethod() oidc.AuthMethod         { return c.method }
func (c *opClient) ResponseTypes() []oidc.ResponseType  { return nil }
func (c *opClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (c *opClient) LoginURL(string) string               { return "" }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *opClient) IDTokenLifetime() time.Duration       { return time.Hour }
func (c *opClient) DevMode() bool                        { return true }
func (c *opClient) IsScopeAllowed(s string) bool         { return slices.Contains(c.scopes, s) }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type ccRequest struct {
	clientID string
	scopes   []string
}

func (r ccRequest) GetSubject() string    { return r.clientID }
func (r ccRequest) GetAudience() []string { return []string{"DomainAPI"} }
func (r ccRequest) GetScopes() []string   { return r.scopes }

type basicKey struct{}

// opStorage is the minimal op.Storage (+ ClientCredentialsStorage) for service clients.
type opStorage struct {
	mu      sync.Mutex
	clients map[string]*opClient
	signing opKey
	keys    []opKey
}

var errUnsupported = errors.New("not supported by this test provider")

func (s *opStorage) client(id string) (*opClient, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	if !ok {
		return nil, fmt.Errorf("unknown client %q", id)
	}
	return c, nil
}

func (s *opStorage) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	if c.secret != secret {
		return nil, errors.New("wrong client secret")
	}
	if c.method == oidc.AuthMethodBasic && ctx.Value(basicKey{}) != true {
		return nil, errors.New("this client must authenticate with HTTP Basic (client_secret_basic)")
	}
	return c, nil
}

func (s *opStorage) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	c, err := s.client(id)
	if err != nil {
		return nil, err
	}
	var granted []string
	for _, sc := range scopes {
		if c.IsScopeAllowed(sc) {
			granted = append(granted, sc) // narrow silently, as a server may
		}
	}
	if len(scopes) == 0 {
		granted = c.scopes
	}
	return ccRequest{id, granted}, nil
}

func (s *opStorage) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	c, err := s.client(clientID)
	if err != nil {
		return nil, err
	}
	// RFC 9068 style: scope as one space-delimited string.
	return map[string]any{"client_system_user": c.systemUser, "client_system_user_type": "InternalUser", "client_db": "Interop DB",
		"scope": strings.Join(scopes, " ")}, nil
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return signingKey{s.signing}, nil
}

func (s *opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []op.Key
	for _, k := range s.keys {
		out = append(out, publicKey{k})
	}
	return out, nil
}

func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	return s.client(id)
}

func (s *opStorage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	_, err := s.ClientCredentials(ctx, id, secret)
	return err
}

func (s *opStorage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return fmt.Sprintf("%x", time.Now().UnixNano()), time.Now().Add(time.Hour), nil
}

func (s *opStorage) Health(context.Context) error { return nil }

// Flows the service-client tests never use.
func (s *opStorage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *opStorage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *opStorage) AuthRequestByCode(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnsupported
}
func (s *opStorage) SaveAuthCode(context.Context, string, string) error { return errUnsupported }
func (s *opStorage) DeleteAuthRequest(context.Context, string) error    { return errUnsupported }
func (s *opStorage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errUnsupported
}
func (s *opStorage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, errUnsupported
}
func (s *opStorage) TerminateSession(context.Context, string, string) error { return errUnsupported }
func (s *opStorage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return oidc.ErrUnsupportedGrantType()
}
func (s *opStorage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}
func (s *opStorage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}
func (s *opStorage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return errUnsupported
}
func (s *opStorage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errUnsupported
}
func (s *opStorage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnsupported
}
func (s *opStorage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnsupported
}

// interopServer is an instance whose identity server (under /id) is zitadel's op.
type interopServer struct {
	srv     *httptest.Server
	storage *opStorage
	keyA    opKey
	keyB    opKey
}

func newInterop(t *testing.T) *interopServer {
	t.Helper()
	a, b := newOPKey("key-A"), newOPKey("key-B")
	st := &opStorage{
		clients: map[string]*opClient{
			"svc-basic": {id: "svc-basic", secret: "basic s3cret:+%", method: oidc.AuthMethodBasic, scopes: []string{"read"}, systemUser: "svc-interop"},
			"svc-post":  {id: "svc-post", secret: "post-secret", method: oidc.AuthMethodPost, scopes: []string{"read", "update"}, systemUser: "svc-post"},
		},
		signing: b, keys: []opKey{a, b}, // rotated: signs with B, publishes A and B
	}
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String() + "/id"
	provider, err := op.NewProvider(&op.Config{AuthMethodPost: true, SupportedScopes: []string{"read", "update"}}, st,
		op.StaticIssuer(issuer), op.WithAllowInsecure(), op.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	idHandler := http.StripPrefix("/id", provider)
	mux := http.NewServeMux()
	mux.Handle("/id/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); ok {
			r = r.WithContext(context.WithValue(r.Context(), basicKey{}, true))
		}
		idHandler.ServeHTTP(w, r)
	}))
	mux.HandleFunc("/tools/ver", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") })
	mux.HandleFunc("/api/domain/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"value":[]}`)
	})
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return &interopServer{srv: srv, storage: st, keyA: a, keyB: b}
}

func (s *interopServer) profile(client string, method profiles.AuthMethod, scopes ...string) profiles.Profile {
	return profiles.Profile{Name: "interop", InstanceURL: s.srv.URL, ClientID: client, AuthMethod: method, Scopes: scopes, TimeoutSeconds: 5}
}

func TestInteropZitadelBasicOnlyClient(t *testing.T) {
	s := newInterop(t)
	const secret = "basic s3cret:+%"

	// Posting the credentials in the body to a Basic-only client: invalid_client, and
	// the finding says how they were sent and what to try.
	rep := Run(context.Background(), s.profile("svc-basic", profiles.AuthPost, "read"), secret, fresh(), nil)
	f := finding(rep, TokInvalidClient)
	if f == nil || f.Evidence[EvAuthMethod] != "post" || !strings.Contains(f.Message, "as form fields (client_secret_post)") || !strings.Contains(f.Message, "try --auth basic") {
		t.Fatalf("post to a Basic-only client: %v %+v", codes(rep, ""), f)
	}
	if stepOf(rep, StepDiscovery).Verdict != Pass {
		t.Errorf("zitadel discovery: %v", codes(rep, StepDiscovery))
	}

	// Basic works, even with reserved characters in the secret (RFC 6749 2.3.1
	// encoding on both sides). The token is signed with key B while the JWKS holds A
	// and B; scope comes back as a string.
	rep = Run(context.Background(), s.profile("svc-basic", profiles.AuthBasic, "read", "update"), secret, fresh(), nil)
	if rep.Access == nil {
		t.Fatalf("basic: %v", codes(rep, ""))
	}
	c := rep.Claims
	if c == nil || !c.Verified() || c.Kid != "key-B" || c.SystemUser != "svc-interop" || c.ClientID != "svc-basic" || c.Issuer != s.srv.URL+"/id" || c.Database != "Interop DB" {
		t.Fatalf("claims %+v", c)
	}
	if !slices.Equal(c.Scopes, []string{"read"}) || !slices.Equal(c.Audiences, []string{"DomainAPI"}) {
		t.Errorf("scopes %v aud %v", c.Scopes, c.Audiences)
	}
	raw := rep.Access.Reveal()
	if p := strings.Split(raw, ".")[1]; !strings.Contains(decodeSeg(p), `"scope":"read"`) {
		t.Errorf("zitadel should send scope as a string: %s", decodeSeg(p))
	}
	if f := finding(rep, TokScopeNarrowed); f == nil || f.Evidence[EvMissing] != "update" {
		t.Errorf("narrowed: %v", codes(rep, ""))
	}
	for _, code := range []string{TokUserToken, TokNoSystemUser, TokSignatureInvalid, TokUnknownKid, TokNotVerified, TokIssuerMismatch, DiscIssuerMismatch, DiscNoClientCreds} {
		if hasCode(rep, code) {
			t.Errorf("unexpected %s", code)
		}
	}
	if stepOf(rep, StepAPI).Verdict != Pass {
		t.Errorf("api: %v", codes(rep, StepAPI))
	}
}

func TestInteropZitadelKeyRotation(t *testing.T) {
	s := newInterop(t)
	// The provider signs with B but has stopped publishing it: unknown kid.
	s.storage.mu.Lock()
	s.storage.keys = []opKey{s.keyA}
	s.storage.mu.Unlock()
	rep := Run(context.Background(), s.profile("svc-post", profiles.AuthPost, "read"), "post-secret", Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	if f := finding(rep, TokUnknownKid); f == nil || f.Evidence[EvKid] != "key-B" {
		t.Fatalf("unknown kid: %v", codes(rep, ""))
	}
	// Back to publishing both: verified.
	s.storage.mu.Lock()
	s.storage.keys = []opKey{s.keyA, s.keyB}
	s.storage.mu.Unlock()
	rep = Run(context.Background(), s.profile("svc-post", profiles.AuthPost, "read"), "post-secret", Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	if rep.Claims == nil || !rep.Claims.Verified() {
		t.Fatalf("rotation: %v", codes(rep, ""))
	}
	// Wrong secret over post: invalid_client from zitadel.
	rep = Run(context.Background(), s.profile("svc-post", profiles.AuthPost), "nope", fresh(), nil)
	if !hasCode(rep, TokInvalidClient) {
		t.Fatalf("wrong secret: %v", codes(rep, ""))
	}
}

func decodeSeg(s string) string {
	b, _ := base64.RawURLEncoding.DecodeString(s)
	return string(b)
}
