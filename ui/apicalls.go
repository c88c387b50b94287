package ui

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// callsTab is the API console: the run's sample calls, and custom calls with the
// issued token.
type callsTab struct {
	sh     callsShell
	desk   callsDesk
	p      profiles.Profile
	run    *desk.Run // the run shown (nil: none)
	access *check.AccessToken
	steps  []check.Step
	// pending is the custom call in flight (nil: none); a result of another operation is
	// one the tab moved on from. renewing: it waits for a new token first.
	pending  *desk.Op
	renewing bool
	list     *escList
	detail   *fyne.Container
	method   *escSelect
	path     *dialogEntry
	body     *dialogEntry
	send     *button
	keep     *button
	content  fyne.CanvasObject
}

// callsShell is what the API calls tab needs of the window.
type callsShell interface {
	notifier
}

// callsDesk is what the API calls tab asks of the desk.
type callsDesk interface {
	SendCall(run *desk.Run, call profiles.APICall, began func(op *desk.Op, renewing bool), done func(desk.CallResult))
	KeepCall(name string, call profiles.APICall, done func(n int, err error)) (already bool)
	TokenExpired(run *desk.Run) (time.Duration, bool)
}

func newCallsTab(sh callsShell, d callsDesk) *callsTab {
	c := &callsTab{sh: sh, desk: d}
	c.detail = container.NewVBox()
	c.list = newEscList(nil, func() int { return len(c.steps) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("API GET /api/domain/currentmodel")
			l.Truncation = fyne.TextTruncateEllipsis
			badge := widgets.NewChip("200", "")
			return container.NewBorder(nil, nil, container.NewHBox(widgets.NewVerdict(""), container.NewCenter(badge)), nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := c.steps[id]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(s.Name)
			left := row.Objects[1].(*fyne.Container)
			left.Objects[0].(*widgets.Verdict).Set(s.Verdict)
			badge := left.Objects[1].(*fyne.Container).Objects[0].(*widgets.Chip)
			badge.Text, badge.Color = statusBadge(s)
			badge.Refresh()
		})
	c.list.spoken = c.spoken
	c.list.OnSelected = func(id widget.ListItemID) {
		c.detail.Objects = []fyne.CanvasObject{stepView(c.steps[id])}
		c.detail.Refresh()
	}
	c.method = newEscSelect(nil, nil)
	c.method.Options, c.method.name = profiles.MethodNames(), lang.X("app.calls.method", "Method of the custom call")
	c.method.SetSelected("GET")
	c.path = newDialogEntry(nil)
	c.path.name = lang.X("app.calls.path", "Path of the custom call")
	c.path.SetPlaceHolder("/api/domain/odata/General_Products_Products?$top=3")
	c.body = newMultiLineEntry(nil)
	c.body.name = lang.X("app.calls.body", "Request body")
	c.body.SetPlaceHolder(lang.X("app.calls.body_hint", "Request body (JSON), for POST, PATCH and PUT"))
	c.body.SetMinRowsVisible(2)
	c.send = newButton(lang.X("app.calls.send", "Send"), theme.MailSendIcon(), c.sendOrCancel)
	c.keep = newButton(lang.X("app.calls.keep", "Keep in profile"), theme.ContentAddIcon(), c.keepCustom)
	custom := container.NewBorder(nil, nil, c.method, container.NewHBox(c.send, c.keep), c.path)
	form := container.NewVBox(widget.NewSeparator(), keyLabel("CUSTOM CALL WITH THIS TOKEN"), custom, c.body)
	split := widgets.NewHSplit(c.list, widgets.NewVScroll(c.detail))
	split.Offset = 0.4
	c.content = container.NewBorder(nil, form, nil, nil, split.Container)
	c.set(profiles.Profile{}, nil)
	return c
}

func statusBadge(s check.Step) (string, fyne.ThemeColorName) {
	st := 0
	if n := len(s.Exchanges); n > 0 {
		st = s.Exchanges[n-1].Status
	}
	txt := "—"
	if st != 0 {
		txt = strconv.Itoa(st)
	}
	return txt, widgets.VerdictColor(s.Verdict)
}

// set shows profile p's run r (nil: none). A custom call in flight stays pending only
// for the same run, or for the fresh run that renews its token.
func (c *callsTab) set(p profiles.Profile, r *desk.Run) {
	same := c.run != nil && r != nil && c.run.ID == r.ID
	renewal := c.renewing && r != nil && r.Profile.Name == c.p.Name
	if !same && !renewal {
		c.pending, c.renewing = nil, false
	}
	c.p, c.run, c.access = p, r, nil
	var rep check.Report
	if r != nil {
		rep = r.Report
		if r.Done {
			c.access = r.Access()
		}
	}
	c.steps = nil
	for _, s := range rep.Steps {
		if s.Kind == check.StepAPI {
			c.steps = append(c.steps, s)
		}
	}
	c.list.UnselectAll()
	c.list.Refresh()
	msg := lang.X("app.calls.select", "Select a call to see its request and response.")
	if len(c.steps) == 0 {
		msg = lang.X("app.calls.none", "No API calls yet. After a token is issued, the profile's sample calls run here, and you can send your own.")
	}
	c.detail.Objects = []fyne.CanvasObject{wrapLabel(msg)}
	c.detail.Refresh()
	c.showSend()
}

// showSend shows Send, or Cancel while a custom call is in flight; Send needs a token.
func (c *callsTab) showSend() {
	if c.pending != nil {
		c.send.SetText(lang.X("app.cancel", "Cancel"))
		c.send.SetIcon(theme.CancelIcon())
		c.send.Enable()
		return
	}
	c.send.SetText(lang.X("app.calls.send", "Send"))
	c.send.SetIcon(theme.MailSendIcon())
	if c.access == nil {
		c.send.Disable()
	} else {
		c.send.Enable()
	}
}

// keepCustom adds the custom call to the profile's calls, so every later test runs
// it. A profile that ran the defaults keeps them and gets the new call after them.
func (c *callsTab) keepCustom() {
	path := strings.TrimSpace(c.path.Text)
	if err := callPathError(1, path); err != nil {
		c.sh.showMessage(lang.X("app.calls.nothing_to_keep", "Nothing to keep"), lang.X("app.calls.type_path_first", "Type the path of the call first, e.g. /api/domain/odata/Crm_Sales_Customers?$top=5."))
		return
	}
	body := strings.TrimSpace(c.body.Text)
	if err := callBodyError(1, body); err != nil {
		c.sh.showMessage(lang.X("app.calls.not_json", "The body is not JSON"), strings.TrimPrefix(err.Error(), "API call 1: "))
		return
	}
	name := c.p.Name
	call := profiles.APICall{Method: c.method.Selected, Path: path, Body: body}
	already := c.desk.KeepCall(name, call, func(n int, err error) {
		if err != nil {
			c.sh.showError(lang.X("app.calls.add_failed", "Could not add the call to “{{.Name}}”", map[string]any{"Name": name}), err, lang.X("app.store.writable_retry", "Check that the store file is writable and try again."))
			return
		}
		c.sh.setStatus(lang.XN("app.calls.added", "Added {{.Method}} {{.Path}} to “{{.Name}}”: every test now runs its {{.Count}} calls.", n, map[string]any{"Method": call.Method, "Path": path, "Name": name, "Count": n}))
	})
	if already {
		c.sh.setStatus(lang.X("app.calls.already", "{{.Method}} {{.Path}} is already one of the profile's calls.", map[string]any{"Method": call.Method, "Path": path}))
	}
}

// sendOrCancel sends the custom call, or cancels the one in flight.
func (c *callsTab) sendOrCancel() {
	if c.pending != nil {
		c.pending.Cancel()
		return
	}
	c.runCustom()
}

// runCustom sends one call with the run's token; an expired token is renewed first
// (client credentials gets no refresh token: the desk asks again with a fresh test, so
// the identity card shows the new token).
func (c *callsTab) runCustom() {
	path := strings.TrimSpace(c.path.Text)
	if path == "" {
		c.sh.showMessage(lang.X("app.calls.path_needed", "Path needed"), lang.X("app.calls.type_path", "Type the path to call, e.g. /api/domain/odata/Crm_Sales_Customers?$top=5, or a full URL on this instance."))
		return
	}
	if c.access == nil {
		c.sh.showMessage(lang.X("app.calls.no_token", "No token"), lang.X("app.calls.run_first", "Run the test first: custom calls use the token it obtains."))
		return
	}
	call := profiles.APICall{Name: "Custom", Method: c.method.Selected, Path: path, Body: c.body.Text}
	ago, _ := c.desk.TokenExpired(c.run)
	c.desk.SendCall(c.run, call, func(op *desk.Op, renewing bool) {
		c.pending, c.renewing = op, renewing
		if renewing {
			c.sh.setStatus(lang.X("app.calls.renewing", "The token expired {{.Age}} ago: getting a new one, then sending {{.Method}} {{.Path}}…", map[string]any{"Age": roughAge(ago), "Method": call.Method, "Path": path}))
		} else {
			c.sh.setStatus("Sending " + call.Method + " " + path + "…")
		}
		c.showSend()
	}, c.called)
}

// called shows a custom call's answer when the tab still shows the run whose token it
// used; an answer for another run is one the tab moved on from.
func (c *callsTab) called(res desk.CallResult) {
	if c.pending != nil && res.Op == c.pending.ID {
		c.pending, c.renewing = nil, false
		c.showSend()
	}
	if c.run == nil || res.Run != c.run.ID {
		return
	}
	switch {
	case res.Cancelled:
		c.sh.setStatus(lang.X("app.calls.cancelled", "Custom call cancelled."))
		return
	case res.NoToken:
		c.sh.setStatus(lang.X("app.calls.no_new_token", "No new token: the custom call was not sent. See Guidance."))
		return
	}
	c.steps = append(c.steps, res.Step)
	c.list.Refresh()
	c.list.Select(len(c.steps) - 1)
	c.sh.setStatus(res.Step.Name + ": " + res.Step.Summary)
}

// spoken is the calls in words for a screen reader: "API calls: API GET /… passed,
// 200; …".
func (c *callsTab) spoken() string {
	if len(c.steps) == 0 {
		return lang.X("app.calls.spoken_none", "API calls: none yet")
	}
	var parts []string
	for _, s := range c.steps {
		st, _ := statusBadge(s)
		parts = append(parts, s.Name+" "+widgets.VerdictWord(s.Verdict)+", "+st)
	}
	return lang.X("app.calls.spoken", "API calls: {{.List}}", map[string]any{"List": strings.Join(parts, "; ")})
}
