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
		return []string{root, orText(p.ClientID, lang.X("app.header.no_app_named", "no Trusted App named")), lang.X("app.header.ref_sent", "reference token (sent as it is)")}
	case profiles.KindBasic:
		return []string{root, lang.X("app.header.basic_as", "Basic as {{.User}}", map[string]any{"User": p.User}), p.BasicAppOf(), lang.X("app.header.legacy", "legacy")}
	}
	return []string{root, p.ClientID, authText(p.Method()), scopesText(p.Scopes)}
}

// kindTip names the summary line's parts for a reference-token or basic profile, ""
// for client credentials.
func kindTip(p profiles.Profile) string {
	switch p.KindOf() {
	case profiles.KindReferenceToken:
		return lang.X("app.header.tip_ref", "Instance {{.Root}} · the Trusted App the token was made for (its record and its tokens are read with it) · the reference token (enrt_…) goes to the API as it is, in the Authorization header: nothing is requested from the identity server.", map[string]any{"Root": p.Root()})
	case profiles.KindBasic:
		return lang.X("app.header.tip_basic_kind", "Instance {{.Root}} · the ERP.net login Basic signs in with · the Trusted App that governs Basic to the APIs · legacy Basic authentication: the password goes with every call; ERP.net accepts it during the coexistence period only.", map[string]any{"Root": p.Root()})
	}
	return ""
}

// missingCredentialNote is the header's note (long, short) when p has no credential of
// its kind stored.
func missingCredentialNote(p profiles.Profile) (string, string) {
	what := secretNameOf(p.KindOf())
	short := lang.X("app.header.none_yet", "No {{.What}} yet", map[string]any{"What": what})
	if stored := p.StoredKind(); stored != "" {
		return lang.X("app.header.wrong_kind", "The keychain holds a {{.Stored}} for this profile, which is not sent as its {{.What}}: press Edit and paste the {{.What}}.", map[string]any{"Stored": secretNameOf(stored), "What": what}), short
	}
	return lang.X("app.header.none_stored", "No {{.What}} stored yet: press Edit to add it.", map[string]any{"What": what}), short
}
