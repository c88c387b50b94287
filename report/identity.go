package report

import (
	"bytes"
	"fmt"
	"time"

	"trustedapp-tester/internal/i18n"
)

// The text report's identity block: whom the token acts as, with which scopes, until
// when (a reference token's or a Basic sign-in's: kinds.go), its labels padded to one
// width in the report's language.

func writeIdentityText(b *bytes.Buffer, d Document, lb identity) {
	c, lang := d.Claims, d.lang
	if c == nil {
		return
	}
	b.WriteByte('\n')
	if c.SystemUser.Login != "" {
		who := line(c.SystemUser.Login)
		if c.SystemUser.Type != "" {
			who += " (" + line(c.SystemUser.Type) + ")"
		}
		fmt.Fprintf(b, "%s%s\n", lb.actsAs, who)
	} else if c.Kind == "jwt" {
		fmt.Fprintf(b, "%s%s\n", lb.actsAs, lang.X("report.no_system_user_claim", "(no System User claim)"))
	}
	if c.Database != "" {
		fmt.Fprintf(b, "%s%s\n", lb.database, line(c.Database))
	}
	if c.ClientID != "" {
		fmt.Fprintf(b, "%s%s\n", lb.client, line(c.ClientID))
	}
	if c.Issuer != "" {
		fmt.Fprintf(b, "%s%s\n", lb.issuer, line(c.Issuer))
	}
	fmt.Fprintf(b, "%s"+lang.X("report.text.scopes", "requested %s; granted %s")+"\n", lb.scopes, line(scopeList(c.ScopesRequested, noScopesAsked(lang))), line(scopeList(c.ScopesGranted, lang.X("report.none", "(none)"))))
	if c.ExpiresAt != nil {
		fmt.Fprintf(b, "%s%s\n", lb.expires, c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(b, "%s%s\n", lb.signature, line(signatureIn(lang, c.Signature)))
	if d.Token != nil && d.Token.Fingerprint != "" {
		fmt.Fprintf(b, "%s…%s (sha256 %s)\n", lb.token, line(d.Token.Last6), line(d.Token.Fingerprint))
	}
}

// identity are the labels of the text report's identity block and the session and
// drift lines under it, padded to one width.
type identity struct {
	actsAs, database, client, issuer, scopes, expires, signature, token, session, drift string
	kind, lastUsed, unknown, signedIn, licences                                         string
}

func identityLabels(lang *i18n.Localizer) identity {
	id := identity{
		actsAs: lang.X("report.text.acts_as", "Acts as:"), database: lang.X("report.text.database", "Database:"),
		client: lang.X("report.text.client", "Client:"), issuer: lang.X("report.text.issuer", "Issuer:"),
		scopes: lang.X("report.text.scopes_label", "Scopes:"), expires: lang.X("report.text.expires", "Expires:"),
		signature: lang.X("report.text.signature", "Signature:"), token: lang.X("report.text.token", "Token:"),
		session: lang.X("report.text.session", "Session:"), drift: lang.X("report.text.drift", "Drift:"),
		kind: lang.X("report.text.kind", "Kind:"), lastUsed: lang.X("report.text.last_used", "Last used:"),
		unknown: lang.X("report.text.unknown", "Unknown:"), signedIn: lang.X("report.text.signed_in", "Signed in:"),
		licences: lang.X("report.text.licences", "Licences:"),
	}
	l := newLabels(id.actsAs, id.database, id.client, id.issuer, id.scopes, id.expires, id.signature, id.token, id.session, id.drift,
		id.kind, id.lastUsed, id.unknown, id.signedIn, id.licences)
	return identity{actsAs: l[id.actsAs], database: l[id.database], client: l[id.client], issuer: l[id.issuer], scopes: l[id.scopes],
		expires: l[id.expires], signature: l[id.signature], token: l[id.token], session: l[id.session], drift: l[id.drift],
		kind: l[id.kind], lastUsed: l[id.lastUsed], unknown: l[id.unknown], signedIn: l[id.signedIn], licences: l[id.licences]}
}

// noScopesAsked is what an empty scope request means.
func noScopesAsked(lang *i18n.Localizer) string {
	return lang.X("report.no_scopes_asked", "(none: the app's whole Scope field)")
}
