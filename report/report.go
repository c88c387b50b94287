// Package report renders a check.Report for people and programs: the CLI's text and
// versioned JSON, a Markdown diagnostics report for support tickets, and JUnit XML.
// Secrets never appear; tokens only as last 6 characters plus a SHA-256 fingerprint.
//
// # JSON contract (Schema "trustedapp-tester/report/v1")
//
// The fields below are stable: they are only ever added to, never renamed or removed,
// within one Schema value (docs/report-format.md has the same list with examples).
//
//	schema                          "trustedapp-tester/report/v1"
//	tool{name,version,os,arch}      the program that wrote the document
//	generated_at                    RFC 3339 time the document was written
//	profile{name,environment,instance,authority,client_id,auth_method,scopes_requested,
//	        token_endpoint,odata_root,confirmed_hosts[],proxy,insecure_skip_verify}
//	                                the profile as run; never its secret
//	verdict                         "pass" | "warn" | "fail" | "skipped"
//	cancelled                       true when the run was interrupted
//	started_at, finished_at, duration_ms
//	steps[]                         in the order they ran:
//	  kind                          "reachability" | "discovery" | "token" | "inspect" | "api"
//	  name, verdict, summary, duration_ms
//	  findings[]                    code, severity ("info"|"warn"|"fail"), message, evidence{},
//	                                explanation{code,title,what,causes[],fields[{where,name,expect}],
//	                                steps[],confirm,doc_url,generic}
//	  exchanges[]                   method, url, request_headers, request_body, status,
//	                                response_headers, response_body, size, truncated,
//	                                timings{dns,connect,tls,first_byte,total} (ns), error
//	claims                          present once a token was issued:
//	  system_user{login,type,id}, client_id, database, issuer, audiences[],
//	  scopes_requested[], scopes_granted[], issued_at, expires_at,
//	  signature_verified, signature, kid, kind ("jwt"|"reference"|"opaque"), all[]
//	token{last6,fingerprint,token_type,expires_in,obtained_at,response_scope,from_cache,supplied,
//	      has_refresh_token}
//	least_privilege[]               advice (codes privilege.*), shaped like findings[]; never
//	                                changes the verdict
//	session{state,opened_at,last_call,holds_until,idle_until,latest_until,token_reuse,
//	        token_reuse_note,summary}   the run's ERP.net session and licence cost
//	proxies[]                       host by host, the way the run took:
//	  host, route, proxy, source ("profile"|"environment"|"system"|"none"), by, auth, notes[]
//
// Every string in every output passes through internal/redact, a second line of
// defence after check's own redaction at capture time.
package report

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/version"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// Schema versions the JSON document. Bump on any incompatible change.
const Schema = "trustedapp-tester/report/v1"

// Document is the JSON contract for automation (CLI --json, saved reports).
type Document struct {
	Schema      string           `json:"schema"`
	Tool        Tool             `json:"tool"`
	GeneratedAt time.Time        `json:"generated_at"`
	Profile     *Profile         `json:"profile,omitempty"`
	Verdict     check.Verdict    `json:"verdict"`
	Cancelled   bool             `json:"cancelled,omitempty"`
	StartedAt   time.Time        `json:"started_at"`
	FinishedAt  time.Time        `json:"finished_at"`
	DurationMS  int64            `json:"duration_ms"`
	Steps       []Step           `json:"steps"`
	Claims      *Claims          `json:"claims,omitempty"`
	Token       *check.TokenInfo `json:"token,omitempty"`
	// LeastPrivilege is advice on what to narrow (codes privilege.*), present once a
	// token was issued; it never changes the verdict.
	LeastPrivilege []Finding `json:"least_privilege,omitempty"`
	// Session is the run's ERP.net session: opened, reused or none, and until when it
	// may hold a licence slot.
	Session *check.SessionCost `json:"session,omitempty"`
	// Proxies say, host by host, which proxy the run went through and where that
	// choice came from (the profile, the environment, the system, or none).
	Proxies []Proxy `json:"proxies,omitempty"`
	// Drift is what changed since the profile's last passing run in History (check
	// --all sets it); nil when it was not looked at.
	Drift *compare.Drift `json:"drift,omitempty"`

	// known are the exact credentials of this run (the issued token, the secrets the
	// caller names with Forget), replaced in every encoding wherever they appear in any
	// output. Never marshalled.
	known *redact.Secrets
}

// Tool identifies the program and platform that produced the document.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
}

// Profile is the profile as run, without its secret.
type Profile struct {
	Name            string   `json:"name"`
	Environment     string   `json:"environment,omitempty"`
	Instance        string   `json:"instance"`
	Authority       string   `json:"authority"`
	ClientID        string   `json:"client_id"`
	AuthMethod      string   `json:"auth_method"`
	ScopesRequested []string `json:"scopes_requested,omitempty"`
	// TokenEndpoint is the profile's own token endpoint ("" when discovery decides).
	TokenEndpoint string `json:"token_endpoint,omitempty"`
	// ODataRoot is the profile's own OData root ("" when derived or discovered).
	ODataRoot string `json:"odata_root,omitempty"`
	// ConfirmedHosts are the hosts besides the instance the user confirmed for the
	// access token: the user's own setting, listed so every report shows it.
	ConfirmedHosts []string `json:"confirmed_hosts,omitempty"`
	// Proxy is the profile's explicit proxy ("" when the environment or the system
	// decides; Document.Proxies says what was used).
	Proxy string `json:"proxy,omitempty"`
	// InsecureSkipVerify is true when certificate checks were turned off for the run.
	InsecureSkipVerify bool `json:"insecure_skip_verify,omitempty"`
}

// Step is one step with its findings (each with its explanation) and exchanges.
type Step struct {
	Kind       check.StepKind   `json:"kind"`
	Name       string           `json:"name"`
	Verdict    check.Verdict    `json:"verdict"`
	Summary    string           `json:"summary,omitempty"`
	DurationMS int64            `json:"duration_ms"`
	Findings   []Finding        `json:"findings,omitempty"`
	Exchanges  []check.Exchange `json:"exchanges,omitempty"`
}

// Finding is a check.Finding with its explanation.
type Finding struct {
	Code        string             `json:"code"`
	Severity    check.Severity     `json:"severity"`
	Message     string             `json:"message"`
	Evidence    map[string]string  `json:"evidence,omitempty"`
	Explanation *guide.Explanation `json:"explanation,omitempty"`
}

// SystemUser is the identity the token acts as.
type SystemUser struct {
	Login string `json:"login,omitempty"`
	Type  string `json:"type,omitempty"`
	ID    string `json:"id,omitempty"`
}

// Claims is the decoded token as the JSON contract shows it.
type Claims struct {
	SystemUser        SystemUser        `json:"system_user"`
	ClientID          string            `json:"client_id,omitempty"`
	Database          string            `json:"database,omitempty"`
	Issuer            string            `json:"issuer,omitempty"`
	Audiences         []string          `json:"audiences,omitempty"`
	ScopesRequested   []string          `json:"scopes_requested"`
	ScopesGranted     []string          `json:"scopes_granted"`
	IssuedAt          *time.Time        `json:"issued_at,omitempty"`
	ExpiresAt         *time.Time        `json:"expires_at,omitempty"`
	SignatureVerified bool              `json:"signature_verified"`
	Signature         string            `json:"signature"`
	Kid               string            `json:"kid,omitempty"`
	Kind              tokenview.Kind    `json:"kind"`
	All               []tokenview.Claim `json:"all,omitempty"`
}

// now is the clock for GeneratedAt (tests replace it).
var now = time.Now

// Build makes the document for one run of profile p. Every finding gets its
// explanation from guide; exchanges are copied with credentials scrubbed again.
func Build(r check.Report, p profiles.Profile) Document {
	d := Document{
		Schema:      Schema,
		Tool:        Tool{Name: version.Name, Version: version.Version, OS: runtime.GOOS, Arch: runtime.GOARCH},
		GeneratedAt: now().UTC().Truncate(time.Second),
		Verdict:     r.Verdict,
		Cancelled:   r.Cancelled,
		StartedAt:   r.Started,
		FinishedAt:  r.Finished,
		Steps:       []Step{},
	}
	if !r.Started.IsZero() && !r.Finished.IsZero() {
		d.DurationMS = r.Finished.Sub(r.Started).Milliseconds()
	}
	name := p.Name
	if name == "" {
		name = r.Profile
	}
	if name != "" || p.InstanceURL != "" || p.ClientID != "" {
		d.Profile = &Profile{
			Name:            Scrub(name),
			Environment:     Scrub(p.Environment),
			Instance:        ScrubURL(p.Root()),
			Authority:       ScrubURL(p.AuthorityURL()),
			ClientID:        Scrub(p.ClientID),
			AuthMethod:      string(p.Method()),
			ScopesRequested: append([]string(nil), p.Scopes...),
			TokenEndpoint:   ScrubURL(p.TokenURL()),
			ODataRoot:       ScrubURL(strings.TrimSpace(p.ODataRoot)),
			ConfirmedHosts:  scrubAll(p.ConfirmedHosts),
			Proxy:           ScrubURL(strings.TrimSpace(p.Proxy)),
			// A run that reported certificate checks off counts too (a profile built
			// from the report alone).
			InsecureSkipVerify: p.TLS.InsecureSkipVerify || r.HasFinding(check.NetTLSInsecure),
		}
	}
	for _, s := range r.Steps {
		d.Steps = append(d.Steps, buildStep(s))
	}
	if r.Claims != nil {
		d.Claims = buildClaims(r.Claims, r.Scopes, p)
		d.LeastPrivilege = Findings(check.LeastPrivilege(check.PrivilegeInputFor(p, r, nil)))
	}
	if r.Token != nil {
		t := *r.Token
		d.Token = &t
	}
	if r.Session != nil {
		s := *r.Session
		s.Summary, s.TokenReuseNote = Scrub(s.Summary), Scrub(s.TokenReuseNote)
		d.Session = &s
	}
	d.Proxies = buildProxies(r.Proxies)
	d.known = redact.NewSecrets()
	d.Forget(r.Access.Reveal())
	return d
}

// Forget adds exact values (a secret the caller holds, a token) that must never
// appear in this document's outputs: they are redacted from the document now, before
// anything formats it, and again from every rendered output, in every encoding a
// server may have echoed them in, whatever their length.
func (d *Document) Forget(values ...string) {
	if d.known == nil {
		d.known = redact.NewSecrets()
	}
	d.known.Add(values...)
	if !d.known.Empty() {
		redact.Strings(d, d.known.Replace)
	}
}

// scrubDoc redacts the document's known credentials and every credential of a
// recognisable shape from rendered output.
func (d Document) scrubDoc(b []byte) []byte {
	return []byte(redact.Text(d.known.Replace(string(b))))
}

func buildStep(s check.Step) Step {
	out := Step{
		Kind:       s.Kind,
		Name:       Scrub(s.Name),
		Verdict:    s.Verdict,
		Summary:    Scrub(s.Summary),
		DurationMS: s.Duration.Milliseconds(),
	}
	for _, f := range s.Findings {
		out.Findings = append(out.Findings, buildFinding(f))
	}
	for _, x := range s.Exchanges {
		out.Exchanges = append(out.Exchanges, scrubExchange(x))
	}
	return out
}

// buildFinding is f with its evidence scrubbed and its explanation.
func buildFinding(f check.Finding) Finding {
	ev := make(map[string]string, len(f.Evidence))
	for k, v := range f.Evidence {
		ev[k] = Scrub(v)
	}
	x := guide.Explain(f.Code, ev)
	return Finding{
		Code:        f.Code,
		Severity:    f.Severity,
		Message:     Scrub(f.Message),
		Evidence:    nilIfEmpty(ev),
		Explanation: &x,
	}
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func scrubExchange(x check.Exchange) check.Exchange {
	x.URL = ScrubURL(x.URL)
	x.RequestHeaders = scrubHeaders(x.RequestHeaders)
	x.ResponseHeaders = scrubHeaders(x.ResponseHeaders)
	x.RequestBody = Scrub(x.RequestBody)
	x.ResponseBody = Scrub(x.ResponseBody)
	x.Error = Scrub(x.Error)
	return x
}

func buildClaims(c *tokenview.Claims, sd *tokenview.ScopeDiff, p profiles.Profile) *Claims {
	out := &Claims{
		SystemUser:        SystemUser{Login: c.SystemUser, Type: c.SystemUserType, ID: c.SystemUserID},
		ClientID:          c.ClientID,
		Database:          c.Database,
		Issuer:            c.Issuer,
		Audiences:         c.Audiences,
		ScopesRequested:   []string{},
		ScopesGranted:     []string{},
		SignatureVerified: c.Signature == tokenview.SigVerified,
		Signature:         string(c.Signature),
		Kid:               c.Kid,
		Kind:              c.Kind,
	}
	if out.Signature == "" {
		out.Signature = string(tokenview.SigNotChecked)
	}
	switch {
	case sd != nil && len(sd.Requested) > 0:
		out.ScopesRequested = append(out.ScopesRequested, sd.Requested...)
	case len(p.Scopes) > 0:
		out.ScopesRequested = append(out.ScopesRequested, p.Scopes...)
	}
	switch {
	case sd != nil && len(sd.Granted) > 0:
		out.ScopesGranted = append(out.ScopesGranted, sd.Granted...)
	default:
		out.ScopesGranted = append(out.ScopesGranted, c.Scopes...)
	}
	if !c.IssuedAt.IsZero() {
		t := c.IssuedAt
		out.IssuedAt = &t
	}
	if !c.Expires.IsZero() {
		t := c.Expires
		out.ExpiresAt = &t
	}
	for _, cl := range c.All {
		cl.Value = Scrub(cl.Value)
		out.All = append(out.All, cl)
	}
	return out
}

// WriteJSON writes d as indented JSON.
func WriteJSON(w io.Writer, d Document) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return err
	}
	_, err := w.Write(d.scrubDoc(buf.Bytes()))
	return err
}

// scrubHeaders scrubs header values again; a credential header keeps only what
// check already redacted (redact.Already).
func scrubHeaders(h http.Header) http.Header { return redact.HeadersWith(h, redact.Already) }

// sortedKeys returns the map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// scrubAll is ScrubURL of each URL, nil for none.
func scrubAll(urls []string) []string {
	var out []string
	for _, u := range urls {
		out = append(out, ScrubURL(u))
	}
	return out
}
