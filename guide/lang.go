package guide

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"trustedapp-tester/internal/platform"
)

// Explanations in the reader's language. The catalogue's English stays the source:
// each template has a key, and ExplainIn asks a Translator for the template under its
// key before weaving the evidence in, so a translation keeps the same {key} and
// [[text||fallback]] constructs in its own word order. guide imports nothing of ours:
// the program's *i18n.Localizer is a Translator (its X method), and the translations
// are in assets/translations/guide.*.json.
//
// The keys (Sources lists them all, with their English):
//
//	guide.CODE.title, .what, .confirm       an entry's parts
//	guide.CODE.cause.N, guide.CODE.step.N   its causes and fix steps, from 1
//	guide.shared.NAME                       a sentence many entries share (whereToFix, ...)
//	guide.field.TEXT, guide.expect.TEXT     a field's name and what it should be, by
//	                                        their English, when it is words (not a
//	                                        field name, not a value)
//	guide.where.PLACE                       "Trusted App", "Profile", ... (WhereIn)
//	guide.derived.NAME, guide.issuer.NAME,  the sentences the evidence makes (derive,
//	guide.generic.NAME, guide.not_recorded  issuerWhy, generic)

// Translator gives a template in the reader's language: the text under key, whose
// English is fallback. *i18n.Localizer is one; nil is English.
type Translator interface {
	X(key, fallback string, data ...any) string
}

// english is the Translator of the catalogue's own English.
type english struct{}

func (english) X(_, fallback string, _ ...any) string { return fallback }

// ExplainIn is Explain in tr's language (English for nil). Codes, evidence values,
// field names and Field.Where stay as they are; WhereIn says Where in tr's language.
func ExplainIn(tr Translator, code string, evidence map[string]string) Explanation {
	return explainOn(platform.Current(), tr, code, evidence)
}

// explainOn is ExplainIn for a user of sys.
func explainOn(sys platform.System, tr Translator, code string, evidence map[string]string) Explanation {
	if tr == nil {
		tr = english{}
	}
	ev := derive(sys, evidence, tr)
	e, ok := catalogue[code]
	if !ok {
		return generic(code, ev, tr)
	}
	missing := tr.X(keyNotRecorded, notRecorded)
	t := func(key, src string) string {
		if key != "" { // "" is a field name or a value: the same in every language
			src = tr.X(key, src)
		}
		return render(src, ev, missing)
	}
	x := Explanation{
		Code:    code,
		Title:   t(entryKey(code, "title", e.title), e.title),
		What:    t(entryKey(code, "what", e.what), e.what),
		Confirm: t(entryKey(code, "confirm", e.confirm), e.confirm),
		DocURL:  e.doc,
	}
	x.Causes = renderList(code, "cause", e.causes, t)
	x.Steps = renderList(code, "step", e.steps, t)
	for _, f := range e.fields {
		x.Fields = append(x.Fields, Field{Where: f.Where, Name: t(textKey("field", f.Name), f.Name), Expect: t(textKey("expect", f.Expect), f.Expect)})
	}
	return x
}

func renderList(code, part string, ts []string, t func(key, src string) string) []string {
	var out []string
	for i, s := range ts {
		if r := t(entryKey(code, part+"."+strconv.Itoa(i+1), s), s); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// Places a Field is in (Field.Where).
const (
	WhereTrustedApp = "Trusted App"
	WhereSystemUser = "System User"
	WhereProfile    = "Profile"
	WhereInstance   = "Instance"
	WhereNetwork    = "Network"
)

var whereKeys = map[string]string{
	WhereTrustedApp: "guide.where.trusted_app", WhereSystemUser: "guide.where.system_user",
	WhereProfile: "guide.where.profile", WhereInstance: "guide.where.instance", WhereNetwork: "guide.where.network",
}

// WhereIn says a Field's Where in tr's language ("Trusted App" is "доверено
// приложение" in Bulgarian). Where itself stays English: screens and tests compare it.
func WhereIn(tr Translator, where string) string {
	if tr == nil {
		return where
	}
	if k, ok := whereKeys[where]; ok {
		return tr.X(k, where)
	}
	return where
}

// sharedKeys key the sentences many entries share, so each is translated once.
var sharedKeys = map[string]string{
	whereToFix:    "guide.shared.where_to_fix",
	rotateSecret:  "guide.shared.rotate_secret",
	rerunFresh:    "guide.shared.rerun_fresh",
	rerunCheck:    "guide.shared.rerun_check",
	narrowConfirm: "guide.shared.narrow_confirm",
}

// entryKey is the key of one part of an entry: a shared sentence's own, else
// guide.CODE.PART.
func entryKey(code, part, src string) string {
	if k, ok := sharedKeys[src]; ok {
		return k
	}
	return "guide." + code + "." + part
}

// identifiers matches a name or value that is a field or setting name, a list of
// them, or a value (true, Confidential, {field}): said the same in every language.
var identifiers = regexp.MustCompile(`^[\w.\-{}\[\]|()]+(\s*[,/]\s*[\w.\-{}\[\]|()]+)*$`)

// textKey is the key of a field's name or expectation, by its English, when it is
// words; "" when it is an identifier or a value, which stays as it is.
func textKey(kind, src string) string {
	if src == "" || identifiers.MatchString(src) {
		return ""
	}
	return "guide." + kind + "." + src
}

// Sources lists every key ExplainIn translates, with its English: what a translation
// must cover (internal/i18n's tests check it does).
func Sources() map[string]string {
	out := map[string]string{}
	add := func(key, src string) {
		if key != "" && src != "" {
			out[key] = src
		}
	}
	codes := make([]string, 0, len(catalogue))
	for c := range catalogue {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		e := catalogue[code]
		add(entryKey(code, "title", e.title), e.title)
		add(entryKey(code, "what", e.what), e.what)
		add(entryKey(code, "confirm", e.confirm), e.confirm)
		for i, s := range e.causes {
			add(entryKey(code, "cause."+strconv.Itoa(i+1), s), s)
		}
		for i, s := range e.steps {
			add(entryKey(code, "step."+strconv.Itoa(i+1), s), s)
		}
		for _, f := range e.fields {
			add(textKey("field", f.Name), f.Name)
			add(textKey("expect", f.Expect), f.Expect)
		}
	}
	for where, k := range whereKeys {
		add(k, where)
	}
	for k, src := range sentences {
		add(k, src)
	}
	return out
}

// KeychainIn names sys's keychain in tr's language, as platform.Keychain does in
// English ({keychain} in a template).
func KeychainIn(tr Translator, sys platform.System) string {
	switch sys.Keychain() {
	case platform.Of("windows").Keychain():
		return keyed(tr, "guide.derived.keychain.windows", nil)
	case platform.Of("darwin").Keychain():
		return keyed(tr, "guide.derived.keychain.darwin", nil)
	}
	return keyed(tr, "guide.derived.keychain.other", nil)
}

// credentialKeys key what the credential gate names as refused (check's
// Carries.String, evidence "credential"), so a translation says it in its words.
var credentialKeys = map[string]string{
	"client secret": "guide.derived.credential.client_secret",
	"access token":  "guide.derived.credential.access_token",
	"password":      "guide.derived.credential.password",
}

// keyed says a sentence of the evidence (sentences) in tr's language, its {key}
// placeholders filled from ev.
func keyed(tr Translator, key string, ev map[string]string) string {
	return strings.TrimSpace(subst(tr.X(key, sentences[key]), ev, ""))
}

const (
	keyNotRecorded = "guide.not_recorded"
	notRecorded    = "(not recorded)"
)

// sentences are the sentences guide makes of the evidence (derive, issuerWhy) and for
// an unknown code (generic), by key.
var sentences = map[string]string{
	keyNotRecorded: notRecorded,

	"guide.derived.domainapi_advice.v20_1":   "This instance runs version {version}, and servers of version 20.1 need it: keep it until the instance is upgraded.",
	"guide.derived.domainapi_keep.v20_1":     "with DomainApi while the instance runs 20.1",
	"guide.derived.domainapi_step.v20_1":     "Keep DomainApi while the instance runs version {version}; remove it from the profile's scopes and your integration's code after the upgrade.",
	"guide.derived.domainapi_advice.later":   "This instance runs version {version}, which treats it as obsolete (only servers of version 20.1 needed it); ERP.net's docs say not to use it.",
	"guide.derived.domainapi_step.later":     "Remove DomainApi from the profile's scopes and from your integration's code: version {version} does not need it.",
	"guide.derived.domainapi_advice":         "Servers of version 20.1 need it; later versions treat it as obsolete, and ERP.net's docs say not to use it.",
	"guide.derived.keychain.windows":         "Windows Credential Manager",
	"guide.derived.keychain.darwin":          "the macOS Keychain",
	"guide.derived.keychain.other":           "the Secret Service keyring",
	"guide.derived.stop_why.sec":             "ERP.net reserves sec for its internal use (“Reserved for ERP.net internal use only”)",
	"guide.derived.stop_why.domainapi":       "DomainApi is obsolete (“Legacy scope. Obsolete and must not be used.”); only servers of version 20.1 needed it",
	"guide.derived.stop_why.sign_in":         "{scope} is a sign-in scope, never granted with client credentials",
	"guide.derived.expect_unchanged_sign_in": "unchanged: sign-in scopes need no entry",
	"guide.derived.expect_without":           "without {scopes}",
	"guide.derived.expect_contains":          "contains {scopes}",
	"guide.derived.credential.client_secret": "client secret",
	"guide.derived.credential.access_token":  "access token",
	"guide.derived.credential.password":      "password",
	"guide.derived.cache_place.memory":       "the memory of this process",
	"guide.derived.auth_name.basic":          "HTTP Basic (client_secret_basic)",
	"guide.derived.auth_name.post":           "form body (client_secret_post)",
	"guide.derived.auth_hint.basic":          "The request sent client_id and client_secret in an HTTP Basic Authorization header. ERP.net's documentation shows them as form fields in the body; if the instance only accepts the documented style, Basic is refused with this same error.",
	"guide.derived.auth_hint.post":           "The request sent client_id and client_secret as form fields, the style ERP.net's documentation shows.",
	"guide.derived.root_hint":                "The URL does not use ERP.net's Domain API OData root (/api/domain/odata/).",

	"guide.issuer.slash":  "They differ only by a trailing slash; the issuer must match character for character, so remove (or add) the slash in the profile's instance URL or authority.",
	"guide.issuer.scheme": "They differ in scheme ({expected_scheme} vs {actual_scheme}): use https:// in the profile, or, if the instance is behind a proxy that terminates TLS, have its public URL configured as https.",
	"guide.issuer.host":   "They name different hosts ({expected_host} vs {actual_host}): the profile points at a different instance, an alias or custom URL of it, or a proxy in front of it.",
	"guide.issuer.path":   "They differ in path ({expected_path} vs {actual_path}): ERP.net's instance authority is the instance root followed by /id.",

	"guide.generic.what":          "This tool has no specific explanation for this finding yet.",
	"guide.generic.recorded":      "What it recorded: {recorded}.",
	"guide.generic.nothing":       "It recorded no further details.",
	"guide.generic.no_code":       "(no code)",
	"guide.generic.title":         "Finding {code}",
	"guide.generic.step.exchange": "Read the step's request and response in the exchange view: the status, headers and body usually name the problem.",
	"guide.generic.step.compare":  "Compare the profile (instance URL, client_id, scopes, auth method) with the Trusted App record in Instance Manager -> Security -> Trusted Apps.",
	"guide.generic.step.report":   "If it remains unclear, save a diagnostics report (trustedapp-check check PROFILE --report FILE.md) and attach it to a support ticket; it never contains the secret.",
	"guide.generic.confirm":       "Run the check again.",
}
