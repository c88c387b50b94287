package check

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"trustedapp-tester/internal/redact"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// run holds one run's state as it moves through the steps.
type run struct {
	ctx    context.Context
	p      profiles.Profile
	secret string
	opts   Options
	hc     *http.Client
	now    func() time.Time
	onStep func(Step)
	rep    *Report
	// known are the run's credentials (the secret, the token once issued): redacted
	// in every encoding from everything captured and every step emitted.
	known *redact.Secrets

	// Results carried between steps.
	odataRoot    string // effective OData root (profile override, discovered, or default)
	version      string // the instance's version from /tools/ver, when it answered
	rootDown     bool   // reachability failed at the transport level
	tokenURL     string
	issuer       string
	jwks         []byte
	jwksProblem  string // why no signing keys could be read, when none were
	skipToken    string // why the token step is skipped, when it is
	access       *AccessToken
	info         *TokenInfo
	tokenDate    time.Time // token response Date header
	tokenRecvAt  time.Time // local time the token response arrived
	grantedScope []string
	claims       *tokenview.Claims
	cacheKey     CacheKey
	cached       *CachedToken // the token came from the cache
	keptWhere    string       // where the token is kept for reuse (KeptIn*)
	keptWhy      string       // why it is kept in memory only, or not at all
}

// Run tests one profile's Trusted App with its secret and streams each finished Step
// to onStep (which may be nil) before returning the whole Report. It honours ctx:
// cancelling it ends the run promptly with Report.Cancelled set, and every step not
// run is reported as Skipped.
func Run(ctx context.Context, p profiles.Profile, secret string, opts Options, onStep func(Step)) Report {
	r := &run{ctx: ctx, p: p, secret: secret, opts: opts, onStep: onStep, known: redact.NewSecrets()}
	r.known.AddBasic(p.ClientID, secret)
	r.known.Add(opts.Supplied.Reveal())
	r.now = opts.Now
	if r.now == nil {
		r.now = time.Now
	}
	if r.opts.Leeway <= 0 {
		r.opts.Leeway = tokenview.DefaultLeeway
	}
	if r.opts.Cache == nil {
		r.opts.Cache = defaultCache
	}
	rep := Report{Profile: p.Name, Started: r.now()}
	r.rep = &rep

	hc, closeIdle, err := r.configure()
	if err != nil {
		r.configFailure(err)
		return r.finish()
	}
	defer closeIdle()
	r.hc = hc

	if r.opts.TokenOnly {
		r.opts.SkipAPI = true
	} else {
		r.emit(r.reachability())
	}
	if r.rootDown && sameHostURL(p.Root(), p.AuthorityURL()) {
		r.skipRest(StepDiscovery, "Skipped: the instance could not be reached.")
		return r.finish()
	}
	if r.cancelled() {
		r.skipRest(StepDiscovery, "Skipped: the run was cancelled.")
		return r.finish()
	}
	r.emit(r.discovery())
	if r.cancelled() {
		r.skipRest(StepToken, "Skipped: the run was cancelled.")
		return r.finish()
	}
	if r.skipToken != "" {
		r.skipRest(StepToken, r.skipToken)
		return r.finish()
	}
	if r.opts.Supplied != nil {
		r.emit(r.suppliedToken())
	} else {
		r.emit(r.token())
	}
	if r.access == nil {
		why := "Skipped: no token was issued."
		if r.cancelled() {
			why = "Skipped: the run was cancelled."
		}
		r.skipRest(StepInspect, why)
		return r.finish()
	}
	r.emit(r.inspect())
	if r.opts.SkipAPI {
		return r.finish()
	}
	if why := r.opts.SkipAPIBecause; why != "" {
		r.skipRest(StepAPI, why)
		return r.finish()
	}
	for _, c := range p.EffectiveCalls() {
		if r.cancelled() {
			r.emit(skippedStep(StepAPI, callName(c), "Skipped: the run was cancelled."))
			continue
		}
		st := r.apiCall(c, r.access, r.grantedScope)
		r.emit(st)
		if rejectsToken(st) {
			// The API refused this token: never hand it out from the cache again.
			r.opts.Cache.Drop(r.cacheKey)
		}
	}
	return r.finish()
}

// Call runs one API call with an issued token (the API console's custom calls) and
// returns it as a Step of kind StepAPI with its exchange and findings.
func Call(ctx context.Context, p profiles.Profile, tok *AccessToken, c profiles.APICall, opts Options) Step {
	r := &run{ctx: ctx, p: p, opts: opts, now: opts.Now, known: redact.NewSecrets(tok.Reveal())}
	if r.now == nil {
		r.now = time.Now
	}
	hc, closeIdle, err := r.configure()
	if err != nil {
		st := Step{Kind: StepAPI, Name: callName(c)}
		st.Findings = append(st.Findings, classifyNetErr(ctx, err, p.Root(), p.Timeout()))
		st = finishStep(st, "The profile cannot be used: "+err.Error())
		scrubStep(&st, r.known)
		return st
	}
	defer closeIdle()
	r.hc = hc
	var granted []string
	if cl, err := tokenview.Decode(tok.Reveal()); err == nil {
		granted = cl.Scopes
	}
	st := r.apiCall(c, tok, granted)
	if f, ok := r.slowFinding(st); ok {
		st.Findings = append(st.Findings, f)
		st.Verdict = StepVerdict(st.Findings)
	}
	scrubStep(&st, r.known)
	return st
}

// configure validates the profile's addresses and builds the HTTP client.
func (r *run) configure() (*http.Client, func(), error) {
	u, err := url.Parse(r.p.Root())
	if r.p.Root() == "" {
		return nil, nil, &ConfigError{Field: "instance_url", Err: errors.New("is empty; set it to the instance root, e.g. https://acme.my.erp.net")}
	}
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, nil, &ConfigError{Field: "instance_url", Err: fmt.Errorf("%q is not an http(s) URL; use e.g. https://acme.my.erp.net", r.p.Root())}
	}
	if a, err := url.Parse(r.p.AuthorityURL()); err != nil || a.Host == "" || (a.Scheme != "https" && a.Scheme != "http") {
		return nil, nil, &ConfigError{Field: "authority", Err: fmt.Errorf("%q is not an http(s) URL; leave it empty to use {instance}/id", r.p.AuthorityURL())}
	}
	r.odataRoot = r.p.ODataRootURL()
	return newClient(r.p, r.opts, r.known)
}

func (r *run) configFailure(err error) {
	st := Step{Kind: StepReachability, Name: "Reachability"}
	var cfg *ConfigError
	field := "profile"
	if errors.As(err, &cfg) {
		field = cfg.Field
	}
	st.Findings = append(st.Findings, newFinding(ConfigInvalid, "The profile's "+field+" setting cannot be used: "+errText(err), map[string]string{EvField: field}))
	r.emit(finishStep(st, "The profile cannot be used: "+field))
	r.skipRest(StepDiscovery, "Skipped: fix the profile first.")
}

func errText(err error) string {
	var cfg *ConfigError
	if errors.As(err, &cfg) {
		return cfg.Err.Error()
	}
	return err.Error()
}

func (r *run) cancelled() bool { return r.ctx.Err() != nil }

func (r *run) emit(s Step) {
	if s.Verdict != Skipped {
		if f, ok := r.slowFinding(s); ok {
			s.Findings = append(s.Findings, f)
			s.Verdict = StepVerdict(s.Findings)
		}
	}
	scrubStep(&s, r.known)
	r.rep.Steps = append(r.rep.Steps, s)
	if r.onStep != nil {
		r.onStep(s)
	}
}

var stepOrder = []StepKind{StepReachability, StepDiscovery, StepToken, StepInspect, StepAPI}

var stepNames = map[StepKind]string{
	StepReachability: "Reachability", StepDiscovery: "Discovery", StepToken: "Token", StepInspect: "Inspect token",
}

// skipRest emits a Skipped step for from and every later kind (one per API call).
func (r *run) skipRest(from StepKind, why string) {
	started := false
	for _, k := range stepOrder {
		if k == StepReachability && r.opts.TokenOnly {
			continue
		}
		if k == from {
			started = true
		}
		if !started {
			continue
		}
		if k == StepAPI {
			if r.opts.SkipAPI {
				continue
			}
			for _, c := range r.p.EffectiveCalls() {
				r.emit(skippedStep(StepAPI, callName(c), why))
			}
			continue
		}
		r.emit(skippedStep(k, stepNames[k], why))
	}
}

func skippedStep(k StepKind, name, why string) Step {
	return Step{Kind: k, Name: name, Verdict: Skipped, Summary: why}
}

func callName(c profiles.APICall) string {
	return "API " + strings.ToUpper(strings.TrimSpace(c.Method)) + " " + c.Path
}

func (r *run) finish() Report {
	rep := r.rep
	r.judge()
	rep.Session = r.sessionCost()
	rep.Finished = r.now()
	rep.Cancelled = r.ctx.Err() != nil && errors.Is(r.ctx.Err(), context.Canceled)
	rep.Verdict = OverallVerdict(rep.Steps)
	if rep.Cancelled && rep.Verdict != Fail {
		rep.Verdict = Fail
	}
	rep.Access = r.access
	rep.Token = r.info
	rep.Claims = r.claims
	for _, s := range rep.Steps {
		if s.Scopes != nil {
			rep.Scopes = s.Scopes
		}
	}
	return *rep
}

// OverallVerdict is the worst step verdict; Skipped steps do not count unless every
// step was skipped (then the run failed to test anything).
func OverallVerdict(steps []Step) Verdict {
	v := Skipped
	for _, s := range steps {
		switch s.Verdict {
		case Fail:
			return Fail
		case Warn:
			v = Warn
		case Pass:
			if v == Skipped {
				v = Pass
			}
		}
	}
	if v == Skipped {
		return Fail
	}
	return v
}

// StepVerdict is the worst severity among findings: fail, warn, else pass.
func StepVerdict(fs []Finding) Verdict {
	v := Pass
	for _, f := range fs {
		switch f.Severity {
		case SevFail:
			return Fail
		case SevWarn:
			v = Warn
		}
	}
	return v
}

func finishStep(s Step, summary string) Step {
	s.Verdict = StepVerdict(s.Findings)
	s.Summary = summary
	return s
}

// do performs one request with the profile's timeout, recording into col. The
// response body is read (capped by the capturing transport) and returned.
func (r *run) do(col *collector, method, target string, body io.Reader, hdr http.Header) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(withCollector(r.ctx, col), r.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, nil, &ConfigError{Field: "url", Err: fmt.Errorf("%q cannot be requested: %v", target, err)}
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func sameHostURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && strings.EqualFold(ua.Host, ub.Host)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var versionRE = regexp.MustCompile(`^\d+(\.\d+){1,3}$`)

// ---- 1. Reachability ----------------------------------------------------------

type autoDiscovery struct {
	Host     string `json:"Host"`
	DbName   string `json:"DbName"`
	WebSites []struct {
		Type                 string         `json:"Type"`
		Status               string         `json:"Status"`
		StatusDescription    string         `json:"StatusDescription"`
		URL                  string         `json:"Url"`
		AdditionalProperties map[string]any `json:"AdditionalProperties"`
	} `json:"WebSites"`
}

func (r *run) reachability() (st Step) {
	start := time.Now()
	st = Step{Kind: StepReachability, Name: "Reachability"}
	col := &collector{}
	root := r.p.Root()
	defer func() { st.Exchanges = col.list(); st.Duration = time.Since(start) }()

	if u, _ := url.Parse(root); u != nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		st.Findings = append(st.Findings, newFinding(NetInsecureHTTP, "The instance URL uses plain http://, so the secret and tokens would cross the network unencrypted; use https://.", map[string]string{EvURL: root}))
	}
	if r.p.TLS.InsecureSkipVerify {
		st.Findings = append(st.Findings, newFinding(NetTLSInsecure, "Certificate checks are turned off for this profile, so a man in the middle would go unnoticed.", map[string]string{EvHost: root}))
	}

	// /tools/ver: plain-text version.
	verResp, verBody, err := r.do(col, http.MethodGet, root+"/tools/ver", nil, http.Header{"Accept": {"text/plain, */*"}})
	if err != nil {
		r.rootDown = true
		st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+"/tools/ver", r.timeout()))
		st = finishStep(st, "Cannot reach "+hostOf(root))
		return st
	}
	version := strings.TrimSpace(string(verBody))
	verOK := verResp.StatusCode == http.StatusOK && versionRE.MatchString(version)
	if !verOK {
		version = ""
	}
	r.version = version
	smResp, smBody, err := r.do(col, http.MethodGet, root+"/api/domain/standardmodel", nil, http.Header{"Accept": {"application/json"}})
	if err != nil {
		st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+"/api/domain/standardmodel", r.timeout()))
		return finishStep(st, "The instance stopped answering")
	}
	smOK := smResp.StatusCode == http.StatusOK && json.Valid(smBody) && !looksHTML(smResp.Header.Get("Content-Type"), smBody)
	switch {
	case verOK || smOK:
		ev := map[string]string{EvURL: root, EvVersion: version}
		msg := "The instance answered anonymous requests"
		if version != "" {
			msg += " and reports version " + version
		}
		st.Findings = append(st.Findings, newFinding(ReachOK, msg+".", ev))
	case verResp.StatusCode >= 400 && smResp.StatusCode >= 400:
		st.Findings = append(st.Findings, newFinding(ReachHTTPError,
			fmt.Sprintf("The instance answers with errors (%d on /tools/ver, %d on /api/domain/standardmodel): the server is up but the ERP.net sites are not working.", verResp.StatusCode, smResp.StatusCode),
			map[string]string{EvURL: root, EvStatus: fmt.Sprint(smResp.StatusCode)}))
	default:
		st.Findings = append(st.Findings, newFinding(ReachNotERPNet,
			"The server answered, but neither /tools/ver nor /api/domain/standardmodel looks like ERP.net; check the instance URL.",
			map[string]string{EvURL: root, EvStatus: fmt.Sprint(verResp.StatusCode), EvContentType: verResp.Header.Get("Content-Type")}))
	}
	if r.cancelled() {
		return finishStep(st, "Cancelled")
	}

	// Site auto-discovery: the newer path first, then the older one.
	var ad *autoDiscovery
	var adURL string
	for _, path := range []string{"/tools/auto-discovery", "/sys/auto-discovery"} {
		resp, body, err := r.do(col, http.MethodGet, root+path, nil, http.Header{"Accept": {"application/json"}})
		if err != nil {
			if r.cancelled() {
				st.Findings = append(st.Findings, classifyNetErr(r.ctx, err, root+path, r.timeout()))
				return finishStep(st, "Cancelled")
			}
			continue
		}
		var d autoDiscovery
		if resp.StatusCode == http.StatusOK && json.Unmarshal(body, &d) == nil && len(d.WebSites) > 0 {
			ad, adURL = &d, root+path
			break
		}
	}
	if ad == nil {
		st.Findings = append(st.Findings, newFinding(ReachAutoDiscMissing,
			"Neither /tools/auto-discovery nor /sys/auto-discovery answered, so the OData root could not be confirmed; the default "+r.odataRoot+" is used.",
			map[string]string{EvURL: root}))
	} else {
		for _, s := range ad.WebSites {
			if strings.EqualFold(s.Status, "NotWorking") {
				st.Findings = append(st.Findings, newFinding(ReachSiteNotWorking,
					fmt.Sprintf("Auto-discovery lists the %s site as NotWorking%s.", s.Type, suffix(s.StatusDescription)),
					map[string]string{EvURL: s.URL, EvActual: s.Type, EvDescription: s.StatusDescription}))
			}
			if strings.EqualFold(s.Type, "DomainAPI") {
				if root, _ := s.AdditionalProperties["ODataServiceRoot"].(string); root != "" {
					disc := strings.TrimRight(root, "/") + "/"
					if disc != r.p.ODataRootURL() {
						use := disc
						msg := "Auto-discovery gives the OData root " + disc + ", not " + r.p.ODataRootURL() + "; the discovered root is used."
						if strings.TrimSpace(r.p.ODataRoot) != "" {
							use = r.p.ODataRootURL()
							msg = "Auto-discovery gives the OData root " + disc + ", but the profile sets " + use + "; the profile's root is used."
						}
						st.Findings = append(st.Findings, newFinding(ReachODataRootDiffers, msg,
							map[string]string{EvURL: adURL, EvExpected: r.p.ODataRootURL(), EvActual: disc}))
						r.odataRoot = use
					}
				}
			}
		}
	}
	sum := "Reachable"
	if version != "" {
		sum = "Reachable, version " + version
	}
	if StepVerdict(st.Findings) == Fail {
		sum = "The instance answers with errors"
	}
	return finishStep(st, sum)
}

func suffix(desc string) string {
	if desc = strings.TrimSpace(desc); desc != "" {
		return " (" + desc + ")"
	}
	return ""
}

func hostOf(u string) string {
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		return pu.Host
	}
	return u
}

// ---- 2. Discovery -------------------------------------------------------------

type oidcConfig struct {
	Issuer        string   `json:"issuer"`
	TokenEndpoint string   `json:"token_endpoint"`
	JWKSURI       string   `json:"jwks_uri"`
	GrantTypes    []string `json:"grant_types_supported"`
	Scopes        []string `json:"scopes_supported"`
}

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
	resp, body, err := r.do(col, http.MethodGet, docURL, nil, http.Header{"Accept": {"application/json"}})
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
	if doc.GrantTypes != nil && !contains(doc.GrantTypes, "client_credentials") {
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
		if f, ok := r.tokenEndpointElsewhere(doc.TokenEndpoint, false); ok {
			st.Findings = append(st.Findings, f)
			r.skipToken = "Skipped: the secret was not sent to " + hostOf(doc.TokenEndpoint) + ", the token endpoint the OpenID configuration names."
			r.tokenURL = ""
			break
		}
		r.tokenURL = doc.TokenEndpoint
	}
	if doc.JWKSURI == "" {
		r.jwksProblem = "the OpenID configuration lists no signing keys (jwks_uri)"
		st.Findings = append(st.Findings, newFinding(DiscNoJWKSURI,
			"The OpenID configuration lists no jwks_uri, so token signatures cannot be checked.", map[string]string{EvURL: docURL}))
	} else if !r.cancelled() {
		jr, jb, err := r.do(col, http.MethodGet, doc.JWKSURI, nil, http.Header{"Accept": {"application/json"}})
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
	if r.tokenURL == "" {
		return finishStep(st, "Token endpoint refused: not the authority's")
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bodyCap is the capture limit of response bodies.
func (r *run) bodyCap() int64 { return r.opts.bodyCap() }

// bodyCap is Options.BodyCap, or DefaultBodyCap when it is not set.
func (o Options) bodyCap() int64 {
	if o.BodyCap > 0 {
		return o.BodyCap
	}
	return DefaultBodyCap
}

// truncated reports whether the last answer recorded in col was cut at the cap.
func (r *run) truncated(col *collector) bool {
	last := col.last()
	return last != nil && last.Truncated
}

// capText names the capture limit: "1 MiB capture limit (1048576 bytes)".
func capText(n int64) string {
	size := fmt.Sprintf("%d bytes", n)
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		size = fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		size = fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%s capture limit (%d bytes)", size, n)
}

// timeout is the per-call timeout: Options.Timeout, else the profile's.
func (r *run) timeout() time.Duration {
	if r.opts.Timeout > 0 {
		return r.opts.Timeout
	}
	return r.p.Timeout()
}

// rejectsToken reports whether an API step says the token itself is no good.
func rejectsToken(s Step) bool {
	for _, f := range s.Findings {
		switch f.Code {
		case APIUnauthorized, APITokenExpired, APIForeignIssuer, APIBadSignature:
			return true
		}
	}
	return false
}

// crossHostRedirect reports a 3xx answer pointing at another host (never followed).
func crossHostRedirect(resp *http.Response, what string) (Finding, bool) {
	if resp == nil || resp.StatusCode < 300 || resp.StatusCode >= 400 || resp.Request == nil {
		return Finding{}, false
	}
	loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
	if err != nil || loc == nil || sameHost(loc, resp.Request.URL) {
		return Finding{}, false
	}
	return newFinding(NetRedirectCrossHost,
		fmt.Sprintf("The server redirected %s to another host (%s); the redirect was not followed, so no credentials were sent there.", what, loc.Host),
		map[string]string{EvURL: redact.URL(resp.Request.URL.String()), EvLocation: redact.URL(loc.String()), EvStatus: fmt.Sprint(resp.StatusCode)}), true
}
