package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/tokenview"
	"trustedapp-tester/ui/widgets"
)

// maxLifetime is the scale of the expiry bar: ERP.net tokens live one hour.
const maxLifetime = time.Hour

// identityCard answers "as whom does this app act, with which scopes, until when".
type identityCard struct {
	sh    identityShell
	quiet *widget.Label
	grid  fyne.CanvasObject
	// The values can be cut with "…": hovering shows the whole value in the status
	// line, a click copies it.
	actsAs       *widgets.CopyLabel
	actsAsDetail *widgets.CopyLabel // copies the System User id
	database     *widgets.CopyLabel
	client       *widgets.CopyLabel
	issuer       *widgets.CopyLabel
	scopes       *fyne.Container
	expires      *widget.Label
	expiryBar    *widget.ProgressBar
	refresh      *widget.Label
	signature    *widgets.CopyLabel // copies the key id
	sigIcon      *widgets.Verdict
	claims       *tokenview.Claims
	// expiredSaid is set once the status line has said the token expired.
	expiredSaid bool
	content     fyne.CanvasObject
}

// identityShell is what the identity card needs of the window: the status line (a
// hovered value shows there whole) and the clipboard.
type identityShell interface {
	setStatus(string)
	statusText() string
	clipboard() fyne.Clipboard
}

// copyHint ends the status line while a card value shows there whole.
func copyHint() string { return lang.X("app.card.copy_hint", "(click or Enter to copy)") }

// copyable is a card value that shows its whole text on hover or keyboard focus and
// copies it on a click or Enter; what names the value in the status line ("System
// User id") and to a screen reader.
func (c *identityCard) copyable(what string) *widgets.CopyLabel {
	l := widgets.NewCopyLabel()
	l.Name = what
	var saved string
	hovering := false
	l.OnHover = func(in bool) {
		switch {
		case in && l.CopyValue() != "":
			saved, hovering = c.sh.statusText(), true
			c.sh.setStatus(what + ": " + l.CopyValue() + "   " + copyHint())
		case !in && hovering:
			hovering = false
			if strings.HasSuffix(c.sh.statusText(), copyHint()) {
				c.sh.setStatus(saved)
			}
		}
	}
	l.OnCopy = func(v string) {
		c.sh.clipboard().SetContent(v)
		hovering = false
		c.sh.setStatus(lang.X("app.card.copied", "Copied the {{.What}} to the clipboard: {{.Value}}", map[string]any{"What": what, "Value": v}))
	}
	return l
}

func (c *identityCard) bigValue(what string) *widgets.CopyLabel {
	l := c.copyable(what)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

func newIdentityCard(sh identityShell) *identityCard {
	c := &identityCard{sh: sh}
	c.quiet = widget.NewLabel("")
	c.quiet.Truncation = fyne.TextTruncateEllipsis
	c.quiet.TextStyle = fyne.TextStyle{Italic: true}
	c.actsAs = c.bigValue(lang.X("app.card.system_user", "System User"))
	c.database = c.bigValue(lang.X("app.card.database", "database"))
	c.client = c.copyable("client_id")
	c.issuer = c.copyable(lang.X("app.card.issuer", "issuer"))
	c.scopes = widgets.ChipRow()
	c.expires = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.expiryBar = widget.NewProgressBar()
	c.expiryBar.TextFormatter = func() string { return "" }
	c.refresh = widget.NewLabel("")
	c.refresh.SizeName = theme.SizeNameCaptionText
	// The note beside the countdown takes the room left and ends in an ellipsis: a
	// long one ("reused token (More actions → …)") must never widen the window.
	c.refresh.Truncation = fyne.TextTruncateEllipsis
	c.signature = c.copyable(lang.X("app.card.kid", "signing key id"))
	c.sigIcon = widgets.NewVerdict("")

	c.actsAsDetail = c.copyable(lang.X("app.card.system_user_id", "System User id"))
	c.actsAsDetail.SizeName = theme.SizeNameCaptionText
	left := container.New(layout.NewFormLayout(),
		keyLabel("ACTS AS"), container.New(layout.NewCustomPaddedVBoxLayout(-10), c.actsAs, c.actsAsDetail),
		keyLabel("CLIENT"), c.client,
		keyLabel("SCOPES"), c.scopes,
	)
	right := container.New(layout.NewFormLayout(),
		keyLabel("DATABASE"), c.database,
		keyLabel("ISSUER"), c.issuer,
		keyLabel("EXPIRES"), container.New(layout.NewCustomPaddedVBoxLayout(-6), container.New(layout.NewBorderLayout(nil, nil, c.expires, nil), c.expires, c.refresh), container.NewGridWrap(fyne.NewSize(220, 6), c.expiryBar)),
		keyLabel("SIGNATURE"), container.NewBorder(nil, nil, c.sigIcon, nil, c.signature),
	)
	c.grid = container.NewGridWithColumns(2, left, right)
	c.content = container.NewStack(c.grid, container.NewPadded(c.quiet))
	c.set(profiles.Profile{}, check.Report{}, time.Time{})
	return c
}

func (c *identityCard) showQuiet(s string) {
	c.claims = nil
	c.quiet.SetText(s)
	c.quiet.Show()
	c.grid.Hide()
}

func (c *identityCard) setWaiting() {
	c.showQuiet(lang.X("app.card.requesting", "Requesting a token… the identity this Trusted App acts as appears here."))
}

// set shows r's token identity, or one quiet line when there is none.
func (c *identityCard) set(p profiles.Profile, r check.Report, now time.Time) {
	if c.setKind(p, r, now) { // a reference token or Basic (identity_kind.go)
		return
	}
	if r.Claims == nil {
		switch {
		case len(r.Steps) == 0 && !r.Cancelled:
			c.showQuiet(lang.X("app.card.no_token_yet", "No token yet. Press “Test this Trusted App” to see which System User this app acts as, with which scopes."))
		case r.Cancelled:
			c.showQuiet(lang.X("app.card.cancelled", "The run was cancelled before a token was issued."))
		default:
			c.showQuiet(lang.X("app.card.no_token", "No token: {{.Reason}} See Guidance for the fix.", map[string]any{"Reason": failureReason(r)}))
		}
		return
	}
	cl := *r.Claims
	c.claims = &cl
	// A token already expired when shown is said on the card; the status line speaks
	// up only when one expires while on screen.
	c.expiredSaid = !cl.Expires.IsZero() && cl.TimeLeft(now) <= 0
	c.quiet.Hide()
	c.grid.Show()

	who := cl.SystemUser
	if who == "" {
		who = lang.X("app.card.no_system_user", "no System User")
	}
	c.actsAs.Set(who, cl.SystemUser)
	var detail []string
	if cl.SystemUserType != "" {
		detail = append(detail, cl.SystemUserType)
	}
	if cl.SystemUserID != "" {
		detail = append(detail, "id "+cl.SystemUserID)
	}
	c.actsAsDetail.Set(strings.Join(detail, "  ·  "), cl.SystemUserID)
	c.database.Set(orDash(cl.Database), cl.Database)
	c.client.Set(orDash(cl.ClientID), cl.ClientID)
	c.issuer.Set(orDash(cl.Issuer), cl.Issuer)

	c.scopes.Objects = nil
	diff := r.Scopes
	if diff == nil {
		diff = &tokenview.ScopeDiff{Granted: cl.Scopes, RequestedAll: len(p.Scopes) == 0}
	}
	for _, ch := range scopeChips(diff) {
		c.scopes.Add(ch)
	}
	c.scopes.Refresh()

	refresh := "· " + lang.X("app.card.no_refresh", "no refresh token")
	if r.Token != nil && r.Token.HasRefresh {
		refresh = "· " + lang.X("app.card.has_refresh", "has a refresh token")
	}
	if r.Token != nil && r.Token.FromCache {
		// Say so: a reused token hides a changed Trusted App until it expires.
		// In words: no font the app ships has the ⋮ of the button (it showed as �).
		refresh += " · " + lang.X("app.card.reused", "reused token (More actions → Test with a fresh token)")
	}
	c.refresh.SetText(refresh)
	switch cl.Signature {
	case tokenview.SigVerified:
		c.sigIcon.Set(check.Pass)
		c.sigIcon.Word = lang.X("app.card.sig_verified", "signature verified")
		c.signature.Set(lang.X("app.card.verified_with", "verified with key {{.Kid}} ({{.Alg}})", map[string]any{"Kid": shortKid(cl.Kid), "Alg": cl.Alg}), cl.Kid)
	case tokenview.SigNotChecked:
		c.sigIcon.Set(check.Warn)
		c.sigIcon.Word = lang.X("app.card.sig_not_verified", "signature not verified")
		c.signature.Set(lang.X("app.card.not_verified", "not verified: {{.Note}}", map[string]any{"Note": orText(cl.SignatureNote, lang.X("app.card.no_keys", "no signing keys were available"))}), cl.Kid)
	default:
		c.sigIcon.Set(check.Fail)
		c.sigIcon.Word = lang.X("app.card.sig_refused", "signature refused")
		c.signature.Set(strings.ReplaceAll(string(cl.Signature), "_", " ")+": "+orText(cl.SignatureNote, lang.X("app.card.see_guidance", "see Guidance")), cl.Kid)
	}
	c.tick(now)
}

// tick updates the live expiry countdown.
func (c *identityCard) tick(now time.Time) {
	if c.claims == nil {
		return
	}
	if c.claims.Expires.IsZero() {
		c.expires.SetText(lang.X("app.card.unknown", "unknown"))
		c.expiryBar.SetValue(0)
		return
	}
	left := c.claims.TimeLeft(now)
	c.expires.SetText(countdown(left))
	if left <= 0 && !c.expiredSaid {
		c.expiredSaid = true
		msg := lang.X("app.card.expired", "The token has expired. Client credentials gets no refresh token: press “Test this Trusted App” for a new one (a custom call asks for one by itself).")
		if c.claims.Kind == tokenview.KindReference {
			msg = lang.X("app.card.ref_expired", "The reference token has expired: make a new one where it was made (Profile site or Instance Manager) and paste it in the profile.")
		}
		c.sh.setStatus(msg)
	}
	v := float64(left) / float64(maxLifetime)
	if v < 0 {
		v = 0
	}
	if v > 1 {
		v = 1
	}
	c.expiryBar.SetValue(v)
}

// failureReason is the one-line reason a run produced no token.
func failureReason(r check.Report) string {
	for _, s := range r.Steps {
		if s.Verdict != check.Fail {
			continue
		}
		for _, f := range s.Findings {
			if f.Severity == check.SevFail && f.Message != "" {
				msg, _ := report.MessageIn(lang.Localizer(), report.Findings([]check.Finding{f})[0])
				return strings.TrimRight(msg, ".") + "."
			}
		}
		if s.Summary != "" {
			_, name, summary := report.StepIn(lang.Localizer(), s)
			return lang.X("app.card.step_failed", "{{.Step}} failed ({{.Summary}}).", map[string]any{"Step": name, "Summary": summary})
		}
	}
	return lang.X("app.card.token_failed", "the token request did not succeed.")
}

func shortKid(k string) string {
	if k == "" {
		return lang.X("app.card.no_kid", "(no kid)")
	}
	if len(k) > 12 {
		return k[:8] + "…"
	}
	return k
}

func orDash(s string) string { return orText(s, "—") }

func orText(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Texts of the scope chips that mark a difference between requested and granted.
func notGrantedText() string { return lang.X("app.scope.not_granted", "requested, not granted") }
func notRequestedText() string {
	return "· " + lang.X("app.scope.not_requested", "granted, not requested")
}
func requestedAllText() string {
	return lang.X("app.scope.requested_all", "all of the app's scopes (no scope requested)")
}

// scopeChips shows granted scopes, and marks each difference from the request: a
// requested scope the token lacks is red and struck through; a granted scope nobody
// asked for is outlined. With no scope requested, every granted scope is expected and
// a neutral chip says so.
func scopeChips(diff *tokenview.ScopeDiff) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, s := range diff.Granted {
		ch := widgets.NewIconChip(theme.ConfirmIcon(), s, theme.ColorNameSuccess)
		ch.SetToolTip(scopeTip(s, lang.X("app.scope.granted_tip", "Granted.")))
		ch.Description = lang.X("app.scope.granted_desc", "Scope {{.Scope}}: granted", map[string]any{"Scope": s})
		if !diff.RequestedAll && contains(diff.Extra, s) {
			ch = widgets.NewChip(s+" "+notRequestedText(), theme.ColorNamePrimary)
			ch.Outlined = true
			ch.SetToolTip(scopeTip(s, lang.X("app.scope.extra_tip", "Granted although the profile did not ask for it.")))
			ch.Description = lang.X("app.scope.extra_desc", "Scope {{.Scope}}: granted, not requested", map[string]any{"Scope": s})
		}
		out = append(out, ch)
	}
	for _, s := range diff.Missing {
		ch := widgets.NewIconChip(theme.CancelIcon(), s+" "+notGrantedText(), theme.ColorNameError)
		ch.Strike = s
		ch.Description = lang.X("app.scope.missing_desc", "Scope {{.Scope}}: requested, not granted", map[string]any{"Scope": s})
		ch.SetToolTip(scopeTip(s, lang.X("app.scope.missing_tip", "Requested but not granted: add it to the Trusted App's Scope field (exact case), or stop requesting it.")))
		out = append(out, ch)
	}
	switch {
	case len(diff.Granted) == 0 && len(diff.Missing) == 0:
		ch := widgets.NewChip(lang.X("app.scope.none", "no scopes"), theme.ColorNameWarning)
		ch.SetToolTip(lang.X("app.scope.none_tip", "The token carries no scope: API calls will be refused. Fill the Trusted App's Scope field (e.g. read update)."))
		out = append(out, ch)
	case diff.RequestedAll:
		ch := widgets.NewChip(requestedAllText(), "")
		ch.Outlined = true
		ch.SetToolTip(lang.X("app.scope.all_tip", "The profile sends no scope parameter, so the instance grants every scope in the Trusted App's Scope field."))
		out = append(out, ch)
	}
	return out
}
