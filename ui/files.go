package ui

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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

// writeFile fills wc on a goroutine with what produce writes, closes it, and then, on
// the UI goroutine, explains a failure (failWhat: "Could not save the report") or shows
// ok(path) in the status line. produce writes to a buffer first, so a failing producer
// leaves the file empty rather than half written.
func (u *UI) writeFile(wc fyne.URIWriteCloser, produce func(io.Writer) error, failWhat string, ok func(path string) string) {
	u.background(func() {
		var buf bytes.Buffer
		err := produce(&buf)
		if err == nil {
			err = private(wc.URI())
		}
		if err == nil {
			_, err = io.Copy(wc, &buf)
		}
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		fyne.Do(func() {
			if err != nil {
				u.showError(failWhat, err, "Choose another folder or file name and try again.")
				return
			}
			// The URI's path has forward slashes; say C:\Users\... on Windows.
			u.setStatus(ok(filepath.FromSlash(wc.URI().Path())))
		})
	})
}

// private makes a file the dialog just created readable and writable by its owner
// only, before anything is written to it: reports and exports name instances, Trusted
// Apps and System Users. Other storage (a portal, a phone) keeps its own rules.
func private(u fyne.URI) error {
	if u.Scheme() != "file" || runtime.GOOS == "windows" {
		return nil
	}
	return os.Chmod(u.Path(), 0o600)
}
