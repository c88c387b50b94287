package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// scopeChoice is one scope offered as a toggle chip in the editor.
type scopeChoice struct {
	name string
	// mark is shown on the chip ("sign-in only", "legacy") when a service app should
	// not request the scope; reason explains it under the chips.
	mark, reason string
}

// legacyDomainAPI is the pre-2024 scope ERP.net no longer needs.
const legacyDomainAPI = "DomainApi"

// scopeChoices are profiles.KnownScopes() plus the legacy DomainApi, each marked when a
// client-credentials app can never get it or should no longer ask for it.
func scopeChoices() []scopeChoice {
	var out []scopeChoice
	for _, s := range profiles.KnownScopes() {
		c := scopeChoice{name: s.Name}
		switch {
		case s.Legacy:
			c.mark, c.reason = markLegacy(), reasonLegacy()
		case !s.ServiceApp:
			c.mark, c.reason = markSignIn(), reasonSignIn()
		}
		out = append(out, c)
	}
	for _, c := range out {
		if c.name == legacyDomainAPI {
			return out
		}
	}
	return append(out, scopeChoice{name: legacyDomainAPI, mark: markLegacy(), reason: reasonLegacy()})
}

func markSignIn() string { return lang.X("app.scopes.mark_signin", "sign-in only") }
func reasonSignIn() string {
	return lang.X("app.scopes.reason_signin", "interactive sign-in only, a client-credentials token never gets them")
}
func markLegacy() string { return lang.X("app.header.legacy", "legacy") }
func reasonLegacy() string {
	return lang.X("app.scopes.reason_legacy", "legacy, current ERP.net versions use read and update")
}

// scopeHint explains the marked chips, one sentence per kind of mark.
func scopeHint(choices []scopeChoice) string {
	var order []string
	names := map[string][]string{}
	for _, c := range choices {
		if c.mark == "" {
			continue
		}
		if _, ok := names[c.reason]; !ok {
			order = append(order, c.reason)
		}
		names[c.reason] = append(names[c.reason], c.name)
	}
	parts := []string{lang.X("app.scopes.hint", "Click a scope, or Tab to it and press Space, to add or remove it.")}
	for _, r := range order {
		parts = append(parts, strings.Join(names[r], ", ")+": "+r+".")
	}
	return strings.Join(parts, " ")
}

// scopePicker edits a profile's scopes as chips: the known scopes toggle on tap, and
// any other scope typed in the entry is added as a chip that a tap removes.
type scopePicker struct {
	choices  []scopeChoice
	selected []string // in the order chosen: the order sent in the token request
	known    *fyne.Container
	custom   *fyne.Container
	entry    *dialogEntry
	add      *button
	hint     *widget.Label
	onChange func()
	content  fyne.CanvasObject
}

func newScopePicker(onChange func()) *scopePicker {
	p := &scopePicker{choices: scopeChoices(), onChange: onChange}
	p.known = widgets.ChipRow()
	p.custom = widgets.ChipRow()
	p.entry = newDialogEntry(nil)
	p.entry.SetPlaceHolder(lang.X("app.scopes.another", "another scope (case-sensitive), then Enter"))
	p.entry.OnSubmitted = func(string) { p.addTyped() }
	p.add = newButton("Add", theme.ContentAddIcon(), p.addTyped)
	p.hint = widget.NewLabel("")
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.SizeName = theme.SizeNameCaptionText
	p.hint.SetText(scopeHint(p.choices))
	p.content = container.NewVBox(p.known, p.custom, container.NewBorder(nil, nil, nil, p.add, p.entry), p.hint)
	p.refresh()
	return p
}

// set replaces the selection (the editor opening a profile).
func (p *scopePicker) set(scopes []string) {
	p.selected = nil
	for _, s := range scopes {
		if s != "" && !contains(p.selected, s) {
			p.selected = append(p.selected, s)
		}
	}
	p.entry.SetText("")
	p.refresh()
}

// scopes is the selection in order.
func (p *scopePicker) scopes() []string { return append([]string(nil), p.selected...) }

func (p *scopePicker) isKnown(s string) bool {
	for _, c := range p.choices {
		if c.name == s {
			return true
		}
	}
	return false
}

// toggle adds or removes one scope.
func (p *scopePicker) toggle(s string) {
	if contains(p.selected, s) {
		p.remove(s)
		return
	}
	p.selected = append(p.selected, s)
	p.changed()
}

func (p *scopePicker) remove(s string) {
	out := p.selected[:0]
	for _, x := range p.selected {
		if x != s {
			out = append(out, x)
		}
	}
	p.selected = out
	p.changed()
}

// addTyped adds every space-separated scope typed in the entry.
func (p *scopePicker) addTyped() {
	added := false
	for _, s := range strings.Fields(p.entry.Text) {
		if !contains(p.selected, s) {
			p.selected = append(p.selected, s)
			added = true
		}
	}
	p.entry.SetText("")
	if added {
		p.changed()
	}
}

func (p *scopePicker) changed() {
	p.refresh()
	if p.onChange != nil {
		p.onChange()
	}
}

// chipLabel is what a known scope's chip says (a selected one also shows a tick).
func (c scopeChoice) chipLabel() string {
	t := c.name
	if c.mark != "" {
		t += " · " + c.mark
	}
	return t
}

func (p *scopePicker) refresh() {
	p.known.Objects = nil
	for _, c := range p.choices {
		c := c
		on := contains(p.selected, c.name)
		col := theme.ColorNamePrimary
		if c.mark != "" {
			col = theme.ColorNameWarning
		}
		ch := widgets.NewChip(c.chipLabel(), col)
		if on {
			ch.Icon = theme.ConfirmIcon()
		}
		ch.Outlined = !on
		ch.OnTapped = func() { p.toggle(c.name) }
		if on {
			ch.SetToolTip(scopeTip(c.name, lang.X("app.scopes.requested_tip", "Requested; click to stop requesting it.")))
			ch.Description = lang.X("app.scopes.requested_desc", "Scope {{.Scope}}: requested; press to stop requesting it", map[string]any{"Scope": c.chipLabel()})
		} else {
			ch.SetToolTip(scopeTip(c.name, lang.X("app.scopes.request_tip", "Click to request it.")))
			ch.Description = lang.X("app.scopes.not_requested_desc", "Scope {{.Scope}}: not requested; press to request it", map[string]any{"Scope": c.chipLabel()})
		}
		p.known.Add(ch)
	}
	p.known.Refresh()
	p.custom.Objects = nil
	for _, s := range p.selected {
		if p.isKnown(s) {
			continue
		}
		s := s
		ch := widgets.NewChip(s+"  ×", theme.ColorNamePrimary)
		ch.OnTapped = func() { p.remove(s) }
		ch.SetToolTip(scopeTip(s, lang.X("app.scopes.remove_tip", "Requested; click to remove it.")))
		ch.Description = lang.X("app.scopes.remove_desc", "Scope {{.Scope}}: requested; press to remove it", map[string]any{"Scope": s})
		p.custom.Add(ch)
	}
	if len(p.custom.Objects) == 0 {
		p.custom.Hide()
	} else {
		p.custom.Show()
	}
	p.custom.Refresh()
}

// chip finds the chip for scope s (known or custom), nil when none shows.
func (p *scopePicker) chip(s string) *widgets.Chip {
	for i, c := range p.choices {
		if c.name == s {
			return p.known.Objects[i].(*widgets.Chip)
		}
	}
	for _, o := range p.custom.Objects {
		if ch := o.(*widgets.Chip); ch.Text == s+"  ×" {
			return ch
		}
	}
	return nil
}
