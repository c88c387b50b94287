package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
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
