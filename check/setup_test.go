package check

import (
	"strings"
	"testing"

	"trustedapp-tester/profiles"
)

func TestNarrowestScope(t *testing.T) {
	get := profiles.APICall{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers"}
	patch := profiles.APICall{Method: "patch", Path: "/api/domain/odata/Crm_Sales_Customers(1)"}
	post := profiles.APICall{Method: "POST", Path: "/api/domain/odata/Crm_Sales_Customers"}
	for _, tc := range []struct {
		name  string
		calls []profiles.APICall
		scope string
	}{
		{"no calls", nil, "read"},
		{"reads only", []profiles.APICall{get, {Method: "HEAD", Path: "/x"}}, "read"},
		{"writes only", []profiles.APICall{patch, post}, "update"},
		{"reads and writes", []profiles.APICall{get, patch}, "read update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, why := NarrowestScope(tc.calls); got != tc.scope || why == "" {
				t.Errorf("%v: %q (%s), want %q", tc.calls, got, why, tc.scope)
			}
		})
	}
}

func TestNewAppSetup(t *testing.T) {
	p := profiles.Profile{Name: "Price sync (ÄÖ) / Prod!", InstanceURL: "https://acme.my.erp.net/", ClientID: "com.acme/price-sync",
		Scopes: []string{"read", "update"}, Calls: []profiles.APICall{{Method: "GET", Path: "/x"}}}
	s := NewAppSetup(p, ApplicationSecretHash("x"))
	if s.SystemUser != "svc-price-sync-prod" || s.Scope != "read" || s.Instance != "https://acme.my.erp.net" || s.ClientID != "com.acme/price-sync" {
		t.Errorf("setup %+v", s)
	}
	if !strings.Contains(s.ScopeReason, `the profile requests "read update": narrow it to "read" too`) {
		t.Errorf("scope reason %q", s.ScopeReason)
	}
	var fields []string
	for _, v := range s.Values {
		fields = append(fields, v.Field)
		if v.Value == "" || v.Note == "" {
			t.Errorf("empty value or note: %+v", v)
		}
	}
	if got := strings.Join(fields, " "); got != "Name ApplicationUri ClientType ApplicationSecretHash SystemUserAllowed SystemUser Scope IsEnabled ReferenceTokens BasicAuthenticationAllowed" {
		t.Errorf("fields %s", got)
	}
	if l := suggestedLogin(strings.Repeat("a", 200)); len(l) > 64 {
		t.Errorf("login %d characters long", len(l))
	}
	if l := suggestedLogin("!!!"); l != "svc-integration" {
		t.Errorf("login of punctuation: %q", l)
	}
}
