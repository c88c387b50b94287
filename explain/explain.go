// Package explain gives text someone pasted (a log line, an error body, an exception
// message) the explanation a live check would give: it redacts every credential
// first, reads the text with the engine's own parsers and classifiers (check), and
// explains each finding with guide. Support staff who only have a customer's log
// line use it through `trustedapp-check explain` and the app's "Explain an error…".
//
// Text(pasted) is the whole API: plain text in, a JSON-friendly Result out (the field
// names are stable, see docs/report-format.md). It does no I/O.
package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/redact"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/report"
)

// What the pasted text was read as (Result.Kind).
const (
	KindOAuthError      = "oauth_error"      // an OAuth error of the token endpoint
	KindWWWAuthenticate = "www_authenticate" // a WWW-Authenticate challenge of the API
	KindODataError      = "odata_error"      // an ERP.net OData error body
	KindLicence         = "licence"          // MaximumLicenseCountExceeded
	KindRateLimit       = "rate_limit"       // 429 Too Many Requests
	KindHTTPStatus      = "http_status"      // an HTTP status line or status code
	KindDotNet          = "dotnet_exception" // a .NET / IdentityModel exception message
	KindNetwork         = "network_error"    // a network, TLS or proxy error of another client
)

// MaxInput is the most text Text reads; longer input is cut there (Result.Truncated).
const MaxInput = 256 << 10

// maxShown is the most of the (redacted) text Result.Text shows.
const maxShown = 4000

// Check is one thing to check when the text was not recognised.
type Check struct {
	Title  string        `json:"title"`
	Why    string        `json:"why"`
	Fields []guide.Field `json:"fields"`
}

// Result is what Text makes of pasted text. It never holds a credential: the text is
// redacted before anything else happens.
type Result struct {
	// Recognised is false when nothing in the text was understood; Checks then lists
	// the three most likely things to check.
	Recognised bool   `json:"recognised"`
	Kind       string `json:"kind,omitempty"`
	// ReadAs says in words what the text was read as.
	ReadAs string `json:"read_as"`
	// Text is the pasted text as shown: redacted, control characters made visible,
	// at most a few thousand characters.
	Text string `json:"text"`
	// Truncated is true when the input or the shown text was cut.
	Truncated bool `json:"truncated,omitempty"`
	// Redactions counts the credentials removed from the text.
	Redactions int `json:"redactions"`
	// Redacted is the whole text read (cut at MaxInput) with its credentials removed,
	// not otherwise changed: what the app puts back in its paste box. Never printed.
	Redacted string `json:"-"`
	// Findings are the engine's findings for the text, each with its explanation.
	Findings []report.Finding `json:"findings"`
	Checks   []Check          `json:"checks,omitempty"`
	Notes    []string         `json:"notes,omitempty"`
}

// Text explains pasted text.
func Text(pasted string) Result {
	var res Result
	if len(pasted) > MaxInput {
		pasted, res.Truncated = pasted[:MaxInput], true
	}
	pasted = lineBreaks(pasted)
	clean, n := Redact(pasted)
	res.Redactions, res.Redacted = n, clean
	shown := safetext.Block(strings.TrimSpace(clean))
	if r := []rune(shown); len(r) > maxShown {
		shown, res.Truncated = string(r[:maxShown])+fmt.Sprintf("… (%d more characters)", len(r)-maxShown), true
	}
	res.Text = shown
	if redact.HoldsToken(pasted) {
		res.Notes = append(res.Notes, noteToken())
	}
	kind, readAs, fs := read(clean)
	if len(fs) == 0 {
		res.ReadAs = "not recognised"
		res.Checks = likelyChecks()
		res.Notes = append(res.Notes, noteUnrecognised)
		res.Findings = []report.Finding{}
		return res
	}
	res.Recognised, res.Kind, res.ReadAs = true, kind, readAs
	res.Findings = report.Findings(fs)
	return res
}

// likelyChecks are the three most likely causes of a failing Trusted App, in the
// order the token endpoint checks them.
func likelyChecks() []Check {
	ta := func(name, expect string) guide.Field {
		return guide.Field{Where: "Trusted App", Name: name, Expect: expect}
	}
	return []Check{
		{Title: "The Trusted App accepts the credentials (invalid_client)",
			Why: "The most common failure: the token request names an app the instance does not accept, or sends a secret whose hash is not in the record.",
			Fields: []guide.Field{ta("ApplicationUri", "exactly the client_id, copied as it is"), ta("IsEnabled", "true"), ta("ClientType", "Confidential"),
				ta("ApplicationSecretHash", "base64(SHA-256(secret)): trustedapp-check secret hash")}},
		{Title: "The app may sign in as its System User (unauthorized_client)",
			Why:    "Client credentials signs in as the System User; without a valid one that the app may use (SystemUserAllowed), no token is issued.",
			Fields: []guide.Field{ta("SystemUserAllowed", "true"), ta("SystemUser", "set"), {Where: "System User", Name: "Active", Expect: "true"}}},
		{Title: "The scopes fit (invalid_scope, or 403 on writes)",
			Why:    "A requested scope missing from the Scope field refuses the token; writes need update (how ERP.net refuses a write without it, its docs do not say).",
			Fields: []guide.Field{ta("Scope", "every scope the integration requests, e.g. read update"), {Where: "Profile", Name: "scopes", Expect: "only scopes the app's Scope field lists"}}},
	}
}

var (
	statusLineRE  = regexp.MustCompile(`\bHTTP/\d(?:\.\d)?\s+(\d{3})\b`)
	statusTextRE  = regexp.MustCompile(`(?i)(?:does not indicate success:\s*|returned an error:\s*\(|\bstatus(?:\s*code)?\s*(?:[:=]|is|of)?\s*'?)(\d{3})\b`)
	statusBareRE  = regexp.MustCompile(`^\s*(\d{3})\s+[A-Z][A-Za-z ]+\s*$`)
	oauthCodeRE   = regexp.MustCompile(`\b(invalid_client|unauthorized_client|invalid_scope|invalid_grant|unsupported_grant_type|invalid_request)\b`)
	oauthDescRE   = regexp.MustCompile(`(?i)error_description\s*[=:]\s*"?([^"&\n]+)`)
	goOAuthRE     = regexp.MustCompile(`oauth2: "([a-z_]+)"(?: "([^"]*)")?`)
	methodPathRE  = regexp.MustCompile(`\b(GET|POST|PUT|PATCH|MERGE|DELETE|HEAD)\s+((?:https?://|/)[^\s"'<>]+)`)
	urlRE         = regexp.MustCompile(`https?://[^\s"'<>)\]]+`)
	retryAfterRE  = regexp.MustCompile(`(?i)retry[- ]after\s*[:=]?\s*(\d+)`)
	hostPortRE    = regexp.MustCompile(`\(([A-Za-z0-9.-]+\.[A-Za-z]{2,}|[0-9.]+)(?::\d+)?\)`)
	challengeRE   = regexp.MustCompile(`(?im)^\s*www-authenticate\s*:\s*(.+)$`)
	bearerStartRE = regexp.MustCompile(`^\s*(?:[Bb]earer|BEARER)\s+\w+\s*=`)
	retryHeaderRE = regexp.MustCompile(`(?im)^\s*retry-after\s*:\s*(\S+)`)
	contentTypeRE = regexp.MustCompile(`(?im)^\s*content-type\s*:\s*(\S+)`)
	// The licence and rate-limit messages in English and, as a customer on an instance
	// set to Bulgarian pastes them, in Bulgarian (ERP.net localises its messages:
	// dev:domain-api/common-tasks/change-language.md). The docs publish no Bulgarian
	// wording of these two: the words matched are the ones such a message holds.
	licenceRE   = regexp.MustCompile(`(?i)licen[cs]e.{0,60}(exceed|maximum|no free|slot|available|limit)|(exceed|maximum|no free).{0,60}licen[cs]e|лиценз.{0,60}(превиш|максимал|свободн|изчерпан|заети)|(превиш|максимал|няма свободн|всички).{0,60}лиценз`)
	rateLimitRE = regexp.MustCompile(`(?i)too many requests|rate[- ]?limit|твърде много заявки|ограничение на (?:броя на )?заявките`)
	// statusReasonRE is an HTTP status with its reason phrase, "403 (Forbidden)", as a
	// client's exception gives it in any language (the phrase is the server's).
	statusReasonRE = regexp.MustCompile(`\b([1-5]\d\d) \(([A-Z][A-Za-z ]+)\)`)
)

// read recognises the text: the first reading that yields findings wins, most
// specific first.
func read(t string) (kind, readAs string, fs []check.Finding) {
	lower := strings.ToLower(t)
	status := statusOf(t, lower)
	body, obj := jsonBody(t)
	method, path := "", ""
	// Each regexp runs only when the text holds a word it needs: a long log stays fast.
	if mayMatch(t, ks("GET ", "POST ", "PUT ", "PATCH ", "MERGE ", "DELETE ", "HEAD ")) {
		if m := methodPathRE.FindStringSubmatch(t); m != nil {
			method, path = m[1], report.ScrubURL(m[2])
		}
	}
	header := http.Header{}
	if strings.Contains(lower, "retry") {
		if m := retryHeaderRE.FindStringSubmatch(t); m != nil {
			header.Set("Retry-After", m[1])
		} else if m := retryAfterRE.FindStringSubmatch(t); m != nil {
			header.Set("Retry-After", m[1])
		}
	}
	if strings.Contains(lower, "content-type") {
		if m := contentTypeRE.FindStringSubmatch(t); m != nil {
			header.Set("Content-Type", m[1])
		}
	}

	// 1. An OAuth error: a JSON or form body, x/oauth2's message, or IdentityModel's
	// TokenResponse.Error in an exception or log line.
	if code, desc := oauthError(t, lower, obj); code != "" {
		b, _ := json.Marshal(check.OAuthError{Error: code, Description: desc})
		tokStatus := status
		if tokStatus == 0 || tokStatus >= 500 {
			tokStatus = http.StatusBadRequest
		}
		f := check.ClassifyTokenAnswer(tokStatus, header, b)
		return KindOAuthError, "an OAuth error from the token endpoint (" + code + ")", []check.Finding{f}
	}
	// The body's own code counts: an OData error pasted without its status line, whose
	// code is an HTTP status ("403") or its name ("Forbidden"), is that answer, not a
	// business error.
	statusFromBody := false
	if status == 0 && body != nil {
		if od, ok := check.ParseODataError(body); ok {
			if st := codeStatus(od.Code); st != 0 {
				status, statusFromBody = st, true
			}
		}
	}
	// 2. A licence message, with or without an OData body.
	if strings.Contains(t, "MaximumLicenseCountExceeded") || (mayMatch(lower, ks("licen", "лиценз")) && licenceRE.MatchString(t)) {
		b := body
		if !strings.Contains(string(b), "MaximumLicenseCountExceeded") {
			b = []byte("MaximumLicenseCountExceeded: " + t)
		}
		return KindLicence, "a licence message (MaximumLicenseCountExceeded)", check.ClassifyAPIAnswer(method, path, orStatus(status, 500), header, b)
	}
	// 3. A WWW-Authenticate challenge (the header line, or the value alone), which
	// says more than the body that may come with it.
	if ch := challenge(t, lower); ch != "" {
		header.Set("WWW-Authenticate", ch)
		c, _ := check.ParseWWWAuthenticate(ch)
		st := status
		if st == 0 {
			st = http.StatusUnauthorized
			if c.Params["error"] == "insufficient_scope" {
				st = http.StatusForbidden
			}
		}
		return KindWWWAuthenticate, "a WWW-Authenticate challenge from the API", check.ClassifyAPIAnswer(method, path, st, header, body)
	}
	// 4. An OData error body.
	if body != nil {
		if od, ok := check.ParseODataError(body); ok {
			fs := check.ClassifyAPIAnswer(method, path, orStatus(status, 500), header, body)
			what := "an ERP.net OData error"
			switch {
			case statusFromBody:
				what += fmt.Sprintf(" whose code gives the HTTP status %d %s", status, http.StatusText(status))
			case od.Code != "":
				what += " (code " + od.Code + ")"
			}
			return KindODataError, what, fs
		}
	}
	// 5. .NET / IdentityModel exception messages.
	if f, what, ok := dotNet(t, lower); ok {
		return KindDotNet, what, []check.Finding{f}
	}
	// 6. Rate limiting.
	if status == http.StatusTooManyRequests || (mayMatch(lower, ks("too many", "rate", "твърде", "ограничение")) && rateLimitRE.MatchString(t)) {
		return KindRateLimit, "a rate-limit answer (429 Too Many Requests)", check.ClassifyAPIAnswer(method, path, http.StatusTooManyRequests, header, body)
	}
	// 7. Network, TLS and proxy errors of .NET, Go, curl and Python clients.
	if f, ok := network(t, lower); ok {
		return KindNetwork, "a network error (" + f.Code + ")", []check.Finding{f}
	}
	// 8. An HTTP status on its own.
	if status != 0 {
		what := fmt.Sprintf("an HTTP status (%d %s)", status, http.StatusText(status))
		if strings.Contains(t, "/connect/token") || strings.Contains(lower, "token endpoint") {
			return KindHTTPStatus, what + " from the token endpoint", []check.Finding{check.ClassifyTokenAnswer(status, header, body)}
		}
		if status < 400 && (status < 300 || header.Get("Location") == "") {
			return "", "", nil // a success is nothing to explain
		}
		return KindHTTPStatus, what, check.ClassifyAPIAnswer(method, path, status, header, body)
	}
	return "", "", nil
}

func orStatus(s, def int) int {
	if s == 0 {
		return def
	}
	return s
}

// statusOf finds an HTTP status code in the text (0 when none): a status line, a
// client's English words for it, or a status with its reason phrase in a message in
// any language.
func statusOf(t, lower string) int {
	for _, re := range []*regexp.Regexp{statusLineRE, statusTextRE, statusBareRE} {
		if re == statusTextRE && !mayMatch(lower, ks("success", "returned an error", "status")) {
			continue
		}
		if m := re.FindStringSubmatch(t); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= 100 && n <= 599 {
				return n
			}
		}
	}
	for _, m := range statusReasonRE.FindAllStringSubmatch(t, 4) {
		if n, err := strconv.Atoi(m[1]); err == nil && strings.EqualFold(http.StatusText(n), m[2]) {
			return n
		}
	}
	return 0
}

// codeStatus is the HTTP status an OData error's code names (0 when it names none):
// the status itself ("403"), or its name as the sandbox and ASP.NET spell it
// ("Forbidden", "TooManyRequests"). ERP.net's business errors carry numbers outside
// 400-599 (2029, 2129).
func codeStatus(code string) int {
	if n, err := strconv.Atoi(code); err == nil {
		if n >= 400 && n <= 599 {
			return n
		}
		return 0
	}
	for n := 400; n <= 599; n++ {
		if txt := http.StatusText(n); txt != "" && strings.EqualFold(strings.ReplaceAll(txt, " ", ""), code) {
			return n
		}
	}
	return 0
}

// jsonBody finds the first JSON object in the text: a body pasted alone, after an
// HTTP status line or inside a log line.
func jsonBody(t string) ([]byte, map[string]any) {
	for i, tries := 0, 0; i < len(t) && tries < 20; tries++ {
		j := strings.IndexByte(t[i:], '{')
		if j < 0 {
			break
		}
		i += j
		dec := json.NewDecoder(strings.NewReader(t[i:]))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == nil {
			var obj map[string]any
			if json.Unmarshal(raw, &obj) == nil {
				return bytes.TrimSpace(raw), obj
			}
		}
		i++
	}
	return nil, nil
}

// oauthError finds an OAuth error code (and its description) in the text.
func oauthError(t, lower string, obj map[string]any) (code, desc string) {
	if obj != nil {
		if e, ok := obj["error"].(string); ok && e != "" && e != "invalid_token" && e != "insufficient_scope" {
			d, _ := obj["error_description"].(string)
			return e, d
		}
	}
	if strings.Contains(t, "error=") {
		for _, line := range strings.Split(t, "\n") {
			if oe, ok := check.ParseOAuthError([]byte(strings.TrimSpace(line))); ok {
				return oe.Error, oe.Description
			}
		}
	}
	if !mayMatch(lower, ks("invalid_", "unauthorized_client", "unsupported_grant_type", "oauth2:")) {
		return "", ""
	}
	if m := goOAuthRE.FindStringSubmatch(t); m != nil && m[1] != "invalid_token" {
		return m[1], m[2]
	}
	if m := oauthCodeRE.FindStringSubmatch(t); m != nil {
		if d := oauthDescRE.FindStringSubmatch(t); d != nil {
			desc = strings.TrimSpace(d[1])
		}
		return m[1], desc
	}
	return "", ""
}

// challenge finds a WWW-Authenticate value (lower is t in lower case): the header
// line, or a pasted value that starts with "Bearer name=".
func challenge(t, lower string) string {
	if !strings.Contains(lower, "www-authenticate") && !bearerStartRE.MatchString(t) {
		return ""
	}
	if m := challengeRE.FindStringSubmatch(t); m != nil {
		return strings.TrimSpace(m[1])
	}
	if bearerStartRE.MatchString(t) {
		line, _, _ := strings.Cut(strings.TrimSpace(t), "\n")
		return line
	}
	return ""
}

// firstURL is the first URL in the text, without credentials ("" when none).
func firstURL(t string) string {
	if m := urlRE.FindString(t); m != "" {
		return report.ScrubURL(strings.TrimRight(m, ".,;:"))
	}
	return ""
}

// hostOf is the host named in the text: its first URL's (u, firstURL(t)), or .NET's
// "(host:443)".
func hostOf(t, u string) string {
	if u != "" {
		if p, err := url.Parse(u); err == nil && p.Host != "" {
			return p.Host
		}
	}
	if m := hostPortRE.FindStringSubmatch(t); m != nil {
		return m[1]
	}
	return ""
}

// errorLine is the line of t that matched, trimmed and capped, as evidence.
func errorLine(t string, loc []int) string {
	start := strings.LastIndexByte(t[:loc[0]], '\n') + 1
	end := strings.IndexByte(t[loc[0]:], '\n')
	if end < 0 {
		end = len(t)
	} else {
		end += loc[0]
	}
	line := strings.TrimSpace(t[start:end])
	if r := []rune(line); len(r) > 300 {
		line = string(r[:300]) + "…"
	}
	return line
}
