package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// Step 3, token: the client-credentials request (or the cached token, or the one the
// user supplied), with what the identity server's answer and refusals mean.

// Documented ERP.net scopes (erpnet-reference.md section 2).
var (
	userOnlyScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true}
	knownScopes    = map[string]bool{"read": true, "update": true, "sec": true, "DomainApi": true,
		"openid": true, "profile": true, "offline_access": true}
)

func authMethodText(m profiles.AuthMethod) string {
	if m == profiles.AuthBasic {
		return "in an HTTP Basic header (client_secret_basic)"
	}
	return "as form fields (client_secret_post)"
}

// scopeRequestFindings warns about requested scopes a service app should not ask for.
// The sign-in scopes (openid, profile, offline_access) are reported together, once.
func (r *run) scopeRequestFindings() []Finding {
	var fs []Finding
	var userOnly []string
	for _, s := range tokenview.SortedScopesList(r.p.Scopes) {
		if userOnlyScopes[s] {
			userOnly = append(userOnly, s)
		}
	}
	if len(userOnly) > 0 {
		ev := map[string]string{EvScope: strings.Join(userOnly, " "), EvRequested: strings.Join(r.p.Scopes, " ")}
		msg := fmt.Sprintf("The scope %s is for interactive sign-in and is never granted to a service app; remove it.", quoteList(userOnly))
		if len(userOnly) > 1 {
			msg = fmt.Sprintf("The scopes %s are for interactive sign-in and are never granted to a service app; remove them.", quoteList(userOnly))
		}
		fs = append(fs, newFinding(TokScopeUserOnly, msg, ev))
	}
	for _, s := range tokenview.SortedScopesList(r.p.Scopes) {
		ev := map[string]string{EvScope: s, EvRequested: strings.Join(r.p.Scopes, " ")}
		switch {
		case s == "DomainApi":
			fs = append(fs, scopeLegacyFinding(r.version, ev))
		case userOnlyScopes[s]:
			// reported above, together
		case s == "sec":
			fs = append(fs, newFinding(TokScopeInternal, "The scope sec is for ERP.net's internal security APIs only.", ev))
		case !knownScopes[s]:
			fs = append(fs, newFinding(TokScopeUnknown, fmt.Sprintf("The scope %q is not one ERP.net documents (scope names are case-sensitive: read, update).", s), ev))
		}
	}
	return fs
}

// token runs step 3: it sets r.access and r.info when a token was issued or reused.
func (r *run) token() (st Step) {
	start := time.Now()
	st = Step{Kind: StepToken, Name: "Token"}
	col := &collector{}
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()
	st.Findings = append(st.Findings, r.scopeRequestFindings()...)
	r.cacheKey = NewCacheKey(r.tokenURL, r.p, r.secret)

	if !r.opts.Fresh {
		if c, ok := r.opts.Cache.Lookup(r.cacheKey, r.now()); ok {
			info := c.Info
			r.access, r.info, r.cached = c.Token, &info, &c
			r.keptWhere = c.Where
			r.grantedScope = strings.Fields(info.ResponseScope)
			st.Token = &info
			from := "memory"
			if c.Where == KeptInKeychain {
				from = "the system keychain"
			}
			st.Findings = append(st.Findings, newFinding(TokFromCache,
				fmt.Sprintf("A token obtained at %s was reused from %s (it stays valid until %s); ask for a fresh token to test the sign-in itself.",
					info.ObtainedAt.Format(time.RFC3339), from, info.ExpiresAt().Format(time.RFC3339)),
				map[string]string{EvExpires: info.ExpiresAt().UTC().Format(time.RFC3339), EvActual: c.Where}))
			return finishStep(st, "Reused a cached token …"+info.Last6)
		}
	}
	if strings.TrimSpace(r.p.ClientID) == "" {
		st.Findings = append(st.Findings, newFinding(ConfigInvalid, "The profile has no client_id; set it to the Trusted App's Application URI.", map[string]string{EvField: "client_id"}))
		return finishStep(st, "No client_id")
	}

	style := oauth2.AuthStyleInParams
	if r.p.Method() == profiles.AuthBasic {
		style = oauth2.AuthStyleInHeader
	}
	cfg := clientcredentials.Config{
		ClientID: r.p.ClientID, ClientSecret: r.secret, TokenURL: r.tokenURL,
		Scopes: r.p.Scopes, AuthStyle: style,
	}
	// The request carries the secret: the credential gate sends it only to the hosts
	// the profile names for it (and it was stored for).
	ctx, cancel := context.WithTimeout(declare(withCollector(r.ctx, col), carry{what: CarriesSecret}), r.timeout())
	defer cancel()
	ctx = context.WithValue(ctx, oauth2.HTTPClient, r.hc)
	tok, err := cfg.Token(ctx)
	last := col.last()
	baseEv := map[string]string{EvURL: r.tokenURL, EvClientID: r.p.ClientID, EvAuthMethod: string(r.p.Method()), EvRequested: strings.Join(r.p.Scopes, " ")}
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case errors.As(err, &re):
			if f, ok := crossHostRedirect(re.Response, "the token request"); ok {
				st.Findings = append(st.Findings, f)
			}
			st.Findings = append(st.Findings, r.retrieveErrorFinding(re, baseEv))
			if r.truncated(col) {
				st.Findings = append(st.Findings, newFinding(NetBodyTruncated,
					fmt.Sprintf("The token endpoint's answer was larger than the %s; only its beginning was read.", capText(r.bodyCap())),
					map[string]string{EvURL: r.tokenURL, EvCap: fmt.Sprint(r.bodyCap()), EvSize: re.Response.Header.Get("Content-Length")}))
			}
			if re.ErrorCode == "invalid_client" && r.p.Method() == profiles.AuthBasic && (url.QueryEscape(r.p.ClientID) != r.p.ClientID || url.QueryEscape(r.secret) != r.secret) {
				st.Findings = append(st.Findings, newFinding(TokBasicEncoding,
					"The client_id or secret contains characters that HTTP Basic URL-encodes before sending (RFC 6749); some servers expect them raw, so try --auth post.",
					map[string]string{EvAuthMethod: "basic", EvClientID: r.p.ClientID}))
			}
			code := re.ErrorCode
			if code == "" {
				code = fmt.Sprintf("HTTP %d", statusOf(re.Response))
			}
			return finishStep(st, "No token: "+code)
		case last != nil && last.Status != 0 && last.Error == "":
			ev := cloneEv(baseEv)
			ev[EvStatus] = fmt.Sprint(last.Status)
			ev[EvContentType] = last.ResponseHeaders.Get("Content-Type")
			if last.Truncated {
				ev[EvCap], ev[EvSize] = fmt.Sprint(r.bodyCap()), last.ResponseHeaders.Get("Content-Length")
				ev[EvError] = "the answer is larger than the capture limit"
				st.Findings = append(st.Findings, newFinding(TokBadResponse,
					fmt.Sprintf("The token endpoint answered HTTP %d with more than the %s; the answer was cut there, so it cannot be read as a token response.", last.Status, capText(r.bodyCap())), ev))
				return finishStep(st, "No token: answer too large")
			}
			if looksHTML(last.ResponseHeaders.Get("Content-Type"), []byte(last.ResponseBody)) {
				st.Findings = append(st.Findings, newFinding(TokHTMLResponse,
					fmt.Sprintf("The token endpoint returned an HTML page (HTTP %d) instead of a token: a proxy, login page or wrong address is in the way.", last.Status), ev))
				return finishStep(st, "No token: HTML page")
			}
			ev[EvError] = err.Error()
			st.Findings = append(st.Findings, newFinding(TokBadResponse,
				fmt.Sprintf("The token endpoint answered HTTP %d but not with a usable token response (%s).", last.Status, strings.TrimPrefix(err.Error(), "oauth2: ")), ev))
			return finishStep(st, "No token: unusable response")
		default:
			f := classifyNetErr(r.ctx, err, r.tokenURL, r.timeout())
			st.Findings = append(st.Findings, f)
			return finishStep(st, "No token: "+f.Code)
		}
	}

	r.tokenRecvAt = r.now()
	if last != nil {
		if d, err := http.ParseTime(last.ResponseHeaders.Get("Date")); err == nil {
			r.tokenDate = d
		}
	}
	access := NewAccessToken(tok.AccessToken)
	idToken, _ := tok.Extra("id_token").(string)
	r.known.Add(tok.AccessToken, tok.RefreshToken, idToken)
	r.raw.add(tok.AccessToken, tok.RefreshToken, idToken)
	info := TokenInfo{
		Last6: access.Last6(), Fingerprint: access.Fingerprint(), Type: tok.TokenType,
		ExpiresIn: expiresIn(tok), ObtainedAt: r.tokenRecvAt, HasRefresh: tok.RefreshToken != "",
	}
	switch s := tok.Extra("scope").(type) {
	case string:
		info.ResponseScope = s
	case []any:
		var parts []string
		for _, x := range s {
			if v, ok := x.(string); ok {
				parts = append(parts, v)
			}
		}
		info.ResponseScope = strings.Join(parts, " ")
	}
	r.access, r.info = access, &info
	r.grantedScope = strings.Fields(info.ResponseScope)
	st.Token = &info
	if !strings.EqualFold(tok.TokenType, "bearer") {
		st.Findings = append(st.Findings, newFinding(TokNotBearer, fmt.Sprintf("The token type is %q, not Bearer; API calls expect a Bearer token.", tok.TokenType), map[string]string{EvActual: tok.TokenType}))
	}
	if info.HasRefresh {
		st.Findings = append(st.Findings, newFinding(TokRefreshPresent, "The response carries a refresh token, which client credentials never needs.", nil))
	}
	r.keptWhere, r.keptWhy = r.opts.Cache.Store(r.cacheKey, access, info, info.ExpiresAt())
	sum := fmt.Sprintf("Token …%s issued", info.Last6)
	if info.ExpiresIn > 0 {
		sum += fmt.Sprintf(", expires in %s", (time.Duration(info.ExpiresIn) * time.Second).String())
	}
	if last != nil {
		sum += fmt.Sprintf(" (%d ms)", last.Timings.Total.Milliseconds())
	}
	return finishStep(st, sum)
}

func statusOf(r *http.Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}

func cloneEv(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+4)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (r *run) retrieveErrorFinding(re *oauth2.RetrieveError, base map[string]string) Finding {
	ev := cloneEv(base)
	status := statusOf(re.Response)
	ev[EvStatus] = fmt.Sprint(status)
	ev[EvError] = re.ErrorCode
	ev[EvDescription] = re.ErrorDescription
	desc := ""
	if re.ErrorDescription != "" {
		desc = fmt.Sprintf(" The server says: %q.", re.ErrorDescription)
	}
	how := authMethodText(r.p.Method())
	switch re.ErrorCode {
	case "":
		ct := ""
		if re.Response != nil {
			ct = re.Response.Header.Get("Content-Type")
		}
		ev[EvContentType] = ct
		if looksHTML(ct, re.Body) {
			return newFinding(TokHTMLResponse, fmt.Sprintf("The token endpoint returned an HTML page (HTTP %d) instead of a token: a proxy, login page or wrong address is in the way.", status), ev)
		}
		return newFinding(TokHTTPError, fmt.Sprintf("The token endpoint answered HTTP %d without an OAuth error code.", status), ev)
	case "invalid_client":
		other := "--auth basic"
		if r.p.Method() == profiles.AuthBasic {
			other = "--auth post"
		}
		return newFinding(TokInvalidClient, fmt.Sprintf(
			"The identity server rejected the client credentials sent %s (invalid_client): the client_id %q is unknown or disabled, the secret is wrong, or the app does not accept this way of sending them (try %s).%s",
			how, r.p.ClientID, other, desc), ev)
	case "unauthorized_client":
		// ERP.net answers unauthorized_client when SystemUserAllowed is false or no valid
		// System User is assigned; a disabled or Public app gets invalid_client instead.
		return newFinding(TokUnauthorizedClient, "The Trusted App may not use the client credentials grant (unauthorized_client): it needs SystemUserAllowed = true and a valid, active System User assigned."+desc, ev)
	case "invalid_scope":
		// ERP.net names the refused scope: "Invalid scope: update".
		if rest, ok := strings.CutPrefix(strings.TrimSpace(re.ErrorDescription), "Invalid scope:"); ok && strings.TrimSpace(rest) != "" {
			refused := strings.TrimSpace(rest)
			ev[EvScope] = refused
			return newFinding(TokInvalidScope, fmt.Sprintf("The app may not have the scope %q of the requested %q (invalid_scope): add it to the Trusted App's Scope field or stop requesting it.%s", refused, strings.Join(r.p.Scopes, " "), desc), ev)
		}
		return newFinding(TokInvalidScope, fmt.Sprintf("The app may not have the requested scopes %q (invalid_scope): add them to the Trusted App's Scope field or request fewer.%s", strings.Join(r.p.Scopes, " "), desc), ev)
	case "invalid_grant":
		return newFinding(TokInvalidGrant, "The identity server refused the grant (invalid_grant)."+desc, ev)
	case "unsupported_grant_type":
		return newFinding(TokUnsupportedGrantType, "The identity server does not support client_credentials for this request (unsupported_grant_type)."+desc, ev)
	case "invalid_request":
		return newFinding(TokInvalidRequest, "The identity server says the token request is malformed (invalid_request)."+desc, ev)
	}
	return newFinding(TokOtherError, fmt.Sprintf("The identity server refused the token with the error %q.%s", re.ErrorCode, desc), ev)
}

// suppliedToken stands in for the token request when the user gave a token to
// inspect: nothing is requested; the step says where the token came from.
func (r *run) suppliedToken() (st Step) {
	st = Step{Kind: StepToken, Name: "Token"}
	tok := r.opts.Supplied
	if tok.Reveal() == "" {
		st.Findings = append(st.Findings, newFinding(TokMalformed, "The supplied token is empty: paste the whole access token.", nil))
		return finishStep(st, "No token supplied")
	}
	info := TokenInfo{Last6: tok.Last6(), Fingerprint: tok.Fingerprint(), Type: "Bearer", Supplied: true}
	r.access, r.info = tok, &info
	st.Token = &info
	st.Findings = append(st.Findings, newFinding(TokSupplied,
		fmt.Sprintf("This run inspects a token you supplied (…%s), not one requested from the identity server: its claims, signature and API calls are checked, the Trusted App's sign-in is not.", info.Last6),
		nil))
	return finishStep(st, "Supplied token …"+info.Last6+" (not requested)")
}

// expiresIn reads expires_in from the raw response (clientcredentials drops
// Token.ExpiresIn), falling back to the computed expiry.
func expiresIn(tok *oauth2.Token) int {
	switch v := tok.Extra("expires_in").(type) {
	case float64:
		return int(v)
	case string:
		var n int
		if _, err := fmt.Sscan(v, &n); err == nil {
			return n
		}
	}
	if !tok.Expiry.IsZero() {
		return int(time.Until(tok.Expiry).Round(time.Second).Seconds())
	}
	return 0
}
