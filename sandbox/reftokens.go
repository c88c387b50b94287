package sandbox

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Reference access tokens (PAT and SAT), as dev auth/tokens/reference-access-tokens.md
// and issuing-reference-tokens.md describe them:
//
//   - "enrt_" and 64 hex digits, issued by hand, bound to one instance, with an
//     expiration time, revocable at once, their last use recorded
//     (Systems_Security_AccessTokens: ExpireTimestamp, LastUsedTimestamp);
//   - a PAT is made by a user in the Profile site (Security → Tokens) and acts as that
//     user; the Trusted App's ReferenceTokens (the dev docs' AccessTokens) must be
//     AuthenticatedUsers, or AdministratorsOnly for an administrator;
//   - a SAT is made by an administrator in Instance Manager and acts as the Trusted
//     App's System User; the app needs SystemUserAllowed, a valid System User and
//     AdministratorsOnly (reference-access-tokens.md and the migration page; the issuing
//     page lets an administrator make SATs under AuthenticatedUsers too, the sandbox
//     follows the two pages that agree);
//   - the scopes are chosen when the token is made, from the app's Scope field.
//
// GUESSES (the docs are silent): the 401 messages for an expired, revoked or unknown
// token and for an app that no longer allows reference tokens; AccessTokenKey (the
// sandbox stores a value derived from the token that says nothing of it); a SAT's
// Actor is its System User's login; every token that may read may read
// Systems_Security_AccessTokens, all of its rows; /profile/me refuses a SAT or a
// client-credentials token with 403 (the docs say only that they "cannot be used"
// there) and opens no session.

// DefaultReferenceTokenLifetime is how long a reference token made without an
// expiration time lives in the sandbox (ERP.net asks for one when a token is made).
const DefaultReferenceTokenLifetime = 90 * 24 * time.Hour

// Reference token types (Systems_Security_AccessTokens.Type is "reference_token" for
// both; the docs tell them apart by who made them and whom they act as).
const (
	PAT = "PAT"
	SAT = "SAT"
)

// ReferenceToken is a request for a reference token, as the Profile site (a PAT) or
// Instance Manager (a SAT) takes it.
type ReferenceToken struct {
	Type     string   // PAT or SAT
	ClientID string   // the Trusted App's ApplicationUri
	Scopes   []string // each must be in the app's Scope field
	// User is the login of the user who makes a PAT (it acts as them): a user of
	// Config.Users or the built-in ones. Unused for a SAT.
	User string
	// Expires is the expiration time; zero means DefaultReferenceTokenLifetime from
	// now. A time in the past makes a token that has already expired (for demos).
	Expires     time.Time
	Description string
}

// refToken is an issued reference token.
type refToken struct {
	id, key     string // the record's Id and AccessTokenKey
	typ         string // PAT or SAT
	clientID    string
	scopes      []string
	user        string // a PAT's maker; "" for a SAT
	description string
	created     time.Time
	expires     time.Time
	lastUsed    time.Time // zero: never used
	revoked     bool
}

// IssueToken makes a reference token as the docs describe (see ReferenceToken).
func (s *Server) IssueToken(rt ReferenceToken) (string, error) { return s.main.issueToken(rt) }

// IssueReferenceToken makes a SAT for the app with the given scopes, living
// DefaultReferenceTokenLifetime, as an administrator does in Instance Manager: it acts
// as the app's System User. The app's ReferenceTokens must be AdministratorsOnly, and
// it needs SystemUserAllowed and a System User.
func (s *Server) IssueReferenceToken(clientID string, scopes []string) (string, error) {
	return s.main.issueToken(ReferenceToken{Type: SAT, ClientID: clientID, Scopes: scopes})
}

// RevokeReferenceToken revokes tok at once, as the Profile site or Instance Manager
// does; false when the instance never issued it.
func (s *Server) RevokeReferenceToken(tok string) bool {
	s.main.mu.Lock()
	defer s.main.mu.Unlock()
	rt, ok := s.main.refTokens[tok]
	if ok {
		rt.revoked = true
	}
	return ok
}

func (in *instance) issueToken(req ReferenceToken) (string, error) {
	a, ok := in.app(req.ClientID)
	if !ok {
		return "", fmt.Errorf("sandbox: no Trusted App with ApplicationURI %q", req.ClientID)
	}
	if a.ReferenceTokens == "None" {
		return "", fmt.Errorf("sandbox: Trusted App %s does not allow reference tokens: set ReferenceTokens to AdministratorsOnly or AuthenticatedUsers", req.ClientID)
	}
	switch req.Type {
	case SAT:
		if a.ReferenceTokens != "AdministratorsOnly" {
			return "", fmt.Errorf("sandbox: a SAT needs ReferenceTokens AdministratorsOnly on Trusted App %s (it is %s)", req.ClientID, a.ReferenceTokens)
		}
		if a.SystemUser == nil || !a.SystemUserAllowed {
			return "", fmt.Errorf("sandbox: Trusted App %s needs SystemUserAllowed and a System User for a SAT", req.ClientID)
		}
	case PAT:
		u, ok := in.user(req.User)
		switch {
		case !ok:
			return "", fmt.Errorf("sandbox: no user %q to make the PAT", req.User)
		case !u.Active:
			return "", fmt.Errorf("sandbox: user %s is not active and cannot make a PAT", u.Login)
		case a.ReferenceTokens == "AdministratorsOnly" && !u.IsAdmin:
			return "", fmt.Errorf("sandbox: Trusted App %s has ReferenceTokens AdministratorsOnly: only an administrator makes a PAT for it, and %s is none", req.ClientID, u.Login)
		}
	default:
		return "", fmt.Errorf("sandbox: reference token type %q: use PAT or SAT", req.Type)
	}
	allowed := splitScopes(a.Scope)
	for _, sc := range req.Scopes {
		if !contains(allowed, sc) {
			return "", fmt.Errorf("sandbox: scope %q is not in Trusted App %s's Scope field %q", sc, req.ClientID, a.Scope)
		}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := "enrt_" + strings.ToUpper(hex.EncodeToString(b))
	now := in.now().UTC().Truncate(time.Second)
	exp := req.Expires
	if exp.IsZero() {
		exp = now.Add(DefaultReferenceTokenLifetime)
	}
	sum := sha256.Sum256([]byte("access-token-key:" + tok))
	rt := &refToken{id: stableGUID("reftoken:" + tok), key: hex.EncodeToString(sum[:12]), typ: req.Type, clientID: req.ClientID,
		scopes: append([]string(nil), req.Scopes...), description: req.Description, created: now, expires: exp.UTC()}
	if req.Type == PAT {
		u, _ := in.user(req.User)
		rt.user = u.Login
	}
	in.mu.Lock()
	in.refTokens[tok] = rt
	in.mu.Unlock()
	return tok, nil
}

// refTokenShape reports whether s is "enrt_" and 64 hex digits (either case).
func refTokenShape(s string) bool {
	if len(s) != 5+64 || !strings.HasPrefix(s, "enrt_") {
		return false
	}
	_, err := hex.DecodeString(s[5:])
	return err == nil
}

// authenticateReference checks a reference token sent to an API and records its use.
func (in *instance) authenticateReference(w http.ResponseWriter, r *http.Request, tok string) *principal {
	if !refTokenShape(tok) {
		challenge401(w, r, "The reference token is malformed: expected enrt_ followed by 64 hex characters")
		return nil
	}
	now := in.now()
	in.mu.Lock()
	rt, ok := in.refTokens[tok]
	var cp refToken
	if ok {
		cp = *rt
	}
	in.mu.Unlock()
	switch {
	case !ok:
		challenge401(w, r, "The reference token is unknown on this instance")
		return nil
	case cp.revoked:
		challenge401(w, r, "The reference token has been revoked")
		return nil
	case !now.Before(cp.expires):
		challenge401(w, r, "The reference token expired at "+cp.expires.Format(time.RFC3339))
		return nil
	}
	app, ok := in.app(cp.clientID)
	logInfo(r).clientID = cp.clientID
	if !ok || !app.IsEnabled || app.ReferenceTokens == "None" {
		challenge401(w, r, "The reference token's Trusted App is disabled or no longer allows reference tokens")
		return nil
	}
	var who User
	if cp.typ == PAT {
		u, ok := in.user(cp.user)
		if !ok || !u.Active {
			challenge401(w, r, "The user who made the reference token is not active")
			return nil
		}
		who = u
	} else {
		if app.SystemUser == nil || !app.SystemUserAllowed || !app.SystemUser.Active {
			challenge401(w, r, "The reference token's Trusted App has no valid System User to act as")
			return nil
		}
		who = *app.SystemUser
	}
	in.mu.Lock()
	in.refTokens[tok].lastUsed = now.UTC().Truncate(time.Second)
	in.mu.Unlock()
	sum := sha256.Sum256([]byte(tok))
	return &principal{clientID: cp.clientID, scopes: cp.scopes, sessionKey: "ref:" + hex.EncodeToString(sum[:8]), app: app, user: &who, tokenType: cp.typ}
}

// accessTokensSet is the entity set of the grants the identity server keeps.
const accessTokensSet = "Systems_Security_AccessTokens"

// accessTokenRowsLocked are the reference tokens as Systems_Security_AccessTokens rows,
// oldest first; in.mu is held.
func (in *instance) accessTokenRowsLocked() []row {
	var list []*refToken
	for _, rt := range in.refTokens {
		if !rt.revoked {
			list = append(list, rt)
		}
	}
	sortRefTokens(list)
	var out []row
	for _, rt := range list {
		actor := rt.user
		var user any
		if rt.typ == SAT {
			if a := in.apps[rt.clientID]; a != nil && a.SystemUser != nil {
				actor = a.SystemUser.Login
			}
		}
		if u, ok := in.users[strings.ToLower(actor)]; ok {
			user = row{"Id": u.ID, "Login": u.Login}
		}
		var last any
		if !rt.lastUsed.IsZero() {
			last = rt.lastUsed.Format(time.RFC3339)
		}
		var app any
		if id, ok := in.appIDs[rt.clientID]; ok {
			app = row{"Id": id, "ApplicationUri": rt.clientID}
		}
		out = append(out, row{"Id": rt.id, "AccessTokenKey": rt.key, "Actor": actor, "Client": rt.clientID,
			"ConsumedTimestamp": nil, "CreationTimestamp": rt.created.Format(time.RFC3339), "Description": nilIfEmpty(rt.description),
			"ExpireTimestamp": rt.expires.Format(time.RFC3339), "LastUsedTimestamp": last, "Scopes": strings.Join(rt.scopes, " "),
			"Session": nil, "Type": "reference_token", "TrustedApplication": app, "User": user})
	}
	return out
}

func sortRefTokens(l []*refToken) {
	for i := 1; i < len(l); i++ {
		for j := i; j > 0 && (l[j].created.Before(l[j-1].created) || (l[j].created.Equal(l[j-1].created) && l[j].id < l[j-1].id)); j-- {
			l[j], l[j-1] = l[j-1], l[j]
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// accessTokensModel is Systems_Security_AccessTokens as ErpNetDocs/model lists it
// (introduced in 26.2.0.13; LastUsedTimestamp and Scopes in 26.2.0.18). The sandbox
// serves it read-only.
func accessTokensModel() *entitySet {
	return &entitySet{
		name: accessTokensSet, typeName: "Systems_Security_AccessToken", entity: "Systems.Security.AccessTokens",
		table: "Sec_Access_Tokens", title: "Access Tokens", model: true, readOnly: true, category: "SystemData",
		desc: `It keeps track of "grants" issued by Identity Server - Personal Access Tokens (PATs), refresh tokens, device codes, and consents.`,
		props: []prop{
			{name: "Id", kind: kGUID, readOnly: true, filters: fEq | fRange | fIn},
			{name: "AccessTokenKey", kind: kString, required: true, maxLen: 256, filters: fEq | fIn, desc: "The unique key of the token."},
			{name: "Actor", kind: kString, maxLen: 128, filters: fEq | fIn, desc: "For whom the token was issued (might be user email)."},
			{name: "Client", kind: kString, maxLen: 128, filters: fEq | fIn, desc: "The client application."},
			{name: "ConsumedTimestamp", kind: kDateTime, filters: fRange, desc: "When it was used up (for one-time grants)."},
			{name: "CreationTimestamp", kind: kDateTime, required: true, filters: fRange, desc: "When the token was created."},
			{name: "Description", kind: kString, maxLen: 128, desc: "The description of this AccessToken."},
			{name: "ExpireTimestamp", kind: kDateTime, filters: fRange, desc: "When the token expires."},
			{name: "LastUsedTimestamp", kind: kDateTime, filters: fRange, desc: "Indicates when the token was last used."},
			{name: "Scopes", kind: kString, maxLen: 256, desc: "Space-separated list of permissions granted to this token."},
			{name: "Session", kind: kString, maxLen: 128, filters: fEq | fIn, desc: "Session parameter."},
			{name: "Type", kind: kString, required: true, maxLen: 64, desc: "Type of the token - reference_token, refresh_token, etc."},
		},
		navs: []nav{
			{name: "TrustedApplication", set: "Systems_Security_TrustedApplications", typeName: "Systems_Security_TrustedApplication",
				props: []prop{{name: "Id", kind: kGUID}, {name: "ApplicationUri", kind: kString}}},
			{name: "User", set: "Systems_Security_Users", typeName: "Systems_Security_User",
				props: []prop{{name: "Id", kind: kGUID}, {name: "Login", kind: kString}}},
		},
	}
}

// handleProfileMe is the Profile site's GET /profile/me (dev
// building-apps/concepts/profile-site-endpoints.md): the user a PAT acts as. A SAT or a
// client-credentials token acts through a System User and "cannot be used" there.
func (in *instance) handleProfileMe(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		methodNotAllowed(w, "GET")
		return
	}
	authz := r.Header.Get("Authorization")
	scheme, rest, _ := strings.Cut(authz, " ")
	tok := strings.TrimSpace(rest)
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		challenge401(w, r, "")
		return
	}
	if !strings.HasPrefix(tok, "enrt_") {
		if _, err := in.verifyJWT(tok, domainAPI); err != nil {
			challenge401(w, r, "The token is invalid")
			return
		}
		odataError(w, http.StatusForbidden, "Forbidden", "Client Credentials tokens and Service Access Tokens (SATs) authenticate a service through its System User and cannot be used with /me", "")
		return
	}
	p := in.authenticateReference(w, r, tok)
	if p == nil {
		return
	}
	if p.tokenType != PAT {
		odataError(w, http.StatusForbidden, "Forbidden", "Client Credentials tokens and Service Access Tokens (SATs) authenticate a service through its System User and cannot be used with /me", "")
		return
	}
	u := p.user
	profile := in.root + "/profile/"
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"id": u.ID, "login": u.Login, "name": cmpOr(u.Name, u.Login), "email": nilIfEmpty(u.Email), "phoneNumber": nil,
		"isAdmin": u.IsAdmin, "isActive": u.Active, "userType": u.Type, "preferredLanguage": "en",
		"pictureUrl": nil, "largePictureUrl": nil, "person": nil, "domain": nil,
		"instance": map[string]string{"database": in.cfg.Database, "url": in.root},
		"links": map[string]string{"profile": profile, "changePassword": profile + "security/password",
			"accessTokens": profile + "security/tokens", "devices": profile + "devices"},
	})
}

func cmpOr(s, or string) string {
	if s == "" {
		return or
	}
	return s
}
