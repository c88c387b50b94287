package ui

import (
	"trustedapp-tester/profiles"
)

// The run view's header for each kind: what the summary line and its tooltip say, and
// the note when the profile has no credential of its kind stored.

// headerParts are the summary line's parts: the instance, then how the profile signs in.
func headerParts(p profiles.Profile) []string {
	root := p.Root() + confirmedText(p)
	switch p.KindOf() {
	case profiles.KindReferenceToken:
		return []string{root, orText(p.ClientID, "no Trusted App named"), "reference token (sent as it is)"}
	case profiles.KindBasic:
		return []string{root, "Basic as " + p.User, p.BasicAppOf(), "legacy"}
	}
	return []string{root, p.ClientID, authText(p.Method()), scopesText(p.Scopes)}
}

// kindTip names the summary line's parts for a reference-token or basic profile, ""
// for client credentials.
func kindTip(p profiles.Profile) string {
	switch p.KindOf() {
	case profiles.KindReferenceToken:
		return "Instance " + p.Root() + " · the Trusted App the token was made for (its record and its tokens are read with it) · the reference token (enrt_…) goes to the API as it is, in the Authorization header: nothing is requested from the identity server."
	case profiles.KindBasic:
		return "Instance " + p.Root() + " · the ERP.net login Basic signs in with · the Trusted App that governs Basic to the APIs · legacy Basic authentication: the password goes with every call; ERP.net accepts it during the coexistence period only."
	}
	return ""
}

// missingCredentialNote is the header's note (long, short) when p has no credential of
// its kind stored.
func missingCredentialNote(p profiles.Profile) (string, string) {
	what := p.KindOf().SecretName()
	if stored := p.StoredKind(); stored != "" {
		return "The keychain holds a " + stored.SecretName() + " for this profile, which is not sent as its " + what + ": press Edit and paste the " + what + ".", "No " + what + " yet"
	}
	return "No " + what + " stored yet: press Edit to add it.", "No " + what + " yet"
}
