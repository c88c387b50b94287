package widgets

import (
	"fyne.io/fyne/v2"
)

// Keyboard helpers shared by the focusable widgets here.
//
// A focused widget gets every key, so a key it does not use (Esc above all) would never
// reach the window, whose typed-key handler closes dialogs and tool screens: each
// widget here hands such keys on to that handler (PassKey).

// Activates reports whether ev is a key that presses the focused control: Space, Return
// or the keypad's Enter.
func Activates(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeySpace, fyne.KeyReturn, fyne.KeyEnter:
		return true
	}
	return false
}

// PassKey hands ev to the typed-key handler of the canvas that shows o (the window's
// Esc, or a dialog's in front of it); nothing happens when o is not on a canvas.
func PassKey(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	app := fyne.CurrentApp()
	if app == nil {
		return
	}
	if c := app.Driver().CanvasForObject(o); c != nil {
		if h := c.OnTypedKey(); h != nil {
			h(ev)
		}
	}
}
