package ui

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"trustedapp-tester/desk"
)

// saveFile asks where to save, suggesting name, and hands the chosen file to write
// (the save and export actions of History, the sidebar and Guidance).
func (u *UI) saveFile(name string, write func(fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(u.saveChosen(write), u.win)
	d.SetFileName(name)
	d.Show()
}

// saveChosen is the file-save dialog's callback: it explains an error, ignores a
// cancel, and passes a chosen file on to write.
func (u *UI) saveChosen(write func(fyne.URIWriteCloser)) func(fyne.URIWriteCloser, error) {
	return func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError("Could not create the file", err, "Choose a folder you can write to.")
			return
		}
		if wc == nil {
			return // cancelled
		}
		write(wc)
	}
}

// writeFile has the desk fill wc with what produce writes and close it, then explains
// a failure (failWhat: "Could not save the report") or shows ok(path) in the status
// line.
func (u *UI) writeFile(wc fyne.URIWriteCloser, produce func(io.Writer) error, failWhat string, ok func(path string) string) {
	u.desk.WriteFile(wc, produce, written(u, failWhat, ok))
}

// written is the end of a file write: a failure explained, or ok(path) in the status
// line.
func written(sh notifier, failWhat string, ok func(path string) string) func(desk.Written) {
	return func(w desk.Written) {
		if w.Err != nil {
			sh.showError(failWhat, w.Err, "Choose another folder or file name and try again.")
			return
		}
		sh.setStatus(ok(w.Path))
	}
}
