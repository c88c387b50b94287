package report

import (
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// The profile kinds' words in a language, for the reports, the CLI and the app alike.

// SecretNameIn names what the keychain holds for a profile of kind k (a client
// secret, a reference token, a password) in lang: profiles.Kind.SecretName in English.
func SecretNameIn(lang *i18n.Localizer, k profiles.Kind) string {
	return secretNameIn(lang, k.SecretName())
}

// KindLabelIn names the profile kind k in lang: profiles.Kind.Label in English (the
// editor's "Signs in with" choices, profiles show's Kind).
func KindLabelIn(lang *i18n.Localizer, k profiles.Kind) string {
	switch k {
	case profiles.KindReferenceToken:
		return lang.X("report.kind.label.reference_token", "Reference token (PAT or SAT)")
	case profiles.KindBasic:
		return lang.X("report.kind.label.basic", "Basic (user and password, legacy)")
	}
	return lang.X("report.kind.label.client_credentials", "Client credentials (Trusted App)")
}
