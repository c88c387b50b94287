package explain

import (
	"fmt"
	"regexp"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/platform"
)

// An explanation in the reader's language. Text reads the paste in English, as the
// engine does (Result's fields are the JSON's); WriteTextIn and WriteMarkdownIn say it
// in another language: what the text was read as (readAs, below), the notes and the
// three likely checks by what they are, each finding by its explanation (guide). What
// none of these knows is shown as Text said it.

// readAs is one kind of sentence Text says the paste was read as.
type readAs struct {
	re  *regexp.Regexp
	say func(lang *i18n.Localizer) string
}

var readAsSentences = []readAs{
	{regexp.MustCompile(`^not recognised$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.not_recognised", "not recognised")
	}},
	{regexp.MustCompile(`^an OAuth error from the token endpoint \((.*)\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.oauth", "an OAuth error from the token endpoint (%s)")
	}},
	{regexp.MustCompile(`^a licence message \(MaximumLicenseCountExceeded\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.licence", "a licence message (MaximumLicenseCountExceeded)")
	}},
	{regexp.MustCompile(`^a WWW-Authenticate challenge from the API$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.www_authenticate", "a WWW-Authenticate challenge from the API")
	}},
	{regexp.MustCompile(`^an ERP\.net OData error whose code gives the HTTP status (\d+) (.*)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.odata_status", "an ERP.net OData error whose code gives the HTTP status %s %s")
	}},
	{regexp.MustCompile(`^an ERP\.net OData error \(code (.*)\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.odata_code", "an ERP.net OData error (code %s)")
	}},
	{regexp.MustCompile(`^an ERP\.net OData error$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.odata", "an ERP.net OData error")
	}},
	{regexp.MustCompile(`^a \.NET exception message \((.*)\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.dotnet_id", "a .NET exception message (%s)")
	}},
	{regexp.MustCompile(`^a \.NET exception message$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.dotnet", "a .NET exception message")
	}},
	{regexp.MustCompile(`^a rate-limit answer \(429 Too Many Requests\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.rate_limit", "a rate-limit answer (429 Too Many Requests)")
	}},
	{regexp.MustCompile(`^a network error \((.*)\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.network", "a network error (%s)")
	}},
	{regexp.MustCompile(`^an HTTP status \((.*)\) from the token endpoint$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.status_token", "an HTTP status (%s) from the token endpoint")
	}},
	{regexp.MustCompile(`^an HTTP status \((.*)\)$`), func(lang *i18n.Localizer) string {
		return lang.X("explain.read_as.status", "an HTTP status (%s)")
	}},
}

// readAsIn says what the paste was read as in lang.
func readAsIn(lang *i18n.Localizer, s string) string {
	if lang.Code() == "en" {
		return s
	}
	for _, r := range readAsSentences {
		if m := r.re.FindStringSubmatch(s); m != nil {
			args := make([]any, len(m)-1)
			for i, g := range m[1:] {
				args[i] = g
			}
			return fmt.Sprintf(r.say(lang), args...)
		}
	}
	return s
}

// Notes Text adds.
const (
	noteTokenLead    = "The text held an access token (removed here). To read its claims and verify its signature against the instance, pipe it in: "
	noteUnrecognised = "This tool did not recognise the text. Paste the whole error: the HTTP status, the response body, a WWW-Authenticate header or the exception message. Or run the live check: trustedapp-check check PROFILE."
)

// noteToken is the note about an access token in the text, with the command that
// pipes it in for the user's shell.
func noteToken() string { return noteTokenLead + tokenPipe() }

func tokenPipe() string {
	return platform.Current().Pipe("token.txt", "trustedapp-check check PROFILE --token-stdin")
}

// noteIn says a note in lang.
func noteIn(lang *i18n.Localizer, n string) string {
	switch n {
	case noteToken():
		return fmt.Sprintf(lang.X("explain.note.token", "The text held an access token (removed here). To read its claims and verify its signature against the instance, pipe it in: %s"), tokenPipe())
	case noteUnrecognised:
		return lang.X("explain.note.unrecognised", "This tool did not recognise the text. Paste the whole error: the HTTP status, the response body, a WWW-Authenticate header or the exception message. Or run the live check: trustedapp-check check PROFILE.")
	}
	return n
}

// checksIn are the three likely checks (likelyChecks) in lang.
func checksIn(lang *i18n.Localizer, cs []Check) []Check {
	if lang.Code() == "en" || len(cs) != 3 {
		return cs
	}
	say := []struct{ title, why string }{
		{lang.X("explain.check.client.title", "The Trusted App accepts the credentials (invalid_client)"),
			lang.X("explain.check.client.why", "The most common failure: the token request names an app the instance does not accept, or sends a secret whose hash is not in the record.")},
		{lang.X("explain.check.user.title", "The app may sign in as its System User (unauthorized_client)"),
			lang.X("explain.check.user.why", "Client credentials signs in as the System User; without a valid one that the app may use (SystemUserAllowed), no token is issued.")},
		{lang.X("explain.check.scope.title", "The scopes fit (invalid_scope, or 403 on writes)"),
			lang.X("explain.check.scope.why", "A requested scope missing from the Scope field refuses the token; writes need update (how ERP.net refuses a write without it, its docs do not say).")},
	}
	expect := map[string]string{
		"exactly the client_id, copied as it is":                lang.X("explain.expect.uri", "exactly the client_id, copied as it is"),
		"base64(SHA-256(secret)): trustedapp-check secret hash": lang.X("explain.expect.hash", "base64(SHA-256(secret)): trustedapp-check secret hash"),
		"set": lang.X("explain.expect.set", "set"),
		"every scope the integration requests, e.g. read update": lang.X("explain.expect.scope", "every scope the integration requests, e.g. read update"),
		"only scopes the app's Scope field lists":                lang.X("explain.expect.scopes", "only scopes the app's Scope field lists"),
	}
	out := make([]Check, len(cs))
	for i, c := range cs {
		out[i] = Check{Title: say[i].title, Why: say[i].why}
		for _, f := range c.Fields {
			if e, ok := expect[f.Expect]; ok {
				f.Expect = e
			}
			f.Where = guide.WhereIn(lang, f.Where)
			out[i].Fields = append(out[i].Fields, f)
		}
	}
	return out
}
