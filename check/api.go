package check

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
)

// Step 5, API calls: each of the profile's calls (or a custom call, Call) with the
// token, and what the answer says about the token, its scopes and the System User.

// resolveCall turns a call into an absolute URL: absolute paths as they are, OData
// paths against the effective OData root, Table API paths (/tableapi/...) against the
// Table API's site when auto-discovery named one, everything else against the instance
// root. Where the token may go is not decided here: the credential gate does.
func (r *run) resolveCall(c profiles.APICall) string {
	const odataPrefix = "/api/domain/odata/"
	path := strings.TrimSpace(c.Path)
	if u, err := url.Parse(path); err == nil && u.IsAbs() {
		return path
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if r.tableRoot != "" && isTableAPIPath(path) {
		return r.tableRoot + path
	}
	root := r.odataRoot
	if root == "" {
		root = r.p.ODataRootURL()
	}
	if strings.HasPrefix(path, odataPrefix) && root != r.p.Root()+odataPrefix {
		return root + strings.TrimPrefix(path, odataPrefix)
	}
	return r.p.ResolveCall(profiles.APICall{Method: c.Method, Path: path})
}

// apiCall sends one call with tok and judges the answer; granted are the token's
// scopes, to tell a missing scope from a missing permission.
func (r *run) apiCall(c profiles.APICall, tok *AccessToken, granted []string) (st Step) {
	start := time.Now()
	st = Step{Kind: StepAPI, Name: callName(c)}
	col := &collector{}
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()
	method := strings.ToUpper(strings.TrimSpace(c.Method))
	if method == "" {
		method = http.MethodGet
	}
	target := r.resolveCall(c)
	ev := map[string]string{EvMethod: method, EvPath: c.Path, EvURL: target}
	hdr := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + tok.Reveal()}}
	var body *strings.Reader
	if c.Body != "" {
		body = strings.NewReader(c.Body)
		hdr.Set("Content-Type", "application/json")
	}
	var resp *http.Response
	var b []byte
	var err error
	bearer := carry{what: CarriesToken, token: tok}
	if body != nil {
		resp, b, err = r.do(col, bearer, method, target, body, hdr)
	} else {
		resp, b, err = r.do(col, bearer, method, target, nil, hdr)
	}
	if err != nil {
		f := classifyNetErr(r.ctx, err, target, r.timeout())
		f.Evidence[EvMethod] = method
		f.Evidence[EvPath] = c.Path
		st.Findings = append(st.Findings, f)
		return finishStep(st, f.Message)
	}
	last := col.last()
	ct := resp.Header.Get("Content-Type")
	ev[EvStatus] = fmt.Sprint(resp.StatusCode)
	ev[EvContentType] = ct
	if last != nil && last.Truncated {
		cap := r.bodyCap()
		st.Findings = append(st.Findings, newFinding(NetBodyTruncated,
			fmt.Sprintf("The response's headers and body together were larger than the %s, so only the first %d bytes of its body were kept.", capText(cap), len(b)),
			map[string]string{EvURL: target, EvCap: fmt.Sprint(cap), EvSize: resp.Header.Get("Content-Length")}))
	}
	st.Findings = append(st.Findings, r.classifyAPI(method, resp, b, ev, granted, last != nil && last.Truncated)...)
	size := len(b)
	sum := fmt.Sprintf("%d %s in %d ms, %s", resp.StatusCode, http.StatusText(resp.StatusCode), time.Since(start).Milliseconds(), byteSize(size))
	return finishStep(st, sum)
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func (r *run) classifyAPI(method string, resp *http.Response, b []byte, ev map[string]string, granted []string, truncated bool) []Finding {
	status := resp.StatusCode
	ct := resp.Header.Get("Content-Type")
	body := string(b)
	path := ev[EvPath]
	withEv := func(extra ...string) map[string]string {
		m := cloneEv(ev)
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	// MaximumLicenseCountExceeded can come with any status.
	if strings.Contains(body, "MaximumLicenseCountExceeded") {
		od, _ := ParseODataError(b)
		e := withEv(EvDescription, od.Message, EvODataCode, od.Code, EvODataType, od.Type)
		msg := "Every licence slot is taken (MaximumLicenseCountExceeded): the token is fine, but no session can open until an idle one closes (after 20 minutes) or more licences are added."
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), r.now()); ok {
			e[EvRetryAfter] = d.String()
			msg += fmt.Sprintf(" The instance says a slot frees in %s.", d)
		}
		return []Finding{newFinding(APILicenseExhausted, msg, e)}
	}
	switch {
	case status >= 300 && status < 400:
		loc := resp.Header.Get("Location")
		var fs []Finding
		locURL, _ := resp.Request.URL.Parse(loc)
		cross := locURL != nil && !sameHost(locURL, resp.Request.URL)
		if cross {
			fs = append(fs, newFinding(NetRedirectCrossHost,
				fmt.Sprintf("%s redirected to another host (%s); the redirect was not followed, so the token was not sent there.", path, hostOf(loc)),
				withEv(EvLocation, redact.URL(loc))))
		}
		if isLoginLocation(loc) {
			return append(fs, newFinding(APILoginPage,
				fmt.Sprintf("%s redirected to a sign-in page (%s) instead of answering: the token was not accepted as a Bearer token.", path, redact.URL(loc)),
				withEv(EvLocation, redact.URL(loc))))
		}
		return append(fs, newFinding(APIRedirect,
			fmt.Sprintf("%s answered with a redirect (%d) to %s instead of data; check the OData root and the instance URL.", path, status, redact.URL(loc)),
			withEv(EvLocation, redact.URL(loc))))
	case status >= 200 && status < 300:
		if looksHTML(ct, b) {
			return []Finding{newFinding(APILoginPage, fmt.Sprintf("%s returned an HTML page instead of data, most likely a sign-in page: the token was not used.", path), ev)}
		}
		if status != http.StatusNoContent && len(b) > 0 && !isJSONType(ct) && !isXMLType(ct) {
			return []Finding{newFinding(APINotJSON, fmt.Sprintf("%s answered %d with %s, not JSON.", path, status, orUnknown(ct)), ev)}
		}
		return []Finding{newFinding(APIOK, fmt.Sprintf("%s answered %d %s.", path, status, http.StatusText(status)), ev)}
	case status == http.StatusUnauthorized:
		wa := resp.Header.Get("WWW-Authenticate")
		ch, _ := ParseWWWAuthenticate(wa)
		desc := ch.Params["error_description"]
		e := withEv(EvWWWAuthenticate, wa, EvError, ch.Params["error"], EvDescription, desc)
		if oe, ok := ParseOAuthError(b); ok && desc == "" {
			desc = oe.Description
			e[EvError], e[EvDescription] = oe.Error, oe.Description
		}
		ld := strings.ToLower(desc)
		switch {
		case strings.Contains(ld, "expired"):
			return []Finding{newFinding(APITokenExpired, "The API refused the token because it has expired; get a fresh token and retry.", e)}
		case strings.Contains(ld, "issuer"):
			return []Finding{newFinding(APIForeignIssuer, "The API refused the token because another instance's identity server issued it; use this instance's authority.", e)}
		case strings.Contains(ld, "signature") || strings.Contains(ld, "key"):
			return []Finding{newFinding(APIBadSignature, "The API refused the token's signature: it was changed, or signed by a key this instance does not use.", e)}
		}
		msg := "The API refused the token (401 Unauthorized)"
		if desc != "" {
			msg += fmt.Sprintf(": %q", desc)
		}
		return []Finding{newFinding(APIUnauthorized, msg+".", e)}
	case status == http.StatusForbidden:
		wa := resp.Header.Get("WWW-Authenticate")
		ch, _ := ParseWWWAuthenticate(wa)
		e := withEv(EvWWWAuthenticate, wa, EvGranted, strings.Join(granted, " "))
		od, _ := ParseODataError(b)
		if od.Message != "" {
			e[EvDescription] = od.Message
		}
		if ch.Params["error"] == "insufficient_scope" || (isWrite(method) && !slices.Contains(granted, "update")) {
			need := ch.Params["scope"]
			if need == "" && isWrite(method) {
				need = "update"
			}
			e[EvScope] = need
			return []Finding{newFinding(APIForbiddenScope, fmt.Sprintf("%s %s needs the %q scope, which the token does not have (granted: %s).", method, path, need, quoteList(granted)), e)}
		}
		msg := fmt.Sprintf("%s %s is forbidden (403) although the token was accepted: the System User lacks permission.", method, path)
		if od.Message != "" {
			msg = fmt.Sprintf("%s %s is forbidden (403): %q.", method, path, od.Message)
		}
		return []Finding{newFinding(APIForbidden, msg, e)}
	case status == http.StatusNotFound:
		return []Finding{newFinding(APINotFound, fmt.Sprintf("%s was not found (404): check the OData root and the entity set name.", path), ev)}
	case status == http.StatusMethodNotAllowed:
		return []Finding{newFinding(APIMethodNotAllowed, fmt.Sprintf("%s does not accept %s (405).", path, method), withEv(EvActual, resp.Header.Get("Allow")))}
	case status == http.StatusTooManyRequests:
		ra := resp.Header.Get("Retry-After")
		e := withEv(EvRetryAfter, ra)
		msg := "The API is rate-limiting this client (429): slow down and retry with exponential backoff"
		if resp.Request != nil && isTableAPIPath(resp.Request.URL.Path) {
			// The Table API's one limit (tech: web-sites/types/table-api.md).
			e[EvLimit], e[EvLimitDefault] = "GlobalConcurrentRequests", "2"
			msg = "The Table API is refusing more requests at once (429): it serves GlobalConcurrentRequests requests at a time across all sessions of the instance (2 by default), so another client's requests count too; send one at a time and retry with exponential backoff"
		}
		if d, ok := ParseRetryAfter(ra, r.now()); ok {
			e[EvRetryAfter] = d.String()
			msg += fmt.Sprintf("; the server asks to wait %s", d)
		}
		return []Finding{newFinding(APIRateLimited, msg+".", e)}
	}
	if od, ok := ParseODataError(b); ok {
		e := withEv(EvDescription, od.Message, EvODataCode, od.Code, EvODataType, od.Type)
		return []Finding{newFinding(APIODataError, fmt.Sprintf("%s failed with an ERP.net error (HTTP %d): %q.", path, status, od.Message), e)}
	}
	if looksHTML(ct, b) {
		return []Finding{newFinding(APILoginPage, fmt.Sprintf("%s returned an HTML page (HTTP %d) instead of data.", path, status), ev)}
	}
	if status >= 500 {
		return []Finding{newFinding(APIServerError, fmt.Sprintf("%s failed with a server error (HTTP %d) and no ERP.net error body.", path, status), ev)}
	}
	return []Finding{newFinding(APIClientError, fmt.Sprintf("%s was refused with HTTP %d.", path, status), ev)}
}

func isLoginLocation(loc string) bool {
	l := strings.ToLower(loc)
	return strings.Contains(l, "login") || strings.Contains(l, "signin") || strings.Contains(l, "/connect/authorize") || strings.Contains(l, "/account/")
}

// isTableAPIPath reports whether path is the Table API's (/tableapi/...).
func isTableAPIPath(path string) bool {
	return strings.HasPrefix(strings.ToLower(path), "/tableapi/")
}
