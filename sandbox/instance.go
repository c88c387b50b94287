package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// instance is one emulated ERP.net instance: its own listener, issuer, signing key,
// Trusted App records, sessions, reference tokens and data.
type instance struct {
	cfg    Config
	name   string
	ln     net.Listener
	srv    *http.Server
	root   string // scheme://host:port
	issuer string // root + "/id"
	key    *rsa.PrivateKey
	kid    string

	mu        sync.Mutex
	apps      map[string]*TrustedApp
	appOrder  []string
	appIDs    map[string]string // client_id -> stable GUID of the record
	refTokens map[string]refToken
	sessions  map[string]*session
	sets      map[string]*entitySet
	tables    map[string]*entitySet // Table API tables: read-only, never change after start
	// table is the Table API's TableAPIConcurrentRequests slots and TableAPIQueue.
	// tableHold, when set (tests only), runs while a request holds its slot; it is
	// guarded by mu.
	table     gate
	tableHold func(*http.Request)
	// tableSite is the Table API's own site (Config.TableAPIAddr), nil when the
	// instance root serves it (tablesite.go).
	tableSite *tableSite
	skipKey   []byte
	done      chan struct{}
}

type refToken struct {
	clientID string
	scopes   []string
}

func newInstance(cfg Config, addr string, tlsCfg *tls.Config, name string) (*instance, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("sandbox: cannot generate the signing key: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: cannot listen on %s: %w (use --addr 127.0.0.1:0 for a free port)", addr, err)
	}
	in := &instance{
		cfg:       cfg,
		name:      name,
		key:       key,
		kid:       keyID(&key.PublicKey),
		apps:      map[string]*TrustedApp{},
		appIDs:    map[string]string{},
		refTokens: map[string]refToken{},
		sessions:  map[string]*session{},
		sets:      seedData(),
		tables:    seedTables(),
		table:     gate{run: make(chan struct{}, TableAPIConcurrentRequests)},
		skipKey:   make([]byte, 16),
		done:      make(chan struct{}),
	}
	rand.Read(in.skipKey)
	in.root = rootURL(ln.Addr(), tlsCfg != nil)
	in.issuer = in.root + "/id"
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	in.ln = ln
	in.srv = &http.Server{
		Handler:           in.logged(in.routes()),
		ReadHeaderTimeout: 10 * time.Second,
		// Server-level errors (e.g. a client that does not trust the local CA) go to the
		// request log, or nowhere: never to the process's default logger.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	if cfg.Logger != nil {
		in.srv.ErrorLog = cfg.Logger
	}
	return in, nil
}

func (in *instance) serve() {
	if in.tableSite != nil {
		in.tableSite.serve()
	}
	go func() {
		defer close(in.done)
		in.srv.Serve(in.ln)
	}()
}

func (in *instance) close() error {
	if in.tableSite != nil {
		in.tableSite.close()
	}
	err := shutdown(in.srv)
	in.ln.Close()
	select {
	case <-in.done:
	default:
		// serve() was never called.
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// keyID is the first 16 bytes of SHA-256 of the modulus, upper-case hex: the
// 32-character shape of ERP.net's kid.
func keyID(pub *rsa.PublicKey) string {
	sum := sha256.Sum256(pub.N.Bytes())
	return strings.ToUpper(hex.EncodeToString(sum[:16]))
}

func (in *instance) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/id/.well-known/openid-configuration", in.handleDiscovery)
	mux.HandleFunc("/id/.well-known/openid-configuration/jwks", in.handleJWKS)
	mux.HandleFunc("/id/connect/token", in.handleToken)
	mux.HandleFunc("/tools/ver", in.handleVer)
	mux.HandleFunc("/tools/server-info", in.handleServerInfo)
	mux.HandleFunc("/tools/auto-discovery", in.handleAutoDiscovery)
	mux.HandleFunc("/sys/auto-discovery", in.handleAutoDiscovery)
	mux.HandleFunc("/tools/sha256", in.handleSHA256)
	mux.HandleFunc("/sys/tools/sha256", in.handleSHA256)
	mux.HandleFunc("/api/domain/standardmodel", in.handleStandardModel)
	mux.HandleFunc("/api/domain/standardmodel/", in.handleStandardModel)
	mux.HandleFunc("/api/", in.handleAPI)
	mux.HandleFunc("/tableapi/", in.handleTableAPIHere)
	mux.HandleFunc("/{$}", in.handleRoot)
	return mux
}

// reqLog collects what the request log line needs; handlers fill it in.
type reqLog struct {
	clientID string
	note     string
	// abandoned marks a request whose client went away before the answer was ready:
	// it gets no response at all (returning without writing would send 200 with an
	// empty body, which a client racing its own timeout can still read).
	abandoned bool
}

type reqLogKey struct{}

func logInfo(r *http.Request) *reqLog {
	if l, ok := r.Context().Value(reqLogKey{}).(*reqLog); ok {
		return l
	}
	return &reqLog{}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// logged writes one line per request: instance, method, path (never the query, which
// may hold a secret for /tools/sha256), status, client_id and a short note (an error
// code or the token's jti, never a secret or a whole token).
func (in *instance) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := &reqLog{}
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqLogKey{}, l)))
		status := fmt.Sprint(sw.status)
		switch {
		case l.abandoned && sw.status == 0:
			status = "-"
		case sw.status == 0:
			status = "200"
		}
		line := fmt.Sprintf("%s %s %s %s", in.name, r.Method, r.URL.Path, status)
		if l.clientID != "" {
			line += " client_id=" + l.clientID
		}
		if l.note != "" {
			line += " " + l.note
		}
		in.logf("%s", line)
		if l.abandoned && sw.status == 0 {
			panic(http.ErrAbortHandler) // reset the stream or close the connection: no response
		}
	})
}

var (
	guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// userTypes are the documented Systems_Security_Users.UserType values.
	userTypes = []string{"InternalUser", "ExternalCommunityUser", "VirtualUserNoLogin", "SystemUserNoLogin",
		"ApplicationUserNoLogin", "InvitationInternalNoLogin", "InvitationExternalNoLogin"}
)

// validateApp checks a Trusted App record and fills defaults; errors name the field
// and the fix.
func validateApp(a TrustedApp) (TrustedApp, error) {
	uri := strings.TrimSpace(a.ApplicationURI)
	if uri == "" {
		return a, fmt.Errorf("sandbox: Trusted App %q: ApplicationURI is required (it is the client_id, e.g. com.vendor/app)", a.Name)
	}
	if uri != a.ApplicationURI || strings.ContainsAny(uri, " \t\r\n") || len(uri) > 254 {
		return a, fmt.Errorf("sandbox: Trusted App %q: ApplicationURI must be at most 254 characters without spaces, e.g. com.vendor/app", a.ApplicationURI)
	}
	if a.Name == "" {
		a.Name = a.ApplicationURI
	}
	switch a.ClientType {
	case "":
		a.ClientType = "Confidential"
	case "Confidential", "Public", "None":
	default:
		return a, fmt.Errorf("sandbox: Trusted App %s: ClientType %q is not valid: use Confidential, Public or None", uri, a.ClientType)
	}
	if a.ApplicationSecretHash != "" {
		b, err := base64.StdEncoding.DecodeString(a.ApplicationSecretHash)
		if err != nil || len(b) != sha256.Size {
			return a, fmt.Errorf("sandbox: Trusted App %s: ApplicationSecretHash must be base64(SHA-256(secret)), 44 characters ending in '=' (e.g. %s for the secret DEMO)", uri, HashSecret("DEMO"))
		}
	}
	switch a.ReferenceTokens {
	case "":
		a.ReferenceTokens = "None"
	case "None", "AuthenticatedUsers", "AdministratorsOnly":
	default:
		return a, fmt.Errorf("sandbox: Trusted App %s: ReferenceTokens %q is not valid: use None, AuthenticatedUsers or AdministratorsOnly", uri, a.ReferenceTokens)
	}
	if u := a.SystemUser; u != nil {
		cp := *u
		if strings.TrimSpace(cp.Login) == "" {
			return a, fmt.Errorf("sandbox: Trusted App %s: SystemUser.Login is required (or leave SystemUser out for none)", uri)
		}
		if cp.Type == "" {
			cp.Type = "InternalUser"
		}
		known := false
		for _, t := range userTypes {
			known = known || t == cp.Type
		}
		if !known {
			return a, fmt.Errorf("sandbox: Trusted App %s: SystemUser.Type %q is not valid: use one of %s", uri, cp.Type, strings.Join(userTypes, ", "))
		}
		if cp.ID != "" && !guidRE.MatchString(cp.ID) {
			return a, fmt.Errorf("sandbox: Trusted App %s: SystemUser.ID %q is not a GUID (e.g. 3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c)", uri, cp.ID)
		}
		a.SystemUser = &cp
	}
	if a.TokenLifetime < 0 || (a.TokenLifetime > 0 && a.TokenLifetime < time.Second) {
		return a, fmt.Errorf("sandbox: Trusted App %s: TokenLifetime %v must be 0 (the instance default) or at least 1s", uri, a.TokenLifetime)
	}
	if a.TokenDelay < 0 {
		return a, fmt.Errorf("sandbox: Trusted App %s: TokenDelay %v must not be negative", uri, a.TokenDelay)
	}
	if a.LicenseSlots != nil {
		if *a.LicenseSlots < 0 {
			return a, fmt.Errorf("sandbox: Trusted App %s: LicenseSlots %d must not be negative", uri, *a.LicenseSlots)
		}
		n := *a.LicenseSlots
		a.LicenseSlots = &n
	}
	if a.SessionRPM < 0 {
		return a, fmt.Errorf("sandbox: Trusted App %s: SessionRPM %d must not be negative (0 = %d)", uri, a.SessionRPM, DefaultSessionRPM)
	}
	return a, nil
}

func (in *instance) addApp(a TrustedApp) error {
	a, err := validateApp(a)
	if err != nil {
		return err
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if _, dup := in.apps[a.ApplicationURI]; dup {
		return fmt.Errorf("sandbox: Trusted App %s is already registered: ApplicationURI must be unique", a.ApplicationURI)
	}
	if a.CreationTimeUTC.IsZero() {
		a.CreationTimeUTC = in.now().UTC().Truncate(time.Second)
	}
	in.apps[a.ApplicationURI] = &a
	in.appOrder = append(in.appOrder, a.ApplicationURI)
	in.appIDs[a.ApplicationURI] = stableGUID("app:" + a.ApplicationURI)
	return nil
}

// app returns a copy of the record, or false.
func (in *instance) app(clientID string) (TrustedApp, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	a, ok := in.apps[clientID]
	if !ok {
		return TrustedApp{}, false
	}
	return *a, true
}

func (in *instance) issueReferenceToken(clientID string, scopes []string) (string, error) {
	a, ok := in.app(clientID)
	if !ok {
		return "", fmt.Errorf("sandbox: no Trusted App with ApplicationURI %q", clientID)
	}
	if a.ReferenceTokens == "None" {
		return "", fmt.Errorf("sandbox: Trusted App %s does not allow reference tokens: set ReferenceTokens to AdministratorsOnly or AuthenticatedUsers", clientID)
	}
	if a.SystemUser == nil || !a.SystemUserAllowed {
		return "", fmt.Errorf("sandbox: Trusted App %s needs SystemUserAllowed and a System User for reference tokens", clientID)
	}
	allowed := splitScopes(a.Scope)
	for _, sc := range scopes {
		if !contains(allowed, sc) {
			return "", fmt.Errorf("sandbox: scope %q is not in Trusted App %s's Scope field %q", sc, clientID, a.Scope)
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := "enrt_" + hex.EncodeToString(b)
	in.mu.Lock()
	in.refTokens[tok] = refToken{clientID: clientID, scopes: append([]string(nil), scopes...)}
	in.mu.Unlock()
	return tok, nil
}

// stableGUID derives a deterministic GUID-shaped id from a seed.
func stableGUID(seed string) string {
	s := sha256.Sum256([]byte(seed))
	h := hex.EncodeToString(s[:16])
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (in *instance) now() time.Time { return in.cfg.Now() }
