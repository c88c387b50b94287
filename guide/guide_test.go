package guide_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
)

// fullEvidence has a value under every evidence key check uses.
var fullEvidence = map[string]string{
	check.EvURL: "https://acme.my.erp.net/api/domain/odata/Crm_Sales_Customers?$top=5", check.EvHost: "acme.my.erp.net",
	check.EvStatus: "401", check.EvError: "invalid_client", check.EvDescription: "Invalid client_id or client_secret",
	check.EvRequested: "read update", check.EvGranted: "read", check.EvMissing: "update", check.EvScope: "update",
	check.EvExpected: "https://acme.my.erp.net/id", check.EvActual: "https://acme.my.erp.net/id/",
	check.EvIssuer: "https://other.my.erp.net/id", check.EvAuthority: "https://acme.my.erp.net/id",
	check.EvClientID: "com.acme/sync", check.EvAuthMethod: "basic", check.EvKid: "5B27920E653DD7AC",
	check.EvAlg: "HS256", check.EvExpires: "2026-01-01T10:00:00Z", check.EvSkew: "5m0s", check.EvRetryAfter: "30",
	check.EvWWWAuthenticate: `Bearer error="invalid_token", error_description="The token expired"`,
	check.EvMethod:          "PATCH", check.EvPath: "/api/domain/odata/Crm_Sales_Customers(1)", check.EvVersion: "26.2.0.76",
	check.EvODataCode: "2029", check.EvODataType: "EnterpriseOneServerException", check.EvLocation: "https://login.example.com/",
	check.EvContentType: "text/html", check.EvSize: "2000000", check.EvCap: "1048576", check.EvTimeout: "30s",
	check.EvProxy: "http://proxy:3128", check.EvCertSubject: "CN=other.example.com", check.EvCertExpiry: "2025-01-01",
	check.EvLifetime: "2h0m0s", check.EvField: "tls.ca_file", check.EvKids: "A1 B2", check.EvDate: "Sun, 01 Mar 2026 10:05:00 GMT",
	check.EvCalls: "3", check.EvSystemUser: "svc-reports", check.EvUserType: "InternalUser", check.EvAgeDays: "214",
	check.EvSince: "2026-05-01", check.EvRotationDays: "180", check.EvSource: "token",
	check.EvElapsed: "3.4s", check.EvThreshold: "2s", check.EvShare: "11%", check.EvClients: "AWS Lambda functions with the default timeout (3s)",
	check.EvAtRisk: "AWS API Gateway integrations (29s)", check.EvDiffers: "scheme (https vs http)", check.EvAdjusted: "lowered to warn: the API accepted it",
	check.EvCredential: "access token", check.EvRefusedHost: "https://api.other.example", check.EvNamedHosts: "https://acme.my.erp.net",
	check.EvTokenProfile: "Reader", check.EvSite: "TableAPI", check.EvLimit: "GlobalConcurrentRequests", check.EvLimitDefault: "2",
}

var badText = regexp.MustCompile(`\{|\}|\[\[|\]\]|<no value>|\(not recorded\)|""|  |\(\)|%!`)

func allText(x guide.Explanation) []string {
	out := []string{x.Title, x.What, x.Confirm}
	out = append(out, x.Causes...)
	out = append(out, x.Steps...)
	for _, f := range x.Fields {
		out = append(out, f.Where, f.Name, f.Expect)
	}
	return out
}

func TestEveryCodeHasACompleteExplanation(t *testing.T) {
	for code := range check.Codes {
		if !guide.Has(code) {
			t.Errorf("guide has no entry for %s", code)
			continue
		}
		for name, ev := range map[string]map[string]string{"no evidence": nil, "full evidence": fullEvidence} {
			x := guide.Explain(code, ev)
			if x.Code != code || x.Generic {
				t.Errorf("%s (%s): code %q generic %v", code, name, x.Code, x.Generic)
			}
			if x.Title == "" || x.What == "" || len(x.Fields) == 0 || len(x.Steps) == 0 || x.Confirm == "" {
				t.Errorf("%s (%s): incomplete: %+v", code, name, x)
			}
			if !strings.HasPrefix(x.DocURL, "https://docs.erp.net/") || !strings.HasSuffix(x.DocURL, ".html") {
				t.Errorf("%s: doc URL %q is not a public ERP.net docs page", code, x.DocURL)
			}
			for _, s := range allText(x) {
				if m := badText.FindString(s); m != "" {
					t.Errorf("%s (%s): text has %q: %q", code, name, m, s)
				}
			}
			for _, f := range x.Fields {
				switch f.Where {
				case "Trusted App", "System User", "Profile", "Instance", "Network":
				default:
					t.Errorf("%s: field %q has Where %q", code, f.Name, f.Where)
				}
			}
		}
	}
}

func TestCatalogueHasNoStaleCodes(t *testing.T) {
	codes := guide.Codes()
	if !sort.StringsAreSorted(codes) {
		t.Error("Codes() is not sorted")
	}
	for _, c := range codes {
		if _, ok := check.Codes[c]; !ok {
			t.Errorf("catalogue entry %s is not a code in check.Codes", c)
		}
	}
	if len(codes) != len(check.Codes) {
		t.Errorf("catalogue has %d codes, check.Codes %d", len(codes), len(check.Codes))
	}
}

func TestUnknownCodeShowsRawEvidence(t *testing.T) {
	x := guide.Explain("made.up", map[string]string{"status": "418", "error": "teapot"})
	if !x.Generic || x.Code != "made.up" {
		t.Fatalf("got %+v", x)
	}
	for _, want := range []string{"status: 418", "error: teapot"} {
		if !strings.Contains(x.What, want) {
			t.Errorf("generic text %q lacks %q", x.What, want)
		}
	}
	if len(x.Steps) == 0 || x.DocURL == "" || x.Title == "" {
		t.Errorf("generic explanation incomplete: %+v", x)
	}
	if y := guide.Explain("", nil); !y.Generic || strings.Contains(y.What, "recorded:") {
		t.Errorf("empty generic: %+v", y)
	}
}

func contains(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: %q lacks %q", where, text, w)
		}
	}
}

func joined(x guide.Explanation) string { return strings.Join(allText(x), "\n") }

func TestEvidenceIsWovenIn(t *testing.T) {
	x := guide.Explain(check.TokInvalidScope, map[string]string{check.EvRequested: "read update", check.EvScope: "update", check.EvDescription: "Invalid scope: update"})
	contains(t, "invalid_scope", joined(x), `"update"`, "Scope", "case-sensitive", "Invalid scope: update")

	x = guide.Explain(check.TokScopeNarrowed, map[string]string{check.EvRequested: "read update", check.EvGranted: "read"})
	contains(t, "narrowed", x.What, "Missing: update.")

	x = guide.Explain(check.TokInvalidClient, map[string]string{check.EvClientID: "com.acme/sync", check.EvAuthMethod: "basic"})
	contains(t, "invalid_client basic", joined(x), "com.acme/sync", "HTTP Basic", "from basic to post", "ApplicationSecretHash", "IsEnabled", "ClientType", "Instance Manager -> Security -> Trusted Apps")

	x = guide.Explain(check.TokUnauthorizedClient, nil)
	contains(t, "unauthorized_client", joined(x), "SystemUserAllowed", "SystemUser", "Active")

	x = guide.Explain(check.DiscGlobalIdP, map[string]string{check.EvAuthority: "https://id.erp.net/id"})
	contains(t, "global idp", joined(x), "https://id.erp.net/id", "single sign-on", "<instance root>/id")

	x = guide.Explain(check.APIRateLimited, map[string]string{check.EvRetryAfter: "30"})
	contains(t, "429", joined(x), "30 seconds", "600 requests")

	x = guide.Explain(check.TokScopeUserOnly, map[string]string{check.EvScope: "offline_access"})
	contains(t, "user only", joined(x), "offline_access", "never grants")
}

func TestIssuerMismatchNamesTheCause(t *testing.T) {
	cases := []struct{ expected, actual, want string }{
		{"https://acme.my.erp.net/id", "https://acme.my.erp.net/id/", "trailing slash"},
		{"https://acme.my.erp.net/id", "http://acme.my.erp.net/id", "scheme (https vs http)"},
		{"https://acme.my.erp.net/id", "https://beta.my.erp.net/id", "different hosts (acme.my.erp.net vs beta.my.erp.net)"},
	}
	for _, c := range cases {
		for _, code := range []string{check.DiscIssuerMismatch, check.TokIssuerMismatch} {
			x := guide.Explain(code, map[string]string{check.EvExpected: c.expected, check.EvActual: c.actual})
			contains(t, code, x.What, c.want, c.actual)
		}
	}
}

func TestLongAndMultilineEvidenceIsTamed(t *testing.T) {
	long := strings.Repeat("x", 5000)
	x := guide.Explain(check.TokOtherError, map[string]string{check.EvError: "weird\n\nerror", check.EvDescription: long})
	if strings.Contains(x.What, "\n") || !strings.Contains(x.What, "weird error") {
		t.Errorf("multiline evidence not flattened: %q", x.What)
	}
	if len(x.What) > 1000 {
		t.Errorf("long evidence not capped: %d chars", len(x.What))
	}
}

// A narrowed grant caused only by sign-in scopes must not send the admin to the
// Trusted App's Scope field: ERP.net never grants those scopes to a service app.
func TestScopeNarrowedBySignInScopesOnly(t *testing.T) {
	e := guide.Explain("token.scope_narrowed", map[string]string{
		"requested": "read openid offline_access", "granted": "read", "missing": "openid offline_access",
	})
	text := e.What + " " + strings.Join(e.Causes, " ") + " " + strings.Join(e.Steps, " ")
	for _, want := range []string{"Remove openid offline_access from the profile's scopes", "never grants to a service app", "Nothing needs to change in the Trusted App"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "add it to the Scope field") {
		t.Errorf("explanation sends the admin to the Scope field for sign-in scopes:\n%s", text)
	}
}

func TestScopeNarrowedByAppScope(t *testing.T) {
	e := guide.Explain("token.scope_narrowed", map[string]string{
		"requested": "read update", "granted": "read", "missing": "update",
	})
	text := e.What + " " + strings.Join(e.Steps, " ")
	for _, want := range []string{"Calls that need update will be refused", "add it to the Scope field"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Nothing needs to change in the Trusted App") {
		t.Errorf("explanation says nothing to change although update is missing:\n%s", text)
	}
}

// Causes that depend on what was requested appear only when it was requested.
func TestInvalidScopeCausesFollowTheRequest(t *testing.T) {
	plain := strings.Join(guide.Explain("token.invalid_scope", map[string]string{"requested": "read update", "scope": "update"}).Causes, " ")
	if strings.Contains(plain, "sec requested") || strings.Contains(plain, "DomainApi requested") {
		t.Errorf("causes name scopes that were not requested: %s", plain)
	}
	withSec := strings.Join(guide.Explain("token.invalid_scope", map[string]string{"requested": "read sec DomainApi"}).Causes, " ")
	for _, want := range []string{"sec requested: it is for ERP.net internal use only", "DomainApi requested: the legacy scope"} {
		if !strings.Contains(withSec, want) {
			t.Errorf("causes lack %q: %s", want, withSec)
		}
	}
	narrowed := guide.Explain("token.scope_narrowed", map[string]string{"requested": "read openid offline_access", "granted": "read"}).Causes
	if len(narrowed) != 1 || !strings.Contains(narrowed[0], "openid offline_access requested") {
		t.Errorf("narrowed by sign-in scopes: want one cause naming them, got %q", narrowed)
	}
}

// Evidence that ends with its own full stop does not leave "..": the server's message
// "... after it started." is followed by the template's sentence end.
func TestNoDoubleFullStop(t *testing.T) {
	e := guide.Explain("api.license_exhausted", map[string]string{
		"method": "GET", "path": "/api/domain/currentmodel", "error": "MaximumLicenseCountExceeded",
		"error_description": "All licence slots are in use. A session frees its slot after 20 minutes idle.",
	})
	if strings.Contains(strings.ReplaceAll(e.What, "...", ""), "..") {
		t.Errorf("double full stop: %s", e.What)
	}
	if !strings.Contains(e.What, "after 20 minutes idle.") {
		t.Errorf("the server's message is not quoted: %s", e.What)
	}
}
