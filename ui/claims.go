package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/tokenview"
)

// claimsTab shows the token's header and every claim, and the raw token masked.
type claimsTab struct {
	u        *UI
	body     *fyne.Container
	token    *widget.Label
	reveal   *widget.Button
	copyBtn  *widget.Button
	access   *check.AccessToken
	revealed bool
	content  fyne.CanvasObject
}

func newClaimsTab(u *UI) *claimsTab {
	c := &claimsTab{u: u}
	c.body = container.NewVBox()
	c.token = monoLabel("")
	c.token.Selectable = false
	c.reveal = widget.NewButtonWithIcon("Reveal", theme.VisibilityIcon(), c.toggleReveal)
	c.copyBtn = widget.NewButtonWithIcon("Copy token…", theme.ContentCopyIcon(), c.copyToken)
	tokenRow := container.NewBorder(nil, nil, keyLabel("ACCESS TOKEN"), container.NewHBox(c.reveal, c.copyBtn), c.token)
	c.content = container.NewBorder(tokenRow, nil, nil, nil, container.NewVScroll(c.body))
	c.set(check.Report{})
	return c
}

func (c *claimsTab) set(r check.Report) {
	c.access = r.Access
	c.revealed = false
	c.showToken()
	c.body.Objects = nil
	if r.Claims == nil {
		c.body.Add(wrapLabel("No token to show. The claims of the issued token appear here after a successful token request."))
		c.body.Refresh()
		return
	}
	cl := r.Claims
	kind := string(cl.Kind)
	if cl.Kind == tokenview.KindJWT {
		kind = "JWT (signed token)"
	}
	c.body.Add(keyLabel("KIND: " + kind))
	if len(cl.Header) > 0 {
		c.body.Add(widget.NewLabelWithStyle("Header", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		c.body.Add(claimGrid(cl.Header))
	}
	c.body.Add(widget.NewLabelWithStyle("Payload", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if len(cl.All) == 0 {
		c.body.Add(wrapLabel("This token carries no readable claims (a reference or opaque token)."))
	} else {
		c.body.Add(claimGrid(cl.All))
	}
	c.body.Refresh()
}

func claimGrid(list []tokenview.Claim) fyne.CanvasObject {
	g := container.New(layout.NewFormLayout())
	for _, cl := range list {
		name := widget.NewLabelWithStyle(cl.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		val := cl.Value
		if cl.Time != nil {
			val += "   (" + cl.Time.In(time.Local).Format("Mon 2 Jan 2006 15:04:05 MST") + ")"
		}
		g.Add(name)
		g.Add(monoLabel(val))
	}
	return g
}

func (c *claimsTab) showToken() {
	raw := c.access.Reveal()
	if raw == "" {
		c.token.SetText("—")
		c.reveal.Disable()
		c.copyBtn.Disable()
		return
	}
	c.reveal.Enable()
	c.copyBtn.Enable()
	if c.revealed {
		c.token.SetText(raw)
		c.reveal.SetText("Hide")
		c.reveal.SetIcon(theme.VisibilityOffIcon())
	} else {
		c.token.SetText(maskToken(raw))
		c.reveal.SetText("Reveal")
		c.reveal.SetIcon(theme.VisibilityIcon())
	}
}

func (c *claimsTab) toggleReveal() {
	c.revealed = !c.revealed
	c.showToken()
}

func (c *claimsTab) copyToken() {
	if c.access == nil {
		return
	}
	dialog.ShowConfirm("Copy the access token?",
		"The token is a credential: anyone holding it can call the API as this System User until it expires. Paste it only where you trust, and never into a ticket or chat.",
		func(ok bool) {
			if !ok {
				return
			}
			c.u.app.Clipboard().SetContent(c.access.Reveal())
			c.u.setStatus("Access token copied. It stays valid until it expires.")
		}, c.u.win)
}
