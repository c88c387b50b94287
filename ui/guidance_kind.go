package ui

import (
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// Guidance for a reference-token or basic run: what a pass means there, and the notes
// it always shows (a working Basic run's move to client credentials; what stayed
// unknown of a reference token).

// kindPassText is Guidance's line when a reference-token or basic run passed, "" for
// client credentials.
func kindPassText(r check.Report) string {
	switch r.Kind {
	case string(profiles.KindReferenceToken):
		return lang.X("app.guidance.ref_passed", "Everything passed: the reference token works, the API calls answer, and the card above shows whom it acts as and when it expires.")
	case string(profiles.KindBasic):
		return lang.X("app.guidance.basic_passed", "Everything passed: Basic authentication works and the API calls answer. It is legacy: the steps below move the integration to client credentials.")
	}
	return ""
}

// kindNotes are the info findings Guidance shows for a reference-token or basic run
// besides its failures and warnings.
func kindNotes(r check.Report) []check.Finding {
	var out []check.Finding
	for _, code := range []string{check.BasicLegacy, check.RefExpiryUnknown} {
		out = append(out, stepFindings(r, code)...)
	}
	return out
}
