package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OData error "type" values, as ERP.net reports them.
const (
	typeServerException = "Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException"
	typeLicense         = "Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.LicenseException"
)

// CodeLicenseExhausted is the OData error code of the licence-exhaustion answer
// (HTTP 500).
const CodeLicenseExhausted = "MaximumLicenseCountExceeded"

// odataError writes {"error":{"code","message","type","info","messageFormat","parameters"}}.
func odataError(w http.ResponseWriter, status int, code, message, typ string) {
	if typ == "" {
		typ = typeServerException
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{
		"code":          code,
		"message":       message,
		"type":          typ,
		"info":          "",
		"messageFormat": message,
		"parameters":    []string{},
	}})
}

// principal is who an API request acts as.
type principal struct {
	clientID   string
	scopes     []string
	sessionKey string
	app        TrustedApp
}

// challenge401 answers 401 with a WWW-Authenticate header; an empty description
// means no token was sent (a bare `Bearer` challenge, RFC 6750 3.1).
func challenge401(w http.ResponseWriter, r *http.Request, description string) {
	if description == "" {
		w.Header().Set("WWW-Authenticate", "Bearer")
		logInfo(r).note = "no token"
		odataError(w, http.StatusUnauthorized, "Unauthorized", "Authentication is required: send Authorization: Bearer <access token>", "")
		return
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf("Bearer error=\"invalid_token\", error_description=%q", strings.ReplaceAll(description, `"`, `'`)))
	logInfo(r).note = "invalid_token"
	odataError(w, http.StatusUnauthorized, "Unauthorized", description, "")
}

// apiSite is one of the instance's token-protected sites: the audience its JWTs must
// carry and its name in messages.
type apiSite struct{ audience, name string }

var (
	domainAPI = apiSite{audience: "DomainAPI", name: "the Domain API"}
	tableAPI  = apiSite{audience: "TableAPI", name: "the Table API"}
)

// authenticate reads the token from Authorization: Bearer or an API-key header and
// validates it for the site. It writes the error answer itself and returns nil then.
func (in *instance) authenticate(w http.ResponseWriter, r *http.Request, site apiSite) *principal {
	authz := r.Header.Values("Authorization")
	keys := append(r.Header.Values("X-Api-Key"), r.Header.Values("Api-Key")...) // X-API-KEY is the same header
	if len(authz)+len(keys) > 1 {
		logInfo(r).note = "credentials sent twice"
		odataError(w, http.StatusBadRequest, "BadRequest",
			"Send the token once: either Authorization: Bearer or one X-Api-Key / Api-Key header, never both", "")
		return nil
	}
	var tok string
	viaKey := false
	switch {
	case len(keys) == 1:
		tok, viaKey = strings.TrimSpace(keys[0]), true
	case len(authz) == 1:
		scheme, rest, _ := strings.Cut(authz[0], " ")
		if !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", "Bearer")
			logInfo(r).note = "scheme=" + scheme
			odataError(w, http.StatusUnauthorized, "Unauthorized",
				fmt.Sprintf("The Authorization scheme %q is not accepted here: send Authorization: Bearer <access token>", scheme), "")
			return nil
		}
		tok = strings.TrimSpace(rest)
	}
	if tok == "" {
		challenge401(w, r, "")
		return nil
	}
	if strings.HasPrefix(tok, "enrt_") {
		return in.authenticateReference(w, r, tok)
	}
	if viaKey {
		challenge401(w, r, "The API key header accepts only reference tokens (enrt_...): send a JWT access token as Authorization: Bearer")
		return nil
	}
	vt, err := in.verifyJWT(tok, site)
	if err != nil {
		var rej *tokenRejection
		if errors.As(err, &rej) {
			challenge401(w, r, rej.description)
		} else {
			challenge401(w, r, "The token is invalid")
		}
		return nil
	}
	c := vt.claims
	l := logInfo(r)
	l.clientID = c.ClientID
	app, _ := in.app(c.ClientID)
	return &principal{clientID: c.ClientID, scopes: c.Scope, sessionKey: "jwt:" + c.Jti, app: app}
}

var refTokenRE = func(s string) bool {
	if len(s) != 5+64 {
		return false
	}
	_, err := hex.DecodeString(s[5:])
	return err == nil
}

func (in *instance) authenticateReference(w http.ResponseWriter, r *http.Request, tok string) *principal {
	if !refTokenRE(tok) {
		challenge401(w, r, "The reference token is malformed: expected enrt_ followed by 64 hex characters")
		return nil
	}
	in.mu.Lock()
	rt, ok := in.refTokens[tok]
	in.mu.Unlock()
	if !ok {
		challenge401(w, r, "The reference token is unknown or has been revoked")
		return nil
	}
	app, ok := in.app(rt.clientID)
	logInfo(r).clientID = rt.clientID
	if !ok || !app.IsEnabled || app.ReferenceTokens == "None" {
		challenge401(w, r, "The reference token's Trusted App is disabled or no longer allows reference tokens")
		return nil
	}
	sum := sha256.Sum256([]byte(tok))
	return &principal{clientID: rt.clientID, scopes: rt.scopes, sessionKey: "ref:" + hex.EncodeToString(sum[:8]), app: app}
}

// session is one API session holding a licence slot.
type session struct {
	clientID string
	created  time.Time
	lastUsed time.Time
	stamps   []time.Time // accepted requests in the last minute
	gate                 // SessionConcurrentRequests slots and the SessionQueue
}

// gate lets at most cap(run) requests run at once and queues the next ones; waiting
// counts those running or queued and is guarded by instance.mu. The caller refuses a
// request when waiting is at its limit (429), or passes it to instance.enter.
type gate struct {
	waiting int
	run     chan struct{} // one token per running request
}

// enter queues the request at g (in.mu is held, and released) and waits for a slot. A
// client that gives up while queued leaves the queue (ok false, nothing to answer); on
// success the caller must call the returned release when done.
func (in *instance) enter(g *gate, r *http.Request) (release func(), ok bool) {
	g.waiting++
	in.mu.Unlock()
	leave := func() {
		in.mu.Lock()
		g.waiting--
		in.mu.Unlock()
	}
	select {
	case g.run <- struct{}{}:
	case <-r.Context().Done():
		leave()
		logInfo(r).abandoned = true
		return nil, false
	}
	return func() { <-g.run; leave() }, true
}

func (s *session) expired(now time.Time) bool {
	return now.Sub(s.lastUsed) >= SessionIdle || now.Sub(s.created) >= SessionAbsolute
}

// openSessionLocked returns the principal's live session, opening one when a licence
// slot is free; in.mu is held. When every slot is taken it returns nil and the
// MaximumLicenseCountExceeded message. Both APIs share it: a token holds one session
// (one licence slot) whichever API it calls.
func (in *instance) openSessionLocked(p *principal, now time.Time) (*session, string) {
	for k, s := range in.sessions {
		if s.expired(now) && s.waiting == 0 {
			delete(in.sessions, k)
		}
	}
	s, exists := in.sessions[p.sessionKey]
	if exists && s.expired(now) {
		delete(in.sessions, p.sessionKey)
		exists = false
	}
	if !exists {
		total, mine := 0, 0
		for _, o := range in.sessions {
			total++
			if o.clientID == p.clientID {
				mine++
			}
		}
		limit, used, scope := in.cfg.LicenseSlots, total, "this instance's"
		if p.app.LicenseSlots != nil && mine >= *p.app.LicenseSlots {
			limit, used, scope = *p.app.LicenseSlots, mine, "this Trusted App's"
		}
		if used >= limit {
			return nil, fmt.Sprintf("MaximumLicenseCountExceeded: all %d of %s licence slots are in use by other sessions. A session frees its slot after %d minutes idle or %d minutes after it started.",
				limit, scope, int(SessionIdle/time.Minute), int(SessionAbsolute/time.Minute))
		}
		s = &session{clientID: p.clientID, created: now, lastUsed: now, gate: gate{run: make(chan struct{}, SessionConcurrentRequests)}}
		in.sessions[p.sessionKey] = s
	}
	return s, ""
}

// licenceExhausted answers MaximumLicenseCountExceeded: HTTP 500 with an OData error
// (the default), or 503 with Retry-After: the seconds until the first session frees
// its slot (Config.LicenseExhaustedStatus). in.mu is not held.
func (in *instance) licenceExhausted(w http.ResponseWriter, r *http.Request, msg string, retryAfter int) {
	logInfo(r).note = CodeLicenseExhausted
	if in.cfg.LicenseExhaustedStatus == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(max(retryAfter, 1)))
	}
	odataError(w, in.cfg.LicenseExhaustedStatus, CodeLicenseExhausted, msg, typeLicense)
}

// firstSlotFreeLocked is the seconds until the first live session closes (20
// minutes after its last request, or an hour after it opened); in.mu is held.
func (in *instance) firstSlotFreeLocked(now time.Time) int {
	soonest := time.Duration(-1)
	for _, s := range in.sessions {
		end := s.lastUsed.Add(SessionIdle)
		if abs := s.created.Add(SessionAbsolute); abs.Before(end) {
			end = abs
		}
		if d := end.Sub(now); soonest < 0 || d < soonest {
			soonest = d
		}
	}
	if soonest < 0 {
		return 1
	}
	return int(math.Ceil(soonest.Seconds()))
}

// lockSession takes in.mu and returns the principal's session (opened or reused) with
// the lock still held; when no licence slot is free it unlocks, answers
// MaximumLicenseCountExceeded and returns nil.
func (in *instance) lockSession(w http.ResponseWriter, r *http.Request, p *principal, now time.Time) *session {
	in.mu.Lock()
	s, msg := in.openSessionLocked(p, now)
	if s == nil {
		wait := in.firstSlotFreeLocked(now)
		in.mu.Unlock()
		in.licenceExhausted(w, r, msg, wait)
	}
	return s
}

// admit opens or reuses the principal's session, enforcing licence slots and the
// Domain API's rate limits. On success the caller must call the returned release when
// done.
func (in *instance) admit(w http.ResponseWriter, r *http.Request, p *principal) (release func(), ok bool) {
	now := in.now()
	s := in.lockSession(w, r, p, now)
	if s == nil {
		return nil, false
	}
	rpm := p.app.SessionRPM
	if rpm == 0 {
		rpm = DefaultSessionRPM
	}
	keep := s.stamps[:0]
	for _, t := range s.stamps {
		if now.Sub(t) < time.Minute {
			keep = append(keep, t)
		}
	}
	s.stamps = keep
	if len(s.stamps) >= rpm {
		wait := int(math.Ceil(s.stamps[0].Add(time.Minute).Sub(now).Seconds()))
		in.mu.Unlock()
		in.tooMany(w, r, max(wait, 1), fmt.Sprintf("Too many requests: this session is limited to %d requests per minute (SessionRpm). Retry after %d seconds.", rpm, max(wait, 1)))
		return nil, false
	}
	if s.waiting >= SessionConcurrentRequests+SessionQueue {
		in.mu.Unlock()
		in.tooMany(w, r, 1, fmt.Sprintf("Too many requests: this session already has %d requests running or queued (SessionConcurrentRequests %d, queue %d).", s.waiting, SessionConcurrentRequests, SessionQueue))
		return nil, false
	}
	s.stamps = append(s.stamps, now)
	s.lastUsed = now
	return in.enter(&s.gate, r)
}

func (in *instance) tooMany(w http.ResponseWriter, r *http.Request, retryAfter int, msg string) {
	logInfo(r).note = "rate_limited"
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	odataError(w, http.StatusTooManyRequests, "TooManyRequests", msg, "")
}

// requireScope answers 403 when the method needs a scope the token lacks: writes need
// update; reads need read or update.
func requireScope(w http.ResponseWriter, r *http.Request, p *principal) bool {
	write := r.Method == http.MethodPost || r.Method == http.MethodPatch || r.Method == http.MethodPut || r.Method == http.MethodDelete
	switch {
	case write && !contains(p.scopes, "update"):
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="update"`)
		logInfo(r).note = "forbidden: no update scope"
		odataError(w, http.StatusForbidden, "Forbidden",
			fmt.Sprintf("The access token does not have the 'update' scope required for %s. Granted scopes: %s. Add update to the Trusted App's Scope field and request it.", r.Method, scopeList(p.scopes)), "")
		return false
	case !write && !contains(p.scopes, "read") && !contains(p.scopes, "update"):
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="read"`)
		logInfo(r).note = "forbidden: no read scope"
		odataError(w, http.StatusForbidden, "Forbidden",
			fmt.Sprintf("The access token does not have the 'read' scope required to read data. Granted scopes: %s.", scopeList(p.scopes)), "")
		return false
	}
	return true
}

func scopeList(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, " ")
}

// handleAPI serves every authenticated /api/ path.
func (in *instance) handleAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	model := path == "/api/domain/currentmodel" || strings.HasPrefix(path, "/api/domain/currentmodel/")
	known := model || strings.HasPrefix(path, "/api/domain/odata/") || path == "/api/domain/odata"
	if !known {
		odataError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No resource at %s: the OData root is %s/api/domain/odata/", path, in.root), "")
		return
	}
	p := in.authenticate(w, r, domainAPI)
	if p == nil {
		return
	}
	release, ok := in.admit(w, r, p)
	if !ok {
		return
	}
	defer release()
	if !requireScope(w, r, p) {
		return
	}
	if model {
		in.serveModel(w, r, strings.TrimPrefix(strings.TrimPrefix(path, "/api/domain/currentmodel"), "/"))
		return
	}
	in.handleOData(w, r, strings.TrimPrefix(strings.TrimPrefix(path, "/api/domain/odata"), "/"))
}

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	odataError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "This resource accepts only "+allow, "")
}

func (in *instance) handleVer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, in.cfg.Version)
}

func (in *instance) hostName() string {
	u, _ := url.Parse(in.root)
	h, _, _ := net.SplitHostPort(u.Host)
	return h
}

// handleServerInfo answers /tools/server-info in the documented shape: the version,
// the download links and internalApi (the sandbox serves no downloads).
func (in *instance) handleServerInfo(w http.ResponseWriter, r *http.Request) {
	dl := in.root + "/sys/downloads/"
	writeJSON(w, http.StatusOK, map[string]any{
		"version": in.cfg.Version,
		"downloads": map[string]string{
			"whatsNew":    dl + "ErpNet_Whats_New.txt",
			"winClient":   dl + "ErpNet.WinClient.Setup.x86.msi",
			"posClient":   dl + "EnterpriseOne.Pos.Setup.x86.msi",
			"winClient64": dl + "ErpNet.WinClient.Setup.x64.msi",
			"posClient64": dl + "EnterpriseOne.Pos.Setup.x64.msi",
		},
		"internalApi": map[string]any{"useHttpCompression": true},
	})
}

func (in *instance) handleAutoDiscovery(w http.ResponseWriter, r *http.Request) {
	// System is true only for system sites such as the Identity site; the Domain API's
	// Url is {root}/api and its ODataServiceRoot {root}/api/domain/odata/ (the
	// documented example); only DomainAPI carries an ODataServiceRoot.
	site := func(typ, u string, system bool, props map[string]string) map[string]any {
		if props == nil {
			props = map[string]string{}
		}
		return map[string]any{"Type": typ, "Status": "Working", "StatusDescription": "", "Url": u, "System": system, "AdditionalProperties": props}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"Host":   in.hostName(),
		"DbName": in.cfg.Database,
		"WebSites": []any{
			site("ID", in.issuer, true, nil),
			site("DomainAPI", in.root+"/api", false, map[string]string{"ODataServiceRoot": in.odataRoot()}),
			// The Table API's Url is the site root: clients call {Url}/tableapi/odata/{Table}.
			site("TableAPI", in.tableSiteRoot(), false, nil),
		},
	})
}

// handleSHA256 is the documented /tools/sha256?secret=X helper. The query is never
// logged.
func (in *instance) handleSHA256(w http.ResponseWriter, r *http.Request) {
	secret := r.URL.Query().Get("secret")
	if secret == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Missing secret: call ?secret=X (better: hash locally, a URL is logged by proxies)"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"sha256": HashSecret(secret)})
}

// handleStandardModel answers /api/domain/standardmodel[/{entitySet}], which allow
// anonymous access.
func (in *instance) handleStandardModel(w http.ResponseWriter, r *http.Request) {
	in.serveModel(w, r, strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/domain/standardmodel"), "/"))
}

func (in *instance) handleRoot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, `ERP.net sandbox (trustedapp-tester) %s, database %q

Identity:  %s/.well-known/openid-configuration
Token:     POST %s/connect/token
Tools:     %s/tools/ver  %s/tools/auto-discovery  %s/tools/server-info
Domain API %s/api/domain/odata/  (Crm_Sales_Customers, General_Products_Products, Systems_Security_TrustedApplications)
Table API  %s  (%s; GET only, %d concurrent requests and a queue of %d)
`, in.cfg.Version, in.cfg.Database, in.issuer, in.issuer, in.root, in.root, in.root, in.root,
		in.tableRoot(), strings.Join(tableNames, ", "), TableAPIConcurrentRequests, TableAPIQueue)
}
