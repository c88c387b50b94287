package explain

import (
	"strings"
	"testing"

	"trustedapp-tester/check"
)

// An OData error pasted without its status line: the body's own code counts, so a
// "403" is read as the refusal it is, not as a business error (HTTP 500).
func TestBodyCodeGivesTheStatus(t *testing.T) {
	for _, tc := range []struct {
		name, text, code, status string
	}{
		{"the issue's case", `{"error":{"code":"403","message":"Access to the entity is denied."}}`, check.APIForbidden, "403"},
		{"a number", `{"error":{"code":401,"message":"Unauthorized"}}`, check.APIUnauthorized, "401"},
		{"a status name", `{"error":{"code":"Forbidden","message":"The access token does not have the 'update' scope"}}`, check.APIForbidden, "403"},
		{"not found", `{"error":{"code":"NotFound","message":"No such entity set"}}`, check.APINotFound, "404"},
		{"too many", `{"error":{"code":"429","message":"Slow down"}}`, check.APIRateLimited, "429"},
		{"a business error stays one", `{"error":{"code":2029,"message":"The field Number is required."}}`, check.APIODataError, "500"},
		{"a status line wins", "HTTP/1.1 404 Not Found\n{\"error\":{\"code\":\"403\",\"message\":\"x\"}}", check.APINotFound, "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Text(tc.text)
			if firstCode(r) != tc.code || r.Findings[0].Evidence[check.EvStatus] != tc.status {
				t.Fatalf("read as %s (%q), findings %+v", firstCode(r), r.ReadAs, r.Findings)
			}
		})
	}
	if r := Text(`{"error":{"code":"403","message":"Access is denied"}}`); !strings.Contains(r.ReadAs, "whose code gives the HTTP status 403 Forbidden") {
		t.Errorf("read as %q", r.ReadAs)
	}
}

// Bulgarian, as a customer on an instance set to Bulgarian pastes it (ERP.net localises
// its messages: change-language.md). The first body is the docs' own Bulgarian error;
// the others are real-shaped: the docs publish no Bulgarian wording of them, so they
// are written the way such a message reads, and classification rests on codes and
// statuses wherever the text has them.
func TestBulgarianMessages(t *testing.T) {
	for _, tc := range []struct {
		name, text, kind, code string
	}{
		// The docs' example (dev:domain-api/common-tasks/change-language.md), as sent.
		{"the docs' Bulgarian business error", `{"error":{"message":"Грешка при записване.\r\n  Валидацията R27159: FromDateLessThanThruDate не е била успешна при събитие Commit: \r\n\r\nСтойността на полето 'От дата' 1.01.2022 г. 0:00:00 ч. не трябва да надвишава стойността на полето 'До дата' 1.01.2021 г. 0:00:00 ч. (Constraint R27159)"}}`,
			KindODataError, check.APIODataError},
		// Real-shaped from here on.
		{"licence, with its code", `{"error":{"code":"MaximumLicenseCountExceeded","message":"Превишен е максималният брой лицензи: всички 10 лиценза се използват."}}`, KindLicence, check.APILicenseExhausted},
		{"licence, words only", `Грешка: превишен е максималният брой едновременни лицензи. Няма свободен лиценз.`, KindLicence, check.APILicenseExhausted},
		{"rate limit, with its code", `{"error":{"code":"TooManyRequests","message":"Твърде много заявки: сесията е ограничена до 600 заявки в минута."}}`, KindODataError, check.APIRateLimited},
		{"rate limit, words only", `Твърде много заявки. Опитайте отново след 30 секунди.`, KindRateLimit, check.APIRateLimited},
		{"expired token challenge", `WWW-Authenticate: Bearer error="invalid_token", error_description="Токенът е изтекъл в 10:00:00"`, KindWWWAuthenticate, check.APITokenExpired},
		{"foreign issuer challenge", `WWW-Authenticate: Bearer error="invalid_token", error_description="Издателят 'https://beta.my.erp.net/id' е невалиден"`, KindWWWAuthenticate, check.APIForeignIssuer},
		{"OAuth error, description in Bulgarian", `{"error":"invalid_client","error_description":"Невалиден client_id или client_secret"}`, KindOAuthError, check.TokInvalidClient},
		{".NET on a Bulgarian Windows", `System.Net.Http.HttpRequestException: Кодът на състоянието на отговора не показва успех: 403 (Forbidden).`, KindHTTPStatus, check.APIForbidden},
		{"connection refused", `System.Net.Sockets.SocketException (10061): Не може да бъде осъществена връзка, защото целевият компютър активно отказа. (localhost:5001)`, KindNetwork, check.NetRefused},
		{"no such host", `System.Net.Http.HttpRequestException: Не е известен такъв хост. (acme.my.erp.nt:443)`, KindNetwork, check.NetDNS},
		{"timeout", `Операцията не завърши, защото изтече времето за изчакване.`, KindNetwork, check.NetTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Text(tc.text)
			if !r.Recognised || r.Kind != tc.kind || firstCode(r) != tc.code {
				t.Fatalf("kind %q code %q (%q)", r.Kind, firstCode(r), r.ReadAs)
			}
			if tc.kind == KindNetwork && r.Findings[0].Evidence[check.EvError] == "" {
				t.Errorf("the line that matched is not kept: %+v", r.Findings[0].Evidence)
			}
		})
	}
	// The docs' body keeps its Bulgarian message as the evidence.
	r := Text(`{"error":{"message":"Грешка при записване. (Constraint R27159)"}}`)
	if d := r.Findings[0].Evidence[check.EvDescription]; !strings.Contains(d, "Грешка при записване") {
		t.Errorf("description %q", d)
	}
}
