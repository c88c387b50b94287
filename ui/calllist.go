package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// callList edits the API calls a profile runs after its token: one row per call with
// a method, a path (or full URL) and, for methods that send one, a JSON body. No rows
// means the documented defaults run.
type callList struct {
	rows     []*callRow
	box      *fyne.Container
	empty    *widget.Label
	add      *button
	defaults *button
	content  fyne.CanvasObject
	// defaultCalls run when the list has none (the profile kind's: editor_kind.go).
	defaultCalls []profiles.APICall
}

type callRow struct {
	name   string // kept from the stored call; not edited here
	method *escSelect
	path   *dialogEntry
	body   *dialogEntry
	remove *widgets.TipButton
	line   *fyne.Container
}

func newCallList() *callList {
	l := &callList{box: container.NewVBox(), defaultCalls: profiles.DefaultCalls()}
	var defs []string
	for _, c := range profiles.DefaultCalls() {
		defs = append(defs, c.Method+" "+c.Path)
	}
	l.empty = widget.NewLabel(lang.X("app.calls.defaults_run", "No calls of its own: the defaults run ({{.Calls}}).", map[string]any{"Calls": strings.Join(defs, ", ")}))
	l.empty.Wrapping = fyne.TextWrapWord
	l.empty.SizeName = theme.SizeNameCaptionText
	l.add = newButton(lang.X("app.calls.add", "Add call"), theme.ContentAddIcon(), func() {
		r := l.addRow(profiles.APICall{Method: "GET"})
		if c := fyne.CurrentApp().Driver().CanvasForObject(l.box); c != nil {
			c.Focus(r.path)
		}
	})
	l.defaults = newButton(lang.X("app.calls.start_defaults", "Start from the defaults"), theme.ContentCopyIcon(), func() {
		for _, c := range l.defaultCalls {
			l.addRow(c)
		}
	})
	l.content = container.NewVBox(l.box, l.empty, container.NewHBox(l.add, l.defaults))
	l.refresh()
	return l
}

// set shows calls as rows.
func (l *callList) set(calls []profiles.APICall) {
	l.rows = nil
	l.box.Objects = nil
	for _, c := range calls {
		l.addRow(c)
	}
	l.refresh()
}

func (l *callList) addRow(c profiles.APICall) *callRow {
	r := &callRow{name: c.Name}
	r.path = newDialogEntry(nil)
	r.path.SetPlaceHolder("/api/domain/odata/Crm_Sales_Customers?$top=5")
	r.path.SetText(c.Path)
	r.path.Validator = func(s string) error { return callPathError(l.number(r), s) }
	r.body = newMultiLineEntry(nil)
	r.body.SetPlaceHolder(`request body (JSON), e.g. {"Notes":"checked by Trusted App Tester"}`)
	r.body.SetMinRowsVisible(2)
	r.body.SetText(c.Body)
	r.body.Validator = func(s string) error { return callBodyError(l.number(r), s) }
	r.method = newEscSelect(func(string) { r.showBody() }, nil)
	r.method.Options = profiles.MethodNames()
	m, ok := profiles.LookupMethod(c.Method)
	if !ok {
		m, _ = profiles.LookupMethod("GET")
	}
	r.method.SetSelected(m.Name)
	r.remove = widgets.NewTipButton("", theme.DeleteIcon(), lang.X("app.calls.remove", "Remove this call"), func() { l.removeRow(r) })
	r.line = container.NewVBox(container.NewBorder(nil, nil, r.method, r.remove, r.path), r.body)
	r.showBody()
	l.rows = append(l.rows, r)
	l.box.Add(r.line)
	l.refresh()
	return r
}

// number is the row's 1-based position, for messages that name "API call 2" (rows
// above may have been removed since the validator was made).
func (l *callList) number(r *callRow) int {
	for i, x := range l.rows {
		if x == r {
			return i + 1
		}
	}
	return 0
}

func (l *callList) removeRow(r *callRow) {
	for i, x := range l.rows {
		if x == r {
			l.rows = append(l.rows[:i], l.rows[i+1:]...)
			l.box.Remove(r.line)
			break
		}
	}
	l.refresh()
}

// showBody shows the body field for methods that send one, and keeps it for a GET
// or DELETE that already has a body (so nothing typed is hidden).
func (r *callRow) showBody() {
	if m, _ := profiles.LookupMethod(r.method.Selected); m.Body || strings.TrimSpace(r.body.Text) != "" {
		r.body.Show()
	} else {
		r.body.Hide()
	}
}

func (l *callList) refresh() {
	if len(l.rows) == 0 {
		l.empty.Show()
		l.defaults.Show()
	} else {
		l.empty.Hide()
		l.defaults.Hide()
	}
	l.box.Refresh()
}

// Validate checks every row and returns the first problem, naming the call.
func (l *callList) Validate() error {
	_, err := l.calls()
	return err
}

// calls reads the rows; a row with neither path nor body is dropped.
func (l *callList) calls() ([]profiles.APICall, error) {
	var out []profiles.APICall
	for i, r := range l.rows {
		path := strings.TrimSpace(r.path.Text)
		body := strings.TrimSpace(r.body.Text)
		if path == "" && body == "" {
			continue
		}
		if err := callPathError(i+1, path); err != nil {
			return nil, err
		}
		if err := callBodyError(i+1, body); err != nil {
			return nil, err
		}
		out = append(out, profiles.APICall{Name: r.name, Method: r.method.Selected, Path: path, Body: body})
	}
	return out, nil
}

// callPathError explains what is wrong with call n's path, nil when it can be sent.
func callPathError(n int, s string) error {
	if err := profiles.CallPathError(strings.TrimSpace(s)); err != nil {
		return fmt.Errorf(lang.X("app.calls.err", "API call %d: %w"), n, err)
	}
	return nil
}

// callBodyError accepts an empty body or JSON (ERP.net's APIs take JSON bodies).
func callBodyError(n int, s string) error {
	s = strings.TrimSpace(s)
	if s == "" || json.Valid([]byte(s)) {
		return nil
	}
	var se *json.SyntaxError
	if err := json.Unmarshal([]byte(s), new(any)); errors.As(err, &se) {
		return fmt.Errorf(lang.X("app.calls.err_json_at", "API call %d: the body is not JSON (%v at character %d): fix it or clear it"), n, se, se.Offset)
	}
	return fmt.Errorf(lang.X("app.calls.err_json", "API call %d: the body is not JSON: fix it or clear it"), n)
}
