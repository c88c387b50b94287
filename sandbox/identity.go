package sandbox

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Audiences every token carries, followed by "{issuer}/resources" (the decoded real
// example in erpnet-reference.md section 3).
var baseAudiences = []string{"DomainAPI", "TableAPI", "OLAP", "AppServer"}

// userOnlyScopes are never granted to a service app and need no Scope entry.
var userOnlyScopes = []string{"openid", "profile", "offline_access"}

// Typical token-error messages (erpnet-reference.md section 5).
const (
	msgInvalidClient      = "Invalid client_id or client_secret"
	msgUnauthorizedClient = "The client is not authorized to use this grant type"
	msgInvalidGrant       = "Client credentials are invalid or missing"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, "sandbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (in *instance) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	id := in.issuer
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                id,
		"jwks_uri":                              id + "/.well-known/openid-configuration/jwks",
		"authorization_endpoint":                id + "/connect/authorize",
		"token_endpoint":                        id + "/connect/token",
		"userinfo_endpoint":                     id + "/connect/userinfo",
		"end_session_endpoint":                  id + "/connect/endsession",
		"scopes_supported":                      []string{"openid", "profile", "offline_access", "read", "update"},
		"claims_supported":                      []string{"sub", "name", "client_id", "client_system_user", "client_system_user_type", "client_system_user_id", "client_db", "scope"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials", "refresh_token"},
		"response_types_supported":              []string{"code", "code id_token", "id_token", "id_token token", "code id_token token"},
		"response_modes_supported":              []string{"form_post", "query", "fragment"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"subject_types_supported":               []string{"public"},
		"code_challenge_methods_supported":      []string{"plain", "S256"},
	})
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (in *instance) handleJWKS(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET")
		http.Error(w, "use GET", http.StatusMethodNotAllowed)
		return
	}
	pub := in.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA",
		"use": "sig",
		"kid": in.kid,
		"alg": "RS256",
		"e":   b64url(big.NewInt(int64(pub.E)).Bytes()),
		"n":   b64url(pub.N.Bytes()),
	}}})
}

// tokenError is one OAuth error answer: HTTP 400 {"error","error_description"}.
type tokenError struct {
	code, description string
	reason            string // for the log only
}

func (e *tokenError) Error() string { return e.code + ": " + e.description }

func (in *instance) failToken(w http.ResponseWriter, r *http.Request, e *tokenError) {
	l := logInfo(r)
	l.note = "error=" + e.code
	if e.reason != "" {
		l.note += " reason=" + e.reason
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": e.code, "error_description": e.description})
}

// basicCredentials decodes an RFC 6749 2.3.1 Basic header: base64 of
// urlencoded(client_id) ":" urlencoded(client_secret).
func basicCredentials(h string) (id, secret string, present bool, err error) {
	if h == "" {
		return "", "", false, nil
	}
	scheme, rest, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", true, fmt.Errorf("the Authorization header uses the %q scheme: the token endpoint accepts only Basic client authentication (or the credentials as form fields)", scheme)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
	if err != nil {
		return "", "", true, errors.New("the Basic credentials are not valid base64: send base64(urlencode(client_id) \":\" urlencode(client_secret))")
	}
	u, p, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", true, errors.New("the Basic credentials have no ':' between client_id and client_secret")
	}
	if id, err = url.QueryUnescape(u); err != nil {
		return "", "", true, errors.New("the client_id in the Basic credentials is not valid form-urlencoding (RFC 6749 2.3.1)")
	}
	if secret, err = url.QueryUnescape(p); err != nil {
		return "", "", true, errors.New("the client_secret in the Basic credentials is not valid form-urlencoding (RFC 6749 2.3.1): encode %, + and : before base64")
	}
	return id, secret, true, nil
}

// handleToken is POST /id/connect/token, client credentials only.
func (in *instance) handleToken(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || ct != "application/x-www-form-urlencoded" {
		in.failToken(w, r, &tokenError{ErrInvalidRequest,
			"Invalid HTTP request for token endpoint: use POST with Content-Type application/x-www-form-urlencoded", "method_or_content_type"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		in.failToken(w, r, &tokenError{ErrInvalidRequest, "Invalid HTTP request for token endpoint: the form body cannot be read", "bad_form"})
		return
	}
	form := r.PostForm
	for _, k := range []string{"grant_type", "client_id", "client_secret", "scope"} {
		if len(form[k]) > 1 {
			in.failToken(w, r, &tokenError{ErrInvalidRequest, "Parameter " + k + " is repeated: send it once", "repeated_" + k})
			return
		}
	}
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	bid, bsecret, basic, err := basicCredentials(r.Header.Get("Authorization"))
	if err != nil {
		in.failToken(w, r, &tokenError{ErrInvalidRequest, err.Error(), "bad_basic"})
		return
	}
	method := "post"
	if basic {
		method = "basic"
		if form.Has("client_secret") || (form.Has("client_id") && clientID != bid) {
			in.failToken(w, r, &tokenError{ErrInvalidRequest,
				"Multiple client authentication methods used: send the credentials either in the Authorization: Basic header or as client_id/client_secret form fields, not both", "both_basic_and_body"})
			return
		}
		clientID, secret = bid, bsecret
	}
	l := logInfo(r)
	l.clientID = clientID
	if clientID == "" {
		in.failToken(w, r, &tokenError{in.cfg.MissingCredentialsError, "Missing client_id", "missing_client_id"})
		return
	}
	if secret == "" {
		in.failToken(w, r, &tokenError{in.cfg.MissingCredentialsError, "Missing client_secret", "missing_client_secret"})
		return
	}
	app, ok := in.app(clientID)
	switch {
	case !ok:
		in.failToken(w, r, &tokenError{ErrInvalidClient, msgInvalidClient, "unknown_client"})
		return
	case !app.IsEnabled:
		in.failToken(w, r, &tokenError{in.cfg.DisabledAppError, disabledMessage(in.cfg.DisabledAppError), "disabled"})
		return
	case app.ClientType != "Confidential":
		in.failToken(w, r, &tokenError{ErrInvalidClient, msgInvalidClient, "client_type_" + strings.ToLower(app.ClientType)})
		return
	case app.ApplicationSecretHash == "" ||
		subtle.ConstantTimeCompare([]byte(HashSecret(secret)), []byte(app.ApplicationSecretHash)) != 1:
		in.failToken(w, r, &tokenError{ErrInvalidClient, msgInvalidClient, "wrong_secret"})
		return
	}
	switch gt := form.Get("grant_type"); gt {
	case "client_credentials":
	case "":
		in.failToken(w, r, &tokenError{"unsupported_grant_type", "Missing grant_type: send grant_type=client_credentials", "missing_grant_type"})
		return
	case "authorization_code", "refresh_token":
		in.failToken(w, r, &tokenError{"invalid_grant", msgInvalidGrant + " (grant_type " + gt + " needs a user; a service app uses grant_type=client_credentials)", "grant_" + gt})
		return
	default:
		in.failToken(w, r, &tokenError{"unsupported_grant_type", "Unsupported grant type: " + gt, "grant_other"})
		return
	}
	switch {
	case !app.SystemUserAllowed:
		in.failToken(w, r, &tokenError{ErrUnauthorizedClient, msgUnauthorizedClient, "system_user_not_allowed"})
		return
	case app.SystemUser == nil:
		in.failToken(w, r, &tokenError{ErrUnauthorizedClient, msgUnauthorizedClient, "no_system_user"})
		return
	case !app.SystemUser.Active:
		in.failToken(w, r, &tokenError{ErrUnauthorizedClient, msgUnauthorizedClient, "system_user_inactive"})
		return
	}
	granted, bad := grantScopes(app.Scope, form.Get("scope"), form.Has("scope"), in.cfg.SignInScopes == SignInScopesRefuse)
	if bad != "" {
		in.failToken(w, r, &tokenError{"invalid_scope", "Invalid scope: " + bad, "scope_not_allowed"})
		return
	}
	if app.TokenDelay > 0 {
		t := time.NewTimer(app.TokenDelay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			l.note = "client went away during the token delay"
			l.abandoned = true
			return
		}
	}
	lifetime := app.TokenLifetime
	if lifetime == 0 {
		lifetime = in.cfg.TokenLifetime
	}
	tok, jti, err := in.signToken(app, granted, lifetime)
	if err != nil {
		http.Error(w, "sandbox: cannot sign the token", http.StatusInternalServerError)
		return
	}
	l.note = "jti=" + jti + " auth=" + method + " scope=" + strings.Join(granted, ",")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"expires_in":   int64(lifetime / time.Second),
		"token_type":   "Bearer",
		"scope":        strings.Join(granted, " "),
	})
}

func disabledMessage(code string) string {
	if code == ErrUnauthorizedClient {
		return msgUnauthorizedClient
	}
	return msgInvalidClient
}

// grantScopes applies the documented scope rules: no scope parameter (or an empty
// one) grants the whole Scope field; openid/profile/offline_access are dropped, or,
// with refuseSignIn, returned as bad; any other scope must be in the field
// (case-sensitive) or the first such is returned as bad. Duplicates are removed; the
// order is the request's (or the field's).
func grantScopes(field, requested string, present, refuseSignIn bool) (granted []string, bad string) {
	allowed := splitScopes(field)
	req := splitScopes(requested)
	if !present || len(req) == 0 {
		req = allowed
	}
	granted = []string{}
	for _, s := range req {
		switch {
		case contains(userOnlyScopes, s) && refuseSignIn:
			return nil, s
		case contains(userOnlyScopes, s):
		case !contains(allowed, s):
			return nil, s
		case !contains(granted, s):
			granted = append(granted, s)
		}
	}
	return granted, ""
}

// jwtClaims is the exact claim set of an ERP.net client-credentials token, in the
// order of the documented example.
type jwtClaims struct {
	Nbf                  int64    `json:"nbf"`
	Exp                  int64    `json:"exp"`
	Iss                  string   `json:"iss"`
	Aud                  []string `json:"aud"`
	ClientID             string   `json:"client_id"`
	ClientSystemUser     string   `json:"client_system_user"`
	ClientSystemUserType string   `json:"client_system_user_type"`
	ClientSystemUserID   string   `json:"client_system_user_id,omitempty"`
	ClientDB             string   `json:"client_db"`
	Jti                  string   `json:"jti"`
	Iat                  int64    `json:"iat"`
	Scope                []string `json:"scope"`
}

type jwtHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

func (in *instance) signToken(app TrustedApp, scopes []string, lifetime time.Duration) (token, jti string, err error) {
	now := in.now().Unix()
	j := make([]byte, 16)
	if _, err := rand.Read(j); err != nil {
		return "", "", err
	}
	jti = strings.ToUpper(hex.EncodeToString(j))
	c := jwtClaims{
		Nbf:                  now,
		Exp:                  now + int64(lifetime/time.Second),
		Iss:                  in.issuer,
		Aud:                  append(append([]string(nil), baseAudiences...), in.issuer+"/resources"),
		ClientID:             app.ApplicationURI,
		ClientSystemUser:     app.SystemUser.Login,
		ClientSystemUserType: app.SystemUser.Type,
		ClientSystemUserID:   app.SystemUser.ID,
		ClientDB:             in.cfg.Database,
		Jti:                  jti,
		Iat:                  now,
		Scope:                scopes,
	}
	token, err = signJWT(in.key, jwtHeader{Alg: "RS256", Kid: in.kid, Typ: "at+jwt"}, c)
	return token, jti, err
}

func signJWT(key *rsa.PrivateKey, h jwtHeader, claims any) (string, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64url(hb) + "." + b64url(cb)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64url(sig), nil
}

// verifiedToken is what API requests learn from a valid access token.
type verifiedToken struct {
	claims jwtClaims
}

// tokenRejection is a 401 cause: the error_description of the WWW-Authenticate header.
type tokenRejection struct{ description string }

func (e *tokenRejection) Error() string { return e.description }

func reject(format string, args ...any) error {
	return &tokenRejection{fmt.Sprintf(format, args...)}
}

// verifyJWT checks a bearer JWT: shape, algorithm, issuer (before the signature, so
// another instance's token is named as such), key id, signature, lifetime (no skew)
// and the site's audience. Error messages follow ASP.NET's JwtBearer wording.
func (in *instance) verifyJWT(tok string, site apiSite) (*verifiedToken, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, reject("The token is malformed: expected a JWT (three base64url parts) or an enrt_ reference token")
	}
	var h jwtHeader
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return nil, reject("The token is malformed: the JWT header does not decode")
	}
	cb, err := base64.RawURLEncoding.DecodeString(parts[1])
	var raw map[string]json.RawMessage
	if err != nil || json.Unmarshal(cb, &raw) != nil {
		return nil, reject("The token is malformed: the JWT payload does not decode")
	}
	var c jwtClaims
	// Decode field by field so an odd aud (a single string) is not a malformed token.
	json.Unmarshal(raw["iss"], &c.Iss)
	json.Unmarshal(raw["exp"], &c.Exp)
	json.Unmarshal(raw["nbf"], &c.Nbf)
	json.Unmarshal(raw["iat"], &c.Iat)
	json.Unmarshal(raw["jti"], &c.Jti)
	json.Unmarshal(raw["client_id"], &c.ClientID)
	json.Unmarshal(raw["client_system_user"], &c.ClientSystemUser)
	json.Unmarshal(raw["client_system_user_type"], &c.ClientSystemUserType)
	json.Unmarshal(raw["client_system_user_id"], &c.ClientSystemUserID)
	json.Unmarshal(raw["client_db"], &c.ClientDB)
	c.Aud = stringOrArray(raw["aud"])
	c.Scope = stringOrArray(raw["scope"])
	if h.Alg != "RS256" {
		return nil, reject("The token's algorithm %q is not allowed: this instance signs with RS256", h.Alg)
	}
	if c.Iss != in.issuer {
		return nil, reject("The issuer '%s' is invalid: this instance only accepts tokens issued by '%s' (a token from another instance)", c.Iss, in.issuer)
	}
	if h.Kid != in.kid {
		return nil, reject("The signature key was not found: kid '%s' is not in this instance's JWKS", h.Kid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err != nil || rsa.VerifyPKCS1v15(&in.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, reject("The signature is invalid: the token was altered or signed with another key")
	}
	now := in.now().Unix()
	if c.Exp == 0 {
		return nil, reject("The token has no expiration time (exp)")
	}
	if now >= c.Exp {
		return nil, reject("The token expired at '%s'", time.Unix(c.Exp, 0).UTC().Format(time.RFC3339))
	}
	if c.Nbf != 0 && now < c.Nbf {
		return nil, reject("The token is not valid before '%s'", time.Unix(c.Nbf, 0).UTC().Format(time.RFC3339))
	}
	if !contains(c.Aud, site.audience) {
		return nil, reject("The audience '%s' is invalid: %s needs '%s'", strings.Join(c.Aud, ", "), site.name, site.audience)
	}
	return &verifiedToken{claims: c}, nil
}

func stringOrArray(m json.RawMessage) []string {
	var one string
	if json.Unmarshal(m, &one) == nil {
		return splitScopes(one)
	}
	var many []string
	json.Unmarshal(m, &many)
	return many
}
