package guide

import (
	"regexp"
	"testing"
)

// knownKeys are the evidence keys of check/codes.go (Ev*) plus the derived ones.
var knownKeys = map[string]bool{
	"url": true, "host": true, "status": true, "error": true, "error_description": true, "requested": true,
	"granted": true, "missing": true, "scope": true, "expected": true, "actual": true, "issuer": true,
	"authority": true, "client_id": true, "auth_method": true, "kid": true, "alg": true, "expires": true,
	"skew": true, "retry_after": true, "www_authenticate": true, "method": true, "path": true, "version": true,
	"odata_code": true, "odata_type": true, "location": true, "content_type": true, "size": true, "cap": true,
	"timeout": true, "proxy": true, "proxy_route": true, "proxy_auth": true, "cert_subject": true, "cert_expiry": true, "lifetime": true,
	"field": true, "kids": true, "date": true,
	"calls": true, "system_user": true, "user_type": true, "age_days": true, "since": true, "rotation_days": true, "source": true,
	"elapsed": true, "threshold": true, "share": true, "clients": true,
	"at_risk": true, "differs": true, "adjusted": true,
	"credential": true, "refused_host": true, "named_hosts": true, "token_profile": true, "site": true, "limit": true, "limit_default": true,
}

var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// TestTemplatesUseOnlyKnownKeys catches a typo in a placeholder, which would otherwise
// silently drop a segment for ever.
func TestTemplatesUseOnlyKnownKeys(t *testing.T) {
	for code, e := range catalogue {
		ts := append([]string{e.title, e.what, e.confirm}, e.causes...)
		ts = append(ts, e.steps...)
		for _, f := range e.fields {
			ts = append(ts, f.Name, f.Expect)
		}
		for _, s := range ts {
			for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
				if !knownKeys[m[1]] && !derivedKeys[m[1]] {
					t.Errorf("%s: unknown placeholder {%s} in %q", code, m[1], s)
				}
			}
		}
	}
}

func TestRender(t *testing.T) {
	ev := map[string]string{"a": "A", "b": "B"}
	cases := map[string]string{
		"x {a} y":                "x A y",
		"x[[ {a} and {b}]] y":    "x A and B y",
		"x[[ {a} and {c}]] y":    "x y",
		"x [[{c}||fallback]] y.": "x fallback y.",
		"x {c} y":                "x (not recorded) y",
		"x [[{c}]] .":            "x.",
		"unbalanced [[ {a}":      "unbalanced A",
		"is[[ {c}||other]] now":  "is other now",
		"is[[ {a}||other]] now":  "is A now",
	}
	for in, want := range cases {
		if got := render(in, ev); got != want {
			t.Errorf("render(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDerivedKeysCannotBeInjected(t *testing.T) {
	x := Explain("token.invalid_client", map[string]string{"auth_hint": "EVIL", "auth_method": ""})
	for _, s := range append([]string{x.What}, x.Steps...) {
		if regexp.MustCompile("EVIL").MatchString(s) {
			t.Errorf("derived key taken from evidence: %q", s)
		}
	}
}
