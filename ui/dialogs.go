package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Dialogs whose buttons are the app's: Fyne's dialog buttons take Esc while they have the
// keyboard, so Esc closed a dialog only until Tab reached one of them. These buttons hand
// Esc on to the dialog (escapeCloses), and Enter presses them as Space does.

// keyDialog shows content over w with buttons at the bottom right (the last is the
// default, as in the app's other dialogs); Esc, or a press of any button, runs onClose
// once the dialog is hidden, with the index of the button (-1 for Esc).
type keyDialog struct {
	d       dialog.Dialog
	onClose func(pressed int)
	// allow, when set, is asked before a button press closes the dialog (a form whose
	// field is not valid yet stays open).
	allow func(pressed int) bool
	done  bool
}

// showKeyDialog shows a dialog titled title over w; labels name the buttons, importance
// the last one's look.
func showKeyDialog(w fyne.Window, title string, content fyne.CanvasObject, size fyne.Size, importance widget.Importance,
	labels []string, onClose func(pressed int)) *keyDialog {
	k := &keyDialog{onClose: onClose}
	row := container.NewHBox(layout.NewSpacer())
	for i, l := range labels {
		i := i
		b := newButton(l, nil, func() { k.close(i) })
		if i == len(labels)-1 {
			b.Importance = importance
		}
		row.Add(b)
	}
	k.d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, row, nil, nil, content), w)
	k.d.Resize(size)
	restore := escapeCloses(w.Canvas(), func() { k.close(-1) })
	k.d.SetOnClosed(restore)
	k.d.Show()
	return k
}

// close hides the dialog and reports the button pressed (-1: Esc), once.
func (k *keyDialog) close(pressed int) {
	if k.done || (pressed >= 0 && k.allow != nil && !k.allow(pressed)) {
		return
	}
	k.done = true
	k.d.Hide()
	if k.onClose != nil {
		k.onClose(pressed)
	}
}

// showEscPressing shows d over w so that Esc, from anywhere in it (the app's buttons,
// fields and check boxes hand it on), presses safe: the answer that changes nothing
// (Cancel, Skip them). For dialogs whose buttons differ in look, which showKeyDialog
// does not make.
func showEscPressing(w fyne.Window, d dialog.Dialog, safe *button) {
	d.SetOnClosed(escapeCloses(w.Canvas(), func() {
		if safe.OnTapped != nil {
			safe.OnTapped()
		}
	}))
	d.Show()
}

// showInfo shows text (or body) with a Close button.
func showInfo(w fyne.Window, title string, body fyne.CanvasObject, size fyne.Size) {
	showKeyDialog(w, title, body, size, widget.MediumImportance, []string{lang.X("app.close", "Close")}, nil)
}

// askYesNo asks a question: yes answers true, no and Esc false.
func askYesNo(w fyne.Window, title, question, no, yes string, importance widget.Importance, answer func(bool)) {
	body := wrapLabel(question)
	showKeyDialog(w, title, container.NewPadded(body), fyne.NewSize(520, 1), importance, []string{no, yes}, func(pressed int) {
		answer(pressed == 1)
	})
}
