package ui

import (
	"errors"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/userfile"
)

// saveFile asks where to save, suggesting name (made safe on every OS), and hands the
// chosen file to write (the save and export actions of History, the sidebar, Guidance,
// the explainer and the new Trusted App). The OS's own Save dialog where the session
// has one; Fyne's where it has none (tests, Linux without zenity) or the OS's could
// not be shown.
func (u *UI) saveFile(name string, write func(fyne.URIWriteCloser)) {
	name = userfile.Name(name)
	if !u.desk.NativeDialogs() {
		u.fyneSave(name, write)
		return
	}
	u.desk.ChooseSave(lang.X("app.files.save_as", "Save as"), name, func(c desk.Chosen) {
		switch {
		case c.Fallback:
			u.fyneSave(name, write)
		case c.Err != nil:
			u.showFileError(lang.X("app.files.cannot_create", "Could not create the file"), c.Err)
		case c.Writer != nil:
			write(c.Writer)
		}
	})
}

// openFile asks for a file to read (Import profiles…), the OS's Open dialog where
// there is one, and hands the opened file to read.
func (u *UI) openFile(read func(fyne.URIReadCloser)) {
	chosen := func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showFileError(lang.X("app.files.cannot_open", "Could not open the file"), err)
			return
		}
		if rc != nil {
			read(rc)
		}
	}
	fyneOpen := func() {
		d := dialog.NewFileOpen(chosen, u.win)
		if l := u.documents(); l != nil {
			d.SetLocation(l)
		}
		d.Show()
	}
	if !u.desk.NativeDialogs() {
		fyneOpen()
		return
	}
	u.desk.ChooseOpen(lang.X("app.files.import", "Import profiles"), func(c desk.Chosen) {
		switch {
		case c.Fallback:
			fyneOpen()
		case c.Err != nil:
			chosen(nil, c.Err)
		case c.Reader != nil:
			read(c.Reader)
		}
	})
}

// fyneSave is Fyne's own Save dialog, starting in the Documents folder.
func (u *UI) fyneSave(name string, write func(fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(u.saveChosen(write), u.win)
	d.SetFileName(name)
	if l := u.documents(); l != nil {
		d.SetLocation(l)
	}
	d.Show()
}

// documents is the Documents folder for Fyne's dialogs (nil: Fyne's own choice).
func (u *UI) documents() fyne.ListableURI {
	dir := u.desk.DocumentsFolder()
	if dir == "" {
		return nil
	}
	l, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		return nil
	}
	return l
}

// saveChosen is Fyne's Save dialog's callback: it explains an error, ignores a cancel,
// and passes a chosen file on to write. A whole path typed into the name field, which
// the dialog joins to its folder (C:/Users/ann/C:/Users/ann/Desktop/x.md), is created
// as typed.
func (u *UI) saveChosen(write func(fyne.URIWriteCloser)) func(fyne.URIWriteCloser, error) {
	return func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			if typed, ok := desk.TypedPath(err); ok {
				u.desk.CreateFile(typed, func(c desk.Chosen) {
					if c.Err != nil {
						u.showFileError(lang.X("app.files.cannot_create", "Could not create the file"), c.Err)
						return
					}
					write(c.Writer)
				})
				return
			}
			u.showFileError(lang.X("app.files.cannot_create", "Could not create the file"), err)
			return
		}
		if wc == nil {
			return // cancelled
		}
		write(wc)
	}
}

// showFileError explains a file that could not be created or opened: the path the
// OS's way, the OS's reason, and the hint that fits it.
func (u *UI) showFileError(what string, err error) {
	problem, hint := desk.ExplainFileError(err)
	u.showError(what, problem, hint)
}

// writeFile has the desk fill wc with what produce writes and close it, then explains
// a failure (failWhat: "Could not save the report") or shows ok(path) in the status
// line.
func (u *UI) writeFile(wc fyne.URIWriteCloser, produce func(io.Writer) error, failWhat string, ok func(path string) string) {
	u.desk.WriteFile(wc, produce, written(u, failWhat, ok))
}

// written is the end of a file write: a failure explained (the file's own with the
// hint that fits it), or ok(path) in the status line.
func written(sh notifier, failWhat string, ok func(path string) string) func(desk.Written) {
	return func(w desk.Written) {
		if w.Err != nil {
			hint := lang.X("app.files.retry", "Choose another folder or file name and try again.")
			var fe *userfile.Error
			if errors.As(w.Err, &fe) {
				hint = fe.Hint()
			}
			sh.showError(failWhat, w.Err, hint)
			return
		}
		sh.setStatus(ok(w.Path))
	}
}
