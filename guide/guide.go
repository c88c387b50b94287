// Package guide turns finding codes from check into explanations an administrator can
// act on: what happened, why, which Trusted App fields or profile settings to check,
// numbered fix steps, how to confirm the fix and the ERP.net docs page. It imports
// nothing of ours but internal/platform, which names the user's keychain: codes and
// evidence keys are plain strings (the contract is check/codes.go).
//
// The catalogue (catalogue.go) is one data table of text templates. A template weaves
// the finding's evidence in with two constructs:
//
//	{key}              the evidence value under key (see check/codes.go Ev* keys),
//	                   or a fact derive adds ({keychain}: where this system keeps
//	                   secrets, as it names it)
//	[[text||fallback]] text, when every {key} inside it has a value; otherwise
//	                   fallback (which may be empty: "[[ ... ]]" then drops out);
//	                   a leading space in text also leads the fallback
//
// so an explanation reads naturally whether or not check found a given fact.
package guide

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"trustedapp-tester/internal/platform"
)

// Field is one place to look, by its documented name.
type Field struct {
	// Where is "Trusted App", "System User", "Profile", "Instance" or "Network".
	Where string `json:"where"`
	// Name is the documented field name, e.g. "SystemUserAllowed", "Scope", "client_id".
	Name string `json:"name"`
	// Expect says what it should be, e.g. "true", "Confidential", "contains update".
	Expect string `json:"expect,omitempty"`
}

// Explanation is what the user reads for one finding, about this case.
type Explanation struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`             // one line
	What    string   `json:"what"`              // what happened, in plain words, with the evidence
	Causes  []string `json:"causes,omitempty"`  // likely causes, most likely first
	Fields  []Field  `json:"fields,omitempty"`  // what to check
	Steps   []string `json:"steps,omitempty"`   // numbered fix steps
	Confirm string   `json:"confirm,omitempty"` // how to confirm the fix in this tool
	DocURL  string   `json:"doc_url,omitempty"` // public ERP.net docs page
	// Generic is true when the code is unknown and this is the fallback text.
	Generic bool `json:"generic,omitempty"`
}

// entry is one catalogue row; every string is a template (see the package comment).
type entry struct {
	title   string
	what    string
	causes  []string
	fields  []Field
	steps   []string
	confirm string
	doc     string
}

// maxValue caps one evidence value woven into text, so a huge server body cannot
// swamp the explanation.
const maxValue = 300

// Explain returns the explanation for a finding code and its evidence, in English and
// the words of the system it runs on (ExplainIn says it in another language).
func Explain(code string, evidence map[string]string) Explanation {
	return ExplainIn(nil, code, evidence)
}

// Has reports whether the catalogue has an entry for code.
func Has(code string) bool {
	_, ok := catalogue[code]
	return ok
}

// Codes lists the catalogue's codes, sorted.
func Codes() []string {
	out := make([]string, 0, len(catalogue))
	for c := range catalogue {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// generic is the fallback for a code the catalogue does not know: it still shows the
// raw evidence so nothing the engine found is hidden.
func generic(code string, ev map[string]string, tr Translator) Explanation {
	keys := make([]string, 0, len(ev))
	for k, v := range ev {
		if v != "" && !derivedKeys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	what := keyed(tr, "guide.generic.what", nil)
	if len(keys) > 0 {
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+": "+ev[k])
		}
		what += " " + keyed(tr, "guide.generic.recorded", map[string]string{"recorded": strings.Join(parts, "; ")})
	} else {
		what += " " + keyed(tr, "guide.generic.nothing", nil)
	}
	if code == "" {
		code = keyed(tr, "guide.generic.no_code", nil)
	}
	return Explanation{
		Code:  code,
		Title: keyed(tr, "guide.generic.title", map[string]string{"code": code}),
		What:  what,
		Steps: []string{
			keyed(tr, "guide.generic.step.exchange", nil),
			keyed(tr, "guide.generic.step.compare", nil),
			keyed(tr, "guide.generic.step.report", nil),
		},
		Confirm: keyed(tr, "guide.generic.confirm", nil),
		DocURL:  docErrors,
		Generic: true,
	}
}

// derivedKeys are computed by derive, not sent by check.
var derivedKeys = map[string]bool{
	"missing_derived": true, "issuer_why": true, "auth_name": true, "auth_other": true,
	"auth_other_name": true, "auth_hint": true, "scope_or_requested": true,
	"status_text": true, "root_hint": true, "missing_grantable": true, "missing_user_only": true,
	"requested_sec": true, "requested_legacy": true, "domainapi_advice": true, "domainapi_keep": true,
	"domainapi_step": true, "cache_place": true, "signin_refused": true, "grantable_refused": true, "fix_where": true,
	"stop_refused": true, "stop_why": true, "missing_stop": true, "missing_stop_why": true, "scope_field_expect": true, "profile_scopes_expect": true,
	"keychain": true,
}

// stopScope reports whether a service app must never request scope on an instance of
// version ("" when unknown), and why: sec, DomainApi after 20.1, the sign-in scopes.
// check.MustNotRequest is the same rule (advice_test.go keeps them together): no
// explanation advises adding such a scope to the Scope field, whichever finding it
// explains.
func stopScope(tr Translator, scope, version string) (bool, string) {
	switch {
	case scope == "sec":
		return true, keyed(tr, "guide.derived.stop_why.sec", nil)
	case scope == "DomainApi" && !strings.HasPrefix(version, "20.1."):
		return true, keyed(tr, "guide.derived.stop_why.domainapi", nil)
	case userOnlyScopes[scope]:
		return true, keyed(tr, "guide.derived.stop_why.sign_in", map[string]string{"scope": scope})
	}
	return false, ""
}

// splitStops splits scopes into those that may be added to the Scope field and those
// that must not be requested (with why, in tr's language), leaving out the sign-in
// scopes when skipSignIn.
func splitStops(tr Translator, scopes []string, version string, skipSignIn bool) (grantable, stops, whys []string) {
	for _, s := range scopes {
		stop, why := stopScope(tr, s, version)
		switch {
		case !stop:
			grantable = append(grantable, s)
		case userOnlyScopes[s] && skipSignIn:
		default:
			stops, whys = append(stops, s), append(whys, why)
		}
	}
	return grantable, stops, whys
}

// userOnlyScopes are sign-in scopes that ERP.net never grants to a service app.
var userOnlyScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true}

// derive copies the evidence, cleans values (one line, capped) and adds facts
// computed from it: the missing scopes, why two issuers differ, the other auth method,
// and sys's name for its keychain, all in tr's language.
func derive(sys platform.System, in map[string]string, tr Translator) map[string]string {
	ev := make(map[string]string, len(in)+8)
	for k, v := range in {
		if derivedKeys[k] {
			continue
		}
		if v = clean(v); v != "" {
			ev[k] = v
		}
	}
	if ev["missing"] == "" && ev["requested"] != "" && ev["granted"] != "" {
		granted := map[string]bool{}
		for _, s := range strings.Fields(ev["granted"]) {
			granted[s] = true
		}
		var miss []string
		for _, s := range strings.Fields(ev["requested"]) {
			if !granted[s] {
				miss = append(miss, s)
			}
		}
		if len(miss) > 0 {
			ev["missing_derived"] = strings.Join(miss, " ")
		}
	} else if ev["missing"] != "" {
		ev["missing_derived"] = ev["missing"]
	}
	// Split the missing scopes: sign-in scopes are never granted to a service app (the
	// fix is to stop requesting them); any other missing scope needs the Scope field.
	var userOnly []string
	for _, s := range strings.Fields(ev["missing_derived"]) {
		if userOnlyScopes[s] {
			userOnly = append(userOnly, s)
		}
	}
	grantable, stops, whys := splitStops(tr, strings.Fields(ev["missing_derived"]), ev["version"], true)
	if len(grantable) > 0 {
		ev["missing_grantable"] = strings.Join(grantable, " ")
	}
	if len(stops) > 0 {
		ev["missing_stop"], ev["missing_stop_why"] = strings.Join(stops, " "), strings.Join(whys, "; ")
	}
	if len(userOnly) > 0 {
		ev["missing_user_only"] = strings.Join(userOnly, " ")
	}
	for _, s := range strings.Fields(ev["requested"]) {
		switch s {
		case "sec":
			ev["requested_sec"] = s
		case "DomainApi":
			ev["requested_legacy"] = s
		}
	}
	// DomainApi: servers of version 20.1 need it, later versions treat it as obsolete.
	switch v := ev["version"]; {
	case strings.HasPrefix(v, "20.1."):
		ev["domainapi_advice"] = keyed(tr, "guide.derived.domainapi_advice.v20_1", ev)
		ev["domainapi_keep"] = keyed(tr, "guide.derived.domainapi_keep.v20_1", ev)
		ev["domainapi_step"] = keyed(tr, "guide.derived.domainapi_step.v20_1", ev)
	case v != "":
		ev["domainapi_advice"] = keyed(tr, "guide.derived.domainapi_advice.later", ev)
		ev["domainapi_step"] = keyed(tr, "guide.derived.domainapi_step.later", ev)
	default:
		ev["domainapi_advice"] = keyed(tr, "guide.derived.domainapi_advice", ev)
	}
	ev["keychain"] = KeychainIn(tr, sys)
	if k, ok := credentialKeys[ev["credential"]]; ok {
		ev["credential"] = keyed(tr, k, nil) // what the gate refused, in tr's language
	}
	switch ev["actual"] {
	case "keychain":
		ev["cache_place"] = ev["keychain"]
	case "memory":
		ev["cache_place"] = keyed(tr, "guide.derived.cache_place.memory", ev)
	}
	// invalid_scope: a refused sign-in scope needs another fix than a scope the app's
	// Scope field lacks.
	// A scope that must not be requested (sec, DomainApi after 20.1) is never advised
	// to be added to the Scope field.
	if userOnlyScopes[ev["scope"]] {
		ev["signin_refused"] = ev["scope"]
		ev["scope_field_expect"] = keyed(tr, "guide.derived.expect_unchanged_sign_in", nil)
		ev["profile_scopes_expect"] = keyed(tr, "guide.derived.expect_without", map[string]string{"scopes": ev["scope"]})
	} else if s := first(ev, "scope", "requested"); s != "" {
		grantable, stops, whys := splitStops(tr, strings.Fields(s), ev["version"], false)
		if len(grantable) > 0 {
			ev["grantable_refused"] = strings.Join(grantable, " ")
			ev["fix_where"] = tr.X(sharedKeys[whereToFix], whereToFix)
			ev["scope_field_expect"] = keyed(tr, "guide.derived.expect_contains", map[string]string{"scopes": ev["grantable_refused"]})
		}
		if len(stops) > 0 {
			ev["stop_refused"], ev["stop_why"] = strings.Join(stops, " "), strings.Join(whys, "; ")
			ev["profile_scopes_expect"] = keyed(tr, "guide.derived.expect_without", map[string]string{"scopes": ev["stop_refused"]})
			if len(grantable) == 0 {
				ev["scope_field_expect"] = ev["profile_scopes_expect"]
			}
		}
	}
	if s := ev["scope"]; s != "" {
		ev["scope_or_requested"] = s
	} else if s := ev["requested"]; s != "" {
		ev["scope_or_requested"] = s
	}
	if why := issuerWhy(first(ev, "expected", "authority"), first(ev, "actual", "issuer"), tr); why != "" {
		ev["issuer_why"] = why
	}
	switch strings.ToLower(ev["auth_method"]) {
	case "basic":
		ev["auth_name"] = keyed(tr, "guide.derived.auth_name.basic", ev)
		ev["auth_other"] = "post"
		ev["auth_other_name"] = keyed(tr, "guide.derived.auth_name.post", ev)
		ev["auth_hint"] = keyed(tr, "guide.derived.auth_hint.basic", ev)
	case "post":
		ev["auth_name"] = keyed(tr, "guide.derived.auth_name.post", ev)
		ev["auth_other"] = "basic"
		ev["auth_other_name"] = keyed(tr, "guide.derived.auth_name.basic", ev)
		ev["auth_hint"] = keyed(tr, "guide.derived.auth_hint.post", ev)
	}
	if s := ev["status"]; s != "" {
		ev["status_text"] = statusText(s)
	}
	if u := first(ev, "url", "path"); u != "" && !strings.Contains(u, "/api/domain/odata/") && strings.Contains(u, "/odata") {
		ev["root_hint"] = keyed(tr, "guide.derived.root_hint", ev)
	}
	return ev
}

func first(ev map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := ev[k]; v != "" {
			return v
		}
	}
	return ""
}

// issuerWhy names the difference between the expected authority and the issuer seen.
func issuerWhy(expected, actual string, tr Translator) string {
	if expected == "" || actual == "" || expected == actual {
		return ""
	}
	if strings.TrimRight(expected, "/") == strings.TrimRight(actual, "/") {
		return keyed(tr, "guide.issuer.slash", nil)
	}
	eu, err1 := url.Parse(expected)
	au, err2 := url.Parse(actual)
	if err1 != nil || err2 != nil {
		return ""
	}
	if strings.EqualFold(eu.Host, au.Host) && eu.Scheme != au.Scheme {
		return keyed(tr, "guide.issuer.scheme", map[string]string{"expected_scheme": eu.Scheme, "actual_scheme": au.Scheme})
	}
	if !strings.EqualFold(eu.Host, au.Host) {
		return keyed(tr, "guide.issuer.host", map[string]string{"expected_host": eu.Host, "actual_host": au.Host})
	}
	if eu.Path != au.Path {
		return keyed(tr, "guide.issuer.path", map[string]string{"expected_path": eu.Path, "actual_path": au.Path})
	}
	return ""
}

func statusText(s string) string {
	switch s {
	case "400":
		return "400 Bad Request"
	case "401":
		return "401 Unauthorized"
	case "403":
		return "403 Forbidden"
	case "404":
		return "404 Not Found"
	case "405":
		return "405 Method Not Allowed"
	case "429":
		return "429 Too Many Requests"
	case "500":
		return "500 Internal Server Error"
	case "502":
		return "502 Bad Gateway"
	case "503":
		return "503 Service Unavailable"
	case "504":
		return "504 Gateway Timeout"
	}
	return s
}

// clean makes an evidence value fit in a sentence: one line, trimmed, capped.
func clean(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if r := []rune(v); len(r) > maxValue {
		v = string(r[:maxValue]) + "…"
	}
	return v
}

// render expands a template: [[a||b]] segments first, then {key} placeholders. A
// placeholder outside any segment whose key is missing becomes missing ("(not
// recorded)"); the catalogue test keeps that from ever happening by using segments.
func render(t string, ev map[string]string, missing string) string {
	var b strings.Builder
	for {
		i := strings.Index(t, "[[")
		if i < 0 {
			b.WriteString(subst(t, ev, missing))
			break
		}
		b.WriteString(subst(t[:i], ev, missing))
		rest := t[i+2:]
		j := strings.Index(rest, "]]")
		if j < 0 { // unbalanced: keep literally
			b.WriteString(subst(rest, ev, missing))
			break
		}
		seg, fallback, _ := strings.Cut(rest[:j], "||")
		if allPresent(seg, ev) {
			b.WriteString(subst(seg, ev, ""))
		} else if fallback != "" {
			// The segment's leading space belongs to the fallback too:
			// "answered[[ {status}||with an error]]" reads "answered with an error".
			if strings.HasPrefix(seg, " ") && !strings.HasPrefix(fallback, " ") {
				fallback = " " + fallback
			}
			b.WriteString(subst(fallback, ev, ""))
		}
		t = rest[j+2:]
	}
	return tidy(b.String())
}

// allPresent reports whether every {key} in s has a value.
func allPresent(s string, ev map[string]string) bool {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return true
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return true
		}
		if ev[s[i+1:i+j]] == "" {
			return false
		}
		s = s[i+j+1:]
	}
}

func subst(s string, ev map[string]string, missing string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		key := s[i+1 : i+j]
		if v := ev[key]; v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(missing)
		}
		s = s[i+j+1:]
	}
}

// tidy collapses the double spaces and " ." a dropped segment can leave.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for _, p := range [][2]string{{" .", "."}, {" ,", ","}, {"( ", "("}, {" )", ")"}} {
		s = strings.ReplaceAll(s, p[0], p[1])
	}
	// Evidence that ends a sentence itself ("... 60 minutes after it started.")
	// followed by the template's own full stop; an ellipsis stays.
	s = doubleStop.ReplaceAllString(s, "$1.$2")
	return strings.TrimSpace(s)
}

var doubleStop = regexp.MustCompile(`([^.])\.\.([^.]|$)`)
