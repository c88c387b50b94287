package check

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseOAuthError(t *testing.T) {
	for body, want := range map[string]OAuthError{
		`{"error":"invalid_client"}`: {Error: "invalid_client"},
		`{"error":"invalid_scope","error_description":"Invalid scope: update","error_uri":"https://x"}`: {Error: "invalid_scope", Description: "Invalid scope: update", URI: "https://x"},
		`error=invalid_grant&error_description=bad+grant%21`:                                            {Error: "invalid_grant", Description: "bad grant!"},
	} {
		got, ok := ParseOAuthError([]byte(body))
		if !ok || got != want {
			t.Errorf("%s: %+v %v", body, got, ok)
		}
	}
	for _, body := range []string{``, `{}`, `<html>error=x</html>`, `{"error":{"message":"odata"}}`, `[1]`} {
		if _, ok := ParseOAuthError([]byte(body)); ok {
			t.Errorf("%q must not parse as an OAuth error", body)
		}
	}
}

func TestParseODataError(t *testing.T) {
	wrapped := `{"error":{"message":"Cannot delete","code":2029,"type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException","info":"more","messageFormat":"x","parameters":[]}}`
	unwrapped := `{"message":"Cannot delete","code":2029,"type":"Aloe.EnterpriseOne.Server.ServerAPI.Exceptions.EnterpriseOneServerException","info":"more"}`
	for _, b := range []string{wrapped, unwrapped} {
		e, ok := ParseODataError([]byte(b))
		if !ok || e.Message != "Cannot delete" || e.Code != "2029" || !strings.HasSuffix(e.Type, "EnterpriseOneServerException") || e.Info != "more" {
			t.Errorf("%s: %+v %v", b, e, ok)
		}
	}
	if e, ok := ParseODataError([]byte(`{"error":{"code":"X","message":{"lang":"en","value":"v4 style"}}}`)); !ok || e.Message != "v4 style" {
		t.Errorf("v4 message object: %+v", e)
	}
	for _, b := range []string{`{"error":"invalid_token"}`, `not json`, `{"value":[]}`, `null`} {
		if _, ok := ParseODataError([]byte(b)); ok {
			t.Errorf("%q must not parse as an OData error", b)
		}
	}
}

func TestParseWWWAuthenticate(t *testing.T) {
	c, ok := ParseWWWAuthenticate(`Bearer error="invalid_token", error_description="The token expired at '1/1/2026 10:00:00 \"UTC\"'", realm=api`)
	if !ok || c.Scheme != "Bearer" || c.Params["error"] != "invalid_token" || c.Params["realm"] != "api" ||
		c.Params["error_description"] != `The token expired at '1/1/2026 10:00:00 "UTC"'` {
		t.Fatalf("%+v", c)
	}
	c, ok = ParseWWWAuthenticate("Bearer")
	if !ok || c.Scheme != "Bearer" || len(c.Params) != 0 {
		t.Fatalf("bare: %+v", c)
	}
	if _, ok := ParseWWWAuthenticate("  "); ok {
		t.Fatal("empty")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	if d, ok := ParseRetryAfter("120", now); !ok || d != 2*time.Minute {
		t.Error(d)
	}
	if d, ok := ParseRetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now); !ok || d != 30*time.Second {
		t.Error(d)
	}
	if _, ok := ParseRetryAfter("soon", now); ok {
		t.Error("soon")
	}
}

func TestRedactTokenBody(t *testing.T) {
	tok := "eyJ.payload.signatureXYZ123"
	body := `{"access_token":"` + tok + `","expires_in":3600,"refresh_token":"rt-secret-value"}`
	got := RedactTokenBody(body)
	if strings.Contains(got, tok) || strings.Contains(got, "rt-secret-value") || !strings.Contains(got, `"access_token":"…XYZ123 (sha256 `+Fingerprint(tok)[:12]+`)"`) || !strings.Contains(got, `"expires_in":3600`) {
		t.Error(got)
	}
}

// FuzzParseErrorBody feeds arbitrary bodies to every error-body parser: they must
// never panic, and what they accept must be consistent.
func FuzzParseErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"error":"invalid_client","error_description":"Invalid client secret"}`,
		`error=invalid_grant&error_description=x%zz`,
		`{"error":{"message":"m","code":2029,"type":"T","info":"i"}}`,
		`{"message":"m","code":"MaximumLicenseCountExceeded"}`,
		`{"error":{"message":{"value":1}}}`,
		`<!DOCTYPE html><html>`, `{"error":null}`, `{"error":[1,2]}`, ``,
		`Bearer error="invalid_token", error_description="a \"b\"", x=`,
		`Bearer realm="unterminated`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if e, ok := ParseOAuthError([]byte(body)); ok && e.Error == "" {
			t.Fatal("ok without an error code")
		}
		if e, ok := ParseODataError([]byte(body)); ok && e.Message == "" && e.Code == "" {
			t.Fatal("ok without message or code")
		}
		if c, ok := ParseWWWAuthenticate(body); ok && c.Params == nil {
			t.Fatal("nil params")
		}
		_, _ = ParseRetryAfter(body, time.Unix(0, 0))
		_ = looksHTML(body, []byte(body))
		if strings.Contains(RedactTokenBody(`{"access_token":"`+body+`"}`), `"access_token":"`+body+`"`) && body != "" && !strings.ContainsAny(body, `"\`) {
			t.Fatal("token not redacted")
		}
	})
}
