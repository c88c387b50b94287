package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/tokenview"
)

// claimsTab shows the token's header and every claim in a table (name | value | local
// time), and the raw token masked.
type claimsTab struct {
	sh       claimsShell
	rows     []claimRow
	table    *keyTable
	detail   *widget.Label
	copyVal  *button
	selected int
	empty    *widget.Label
	token    *widget.Label
	reveal   *button
	copyBtn  *button
	access   *check.AccessToken
	revealed bool
	content  fyne.CanvasObject
}

// claimRow is one table row: a claim, or a section title (Header, Payload).
type claimRow struct {
	section string
	note    string // shown in the value column of a section row (the token's kind)
	claim   tokenview.Claim
}

const (
	claimNameWidth = 190
	claimTimeWidth = 235
	claimMinValue  = 160
	// claimRowHeight is tighter than a label's natural height: the table is a dense
	// grid, not a form.
	claimRowHeight = 28
)

// claimsShell is what the Claims tab needs of the window.
type claimsShell interface {
	setStatus(string)
	clipboard() fyne.Clipboard
	window() fyne.Window
}

func newClaimsTab(sh claimsShell) *claimsTab {
	c := &claimsTab{sh: sh, selected: -1}
	c.token = monoLabel("")
	c.token.Selectable = false
	c.reveal = newButton(lang.X("app.claims.reveal", "Reveal"), theme.VisibilityIcon(), c.toggleReveal)
	c.copyBtn = newButton(lang.X("app.claims.copy_token", "Copy token…"), theme.ContentCopyIcon(), c.copyToken)
	tokenRow := container.NewBorder(nil, nil, keyLabel("ACCESS TOKEN"), container.NewHBox(c.reveal, c.copyBtn), c.token)
	c.table = newKeyTable(
		func() (int, int) { return len(c.rows), 3 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row >= len(c.rows) {
				return
			}
			text, style := claimCell(c.rows[id.Row], id.Col)
			l.TextStyle = style
			l.SetText(text)
		})
	c.table.ShowHeaderColumn = false
	c.table.spoken = c.spoken
	c.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	c.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText([]string{lang.X("app.claims.claim", "Claim"), lang.X("app.claims.value", "Value"), lang.X("app.claims.local_time", "Local time")}[id.Col])
		}
	}
	c.table.SetColumnWidth(0, claimNameWidth)
	c.table.SetColumnWidth(1, 300)
	c.table.SetColumnWidth(2, claimTimeWidth)
	c.table.OnSelected = func(id widget.TableCellID) { c.selectRow(id.Row) }
	c.detail = widget.NewLabel("")
	c.detail.Wrapping = fyne.TextWrapBreak
	c.detail.Selectable = true
	c.copyVal = newButton(lang.X("app.claims.copy_value", "Copy value"), theme.ContentCopyIcon(), c.copyValue)
	c.empty = wrapLabel("")
	detail := container.NewBorder(nil, nil, nil, container.NewVBox(c.copyVal), c.detail)
	fit := container.New(&fitTableLayout{t: c.table}, c.table)
	c.content = container.NewBorder(tokenRow, detail, nil, nil, container.NewStack(fit, c.empty))
	c.set(check.Report{})
	return c
}

// fitTableLayout gives the value column whatever width the name and time columns
// leave, so the table never scrolls sideways.
type fitTableLayout struct {
	t     *keyTable
	width float32
}

func (l *fitTableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if size.Width != l.width {
		l.width = size.Width
		v := size.Width - claimNameWidth - claimTimeWidth - 4*theme.Padding()
		if v < claimMinValue {
			v = claimMinValue
		}
		l.t.SetColumnWidth(1, v)
	}
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}

func (l *fitTableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

// claimCell is the text and style of one cell.
func claimCell(r claimRow, col int) (string, fyne.TextStyle) {
	if r.section != "" {
		switch col {
		case 0:
			return r.section, fyne.TextStyle{Bold: true, Italic: true}
		case 1:
			return r.note, fyne.TextStyle{Italic: true}
		}
		return "", fyne.TextStyle{}
	}
	switch col {
	case 0:
		return r.claim.Name, fyne.TextStyle{Bold: true}
	case 1:
		return r.claim.Value, fyne.TextStyle{Monospace: true}
	case 2:
		if r.claim.Time != nil {
			return r.claim.Time.In(time.Local).Format("Mon 2 Jan 2006 15:04:05 MST"), fyne.TextStyle{}
		}
	}
	return "", fyne.TextStyle{}
}

func (c *claimsTab) set(r check.Report) {
	c.access = r.Access
	c.revealed = false
	c.showToken()
	c.rows = nil
	c.selected = -1
	c.table.UnselectAll()
	c.detail.TextStyle = fyne.TextStyle{}
	c.detail.SetText(lang.X("app.claims.select", "Select a claim to see its whole value here, ready to copy."))
	c.copyVal.Disable()
	if r.Claims == nil {
		c.table.Hide()
		c.empty.SetText(lang.X("app.claims.no_token", "No token to show. The claims of the issued token appear here after a successful token request."))
		c.empty.Show()
		c.table.Refresh()
		return
	}
	cl := r.Claims
	kind := string(cl.Kind)
	if cl.Kind == tokenview.KindJWT {
		kind = lang.X("app.claims.jwt", "JWT (signed token)")
	}
	// The token's kind rides on the first section row: no extra line above the table.
	if len(cl.Header) > 0 {
		c.rows = append(c.rows, claimRow{section: lang.X("app.claims.header", "Header"), note: kind})
		for _, h := range cl.Header {
			c.rows = append(c.rows, claimRow{claim: h})
		}
	}
	payload := claimRow{section: lang.X("app.claims.payload", "Payload")}
	if len(cl.Header) == 0 {
		payload.note = kind
	}
	c.rows = append(c.rows, payload)
	for _, p := range cl.All {
		c.rows = append(c.rows, claimRow{claim: p})
	}
	if len(cl.All) == 0 {
		c.empty.SetText(lang.X("app.claims.none", "This token carries no readable claims (a reference or opaque token)."))
		c.empty.Show()
		c.table.Hide()
	} else {
		c.empty.Hide()
		c.table.Show()
	}
	for i := range c.rows {
		c.table.SetRowHeight(i, claimRowHeight)
	}
	c.table.Refresh()
	c.table.ScrollToTop()
}

// selectRow shows the whole value of row i under the table.
func (c *claimsTab) selectRow(i int) {
	if i < 0 || i >= len(c.rows) || c.rows[i].section != "" {
		c.selected = -1
		c.copyVal.Disable()
		return
	}
	c.selected = i
	cl := c.rows[i].claim
	text := cl.Name + " = " + cl.Value
	if cl.Time != nil {
		text += "   (" + cl.Time.In(time.Local).Format("Mon 2 Jan 2006 15:04:05 MST") + ")"
	}
	if tip := claimTip(cl.Name); tip != "" {
		text += "\n" + tip
	}
	c.detail.TextStyle = fyne.TextStyle{Monospace: true}
	c.detail.SetText(text)
	c.copyVal.Enable()
}

// copyValue copies the selected claim's whole value (claims are not secret; the token
// itself is copied only through Copy token, which warns).
func (c *claimsTab) copyValue() {
	if c.selected < 0 {
		return
	}
	cl := c.rows[c.selected].claim
	c.sh.clipboard().SetContent(cl.Value)
	c.sh.setStatus(lang.X("app.claims.copied", "Copied the value of {{.Name}}.", map[string]any{"Name": cl.Name}))
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
	if strings.HasPrefix(raw, "enrt_") {
		// A reference token is a long-lived credential kept in the keychain: never
		// shown or copied from here (the profile's editor replaces it).
		c.token.SetText(maskToken(raw))
		c.reveal.Disable()
		c.copyBtn.Disable()
		return
	}
	if c.revealed {
		c.token.SetText(raw)
		c.reveal.SetText(lang.X("app.claims.hide", "Hide"))
		c.reveal.SetIcon(theme.VisibilityOffIcon())
	} else {
		c.token.SetText(maskToken(raw))
		c.reveal.SetText(lang.X("app.claims.reveal", "Reveal"))
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
	askYesNo(c.sh.window(), lang.X("app.claims.copy_ask", "Copy the access token?"),
		lang.X("app.claims.copy_warn", "The token is a credential: anyone holding it can call the API as this System User until it expires. Paste it only where you trust, and never into a ticket or chat."),
		lang.X("app.no", "No"), lang.X("app.yes", "Yes"), widget.HighImportance,
		func(ok bool) {
			if !ok {
				return
			}
			c.sh.clipboard().SetContent(c.access.Reveal())
			c.sh.setStatus(lang.X("app.claims.token_copied", "Access token copied. It stays valid until it expires."))
		})
}

// spoken is the claims in words for a screen reader: "Claims of the token: alg =
// "RS256"; kid = …".
func (c *claimsTab) spoken() string {
	var parts []string
	for _, r := range c.rows {
		if r.section == "" {
			parts = append(parts, r.claim.Name+" = "+r.claim.Value)
		}
	}
	return lang.XN("app.claims.spoken", "Claims of the token, {{.Count}} claims: {{.List}}", len(parts), map[string]any{"Count": len(parts), "List": strings.Join(parts, "; ")})
}
