package explain

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

func firstCode(r Result) string {
	if len(r.Findings) == 0 {
		return ""
	}
	return r.Findings[0].Code
}

// Each kind of text the issue names, in the real wording of the clients that log it.
func TestTextRecognisesWhatClientsLog(t *testing.T) {
	for _, tc := range []struct {
		name, text, kind, code string
		ev                     map[string]string
	}{
		// OAuth error bodies.
		{"oauth json", `{"error":"invalid_client","error_description":"Invalid client_id or client_secret"}`, KindOAuthError, check.TokInvalidClient, map[string]string{check.EvDescription: "Invalid client_id or client_secret"}},
		{"oauth invalid_scope names the scope", `{"error":"invalid_scope","error_description":"Invalid scope: update"}`, KindOAuthError, check.TokInvalidScope, map[string]string{check.EvScope: "update"}},
		{"oauth form", `error=invalid_grant&error_description=Client+credentials+are+invalid+or+missing`, KindOAuthError, check.TokInvalidGrant, map[string]string{check.EvDescription: "Client credentials are invalid or missing"}},
		{"raw http response", "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n{\"error\":\"unauthorized_client\"}", KindOAuthError, check.TokUnauthorizedClient, map[string]string{check.EvStatus: "400"}},
		{"go oauth2", `oauth2: "invalid_client" "Invalid client_id or client_secret"`, KindOAuthError, check.TokInvalidClient, nil},
		{"ErpNet.Api.Client", `System.Exception: RequestClientCredentialsTokenAsync returned an error: unsupported_grant_type.`, KindOAuthError, check.TokUnsupportedGrantType, nil},
		{"IdentityModel TokenResponse.Error in a log", `2026-12-01 10:00:01 ERR Token request failed: invalid_request (Missing client_secret)`, KindOAuthError, check.TokInvalidRequest, nil},
		{"unknown oauth error", `{"error":"temporarily_unavailable"}`, KindOAuthError, check.TokOtherError, map[string]string{check.EvError: "temporarily_unavailable"}},
		{"ErpNet.Api.Client reason phrase", `RequestClientCredentialsTokenAsync returned an error: Unauthorized.`, KindDotNet, check.TokHTTPError, map[string]string{check.EvStatus: "401"}},

		// WWW-Authenticate.
		{"expired", `WWW-Authenticate: Bearer error="invalid_token", error_description="The token expired at '12/01/2026 10:00:00'"`, KindWWWAuthenticate, check.APITokenExpired, nil},
		{"value alone, foreign issuer", `Bearer error="invalid_token", error_description="The issuer 'https://beta.my.erp.net/id' is invalid"`, KindWWWAuthenticate, check.APIForeignIssuer, nil},
		{"signature key", `www-authenticate: Bearer error="invalid_token", error_description="The signature key was not found"`, KindWWWAuthenticate, check.APIBadSignature, nil},
		{"insufficient scope", `WWW-Authenticate: Bearer error="insufficient_scope", scope="update"`, KindWWWAuthenticate, check.APIForbiddenScope, map[string]string{check.EvScope: "update", check.EvStatus: "403"}},
		{"bare challenge", "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer", KindWWWAuthenticate, check.APIUnauthorized, nil},

		// OData, licence, rate limits.
		{"odata error", `{"error":{"code":2029,"message":"The field Number is required.","type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException"}}`, KindODataError, check.APIODataError, map[string]string{check.EvODataCode: "2029", check.EvStatus: "500"}},
		{"odata with status and request", "PATCH /api/domain/odata/Crm_Sales_Customers(1) -> HTTP/1.1 404 Not Found\n{\"error\":{\"code\":\"NotFound\",\"message\":\"No entity\"}}", KindODataError, check.APINotFound, map[string]string{check.EvMethod: "PATCH", check.EvPath: "/api/domain/odata/Crm_Sales_Customers(1)"}},
		{"licence body", `{"error":{"code":"MaximumLicenseCountExceeded","message":"MaximumLicenseCountExceeded: all 10 licences are in use"}}`, KindLicence, check.APILicenseExhausted, nil},
		{"licence prose", `The maximum licence count has been exceeded; no free licence slot is available.`, KindLicence, check.APILicenseExhausted, nil},
		{"rate limit", "HTTP/1.1 429 Too Many Requests\nRetry-After: 30", KindRateLimit, check.APIRateLimited, map[string]string{check.EvRetryAfter: "30s"}},
		{"rate limit prose", `Request was rejected by the rate limiter (Too Many Requests), retry after 5 seconds`, KindRateLimit, check.APIRateLimited, map[string]string{check.EvRetryAfter: "5s"}},

		// HTTP status alone.
		{"status line", `HTTP/1.1 404 Not Found`, KindHTTPStatus, check.APINotFound, nil},
		{"HttpRequestException", `System.Net.Http.HttpRequestException: Response status code does not indicate success: 403 (Forbidden).`, KindHTTPStatus, check.APIForbidden, map[string]string{check.EvStatus: "403"}},
		{"WebException", `System.Net.WebException: The remote server returned an error: (401) Unauthorized.`, KindHTTPStatus, check.APIUnauthorized, nil},
		{"bare status", `502 Bad Gateway`, KindHTTPStatus, check.APIServerError, nil},
		{"token endpoint status", "POST https://acme.my.erp.net/id/connect/token\nHTTP/1.1 401 Unauthorized", KindHTTPStatus, check.TokHTTPError, map[string]string{check.EvStatus: "401"}},

		// Microsoft.IdentityModel and IdentityModel.
		{"IDX10223", `Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException: IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '12/1/2026 10:00:00 AM', Current time (UTC): '12/1/2026 11:02:13 AM'.`, KindDotNet, check.TokExpired, map[string]string{check.EvExpires: "12/1/2026 10:00:00 AM"}},
		{"IDX10205", `IDX10205: Issuer validation failed. Issuer: 'https://beta.my.erp.net/id'. Did not match: validationParameters.ValidIssuer: 'https://acme.my.erp.net/id' or validationParameters.ValidIssuers: 'null'.`, KindDotNet, check.TokIssuerMismatch, map[string]string{check.EvActual: "https://beta.my.erp.net/id"}},
		{"IDX10214", `IDX10214: Audience validation failed. Audiences: 'DomainAPI'. Did not match: validationParameters.ValidAudience: 'api://x'`, KindDotNet, check.TokAudienceMismatch, nil},
		{"IDX10501", "IDX10501: Signature validation failed. Unable to match key: \nkid: '5B27920E653DD7AC'.", KindDotNet, check.TokUnknownKid, map[string]string{check.EvKid: "5B27920E653DD7AC"}},
		{"IDX10503", `IDX10503: Signature validation failed. Keys tried: 'Microsoft.IdentityModel.Tokens.RsaSecurityKey'.`, KindDotNet, check.TokSignatureInvalid, nil},
		{"IDX12741", `IDX12741: JWT: '[PII of type 'System.String' is hidden]' must have three segments (JWS) or five segments (JWE).`, KindDotNet, check.TokMalformed, nil},
		{"IDX20803", `IDX20803: Unable to obtain configuration from: 'https://acme.my.erp.net/.well-known/openid-configuration'.`, KindDotNet, check.DiscNotFound, map[string]string{check.EvURL: "https://acme.my.erp.net/.well-known/openid-configuration"}},
		{"discovery issuer", `Issuer name does not match authority: https://acme.my.erp.net/id/`, KindDotNet, check.DiscIssuerMismatch, map[string]string{check.EvActual: "https://acme.my.erp.net/id/"}},
		{"discovery 404", `Error connecting to https://acme.my.erp.net/.well-known/openid-configuration: Not Found`, KindDotNet, check.DiscNotFound, nil},
		{"ID site", `System.InvalidOperationException: The ID site for database 'https://acme.my.erp.net' is not started.`, KindDotNet, check.ReachSiteNotWorking, nil},

		// Network, TLS, proxy.
		{"dns .NET", `System.Net.Http.HttpRequestException: No such host is known. (acme.my.erp.nt:443)`, KindNetwork, check.NetDNS, map[string]string{check.EvHost: "acme.my.erp.nt"}},
		{"dns curl", `curl: (6) Could not resolve host: acme.my.erp.nt`, KindNetwork, check.NetDNS, nil},
		{"refused", `No connection could be made because the target machine actively refused it. (localhost:5001)`, KindNetwork, check.NetRefused, nil},
		{"timeout", `System.Threading.Tasks.TaskCanceledException: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.`, KindNetwork, check.NetTimeout, nil},
		{"untrusted root", "The SSL connection could not be established, see inner exception.\n ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid because of errors in the certificate chain: UntrustedRoot", KindNetwork, check.NetTLSUnknownAuth, nil},
		{"name mismatch", `The remote certificate is invalid according to the validation procedure: RemoteCertificateNameMismatch`, KindNetwork, check.NetTLSHostname, nil},
		{"go expired", `Get "https://acme.my.erp.net/tools/ver": tls: failed to verify certificate: x509: certificate has expired or is not yet valid`, KindNetwork, check.NetTLSExpired, map[string]string{check.EvHost: "acme.my.erp.net"}},
		{"python", `requests.exceptions.SSLError: HTTPSConnectionPool(host='acme.my.erp.net', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate')))`, KindNetwork, check.NetTLSUnknownAuth, nil},
		{"proxy 407", `The proxy tunnel request to proxy 'http://proxy.corp:8080/' failed with status code '407'.`, KindNetwork, check.NetProxy, map[string]string{check.EvProxy: "http://proxy.corp:8080/"}},
		{"reset", `System.IO.IOException: Unable to read data from the transport connection: An existing connection was forcibly closed by the remote host.`, KindNetwork, check.NetReset, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Text(tc.text)
			if !r.Recognised || r.Kind != tc.kind || firstCode(r) != tc.code {
				t.Fatalf("read as %q (%s), codes %v; want %s %s", r.ReadAs, r.Kind, codesOf(r), tc.kind, tc.code)
			}
			f := r.Findings[0]
			for k, v := range tc.ev {
				if f.Evidence[k] != v {
					t.Errorf("evidence %s = %q, want %q (all %v)", k, f.Evidence[k], v, f.Evidence)
				}
			}
			x := f.Explanation
			if x == nil || x.Generic || x.Title == "" || len(x.Steps) == 0 || len(x.Fields) == 0 || f.Message == "" || strings.HasPrefix(f.Message, " ") {
				t.Errorf("explanation %+v, message %q", x, f.Message)
			}
			if r.Checks != nil {
				t.Errorf("a recognised text lists the generic checks")
			}
		})
	}
}

func codesOf(r Result) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}

func TestTextNotRecognised(t *testing.T) {
	for _, text := range []string{"everything is fine", "HTTP/1.1 200 OK", "Exception in thread main java.lang.NullPointerException"} {
		r := Text(text)
		if r.Recognised || r.ReadAs != "not recognised" || len(r.Checks) != 3 || len(r.Findings) != 0 || r.Kind != "" {
			t.Errorf("%q: %+v", text, r)
		}
		for _, c := range r.Checks {
			if c.Title == "" || c.Why == "" || len(c.Fields) == 0 {
				t.Errorf("check %+v", c)
			}
		}
		if b, _ := json.Marshal(r); !strings.Contains(string(b), `"findings":[]`) {
			t.Errorf("findings must be an empty list in JSON: %s", b)
		}
	}
}

// Nothing secret survives into the result, however it was written.
func TestTextRedactsEveryCredential(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJjbGllbnRfaWQiOiJjb20uYWNtZS94In0.c2lnbmF0dXJlLWJ5dGVz"
	basic := base64.StdEncoding.EncodeToString([]byte("com.acme/sync:B4sic-Secret-77"))
	secrets := []string{"S3cret-In-Form-1", "P4ssw0rd-Json-2", jwt, "enrt_0123456789abcdef0123456789abcdef", basic, "Url-Pass-3",
		"AppSettings-Secret-4", "Api-Key-Value-5", "Yaml-Secret-6", "Opaque-Bearer-Token-0123456789"}
	text := strings.Join([]string{
		"POST /id/connect/token grant_type=client_credentials&client_id=com.acme%2Fsync&client_secret=S3cret-In-Form-1",
		`{"password":"P4ssw0rd-Json-2","access_token":"` + jwt + `"}`,
		"X-Api-Key: enrt_0123456789abcdef0123456789abcdef",
		"Authorization: Basic " + basic,
		"proxy http://admin:Url-Pass-3@proxy.corp:8080",
		`"ClientSecret": "AppSettings-Secret-4",`,
		"api_key=Api-Key-Value-5",
		"client_secret: Yaml-Secret-6",
		"authorization: Bearer Opaque-Bearer-Token-0123456789",
		`{"error":"invalid_client","error_description":"Invalid client_id or client_secret"}`,
	}, "\n")
	r := Text(text)
	b, _ := json.Marshal(r)
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("the result holds %q:\n%s", s, r.Text)
		}
	}
	if r.Redactions < len(secrets) || firstCode(r) != check.TokInvalidClient {
		t.Errorf("%d redactions, codes %v:\n%s", r.Redactions, codesOf(r), r.Text)
	}
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "--token-stdin") {
		t.Errorf("no note about the token in the text: %v", r.Notes)
	}
	// Text that merely talks about credentials keeps its words.
	r = Text("The Basic authentication header and the Bearer token were rejected: 401 Unauthorized")
	if !strings.Contains(r.Text, "Basic authentication header and the Bearer token") || r.Redactions != 0 {
		t.Errorf("prose was redacted: %q (%d)", r.Text, r.Redactions)
	}
}

func TestTextShowsControlCharactersAndCapsSize(t *testing.T) {
	r := Text("{\"error\":\"invalid_client\",\"error_description\":\"\x1b[2J\x1b[31mfake\u202e\"}")
	if strings.ContainsAny(r.Text, "\x1b\u202e") || firstCode(r) != check.TokInvalidClient {
		t.Errorf("control characters reach the output: %q", r.Text)
	}
	huge := strings.Repeat("x", MaxInput+10) + `{"error":"invalid_client"}`
	r = Text(huge)
	if !r.Truncated || len([]rune(r.Text)) > maxShown+40 || r.Recognised {
		t.Errorf("huge input: truncated %v, %d characters shown, recognised %v", r.Truncated, len([]rune(r.Text)), r.Recognised)
	}
}

// What a live check saw, pasted: the explanation names the same finding the check
// did. The answers are real ones from the sandbox, as a log would hold them.
func TestPastedAnswersExplainLikeTheLiveCheck(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"rotated-secret", "scope-not-allowed", "disabled", "public-client", "system-user-not-allowed",
		"no-system-user", "inactive-system-user", "secret-newline", "read-only-write", "licence-exhausted", "rate-limited", "foreign-issuer"} {
		t.Run(name, func(t *testing.T) {
			sc, _ := s.Scenario(name)
			p := profiles.Profile{Name: sc.Name, InstanceURL: sc.Instance, Authority: sc.Authority, ClientID: sc.ClientID,
				Scopes: strings.Fields(sc.Scope), TimeoutSeconds: 10}
			for _, c := range sc.Calls {
				p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
			}
			rep := check.Run(context.Background(), p, sc.ClientSecret, check.Options{Fresh: true, Cache: check.NewTokenCache()}, nil)
			live, x := liveFailure(rep)
			if x == nil {
				t.Fatalf("no failing exchange in the live run")
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s\nHTTP/1.1 %d %s\n", x.Method, x.URL, x.Status, http.StatusText(x.Status))
			keys := make([]string, 0, len(x.ResponseHeaders))
			for k := range x.ResponseHeaders {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(&b, "%s: %s\n", k, x.ResponseHeaders.Get(k))
			}
			b.WriteString("\n" + x.ResponseBody)
			r := Text(b.String())
			if firstCode(r) != live.Code {
				t.Errorf("live check: %s; pasted answer: %v (%s)\n%s", live.Code, codesOf(r), r.ReadAs, b.String())
			}
			if strings.Contains(r.Text, sc.ClientSecret) {
				t.Error("the secret is in the result")
			}
		})
	}
}

// liveFailure is the first failing or warning finding of a run's token or API steps,
// with the exchange that produced it.
func liveFailure(rep check.Report) (check.Finding, *check.Exchange) {
	for _, st := range rep.Steps {
		if st.Kind != check.StepToken && st.Kind != check.StepAPI {
			continue
		}
		for _, f := range st.Findings {
			if f.Severity == check.SevInfo || strings.HasPrefix(f.Code, "token.scope") {
				continue
			}
			if n := len(st.Exchanges); n > 0 {
				return f, &st.Exchanges[n-1]
			}
		}
	}
	return check.Finding{}, nil
}
