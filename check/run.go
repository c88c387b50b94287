package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
	route  *proxyRoute // the client's proxy choices (nil with Options.Transport)
	now    func() time.Time
	onStep func(Step)
	rep    *Report
	// known are the run's credentials (the secret, the token once issued): redacted
	// in every encoding from everything captured and every step emitted.
	known *redact.Secrets

	// raw are the run's credentials as sent, for the credential gate to find them where
	// no request declared them.
	raw *rawCredentials

	// Results carried between steps.
	odataRoot    string // effective OData root (profile override, discovered, or default)
	tableRoot    string // the Table API's site from auto-discovery ("": the instance root)
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
	r := &run{ctx: ctx, p: p, secret: secret, opts: opts, onStep: onStep, known: redact.NewSecrets(), raw: &rawCredentials{}}
	r.known.AddBasic(p.ClientID, secret)
	r.known.Add(opts.Supplied.Reveal())
	r.raw.add(secret, opts.Supplied.Reveal())
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

	if r.opts.Mode.reachability() {
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
	switch m := r.opts.Mode; {
	case !m.listsCalls():
		return r.finish()
	case m.steps == callsSkipped:
		r.skipRest(StepAPI, m.why)
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
// returns it as a Step of kind StepAPI with its exchange and findings. p must be the
// profile the token was issued for (Report.Access of its run): the credential gate
// sends a token only with the connection settings it was issued under, and the call
// goes to the OData root and Table API site that run used.
func Call(ctx context.Context, p profiles.Profile, tok *AccessToken, c profiles.APICall, opts Options) Step {
	r := &run{ctx: ctx, p: p, opts: opts, now: opts.Now, known: redact.NewSecrets(tok.Reveal()), raw: &rawCredentials{}}
	r.raw.add(tok.Reveal())
	if r.now == nil {
		r.now = time.Now
	}
	hc, closeIdle, err := r.configure()
	if is := tok.issuedFor(); is != nil && is.conn == connKey(p) {
		r.odataRoot, r.tableRoot = is.odataRoot, is.tableRoot
	}
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
	hc, closeIdle, route, err := newClient(r.p, r.opts, r.known, r.raw)
	r.route = route
	return hc, closeIdle, err
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
		if k == StepReachability && !r.opts.Mode.reachability() {
			continue
		}
		if k == from {
			started = true
		}
		if !started {
			continue
		}
		if k == StepAPI {
			if !r.opts.Mode.listsCalls() {
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
	rep.Access = r.access.issuedTo(r.p, r.odataRoot, r.tableRoot)
	rep.Proxies = r.route.used()
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
