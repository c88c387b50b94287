// Package sandbox is a local ERP.net instance emulator: an identity server (OIDC
// discovery, JWKS, client-credentials token endpoint), a Domain API (OData entity
// sets under /api/domain/odata/, instance tools) and a read-only Table API (raw
// tables Gen_Documents and Crm_Sales_Orders under /tableapi/odata/, listed by
// auto-discovery as Type TableAPI), driven by Trusted App records. It is what the demo mode and
// every test of the client run against, so it follows erpnet-reference.md closely and
// imports nothing else of this module.
//
// What it does is either documented by ERP.net's public docs (ErpNetDocs/dev, /tech,
// /model) or a GUESS, marked as such here and in docs/decisions.md ("2026-12-01:
// verdicts, licences, docs"). A guess is what the sandbox must do because the docs are
// silent; it is never evidence of what ERP.net does.
//
// Documented: the discovery document's issuer, endpoints, grant types and scopes;
// the token request and its error codes with the docs' typical messages
// (invalid_client "Invalid client_id or client_secret", unauthorized_client "The
// client is not authorized to use this grant type", invalid_scope "Invalid scope:
// update", ...); the claims of a client-credentials token; sessions (opened by a
// token's first API call, 20 minutes idle, 1 hour absolute for service sessions, one
// licence slot each) and MaximumLicenseCountExceeded when none is free; the Domain
// API's SessionRpm 600 and SessionConcurrentRequests 1 with a queue of 5, the Table
// API's GlobalConcurrentRequests 2 with a queue of 5, then 429; auto-discovery (the
// Domain API's Url {root}/api, its ODataServiceRoot {root}/api/domain/odata/, System
// true only for system sites such as ID); /tools/ver, /tools/server-info,
// /tools/sha256; business errors as 500 with an OData error body; the model endpoints
// /api/domain/standardmodel[/{entitySet}] (anonymous) and currentmodel (token); the
// entity sets' attributes, types and supported filters as ErpNetDocs/model lists them
// (Crm_Sales_Customers, General_Products_Products, Systems_Security_TrustedApplications,
// the last one ReadWrite).
//
// GUESSES (the docs are silent):
//
//   - The HTTP status of MaximumLicenseCountExceeded: 500 with an OData error body
//     whose code is "MaximumLicenseCountExceeded", like other server-side refusals.
//     Config.LicenseExhaustedStatus 503 answers 503 with Retry-After instead (an
//     unpublished page in the tech repository's history says so).
//   - Retry-After: on 429 it is the whole seconds until the request would be accepted
//     (1 for the concurrency limits); on 503 the seconds until the first session
//     frees its slot. The rate-limit docs name only the 429 status.
//   - Discovery extras: userinfo_endpoint, claims_supported,
//     token_endpoint_auth_methods_supported (client_secret_basic and
//     client_secret_post), response_modes_supported, subject_types_supported,
//     id_token_signing_alg_values_supported and code_challenge_methods_supported are
//     IdentityServer4's usual fields; the docs show a truncated document without them.
//   - 403 on writes without update: a write method (POST, PATCH, PUT, DELETE) without
//     the update scope, or a read without read or update, is 403 with an OData error
//     body and `WWW-Authenticate: Bearer error="insufficient_scope", scope="update"`.
//   - Basic auth at the token endpoint: client_secret_basic (RFC 6749 2.3.1,
//     form-urlencoded id and secret) is accepted besides the documented form fields,
//     because the official .NET client's IdentityModel call sends Basic by default.
//   - Token errors are HTTP 400 {"error","error_description"} (IdentityServer4's
//     shape). Missing client_id/client_secret gives invalid_request (the docs' table);
//     Config.MissingCredentialsError switches to IdentityServer4's invalid_client. A
//     disabled app gives invalid_client (the client-credentials table);
//     Config.DisabledAppError switches to unauthorized_client. An inactive System User
//     gives unauthorized_client, like a missing one.
//   - Sign-in scopes (openid, profile, offline_access) in a client-credentials request
//     are dropped from the grant by default; Config.SignInScopes "refuse" answers
//     invalid_scope instead. The docs say only that such a token never carries them.
//   - A scope request that is empty, or an app with an empty Scope field, yields a
//     token with no scopes (not an error); DomainApi outside the Scope field is
//     invalid_scope.
//   - API 401s carry `WWW-Authenticate: Bearer error="invalid_token",
//     error_description="..."` (ASP.NET wording); a request without a token gets a
//     bare `Bearer` challenge (RFC 6750 3.1). The issuer is checked before the
//     signature so a foreign token is reported as such rather than as an unknown key.
//   - No clock skew: exp and nbf are enforced to the second, so a 30 s token visibly
//     expires in a demo.
//   - A session is one per token (a JWT's jti, a reference token's value) and shared by
//     the Domain API and the Table API; a token whose session closed opens a new one on
//     its next call (the docs' re-activation). Reference tokens act as the app's System
//     User and need one.
//   - The Table API validates tokens like the Domain API but needs 'TableAPI' in aud;
//     the Domain API's per-session limits do not apply to it; it is read-only (a write
//     is 405 before the scope is looked at). Auto-discovery lists it with Url = the
//     site root ({Url}/tableapi/odata/{Table}).
//   - $filter (both APIs) supports eq ne gt ge lt le, in (...), and/or/not,
//     parentheses, contains/startswith/endswith (for the model's "like"); ne counts as
//     Equals. On the model sets each attribute allows only its documented Supported
//     Filters (multi-language strings only contains); the Table API's raw tables
//     allow every operator. Text compares case-sensitively; null equals only null.
//     Anything else is 400 with an OData error body naming the position and the problem.
//   - Writes: the sandbox validates types, lengths, allowed values and required
//     attributes, and fills the model's defaults, but does not require or change the
//     references it does not serve (a product's ProductGroup, a customer's Party).
//     ApplicationSecretHash is served on reads and accepted on writes, as the model
//     describes it (string(250), nullable; null when the app has no secret).
package sandbox

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Defaults for Config.
const (
	DefaultAddr          = "127.0.0.1:0"
	DefaultTokenLifetime = 3600 * time.Second
	DefaultDatabase      = "E1_DEV-1 Test"
	DefaultVersion       = "26.2.0.76"
	DefaultLicenseSlots  = 10
	// DefaultSessionRPM is the Domain API's documented SessionRpm.
	DefaultSessionRPM = 600
	// SessionIdle and SessionAbsolute are the documented session lifetimes.
	SessionIdle     = 20 * time.Minute
	SessionAbsolute = time.Hour
	// SessionConcurrentRequests and SessionQueue are the documented per-session
	// concurrency limits: one request runs, five wait, more get 429.
	SessionConcurrentRequests = 1
	SessionQueue              = 5
)

// What the token endpoint does with sign-in scopes (Config.SignInScopes).
const (
	SignInScopesDrop   = "drop"
	SignInScopesRefuse = "refuse"
)

// Error codes the sandbox can be configured to answer with (see Config).
const (
	ErrInvalidClient      = "invalid_client"
	ErrUnauthorizedClient = "unauthorized_client"
	ErrInvalidRequest     = "invalid_request"
)

// Config configures one sandbox instance. The zero value is a working instance on a
// random 127.0.0.1 port.
type Config struct {
	Addr          string        // listen address; default "127.0.0.1:0"
	TLS           bool          // serve HTTPS with a generated local CA (CAFile() tells where its PEM is)
	TokenLifetime time.Duration // default 3600s; scenario apps may override
	Database      string        // client_db; default "E1_DEV-1 Test"
	Version       string        // /tools/ver; default "26.2.0.76"
	// DisabledAppError is the error for a disabled Trusted App: "invalid_client"
	// (default, per the client-credentials error table) or "unauthorized_client".
	DisabledAppError string
	// MissingCredentialsError is the error for a missing client_id or client_secret:
	// "invalid_request" (default, per the ERP.net docs) or "invalid_client" (IdentityServer4).
	MissingCredentialsError string
	LicenseSlots            int // concurrent API sessions allowed; 0 means DefaultLicenseSlots
	// LicenseExhaustedStatus is the HTTP status of MaximumLicenseCountExceeded: 500
	// (default, like other server-side refusals) or 503, which also sends Retry-After
	// with the seconds until the first session frees its slot. ERP.net's published
	// docs give neither (see the package comment).
	LicenseExhaustedStatus int
	// SignInScopes is what the token endpoint does with openid, profile and
	// offline_access in a client-credentials request: "drop" (default) grants the
	// token without them, "refuse" answers invalid_scope naming the first one. The
	// docs say only that such a token never carries them.
	SignInScopes string
	Logger       *log.Logger      // request log (method, path, status, client_id; never a secret or whole token); nil = silent
	Now          func() time.Time // clock for tests; nil = time.Now
	// Apps are extra Trusted App records registered at start (as if AddApp was called).
	Apps []TrustedApp
	// TableAPIAddr, when set ("localhost:0"), serves the Table API as a site of its own
	// on that address, under that host name, as auto-discovery then lists it: ERP.net
	// runs each API as a web site, which may have its own host (tablesite.go).
	TableAPIAddr string
	// NoScenarios leaves out the built-in scenario apps (Scenarios() is then empty).
	NoScenarios bool
}

// Scenario is one built-in Trusted App set-up: the values to paste into a profile and
// what a check against it demonstrates. It is the JSON printed by
// `trustedapp-check sandbox --json`.
type Scenario struct {
	Name         string `json:"name"`
	Description  string `json:"description"` // what it demonstrates, one or two sentences
	Expect       string `json:"expect"`      // the outcome as a finding code, e.g. "token.invalid_client"; "api.ok" when everything passes
	Instance     string `json:"instance"`
	Authority    string `json:"authority"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"` // sandbox demo secret (public, fine to print)
	SystemUser   string `json:"system_user,omitempty"`
	Scope        string `json:"scope"`                 // what a profile should REQUEST (space-delimited; "" = send none)
	AuthMethod   string `json:"auth_method,omitempty"` // "post" (default) or "basic"
	Calls        []Call `json:"calls,omitempty"`       // extra API calls a profile should run
}

// Call is one API call a scenario wants a profile to run. Path is relative to the
// instance root, e.g. "/api/domain/odata/Crm_Sales_Customers?$top=10".
type Call struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`
}

// TrustedApp mirrors the fields of Systems_Security_TrustedApplications that affect
// the client-credentials flow, plus behaviour knobs for scenarios.
type TrustedApp struct {
	Name           string
	ApplicationURI string // = client_id
	// ClientType is "Confidential", "Public" or "None"; "" means Confidential (the
	// record's default). Only Confidential apps get tokens.
	ClientType            string
	ApplicationSecretHash string // HashSecret(secret)
	SystemUserAllowed     bool
	SystemUser            *User  // nil = none assigned
	Scope                 string // space-delimited, case-sensitive
	// IsEnabled is the kill switch. Note the Go zero value is false (disabled), unlike
	// the record's default; the --config file defaults it to true.
	IsEnabled bool
	// ReferenceTokens is "None" ("" means None), "AuthenticatedUsers" or
	// "AdministratorsOnly"; anything but None lets IssueReferenceToken issue enrt_ tokens.
	// (The dev docs call this field AccessTokens; the model calls it ReferenceTokens.)
	ReferenceTokens string
	// The record's other fields, served and writable through the Domain API; they do
	// not change how the sandbox answers.
	BasicAuthenticationAllowed        bool
	SystemUserLoginURL                string
	ImpersonateAsInternalUserAllowed  bool
	ImpersonateAsCommunityUserAllowed bool
	ImpersonateLoginURL               string
	ImpersonateLogoutURL              string
	Notes                             string
	// CreationTimeUTC is when the record was registered; zero means "when added".
	CreationTimeUTC time.Time
	TokenLifetime   time.Duration // 0 = Config.TokenLifetime

	// TokenDelay makes the token endpoint answer this app only after the delay (a slow
	// identity server); the wait ends early if the client goes away.
	TokenDelay time.Duration
	// LicenseSlots, when set, caps the concurrent sessions of this app's tokens (0 =
	// every API call fails with MaximumLicenseCountExceeded). nil = only the
	// instance-wide Config.LicenseSlots applies.
	LicenseSlots *int
	// SessionRPM is the per-session requests-per-minute limit; 0 = DefaultSessionRPM.
	SessionRPM int
}

// User is a System User (Systems_Security_Users).
type User struct {
	Login  string
	Type   string // e.g. "InternalUser", "ApplicationUserNoLogin"
	ID     string // GUID; "" = not set (no client_system_user_id claim)
	Active bool
	// IsAdmin marks an administrator (Systems_Security_Users.IsAdmin).
	IsAdmin bool
}

// Server is a running sandbox: the main instance plus, for the foreign-issuer
// scenario, a second instance with its own issuer and signing key.
type Server struct {
	cfg       Config
	main      *instance
	foreign   *instance
	caFile    string
	tmpDir    string
	scenarios []Scenario
	closeOnce sync.Once
	closeErr  error
}

// HashSecret returns base64(SHA-256(secret)), the ApplicationSecretHash format.
// HashSecret("DEMO") == "T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=".
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return base64.StdEncoding.EncodeToString(sum[:])
}

func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.TokenLifetime == 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if c.TokenLifetime < time.Second {
		return c, fmt.Errorf("sandbox: TokenLifetime %v is too short: use at least 1s", c.TokenLifetime)
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Version == "" {
		c.Version = DefaultVersion
	}
	switch c.DisabledAppError {
	case "":
		c.DisabledAppError = ErrInvalidClient
	case ErrInvalidClient, ErrUnauthorizedClient:
	default:
		return c, fmt.Errorf("sandbox: DisabledAppError %q is not supported: use %q or %q", c.DisabledAppError, ErrInvalidClient, ErrUnauthorizedClient)
	}
	switch c.MissingCredentialsError {
	case "":
		c.MissingCredentialsError = ErrInvalidRequest
	case ErrInvalidRequest, ErrInvalidClient:
	default:
		return c, fmt.Errorf("sandbox: MissingCredentialsError %q is not supported: use %q or %q", c.MissingCredentialsError, ErrInvalidRequest, ErrInvalidClient)
	}
	if c.LicenseSlots < 0 {
		return c, fmt.Errorf("sandbox: LicenseSlots %d is negative: use 0 for the default (%d) or a positive number", c.LicenseSlots, DefaultLicenseSlots)
	}
	if c.LicenseSlots == 0 {
		c.LicenseSlots = DefaultLicenseSlots
	}
	switch c.LicenseExhaustedStatus {
	case 0:
		c.LicenseExhaustedStatus = http.StatusInternalServerError
	case http.StatusInternalServerError, http.StatusServiceUnavailable:
	default:
		return c, fmt.Errorf("sandbox: LicenseExhaustedStatus %d is not supported: use 500 or 503", c.LicenseExhaustedStatus)
	}
	switch c.SignInScopes {
	case "":
		c.SignInScopes = SignInScopesDrop
	case SignInScopesDrop, SignInScopesRefuse:
	default:
		return c, fmt.Errorf("sandbox: SignInScopes %q is not supported: use %q or %q", c.SignInScopes, SignInScopesDrop, SignInScopesRefuse)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// Start listens on cfg.Addr and serves in the background until Close.
func Start(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg}
	var tlsCfg *tls.Config
	if cfg.TLS {
		dir, err := os.MkdirTemp("", "trustedapp-sandbox-")
		if err != nil {
			return nil, fmt.Errorf("sandbox: cannot create a directory for the local CA: %w", err)
		}
		s.tmpDir = dir
		s.caFile = filepath.Join(dir, "sandbox-ca.pem")
		tlsCfg, err = newLocalTLS(s.caFile, cfg.Now())
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	s.main, err = newInstance(cfg, cfg.Addr, tlsCfg, "main")
	if err != nil {
		s.cleanup()
		return nil, err
	}
	if cfg.TableAPIAddr != "" {
		if err := s.main.startTableSite(cfg.TableAPIAddr, tlsCfg); err != nil {
			s.main.close()
			s.cleanup()
			return nil, err
		}
	}
	if !cfg.NoScenarios {
		// The foreign instance always binds an ephemeral port on the main one's host.
		host, _, _ := net.SplitHostPort(s.main.ln.Addr().String())
		fcfg := cfg
		fcfg.Database = "E1_OTHER Production"
		s.foreign, err = newInstance(fcfg, net.JoinHostPort(host, "0"), tlsCfg, "foreign")
		if err != nil {
			s.main.close()
			s.cleanup()
			return nil, err
		}
		if err := s.addScenarios(); err != nil {
			s.Close()
			return nil, err
		}
	}
	for _, a := range cfg.Apps {
		if err := s.AddApp(a); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.main.serve()
	if s.foreign != nil {
		s.foreign.serve()
	}
	return s, nil
}

// URL is the instance root, e.g. "http://127.0.0.1:41234" (no trailing slash).
func (s *Server) URL() string { return s.main.root }

// Authority is the instance's identity server, URL()+"/id"; it is the iss claim.
func (s *Server) Authority() string { return s.main.issuer }

// CAFile is the path of the local CA's PEM when serving TLS, else "". The file is
// removed by Close.
func (s *Server) CAFile() string { return s.caFile }

// Scenarios returns the built-in scenarios in a stable order.
func (s *Server) Scenarios() []Scenario {
	out := make([]Scenario, len(s.scenarios))
	for i, sc := range s.scenarios {
		sc.Calls = append([]Call(nil), sc.Calls...)
		out[i] = sc
	}
	return out
}

// Scenario returns the built-in scenario with that name.
func (s *Server) Scenario(name string) (Scenario, bool) {
	for _, sc := range s.Scenarios() {
		if sc.Name == name {
			return sc, true
		}
	}
	return Scenario{}, false
}

// AddApp registers a Trusted App record on the main instance. It fails when the
// record is invalid or its ApplicationURI is taken.
func (s *Server) AddApp(app TrustedApp) error {
	return s.main.addApp(app)
}

// IssueReferenceToken makes a reference token ("enrt_" + 64 hex) for the app, as
// Instance Manager does; the token acts as the app's System User with the given
// scopes (which must be in the app's Scope field) and never expires. The app's
// ReferenceTokens policy must allow it and a System User must be assigned.
func (s *Server) IssueReferenceToken(clientID string, scopes []string) (string, error) {
	return s.main.issueReferenceToken(clientID, scopes)
}

// Close stops serving and removes the CA file.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		if s.main != nil {
			errs = append(errs, s.main.close())
		}
		if s.foreign != nil {
			errs = append(errs, s.foreign.close())
		}
		s.cleanup()
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

func (s *Server) cleanup() {
	if s.tmpDir != "" && os.RemoveAll(s.tmpDir) != nil {
		// Wine 8 lacks the delete call os.RemoveAll uses on Windows (Go 1.26); the
		// folder holds only the CA file, which plain deletes remove.
		os.Remove(s.caFile)
		os.Remove(s.tmpDir)
	}
}

// rootURL builds "scheme://host:port" for a listener, using 127.0.0.1 for an
// unspecified host.
func rootURL(addr net.Addr, tlsOn bool) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// logf writes one request-log line when a Logger is set.
func (in *instance) logf(format string, args ...any) {
	if in.cfg.Logger != nil {
		in.cfg.Logger.Printf(format, args...)
	}
}

var errClosed = errors.New("sandbox: closed")

func shutdown(srv *http.Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return srv.Close()
	}
	return nil
}

func splitScopes(s string) []string { return strings.Fields(s) }
