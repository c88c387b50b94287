package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

const (
	testSecret = "s3cr3t+Value/with=chars"
	testJWT    = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJjbGllbnRfaWQiOiJjb20uYWNtZS9zeW5jIn0.c2lnbmF0dXJlLXBhcnQtMTIzNDU2"
	testOpaque = "opaqueTok3n-9f8e7d6c5b4a39281706"
	testRef    = "enrt_1D41D4694B4F02D3D6A31FFA07E20B73F48248B26C75A0CCCB5F9DBEE41F7960"
)

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func testProfile() profiles.Profile {
	return profiles.Profile{Name: "prod", Environment: "Production", InstanceURL: "https://acme.my.erp.net/", ClientID: "com.acme/sync", AuthMethod: profiles.AuthBasic, Scopes: []string{"read", "update"}}
}

// leakyReport is a run as check might produce it if its own redaction failed:
// every secret and token appears raw somewhere.
func leakyReport() check.Report {
	basic := base64.StdEncoding.EncodeToString([]byte("com.acme%2Fsync:" + testSecret))
	exp := t0.Add(time.Hour)
	return check.Report{
		Profile: "prod", Started: t0, Finished: t0.Add(1500 * time.Millisecond), Verdict: check.Fail,
		Steps: []check.Step{
			{Kind: check.StepReachability, Name: "Reachability", Verdict: check.Pass, Summary: "26.2.0.76", Duration: 42 * time.Millisecond,
				Findings: []check.Finding{{Code: check.ReachOK, Severity: check.SevInfo, Message: "Server version 26.2.0.76.", Evidence: map[string]string{check.EvVersion: "26.2.0.76"}}}},
			{Kind: check.StepToken, Name: "Token", Verdict: check.Warn, Summary: "200 OK", Duration: 120 * time.Millisecond,
				Exchanges: []check.Exchange{{
					Method: "POST", URL: "https://acme.my.erp.net/id/connect/token?client_secret=" + testSecret,
					RequestHeaders: http.Header{"Authorization": {"Basic " + basic}, "Content-Type": {"application/x-www-form-urlencoded"}},
					RequestBody:    "grant_type=client_credentials&client_id=com.acme%2Fsync&client_secret=" + testSecret + "&scope=read+update",
					Status:         200, ResponseHeaders: http.Header{"Content-Type": {"application/json"}},
					ResponseBody: `{"access_token":"` + testJWT + `","expires_in":3600,"token_type":"Bearer","scope":"read","refresh_token":"` + testOpaque + `"}`,
					Timings:      check.Timings{Total: 120 * time.Millisecond},
				}},
				Findings: []check.Finding{{Code: check.TokScopeNarrowed, Severity: check.SevWarn, Message: `The server granted "read" but not "update".`,
					Evidence: map[string]string{check.EvRequested: "read update", check.EvGranted: "read"}}}},
			{Kind: check.StepAPI, Name: "API PATCH /api/domain/odata/Crm_Sales_Customers(1)", Verdict: check.Fail, Summary: "403 Forbidden", Duration: 30 * time.Millisecond,
				Exchanges: []check.Exchange{{
					Method: "PATCH", URL: "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers(1)",
					RequestHeaders:  http.Header{"Authorization": {"Bearer " + testJWT}, "X-Api-Key": {testRef}},
					RequestBody:     "```{\"Name\":\"x\"}",
					Status:          403,
					ResponseHeaders: http.Header{"Www-Authenticate": {`Bearer error="insufficient_scope", error_description="update required"`}},
					ResponseBody:    "<b>forbidden</b> token was " + testJWT,
				}},
				Findings: []check.Finding{{Code: check.APIForbiddenScope, Severity: check.SevFail, Message: "Writing needs the update scope.",
					Evidence: map[string]string{check.EvMethod: "PATCH", check.EvPath: "/api/domain/odata/Crm_Sales_Customers(1)", check.EvGranted: "read",
						check.EvScope: "update", check.EvWWWAuthenticate: `Bearer error="insufficient_scope"`}}}},
			{Kind: check.StepAPI, Name: "API GET /api/domain/currentmodel", Verdict: check.Skipped},
		},
		Token:  &check.TokenInfo{Last6: testJWT[len(testJWT)-6:], Fingerprint: check.Fingerprint(testJWT), Type: "Bearer", ExpiresIn: 3600, ObtainedAt: t0},
		Claims: &tokenview.Claims{Kind: tokenview.KindJWT, SystemUser: "svc.sync", SystemUserType: "InternalUser", SystemUserID: "6f1c", ClientID: "com.acme/sync", Database: "ACME Prod", Issuer: "https://acme.my.erp.net/id", Audiences: []string{"DomainAPI", "TableAPI"}, Scopes: []string{"read"}, IssuedAt: t0, Expires: exp, Signature: tokenview.SigVerified, Kid: "5B27", All: []tokenview.Claim{{Name: "client_id", Value: `"com.acme/sync"`}, {Name: "leak", Value: testJWT}}},
		Scopes: &tokenview.ScopeDiff{Requested: []string{"read", "update"}, Granted: []string{"read"}, Missing: []string{"update"}},
		Access: check.NewAccessToken(testJWT),
	}
}

func renderAll(t *testing.T, d Document) map[string]string {
	t.Helper()
	out := map[string]string{}
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	out["json"] = b.String()
	b.Reset()
	if err := WriteText(&b, d); err != nil {
		t.Fatal(err)
	}
	out["text"] = b.String()
	b.Reset()
	if err := WriteMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	out["markdown"] = b.String()
	b.Reset()
	if err := WriteJUnit(&b, []Document{d}); err != nil {
		t.Fatal(err)
	}
	out["junit"] = b.String()
	return out
}

func TestNoSecretOrTokenInAnyOutput(t *testing.T) {
	r := leakyReport()
	d := Build(r, testProfile())
	basic := base64.StdEncoding.EncodeToString([]byte("com.acme%2Fsync:" + testSecret))
	for format, s := range renderAll(t, d) {
		for _, bad := range []string{testSecret, r.Access.Reveal(), testOpaque, testRef, basic, "c2lnbmF0dXJlLXBhcnQtMTIzNDU2"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s output contains %q", format, bad)
			}
		}
	}
}

// An opaque access token has no recognisable shape: Build knows it from Report.Access
// and replaces it wherever it shows up; Forget does the same for a caller's secret.
func TestExactCredentialsAreRemoved(t *testing.T) {
	r := leakyReport()
	r.Access = check.NewAccessToken(testOpaque)
	r.Steps[2].Exchanges[0].ResponseBody = "echo: " + testOpaque + " and " + testSecret
	r.Steps[2].Findings[0].Message = "token " + testOpaque
	d := Build(r, testProfile())
	d.Forget(testSecret, "short")
	for format, s := range renderAll(t, d) {
		for _, bad := range []string{testOpaque, testSecret} {
			if strings.Contains(s, bad) {
				t.Errorf("%s output contains %q", format, bad)
			}
		}
		if format != "junit" && !strings.Contains(s, "echo: [redacted] and [redacted]") && format != "text" {
			t.Errorf("%s: redacted body missing", format)
		}
	}
}

func TestJSONContract(t *testing.T) {
	d := Build(leakyReport(), testProfile())
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if m["verdict"] != "fail" || m["schema"] != Schema {
		t.Errorf("verdict/schema: %v %v", m["verdict"], m["schema"])
	}
	steps := m["steps"].([]any)
	if len(steps) != 4 {
		t.Fatalf("steps: %d", len(steps))
	}
	api := steps[2].(map[string]any)
	for _, k := range []string{"name", "verdict", "duration_ms", "findings"} {
		if _, ok := api[k]; !ok {
			t.Errorf("step lacks %s", k)
		}
	}
	f := api["findings"].([]any)[0].(map[string]any)
	if f["code"] != check.APIForbiddenScope || f["severity"] != "fail" || f["evidence"].(map[string]any)["granted"] != "read" {
		t.Errorf("finding: %v", f)
	}
	x := f["explanation"].(map[string]any)
	if !strings.Contains(x["title"].(string), "update") || len(x["fields"].([]any)) == 0 || len(x["steps"].([]any)) == 0 || !strings.HasPrefix(x["doc_url"].(string), "https://docs.erp.net/") {
		t.Errorf("explanation: %v", x)
	}
	c := m["claims"].(map[string]any)
	su := c["system_user"].(map[string]any)
	if su["login"] != "svc.sync" || su["type"] != "InternalUser" || su["id"] != "6f1c" {
		t.Errorf("system_user: %v", su)
	}
	for k, want := range map[string]any{"client_id": "com.acme/sync", "database": "ACME Prod", "issuer": "https://acme.my.erp.net/id", "signature_verified": true, "expires_at": "2026-03-01T11:00:00Z"} {
		if c[k] != want {
			t.Errorf("claims.%s = %v, want %v", k, c[k], want)
		}
	}
	if len(c["audiences"].([]any)) != 2 || len(c["scopes_requested"].([]any)) != 2 || len(c["scopes_granted"].([]any)) != 1 {
		t.Errorf("claims lists: %v", c)
	}
	p := m["profile"].(map[string]any)
	if p["instance"] != "https://acme.my.erp.net" || p["authority"] != "https://acme.my.erp.net/id" || p["auth_method"] != "basic" {
		t.Errorf("profile: %v", p)
	}
	if tok := m["token"].(map[string]any); tok["fingerprint"] != check.Fingerprint(testJWT) {
		t.Errorf("token: %v", tok)
	}
}

func TestJSONWithoutToken(t *testing.T) {
	d := Build(check.Report{Verdict: check.Fail, Steps: []check.Step{{Kind: check.StepToken, Name: "Token", Verdict: check.Fail,
		Findings: []check.Finding{{Code: check.TokInvalidClient, Severity: check.SevFail, Message: "invalid_client"}}}}}, profiles.Profile{})
	var b bytes.Buffer
	if err := WriteJSON(&b, d); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["claims"]; ok {
		t.Error("claims present without a token")
	}
	if _, ok := m["profile"]; ok {
		t.Error("empty profile rendered")
	}
	if d := Build(check.Report{}, profiles.Profile{}); d.Steps == nil {
		t.Error("steps must be [] not null")
	}
}

func TestTextShowsExplanationsUnderFailingSteps(t *testing.T) {
	out := renderAll(t, Build(leakyReport(), testProfile()))["text"]
	lines := strings.Split(out, "\n")
	var apiLine, reachLine int = -1, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "FAIL  API PATCH") {
			apiLine = i
		}
		if strings.HasPrefix(l, "PASS  Reachability") {
			reachLine = i
		}
	}
	if apiLine < 0 || reachLine < 0 {
		t.Fatalf("step lines missing:\n%s", out)
	}
	if !strings.Contains(lines[reachLine], "42 ms") || !strings.Contains(lines[reachLine], "26.2.0.76") {
		t.Errorf("reach line: %q", lines[reachLine])
	}
	if strings.Contains(lines[reachLine+1], "reach.ok") {
		t.Error("info finding of a passing step printed")
	}
	after := strings.Join(lines[apiLine:], "\n")
	for _, want := range []string{"FAIL api.forbidden_scope: Writing needs the update scope.", "Check:", "Trusted App Scope: contains update", "Fix:", "  1. ", "Docs: https://docs.erp.net/", "Confirm:"} {
		if !strings.Contains(after, want) {
			t.Errorf("text lacks %q:\n%s", want, after)
		}
	}
	for _, want := range []string{"SKIP  API GET /api/domain/currentmodel", "WARN token.scope_narrowed", "Missing: update.", "Acts as:   svc.sync (InternalUser)", "Database:  ACME Prod", "Scopes:    requested read update; granted read", "Expires:   2026-03-01T11:00:00Z", "Verdict: FAIL"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
}

func TestMarkdownReport(t *testing.T) {
	out := renderAll(t, Build(leakyReport(), testProfile()))["markdown"]
	for _, want := range []string{"# Trusted App diagnostics report: prod", "| OS | ", "| Tool | Trusted App Tester", "| client_id | com.acme/sync |",
		"## Token and claims", "| Acts as (client_system_user) | svc.sync |", "Token SHA-256 | " + check.Fingerprint(testJWT),
		"#### FAIL `api.forbidden_scope`", "Fix:", "Docs: <https://docs.erp.net/", "Exchange 1: POST", "Authorization: Basic [redacted]",
		"Authorization: Bearer [redacted]", "client_secret=[redacted]", `Www-Authenticate: Bearer error="insufficient_scope"`, "````\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Contains(out, "<b>forbidden</b>") && !strings.Contains(out, "```\n403") && !strings.Contains(out, "````\n403") {
		t.Error("response body not fenced")
	}
}

func TestJUnit(t *testing.T) {
	d := Build(leakyReport(), testProfile())
	var b bytes.Buffer
	if err := WriteJUnit(&b, []Document{d, d}); err != nil {
		t.Fatal(err)
	}
	var got junitSuites
	if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("bad XML: %v\n%s", err, b.String())
	}
	if len(got.Suites) != 2 {
		t.Fatalf("suites: %d", len(got.Suites))
	}
	s := got.Suites[0]
	if s.Name != "prod" || s.Tests != 4 || s.Failures != 1 || s.Skipped != 1 {
		t.Errorf("suite: %+v", s)
	}
	fc := s.Cases[2]
	if fc.Failure == nil || fc.Failure.Type != check.APIForbiddenScope || !strings.Contains(fc.Failure.Message, "Writing needs the update scope.") || !strings.Contains(fc.Failure.Text, "1. ") {
		t.Errorf("failure: %+v", fc.Failure)
	}
	if s.Cases[3].Skipped == nil || !strings.Contains(s.Cases[1].SystemOut, "token.scope_narrowed") {
		t.Errorf("skip/warn: %+v %+v", s.Cases[3], s.Cases[1])
	}
}

// ScrubURL's own part (the rules of Scrub are tested in internal/redact): the
// user:password goes, the secret query parameters are redacted.
func TestScrubURL(t *testing.T) {
	if got := ScrubURL("https://u:p@acme.my.erp.net/x?client_secret=abc&top=5"); got != "https://acme.my.erp.net/x?client_secret=[redacted]&top=5" {
		t.Errorf("ScrubURL: %q", got)
	}
}

func TestFenceOutlastsBackticks(t *testing.T) {
	f := fence("a ```` b")
	if !strings.HasPrefix(f, "`````\n") {
		t.Errorf("fence: %q", f)
	}
}

// The CLI's text prints each code's explanation once; later steps with the same code
// point back to it.
func TestTextExplainsEachCodeOnce(t *testing.T) {
	f := check.Finding{Code: check.APILicenseExhausted, Severity: check.SevFail, Message: "Every licence slot is taken.",
		Evidence: map[string]string{check.EvError: "MaximumLicenseCountExceeded"}}
	r := check.Report{Verdict: check.Fail, Steps: []check.Step{
		{Kind: check.StepAPI, Name: "API GET /a", Verdict: check.Fail, Findings: []check.Finding{f}},
		{Kind: check.StepAPI, Name: "API GET /b", Verdict: check.Fail, Findings: []check.Finding{f}},
	}}
	var buf bytes.Buffer
	if err := WriteText(&buf, Build(r, testProfile())); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	title := guide.Explain(check.APILicenseExhausted, f.Evidence).Title
	if strings.Count(out, title) != 1 || strings.Count(out, "(explained above)") != 1 || strings.Count(out, "Every licence slot is taken.") != 2 {
		t.Errorf("want the explanation once and a pointer back once:\n%s", out)
	}
}
