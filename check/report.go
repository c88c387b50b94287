// Package check is the engine shared by the desktop app and the CLI: it runs
// reachability, discovery, token request, token inspection and API calls against one
// profile and streams each Step as it finishes.
package check

import (
	"net/http"
	"strconv"
	"time"

	"trustedapp-tester/tokenview"
)

// Verdict is the outcome of a step, or of a whole run.
type Verdict string

const (
	Pass    Verdict = "pass"
	Warn    Verdict = "warn"
	Fail    Verdict = "fail"
	Skipped Verdict = "skipped"
)

// Severity of a finding. Info findings never change a verdict.
type Severity string

const (
	SevInfo Severity = "info"
	SevWarn Severity = "warn"
	SevFail Severity = "fail"
)

// StepKind names the five kinds of step, in the order they run.
type StepKind string

const (
	StepReachability StepKind = "reachability"
	StepDiscovery    StepKind = "discovery"
	StepToken        StepKind = "token"
	StepInspect      StepKind = "inspect"
	StepAPI          StepKind = "api"
)

// Finding is one observation with a stable code (see codes.go) and the evidence
// behind it. Codes are the contract with guide/, the UI, the CLI's JSON and the tests.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Message is one plain sentence about this case, e.g.
	// `The server granted "read" but not "update".`
	Message string `json:"message"`
	// Evidence holds the facts that produced the finding, under stable keys
	// (see the Ev* constants), e.g. {"requested":"read update","granted":"read"}.
	Evidence map[string]string `json:"evidence,omitempty"`
}

// Timings of one HTTP round trip, from net/http/httptrace.
type Timings struct {
	DNS       time.Duration `json:"dns,omitempty"`
	Connect   time.Duration `json:"connect,omitempty"`
	TLS       time.Duration `json:"tls,omitempty"`
	FirstByte time.Duration `json:"first_byte,omitempty"`
	Total     time.Duration `json:"total"`
}

// Exchange is one HTTP round trip as the user needs to see it. Secrets
// (client_secret, Basic credentials, bearer tokens) are redacted when captured.
type Exchange struct {
	Started         time.Time   `json:"started"`
	Method          string      `json:"method"`
	URL             string      `json:"url"`
	RequestHeaders  http.Header `json:"request_headers,omitempty"`
	RequestBody     string      `json:"request_body,omitempty"`
	Status          int         `json:"status,omitempty"` // 0 when no response arrived
	ResponseHeaders http.Header `json:"response_headers,omitempty"`
	ResponseBody    string      `json:"response_body,omitempty"`
	// Size is the response body's size in bytes as received (up to the cap + 1).
	Size int64 `json:"size"`
	// Truncated is true when the body exceeded what the capture limit left it after
	// the headers, and was cut.
	Truncated bool `json:"truncated,omitempty"`
	// HeadersCut counts the response headers left out because the headers alone
	// passed the capture limit (the largest first), and HeaderBytes is then the size
	// of all of them as received: headers and body together are held to the limit.
	HeadersCut  int     `json:"headers_cut,omitempty"`
	HeaderBytes int64   `json:"header_bytes,omitempty"`
	Timings     Timings `json:"timings"`
	// Error is the transport error, if the round trip failed.
	Error string `json:"error,omitempty"`
}

// StatusLine is the answer's status as a person reads it ("404 Not Found"), or "no
// response" when none arrived.
func (x Exchange) StatusLine() string {
	if x.Status == 0 {
		return "no response"
	}
	return strconv.Itoa(x.Status) + " " + http.StatusText(x.Status)
}

// TokenInfo describes the issued token without revealing it.
type TokenInfo struct {
	// Last6 and Fingerprint (hex SHA-256 of the whole token) identify it safely.
	Last6       string    `json:"last6"`
	Fingerprint string    `json:"fingerprint"`
	Type        string    `json:"token_type,omitempty"`
	ExpiresIn   int       `json:"expires_in,omitempty"`
	ObtainedAt  time.Time `json:"obtained_at"`
	// ResponseScope is the response's "scope" field as sent (space-delimited).
	ResponseScope string `json:"response_scope,omitempty"`
	FromCache     bool   `json:"from_cache,omitempty"`
	// Supplied is true for a token given to inspect, not requested by this run.
	Supplied   bool `json:"supplied,omitempty"`
	HasRefresh bool `json:"has_refresh_token,omitempty"`
}

// ExpiresAt is when the token response said the token ends (ObtainedAt plus
// expires_in); zero when the response gave no lifetime.
func (i TokenInfo) ExpiresAt() time.Time {
	if i.ExpiresIn <= 0 || i.ObtainedAt.IsZero() {
		return time.Time{}
	}
	return i.ObtainedAt.Add(time.Duration(i.ExpiresIn) * time.Second)
}

// Step is one finished step of a run. API calls are one Step each.
type Step struct {
	Kind     StepKind      `json:"kind"`
	Name     string        `json:"name"`    // "Reachability", "API GET /api/domain/currentmodel"
	Verdict  Verdict       `json:"verdict"` // worst severity of the findings, or Skipped
	Summary  string        `json:"summary"` // one line: "200 OK in 42 ms", "invalid_client"
	Duration time.Duration `json:"duration"`

	Exchanges []Exchange `json:"exchanges,omitempty"`
	Findings  []Finding  `json:"findings,omitempty"`

	// Set on the token and inspect steps.
	Token  *TokenInfo           `json:"token,omitempty"`
	Claims *tokenview.Claims    `json:"claims,omitempty"`
	Scopes *tokenview.ScopeDiff `json:"scopes,omitempty"`
}

// Report is the whole run.
type Report struct {
	Profile  string    `json:"profile"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Verdict  Verdict   `json:"verdict"`
	Steps    []Step    `json:"steps"`
	// Cancelled is true when the context was cancelled before the run ended.
	Cancelled bool `json:"cancelled,omitempty"`
	// Proxies say, host by host, which proxy the run's requests went through and
	// where that choice came from (proxy.go); nil when a test transport was used.
	Proxies []ProxyUse `json:"proxies,omitempty"`
	// Convenience copies of the token and inspect steps' results.
	Token  *TokenInfo           `json:"token,omitempty"`
	Claims *tokenview.Claims    `json:"claims,omitempty"`
	Scopes *tokenview.ScopeDiff `json:"scopes,omitempty"`
	// Access is the issued token, in memory only (never marshalled or printed).
	Access *AccessToken `json:"-"`
	// Session is what the run cost in ERP.net licence terms: whether its API calls
	// opened a new session or reused one, and until when it may hold a licence slot.
	Session *SessionCost `json:"session,omitempty"`
}

// HasFinding reports whether any step of r has a finding with code.
func (r Report) HasFinding(code string) bool {
	for _, s := range r.Steps {
		for _, f := range s.Findings {
			if f.Code == code {
				return true
			}
		}
	}
	return false
}

// Options tune a run.
type Options struct {
	// Fresh bypasses the token cache.
	Fresh bool
	// Mode says which steps run; the zero value runs them all.
	Mode Mode
	// Leeway is the clock-skew tolerance for exp/nbf/iat (default 60 s).
	Leeway time.Duration
	// BodyCap caps captured response bodies (default 1 MiB).
	BodyCap int64
	// Cache is the token cache to use; nil means the package's default cache.
	Cache *TokenCache
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Transport, when set, is the base round tripper (tests); otherwise one is built
	// from the profile's proxy and TLS options.
	Transport http.RoundTripper
	// Timeout, when set, overrides the profile's per-call timeout (tests, CLI --timeout).
	Timeout time.Duration
	// Supplied, when set, is a token to inspect instead of requesting one (pasted by
	// the user, or piped to the CLI): the token step only describes it, then the run
	// verifies it against the instance's keys and runs the API calls with it. It is
	// never cached.
	Supplied *AccessToken
	// Slow sets when a step's time is a finding (zero values: DefaultSlow).
	Slow SlowLimits
	// Watch, when set, hears of every request as the credential gate saw it: what its
	// site declared, where it went, what it carried and whether it passed (tests).
	Watch func(Passage)
}
