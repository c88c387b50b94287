package guide_test

import (
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
)

// DomainApi: servers of version 20.1 need it, later versions treat it as obsolete; the
// advice follows the version when the instance reported one.
func TestDomainApiAdviceFollowsTheVersion(t *testing.T) {
	for _, tc := range []struct {
		version string
		want    []string
		not     string
	}{
		{"20.1.7.12", []string{"runs version 20.1.7.12, and servers of version 20.1 need it: keep it", "Keep DomainApi while the instance runs version 20.1.7.12"}, "Remove DomainApi from the profile's scopes and from your integration's code:"},
		{"26.2.0.76", []string{"runs version 26.2.0.76, which treats it as obsolete", "Remove DomainApi from the profile's scopes and from your integration's code: version 26.2.0.76 does not need it."}, "keep it"},
		{"", []string{"Servers of version 20.1 need it; later versions treat it as obsolete", "If the instance runs version 20.1, keep DomainApi until it is upgraded"}, ""},
	} {
		x := guide.Explain(check.TokScopeLegacy, map[string]string{check.EvScope: "DomainApi", check.EvVersion: tc.version})
		all := x.What + " " + strings.Join(x.Steps, " ")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("version %q: lacks %q:\n%s", tc.version, w, all)
			}
		}
		if tc.not != "" && strings.Contains(all, tc.not) {
			t.Errorf("version %q: says %q:\n%s", tc.version, tc.not, all)
		}
	}
}

// Sign-in scopes: the guide explains both outcomes the docs leave open, and a refused
// sign-in scope is never answered with "add it to the Scope field".
func TestSignInScopeOutcomes(t *testing.T) {
	x := guide.Explain(check.TokScopeUserOnly, map[string]string{check.EvScope: "openid offline_access"})
	for _, w := range []string{"drop them from the grant", "refuse the whole request with invalid_scope"} {
		if !strings.Contains(x.What, w) {
			t.Errorf("scope_user_only lacks %q: %s", w, x.What)
		}
	}
	refused := guide.Explain(check.TokInvalidScope, map[string]string{check.EvScope: "openid", check.EvRequested: "read openid",
		check.EvDescription: "Invalid scope: openid"})
	all := strings.Join(append(append(refused.Causes, refused.Steps...), refused.Fields[0].Expect, refused.Fields[1].Expect), " | ")
	if !strings.Contains(all, `"openid" is a sign-in scope, and this instance refuses sign-in scopes`) ||
		!strings.Contains(all, `Remove "openid" and the other sign-in scopes`) || strings.Contains(all, "Scope field (space-delimited") ||
		!strings.Contains(all, "unchanged: sign-in scopes need no entry") {
		t.Errorf("refused sign-in scope:\n%s", all)
	}
	other := guide.Explain(check.TokInvalidScope, map[string]string{check.EvScope: "update", check.EvRequested: "read update"})
	all = strings.Join(append(other.Causes, other.Steps...), " | ")
	if !strings.Contains(all, `"update" is not in the Trusted App's Scope field`) || !strings.Contains(all, `Either add "update" to the Trusted App's Scope field`) ||
		strings.Contains(all, "sign-in scope") {
		t.Errorf("refused app scope:\n%s", all)
	}
}

// ReferenceTokens is named as the model does and as the dev docs do (AccessTokens).
func TestReferenceTokensBothNames(t *testing.T) {
	x := guide.Explain(check.TokReference, nil)
	if len(x.Fields) == 0 || !strings.Contains(x.Fields[0].Name, "ReferenceTokens") || !strings.Contains(x.Fields[0].Name, "AccessTokens") {
		t.Errorf("fields: %+v", x.Fields)
	}
}
