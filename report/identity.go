package report

import (
	"bytes"
	"fmt"
	"time"
)

// The text report's identity block: whom the token acts as, with which scopes, until
// when (a reference token's or a Basic sign-in's: kinds.go).

func writeIdentityText(b *bytes.Buffer, d Document) {
	c := d.Claims
	if c == nil {
		return
	}
	b.WriteByte('\n')
	if c.SystemUser.Login != "" {
		who := line(c.SystemUser.Login)
		if c.SystemUser.Type != "" {
			who += " (" + line(c.SystemUser.Type) + ")"
		}
		fmt.Fprintf(b, "Acts as:   %s\n", who)
	} else if c.Kind == "jwt" {
		fmt.Fprintf(b, "Acts as:   (no System User claim)\n")
	}
	if c.Database != "" {
		fmt.Fprintf(b, "Database:  %s\n", line(c.Database))
	}
	if c.ClientID != "" {
		fmt.Fprintf(b, "Client:    %s\n", line(c.ClientID))
	}
	if c.Issuer != "" {
		fmt.Fprintf(b, "Issuer:    %s\n", line(c.Issuer))
	}
	fmt.Fprintf(b, "Scopes:    requested %s; granted %s\n", line(scopeList(c.ScopesRequested, "(none: the app's whole Scope field)")), line(scopeList(c.ScopesGranted, "(none)")))
	if c.ExpiresAt != nil {
		fmt.Fprintf(b, "Expires:   %s\n", c.ExpiresAt.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(b, "Signature: %s\n", line(c.Signature))
	if d.Token != nil && d.Token.Fingerprint != "" {
		fmt.Fprintf(b, "Token:     …%s (sha256 %s)\n", line(d.Token.Last6), line(d.Token.Fingerprint))
	}
}
