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
		c.actsAsDetail.Set(lang.X("app.card.basic_signed_in", "signed in with Basic (legacy)"), "")
		c.client.Set(r.Basic.App, r.Basic.App)
		c.database.Set("—", "")
		c.issuer.Set(lang.X("app.card.basic_no_token", "no token: the password goes with every call"), "")
		c.setChips(widgets.NewChip(lang.X("app.card.basic_no_scopes", "no scopes: Basic carries none"), ""))
		c.expires.SetText(lang.X("app.card.no_token_word", "no token"))
		c.refresh.SetText("· " + lang.X("app.card.basic_move", "move to client credentials (see Guidance)"))
		c.expiryBar.SetValue(0)
		c.sigIcon.SetResource(theme.InfoIcon())
		c.signature.Set(lang.X("app.card.basic_no_sign", "no token to sign"), "")
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
			who = lang.X("app.card.not_known", "not known")
			if r.Reference == nil {
				who = lang.X("app.card.asked_after", "asked after the API calls")
			}
		}
		if ref.UserType != "" {
			detail += "  ·  " + ref.UserType
		}
		if ref.IsAdmin {
			detail += "  ·  " + lang.X("app.card.administrator", "administrator")
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
		c.issuer.Set(lang.X("app.card.ref_issuer", "reference token: the instance checks it on every call"), "")
		if len(scopes) > 0 {
			c.setChips(scopeChips(&tokenview.ScopeDiff{Granted: scopes})...)
		} else {
			c.setChips(widgets.NewChip(lang.X("app.card.scopes_not_known", "scopes not known"), ""))
		}
		c.refresh.SetText("· " + lang.X("app.card.ref_by_hand", "made by hand, renewed by hand"))
		c.sigIcon.SetResource(theme.InfoIcon())
		c.signature.Set(lang.X("app.card.ref_not_jwt", "not a JWT: nothing to verify here"), "")
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
		return lang.X("app.step.acts_as", "Acts as")
	}
	return stepLabel(label)
}
