package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
	"trustedapp-tester/ui/widgets"
)

// The identity card of a reference-token or basic run: no claims to read, so the card
// shows what the run learnt (whom a reference token acts as and when it expires, from
// the Profile site and Systems_Security_AccessTokens) or what Basic is (a user, no
// token, no scopes).

// setKind fills the card for a reference-token or basic run and reports whether it
// did; a client-credentials run (or a token supplied to inspect) is set from its claims.
func (c *identityCard) setKind(p profiles.Profile, r check.Report, now time.Time) bool {
	switch {
	case r.Basic != nil:
		c.quiet.Hide()
		c.grid.Show()
		c.claims = nil
		c.actsAs.Set(r.Basic.User, r.Basic.User)
		c.actsAsDetail.Set("signed in with Basic (legacy)", "")
		c.client.Set(r.Basic.App, r.Basic.App)
		c.database.Set("—", "")
		c.issuer.Set("no token: the password goes with every call", "")
		c.setChips(widgets.NewChip("no scopes: Basic carries none", ""))
		c.expires.SetText("no token")
		c.refresh.SetText("· move to client credentials (see Guidance)")
		c.expiryBar.SetValue(0)
		c.sigIcon.SetResource(theme.InfoIcon())
		c.signature.Set("no token to sign", "")
		return true
	case r.Kind == string(profiles.KindReferenceToken) && r.Claims != nil:
		c.quiet.Hide()
		c.grid.Show()
		ref := r.Reference
		if ref == nil {
			ref = &check.ReferenceInfo{}
		}
		cl := tokenview.Claims{Kind: tokenview.KindReference, SystemUser: ref.User}
		c.claims = &cl
		who, detail := ref.ActsAs, ref.Type
		if who == "" {
			who = "not known"
			if r.Reference == nil {
				who = "asked after the API calls"
			}
		}
		if ref.UserType != "" {
			detail += "  ·  " + ref.UserType
		}
		if ref.IsAdmin {
			detail += "  ·  administrator"
		}
		c.actsAs.Set(who, ref.User)
		c.actsAsDetail.Set(strings.TrimPrefix(detail, "  ·  "), "")
		client := p.ClientID
		var scopes []string
		if rec := ref.Record; rec != nil {
			client, scopes = orText(rec.Client, client), rec.Scopes
			cl.Expires = rec.Expires
		}
		c.client.Set(orDash(client), client)
		c.database.Set("—", "")
		c.issuer.Set("reference token: the instance checks it on every call", "")
		if len(scopes) > 0 {
			c.setChips(scopeChips(&tokenview.ScopeDiff{Granted: scopes})...)
		} else {
			c.setChips(widgets.NewChip("scopes not known", ""))
		}
		c.refresh.SetText("· made by hand, renewed by hand")
		c.sigIcon.SetResource(theme.InfoIcon())
		c.signature.Set("not a JWT: nothing to verify here", "")
		c.expiredSaid = !cl.Expires.IsZero() && cl.TimeLeft(now) <= 0
		c.tick(now)
		return true
	}
	return false
}

func (c *identityCard) setChips(chips ...fyne.CanvasObject) {
	c.scopes.Objects = nil
	for _, ch := range chips {
		c.scopes.Add(ch)
	}
	c.scopes.Refresh()
}

// label is a timeline slot's title: a reference-token run has no signature to verify,
// and its fourth slot holds whom the token acts as.
func (t *timeline) label(k check.StepKind, label string) string {
	if t.reference && k == check.StepInspect {
		return "Acts as"
	}
	return label
}
