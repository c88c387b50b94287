package check

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"trustedapp-tester/tokenview"
)

// Step 2, discovery: the authority's OpenID configuration gives the issuer, the
// token endpoint the secret may go to, and the signing keys (JWKS) tokens are checked
// against.

// oidcConfig is the part of the OpenID configuration document the run reads.
type oidcConfig struct {
	Issuer        string   `json:"issuer"`
	TokenEndpoint string   `json:"token_endpoint"`
	JWKSURI       string   `json:"jwks_uri"`
	GrantTypes    []string `json:"grant_types_supported"`
	Scopes        []string `json:"scopes_supported"`
}

// discovery runs step 2: it sets r.issuer, r.tokenURL and r.jwks (or r.jwksProblem),
// and r.skipToken when the token must not be requested.
func (r *run) discovery() (st Step) {
	start := time.Now()
	st = Step{Kind: StepDiscovery, Name: "Discovery"}
	col := &collector{}
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()
	authority := r.p.AuthorityURL()
	fallback := r.p.TokenURL()
	if fallback == "" {
		fallback = authority + "/connect/token"
	}
	r.tokenURL = fallback
	r.issuer = authority
	if own := r.p.TokenURL(); own != "" {
		if f, ok := r.tokenEndpointElsewhere(own, true); ok {
			st.Findings = append(st.Findings, f)
		}
	}

	if h := hostOf(authority); strings.EqualFold(strings.Split(h, ":")[0], "id.erp.net") {
		st.Findings = append(st.Findings, newFinding(DiscGlobalIdP,
			"The authority is ERP.net's global sign-in server (id.erp.net), which does not know Trusted Apps; use the instance's own authority, https://{instance}.my.erp.net/id.",
			map[string]string{EvAuthority: authority}))
		r.skipToken = "Skipped: the authority is id.erp.net, which issues no tokens for instance APIs."
		return finishStep(st, "Wrong authority (id.erp.net)")
	}

	docURL := authority + "/.well-known/openid-configuration"
	resp, body, err := r.do(col, anonymous, http.MethodGet, docURL, nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, docURL, r.timeout()))
		r.jwksProblem = "the identity server could not be reached for its signing keys"
		r.skipToken = "Skipped: the identity server could not be reached."
		return finishStep(st, "Cannot reach "+hostOf(authority))
	}
	ct := resp.Header.Get("Content-Type")
	if f, ok := crossHostRedirect(resp, "the OpenID configuration"); ok {
		st.Findings = append(st.Findings, f)
	}
	var doc oidcConfig
	// Until the document is read, no signing keys can be either.
	r.jwksProblem = "the OpenID configuration that lists the signing keys could not be read"
	switch {
	case resp.StatusCode == http.StatusOK && r.truncated(col):
		st.Findings = append(st.Findings, newFinding(DiscBadDocument,
			fmt.Sprintf("The OpenID configuration at %s is larger than the %s, so it was cut and cannot be read.", docURL, capText(r.bodyCap())),
			map[string]string{EvURL: docURL, EvStatus: fmt.Sprint(resp.StatusCode), EvContentType: ct, EvCap: fmt.Sprint(r.bodyCap()), EvSize: resp.Header.Get("Content-Length")}))
		return finishStep(st, "OpenID configuration too large")
	case resp.StatusCode == http.StatusNotFound:
		st.Findings = append(st.Findings, newFinding(DiscNotFound,
			"There is no OpenID configuration at "+docURL+" (404); the authority is probably wrong.",
			map[string]string{EvURL: docURL, EvStatus: "404", EvAuthority: authority}))
		return finishStep(st, "No OpenID configuration (404)")
	case resp.StatusCode != http.StatusOK || looksHTML(ct, body) || json.Unmarshal(body, &doc) != nil:
		msg := fmt.Sprintf("The OpenID configuration at %s is not a JSON document (HTTP %d, %s).", docURL, resp.StatusCode, orUnknown(ct))
		if looksHTML(ct, body) {
			msg = fmt.Sprintf("The OpenID configuration address %s returned an HTML page (HTTP %d), not JSON: a proxy, login page or wrong authority is in the way.", docURL, resp.StatusCode)
		}
		st.Findings = append(st.Findings, newFinding(DiscBadDocument, msg,
			map[string]string{EvURL: docURL, EvStatus: fmt.Sprint(resp.StatusCode), EvContentType: ct}))
		return finishStep(st, "Unreadable OpenID configuration")
	}
	r.jwksProblem = ""
	if doc.Issuer != "" {
		r.issuer = doc.Issuer
	}
	same, sameHost, parts := issuerDiff(authority, doc.Issuer)
	switch {
	case same:
	case doc.Issuer != "" && sameHost:
		st.Findings = append(st.Findings, discoveryIssuerInexact(authority, doc.Issuer, parts))
	default:
		st.Findings = append(st.Findings, newFinding(DiscIssuerMismatch,
			fmt.Sprintf("The identity server calls itself %q, but the profile's authority is %q; tokens will not be accepted for this instance.", doc.Issuer, authority),
			map[string]string{EvExpected: authority, EvActual: doc.Issuer, EvIssuer: doc.Issuer, EvAuthority: authority}))
	}
	if doc.GrantTypes != nil && !slices.Contains(doc.GrantTypes, "client_credentials") {
		st.Findings = append(st.Findings, newFinding(DiscNoClientCreds,
			"The identity server does not offer the client_credentials grant that Trusted Apps use.",
			map[string]string{EvActual: strings.Join(doc.GrantTypes, " "), EvURL: docURL}))
	}
	switch {
	case doc.TokenEndpoint == "" && r.p.TokenURL() == "":
		st.Findings = append(st.Findings, newFinding(DiscNoTokenEndpoint,
			"The OpenID configuration lists no token_endpoint; "+fallback+" is tried instead.",
			map[string]string{EvURL: docURL}))
	case doc.TokenEndpoint != "" && r.p.TokenURL() != "" && r.p.TokenURL() != doc.TokenEndpoint:
		st.Findings = append(st.Findings, newFinding(DiscTokenEndpointOverride,
			"The profile's token endpoint "+r.p.TokenURL()+" overrides the discovered "+doc.TokenEndpoint+".",
			map[string]string{EvExpected: doc.TokenEndpoint, EvActual: r.p.TokenURL()}))
	case doc.TokenEndpoint != "" && r.p.TokenURL() == "":
		// The credential gate decides whether the secret may go there; this says
		// what the document names, so the refusal has its cause beside it.
		if f, ok := r.tokenEndpointElsewhere(doc.TokenEndpoint, false); ok {
			st.Findings = append(st.Findings, f)
		}
		r.tokenURL = doc.TokenEndpoint
	}
	if doc.JWKSURI == "" {
		r.jwksProblem = "the OpenID configuration lists no signing keys (jwks_uri)"
		st.Findings = append(st.Findings, newFinding(DiscNoJWKSURI,
			"The OpenID configuration lists no jwks_uri, so token signatures cannot be checked.", map[string]string{EvURL: docURL}))
	} else if !r.cancelled() {
		jr, jb, err := r.do(col, anonymous, http.MethodGet, doc.JWKSURI, nil, http.Header{"Accept": {"application/json"}})
		switch {
		case err != nil:
			f := classifyNetErr(r.ctx, err, doc.JWKSURI, r.timeout())
			r.jwksProblem = "the signing keys (JWKS) could not be fetched"
			if f.Code == NetCancelled {
				st.Findings = append(st.Findings, f)
				break
			}
			st.Findings = append(st.Findings, newFinding(DiscJWKSUnavailable,
				"The signing keys (JWKS) could not be fetched, so token signatures cannot be checked: "+f.Message,
				map[string]string{EvURL: doc.JWKSURI, EvError: err.Error()}))
		case jr.StatusCode != http.StatusOK:
			r.jwksProblem = fmt.Sprintf("the signing keys (JWKS) answered HTTP %d", jr.StatusCode)
			st.Findings = append(st.Findings, newFinding(DiscJWKSUnavailable,
				fmt.Sprintf("The signing keys (JWKS) answered HTTP %d, so token signatures cannot be checked.", jr.StatusCode),
				map[string]string{EvURL: doc.JWKSURI, EvStatus: fmt.Sprint(jr.StatusCode)}))
		case r.truncated(col):
			r.jwksProblem = fmt.Sprintf("the signing keys (JWKS) are larger than the %s, so only their beginning was read", capText(r.bodyCap()))
			st.Findings = append(st.Findings, newFinding(DiscJWKSInvalid,
				fmt.Sprintf("The signing keys (JWKS) at %s are larger than the %s; only the beginning was read, so token signatures cannot be checked.", doc.JWKSURI, capText(r.bodyCap())),
				map[string]string{EvURL: doc.JWKSURI, EvCap: fmt.Sprint(r.bodyCap()), EvSize: jr.Header.Get("Content-Length"), EvError: "larger than the capture limit"}))
		default:
			if kids, err := tokenview.ParseJWKS(jb); err != nil {
				r.jwksProblem = "the signing keys (JWKS) cannot be used: " + err.Error()
				st.Findings = append(st.Findings, newFinding(DiscJWKSInvalid,
					"The signing keys (JWKS) cannot be used, so token signatures cannot be checked: "+err.Error()+".",
					map[string]string{EvURL: doc.JWKSURI, EvError: err.Error()}))
			} else {
				r.jwks = jb
				_ = kids
			}
		}
	}
	if slices.ContainsFunc(st.Findings, func(f Finding) bool { return f.Code == DiscTokenEndpointForeign }) {
		return finishStep(st, "Token endpoint "+r.tokenURL+" is not the authority's")
	}
	return finishStep(st, "Token endpoint "+r.tokenURL)
}

// tokenEndpointElsewhere reports a token endpoint the secret must not go to without
// the user's say: one on another host (or port) than the authority, or plain http
// while the instance or the authority uses https. own is true for the profile's own
// endpoint (the user set it: a warning), false for a discovered one (a failure).
func (r *run) tokenEndpointElsewhere(endpoint string, own bool) (Finding, bool) {
	authority := r.p.AuthorityURL()
	e, err1 := url.Parse(endpoint)
	a, err2 := url.Parse(authority)
	i, _ := url.Parse(r.p.Root())
	if err1 != nil || err2 != nil || e.Host == "" {
		return Finding{}, false
	}
	ev := map[string]string{EvURL: endpoint, EvAuthority: authority, EvExpected: a.Host, EvActual: e.Host}
	downgrade := strings.EqualFold(e.Scheme, "http") && (strings.EqualFold(a.Scheme, "https") || i != nil && strings.EqualFold(i.Scheme, "https"))
	foreign := !strings.EqualFold(e.Hostname(), a.Hostname()) || effectivePort(e) != effectivePort(a)
	var msg string
	switch {
	case downgrade && own:
		msg = fmt.Sprintf("The profile's token endpoint %s, which you set, uses plain http:// while the instance uses https://: the secret crosses the network unencrypted.", endpoint)
	case downgrade:
		msg = fmt.Sprintf("The OpenID configuration names the token endpoint %s, over plain http:// while the instance uses https://; the secret was not sent there.", endpoint)
	case foreign && own:
		msg = fmt.Sprintf("The profile's token endpoint %s, which you set, is on another host (%s) than the authority (%s): the secret is sent there.", endpoint, e.Host, a.Host)
	case foreign:
		msg = fmt.Sprintf("The OpenID configuration names the token endpoint %s, on another host (%s) than the authority (%s); the secret was not sent there.", endpoint, e.Host, a.Host)
	default:
		return Finding{}, false
	}
	if own {
		return newFinding(DiscTokenEndpointProfileForeign, msg, ev), true
	}
	return newFinding(DiscTokenEndpointForeign, msg, ev), true
}

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}
