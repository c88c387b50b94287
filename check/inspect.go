package check

import (
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/tokenview"
)

// Step 4, inspect: the token's claims, signature, scopes and lifetime, read with
// tokenview against the signing keys discovery fetched, and the clock skew.

// erpAudiences are the audiences of ERP.net's APIs (lower case).
var erpAudiences = map[string]bool{"domainapi": true, "tableapi": true, "olap": true, "appserver": true}

// inspect runs step 4 on r.access: it sets r.claims and narrows r.grantedScope to
// what the token carries.
func (r *run) inspect() (st Step) {
	start := time.Now()
	st = Step{Kind: StepInspect, Name: "Inspect token"}
	defer func() { st.Duration = time.Since(start) }()
	now := r.now()
	leeway := r.opts.Leeway
	raw := r.access.Reveal()

	c, err := tokenview.Inspect(raw, tokenview.VerifyOptions{JWKS: r.jwks})
	if err != nil {
		st.Findings = append(st.Findings, newFinding(TokMalformed, "The token looks like a JWT but cannot be decoded: "+strings.TrimPrefix(err.Error(), "token is malformed: ")+".", map[string]string{EvError: err.Error()}))
		return finishStep(st, "Malformed token")
	}
	st.Claims = &c
	r.claims = &c
	granted := r.grantedScope
	switch c.Kind {
	case tokenview.KindReference:
		st.Findings = append(st.Findings, newFinding(TokReference, "This is an ERP.net reference token (enrt_): the instance checks it on every call, so its System User, scopes and expiry cannot be read here; the API calls show whether it works.", nil))
	case tokenview.KindOpaque:
		st.Findings = append(st.Findings, newFinding(TokOpaque, "The token is opaque (not a JWT): its System User, scopes and expiry cannot be read; ERP.net normally issues JWTs, so check the token endpoint.", nil))
	case tokenview.KindJWT:
		st.Findings = append(st.Findings, r.jwtFindings(c, now, leeway)...)
		if len(c.Scopes) > 0 || len(granted) == 0 {
			granted = c.Scopes
		}
	}
	requested := r.p.Scopes
	if r.info != nil && r.info.Supplied {
		requested = granted // nobody requested a supplied token's scopes: nothing to compare
	}
	if c.Kind == tokenview.KindJWT || len(granted) > 0 || r.info != nil && r.info.ResponseScope != "" {
		d := tokenview.DiffScopes(requested, granted)
		st.Scopes = &d
		r.grantedScope = d.Granted
		ev := map[string]string{EvRequested: strings.Join(d.Requested, " "), EvGranted: strings.Join(d.Granted, " "), EvMissing: strings.Join(d.Missing, " ")}
		switch {
		case len(d.Granted) == 0:
			st.Findings = append(st.Findings, newFinding(TokNoScopes, "The token carries no scopes, so every API call will be refused; set the Trusted App's Scope field (e.g. read update).", ev))
		case len(d.Missing) > 0:
			st.Findings = append(st.Findings, newFinding(TokScopeNarrowed, fmt.Sprintf("The server granted %s but not %s.", quoteList(d.Granted), quoteList(d.Missing)), ev))
		case d.RequestedAll:
			st.Findings = append(st.Findings, newFinding(TokScopeAllGranted, fmt.Sprintf("No scope was requested, so the app's whole Scope field was granted: %s.", quoteList(d.Granted)), ev))
		}
	}
	r.skewFindings(&st, c, now, leeway)
	return finishStep(st, inspectSummary(c))
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	switch len(q) {
	case 0:
		return "nothing"
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

func inspectSummary(c tokenview.Claims) string {
	switch c.Kind {
	case tokenview.KindReference:
		return "Reference token (enrt_), not readable"
	case tokenview.KindOpaque:
		return "Opaque token, not readable"
	}
	who := c.SystemUser
	if who == "" {
		who = "no System User"
	} else {
		who = "System User " + who
	}
	sig := "signature " + string(c.Signature)
	return fmt.Sprintf("%s, scopes [%s], %s", who, strings.Join(c.Scopes, " "), sig)
}

func (r *run) jwtFindings(c tokenview.Claims, now time.Time, leeway time.Duration) []Finding {
	var fs []Finding
	ev := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	switch c.Signature {
	case tokenview.SigInvalid:
		fs = append(fs, newFinding(TokSignatureInvalid, c.SignatureNote, ev(EvKid, c.Kid, EvAlg, c.Alg)))
	case tokenview.SigUnknownKey:
		fs = append(fs, newFinding(TokUnknownKid, c.SignatureNote+" The keys may have been rotated, or the token comes from another server.", ev(EvKid, c.Kid, EvAlg, c.Alg)))
	case tokenview.SigCritical:
		fs = append(fs, newFinding(TokCritUnsupported, c.SignatureNote, ev(EvKid, c.Kid, EvAlg, c.Alg)))
	case tokenview.SigKeyNotForSigning:
		fs = append(fs, newFinding(TokKeyNotForSigning, c.SignatureNote, ev(EvKid, c.Kid, EvAlg, c.Alg)))
	case tokenview.SigAlgorithm:
		fs = append(fs, newFinding(TokAlgNotAllowed, c.SignatureNote, ev(EvAlg, c.Alg, EvExpected, strings.Join(tokenview.DefaultAlgorithms, " "))))
	case tokenview.SigNotChecked:
		// Unverified claims prove nothing about the instance: a failure, saying why.
		msg := c.SignatureNote
		if r.jwksProblem != "" {
			msg = "The token's signature was not verified: " + r.jwksProblem + ". Its claims are shown as decoded, but nothing proves the instance issued them."
		}
		fs = append(fs, newFinding(TokNotVerified, msg, ev(EvKid, c.Kid, EvError, r.jwksProblem)))
	}
	if c.Issuer != "" {
		switch same, sameHost, parts := issuerDiff(r.issuer, c.Issuer); {
		case same:
		case sameHost:
			fs = append(fs, tokenIssuerInexact(r.issuer, c.Issuer, parts))
		default:
			fs = append(fs, newFinding(TokIssuerMismatch, fmt.Sprintf("The token was issued by %q, not by this instance's identity server %q; the API will refuse it.", c.Issuer, r.issuer),
				ev(EvExpected, r.issuer, EvActual, c.Issuer, EvIssuer, c.Issuer)))
		}
	}
	if len(c.Audiences) > 0 {
		ok := false
		for _, a := range c.Audiences {
			if erpAudiences[strings.ToLower(a)] {
				ok = true
			}
		}
		if !ok {
			fs = append(fs, newFinding(TokAudienceMismatch, fmt.Sprintf("The token is meant for %s, none of ERP.net's APIs (DomainAPI, TableAPI, OLAP, AppServer).", quoteList(c.Audiences)),
				ev(EvActual, strings.Join(c.Audiences, " "), EvExpected, "DomainAPI")))
		}
	}
	// RFC 9068 client-credentials tokens may carry sub = client_id; only another
	// subject without a System User marks a user (sign-in) token.
	userToken := c.SystemUser == "" && c.Subject != "" && c.Subject != c.ClientID
	if userToken {
		fs = append(fs, newFinding(TokUserToken, "The token names a user (sub) and no System User, like a sign-in token; a Trusted App's client-credentials token acts as its System User instead.", ev(EvActual, c.Subject)))
	}
	if c.SystemUser == "" && !userToken {
		fs = append(fs, newFinding(TokNoSystemUser, "The token names no System User (client_system_user), so API calls have no identity; set a System User on the Trusted App and allow it.", ev(EvClientID, c.ClientID)))
	}
	if c.Expired(now, leeway) {
		fs = append(fs, newFinding(TokExpired, fmt.Sprintf("The token expired at %s.", c.Expires.UTC().Format(time.RFC3339)), ev(EvExpires, c.Expires.UTC().Format(time.RFC3339))))
	} else if c.NotYetValid(now, leeway) {
		start := c.NotBefore
		if start.IsZero() {
			start = c.IssuedAt
		}
		fs = append(fs, newFinding(TokNotYetValid, fmt.Sprintf("The token is not valid until %s, later than this computer's clock (%s).", start.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)),
			ev(EvExpected, now.UTC().Format(time.RFC3339), EvActual, start.UTC().Format(time.RFC3339))))
	}
	if lt := c.Lifetime(); lt > 0 && lt != time.Hour {
		fs = append(fs, newFinding(TokLifetimeUnusual, fmt.Sprintf("The token lives %s; ERP.net tokens normally live one hour.", lt), ev(EvLifetime, lt.String())))
	}
	return fs
}

// skewFindings estimates clock skew from the token response's Date header (1 s
// resolution) and the token's iat, against the local clock when it arrived.
func (r *run) skewFindings(st *Step, c tokenview.Claims, now time.Time, leeway time.Duration) {
	if r.info != nil && r.info.FromCache {
		return
	}
	threshold := leeway / 2
	if threshold < 5*time.Second {
		threshold = 5 * time.Second
	}
	var skew time.Duration
	src := ""
	switch {
	case !r.tokenDate.IsZero() && !r.tokenRecvAt.IsZero():
		skew = r.tokenDate.Sub(r.tokenRecvAt.Truncate(time.Second))
		src = "the token endpoint's Date header"
	case !c.IssuedAt.IsZero() && !r.tokenRecvAt.IsZero():
		skew = c.IssuedAt.Sub(r.tokenRecvAt)
		src = "the token's iat"
	default:
		return
	}
	if skew < 0 && -skew <= threshold || skew >= 0 && skew <= threshold {
		return
	}
	dir := "ahead of"
	if skew < 0 {
		dir = "behind"
	}
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	st.Findings = append(st.Findings, newFinding(TokClockSkew,
		fmt.Sprintf("The server's clock is about %s %s this computer's (from %s); tokens may look expired or not yet valid.", abs.Round(time.Second), dir, src),
		map[string]string{EvSkew: skew.Round(time.Second).String(), EvDate: r.tokenDate.UTC().Format(time.RFC3339), EvActual: r.tokenRecvAt.UTC().Format(time.RFC3339)}))
}
