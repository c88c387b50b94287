package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// callsTab is the API console: the run's sample calls, and custom calls with the
// issued token.
type callsTab struct {
	u       *UI
	p       profiles.Profile
	access  *check.AccessToken
	steps   []check.Step
	list    *widget.List
	detail  *fyne.Container
	method  *widget.Select
	path    *widget.Entry
	body    *widget.Entry
	send    *widget.Button
	keep    *widget.Button
	content fyne.CanvasObject
}

func newCallsTab(u *UI) *callsTab {
	c := &callsTab{u: u}
	c.detail = container.NewVBox()
	c.list = widget.NewList(func() int { return len(c.steps) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("API GET /api/domain/currentmodel")
			l.Truncation = fyne.TextTruncateEllipsis
			badge := widgets.NewChip("200", "")
			return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(nil), container.NewCenter(badge)), nil, l)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := c.steps[id]
			row := o.(*fyne.Container)
			row.Objects[0].(*widget.Label).SetText(s.Name)
			left := row.Objects[1].(*fyne.Container)
			left.Objects[0].(*widget.Icon).SetResource(widgets.VerdictIcon(s.Verdict))
			badge := left.Objects[1].(*fyne.Container).Objects[0].(*widgets.Chip)
			badge.Text, badge.Color = statusBadge(s)
			badge.Refresh()
		})
	c.list.OnSelected = func(id widget.ListItemID) {
		c.detail.Objects = []fyne.CanvasObject{stepView(c.steps[id])}
		c.detail.Refresh()
	}
	c.method = widget.NewSelect(profiles.MethodNames(), nil)
	c.method.SetSelected("GET")
	c.path = widget.NewEntry()
	c.path.SetPlaceHolder("/api/domain/odata/General_Products_Products?$top=3")
	c.body = widget.NewMultiLineEntry()
	c.body.SetPlaceHolder("Request body (JSON), for POST, PATCH and PUT")
	c.body.SetMinRowsVisible(2)
	c.send = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.runCustom)
	c.keep = widget.NewButtonWithIcon("Keep in profile", theme.ContentAddIcon(), c.keepCustom)
	custom := container.NewBorder(nil, nil, c.method, container.NewHBox(c.send, c.keep), c.path)
	form := container.NewVBox(widget.NewSeparator(), keyLabel("CUSTOM CALL WITH THIS TOKEN"), custom, c.body)
	split := container.NewHSplit(c.list, container.NewVScroll(c.detail))
	split.Offset = 0.4
	c.content = container.NewBorder(nil, form, nil, nil, split)
	c.set(profiles.Profile{}, check.Report{})
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

func (c *callsTab) set(p profiles.Profile, r check.Report) {
	c.p, c.access = p, r.Access
	c.steps = nil
	for _, s := range r.Steps {
		if s.Kind == check.StepAPI {
			c.steps = append(c.steps, s)
		}
	}
	c.list.UnselectAll()
	c.list.Refresh()
	msg := "Select a call to see its request and response."
	if len(c.steps) == 0 {
		msg = "No API calls yet. After a token is issued, the profile's sample calls run here, and you can send your own."
	}
	c.detail.Objects = []fyne.CanvasObject{wrapLabel(msg)}
	c.detail.Refresh()
	if c.access == nil {
		c.send.Disable()
	} else {
		c.send.Enable()
	}
}

// keepCustom adds the custom call to the profile's calls, so every later test runs
// it. A profile that ran the defaults keeps them and gets the new call after them.
func (c *callsTab) keepCustom() {
	u := c.u
	path := strings.TrimSpace(c.path.Text)
	if err := callPathError(1, path); err != nil {
		u.showMessage("Nothing to keep", "Type the path of the call first, e.g. /api/domain/odata/Crm_Sales_Customers?$top=5.")
		return
	}
	body := strings.TrimSpace(c.body.Text)
	if err := callBodyError(1, body); err != nil {
		u.showMessage("The body is not JSON", strings.TrimPrefix(err.Error(), "API call 1: "))
		return
	}
	p, ok := u.find(c.p.Name)
	if !ok {
		return
	}
	call := profiles.APICall{Method: c.method.Selected, Path: path, Body: body}
	calls := append([]profiles.APICall(nil), p.Calls...)
	if len(calls) == 0 {
		calls = profiles.DefaultCalls()
	}
	for _, x := range calls {
		if strings.EqualFold(x.Method, call.Method) && x.Path == call.Path && x.Body == call.Body {
			u.setStatus(call.Method + " " + path + " is already one of the profile's calls.")
			return
		}
	}
	np := p
	np.Calls = append(calls, call)
	np.Updated = u.deps.Now()
	u.background(func() {
		err := u.deps.Store.Update(p.Name, np)
		fyne.Do(func() {
			if err != nil {
				u.showError("Could not add the call to “"+p.Name+"”", err, "Check that the store file is writable and try again.")
				return
			}
			u.setStatus(fmt.Sprintf("Added %s %s to “%s”: every test now runs its %d calls.", call.Method, path, p.Name, len(np.Calls)))
			u.Reload(p.Name)
		})
	})
}

// runCustom sends one call with the issued token on a goroutine.
func (c *callsTab) runCustom() {
	u := c.u
	path := strings.TrimSpace(c.path.Text)
	if path == "" {
		u.showMessage("Path needed", "Type the path to call, e.g. /api/domain/odata/Crm_Sales_Customers?$top=5, or a full URL on this instance.")
		return
	}
	if c.access == nil {
		u.showMessage("No token", "Run the test first: custom calls use the token it obtains.")
		return
	}
	call := profiles.APICall{Name: "Custom", Method: c.method.Selected, Path: path, Body: c.body.Text}
	if ago, expired := c.tokenExpired(); expired {
		// Client credentials gets no refresh token: renew by asking again (a fresh
		// test, so the identity card shows the new token), then send the call.
		name := c.p.Name
		u.setStatus("The token expired " + ago + " ago: getting a new one, then sending " + call.Method + " " + path + "…")
		u.afterRun = func(r check.Report) {
			if r.Access != nil && u.current == name {
				c.sendCall(call)
			}
		}
		// No question even on Production: the expired token cannot be reused anyway.
		u.startRun(true)
		return
	}
	c.sendCall(call)
}

// tokenExpired reports whether the run's token has passed its expiry, and how long ago.
func (c *callsTab) tokenExpired() (string, bool) {
	r := c.u.reports[c.p.Name]
	if r == nil || r.Access == nil {
		return "", false
	}
	now := c.u.deps.Now()
	var exp time.Time
	switch {
	case r.Claims != nil && !r.Claims.Expires.IsZero():
		exp = r.Claims.Expires
	case r.Token != nil && !r.Token.ExpiresAt().IsZero():
		exp = r.Token.ExpiresAt()
	default:
		return "", false
	}
	if now.Before(exp) {
		return "", false
	}
	return roughAge(now.Sub(exp)), true
}

// sendCall makes one call with the run's token on a goroutine and lists it.
func (c *callsTab) sendCall(call profiles.APICall) {
	u := c.u
	path := call.Path
	p, tok := c.p, c.access
	opts := u.deps.Options
	if opts.Now == nil {
		opts.Now = u.deps.Now
	}
	c.send.Disable()
	u.setStatus("Sending " + call.Method + " " + path + "…")
	u.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.Timeout())
		defer cancel()
		s := u.deps.Call(ctx, p, tok, call, opts)
		fyne.Do(func() {
			c.send.Enable()
			if c.p.Name != p.Name {
				return
			}
			c.steps = append(c.steps, s)
			c.list.Refresh()
			c.list.Select(len(c.steps) - 1)
			u.setStatus(s.Name + ": " + s.Summary)
		})
	})
}
