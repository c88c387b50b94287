package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// entryOf is o as an entry: Fyne's, or the app's that hands Esc on; nil otherwise.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	switch e := o.(type) {
	case *widget.Entry:
		return e
	case *dialogEntry:
		return &e.Entry
	}
	return nil
}

// buttonOf is o as a button: Fyne's, the app's that hands Esc on, or one with a
// tooltip; nil otherwise.
func buttonOf(o fyne.CanvasObject) *widget.Button {
	switch b := o.(type) {
	case *widget.Button:
		return b
	case *button:
		return &b.Button
	case *widgets.TipButton:
		return &b.Button.Button
	}
	return nil
}

// selectOf is o as a drop-down list: Fyne's, or the app's that hands Esc on.
func selectOf(o fyne.CanvasObject) *widget.Select {
	switch s := o.(type) {
	case *widget.Select:
		return s
	case *escSelect:
		return &s.Select
	}
	return nil
}

// checkOf is o as a check box: Fyne's, or the app's that hands Esc on.
func checkOf(o fyne.CanvasObject) *widget.Check {
	switch c := o.(type) {
	case *widget.Check:
		return c
	case *escCheck:
		return &c.Check
	}
	return nil
}
