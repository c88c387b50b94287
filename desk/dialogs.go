package desk

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"

	"trustedapp-tester/internal/userfile"
)

// FileDialogs shows the OS's own Open and Save dialogs (NativeFileDialogs), with the
// user's favourites, network places and OneDrive. The screens fall back to Fyne's
// dialogs where there are none (Deps.Files nil, as in tests) or one fails to show.
type FileDialogs interface {
	// Save asks where to save and returns the chosen path; ErrCancelled when the user
	// cancelled. Any other error means the dialog could not be shown.
	Save(FileRequest) (string, error)
	// Open asks for a file to read, the same way.
	Open(FileRequest) (string, error)
	// Parent is the window the dialogs belong to (its native handle; 0: none). The desk
	// asks for it on the UI goroutine.
	Parent() uintptr
}

// FileRequest is what a file dialog shows.
type FileRequest struct {
	Title  string
	Folder string // where it starts (the Documents folder)
	Name   string // the suggested file name (Save), already safe on every OS
	Parent uintptr
}

// ErrCancelled is a file dialog the user cancelled.
var ErrCancelled = errors.New("cancelled")

// Chosen is the end of a native file dialog: the file opened for writing (Save) or
// reading (Open), nothing (cancelled), a failure to create or open the chosen file
// (said the OS's way: *userfile.Error), or Fallback: no native dialog could be shown,
// so the screen shows Fyne's.
type Chosen struct {
	Op       OpID
	Writer   fyne.URIWriteCloser
	Reader   fyne.URIReadCloser
	Fallback bool
	Err      error
}

// NativeDialogs reports whether the session has the OS's file dialogs.
func (d *Desk) NativeDialogs() bool { return d.deps.Files != nil }

// DocumentsFolder is where a file dialog starts: the user's Documents folder where the
// OS has one, else the home folder ("" when there is neither).
func (d *Desk) DocumentsFolder() string { return userfile.Documents() }

// ChooseSave shows the OS's Save dialog for title with name suggested (made safe on
// every OS here too), and creates the chosen file, readable by its owner only.
func (d *Desk) ChooseSave(title, name string, done func(Chosen)) *Op {
	req := FileRequest{Title: title, Name: userfile.Name(name)}
	return d.choose(req, (FileDialogs).Save, createFile, done)
}

// CreateFile creates path (a whole path the user typed into Fyne's dialog, say)
// readable by its owner only, on a goroutine.
func (d *Desk) CreateFile(path string, done func(Chosen)) *Op {
	op := d.startOp("")
	d.background(func() {
		c, err := createFile(path)
		if err != nil {
			c.Err = userfile.Explain(err, path)
		}
		c.Op = op.ID
		finish(op, done, c)
	})
	return op
}

func createFile(path string) (Chosen, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Chosen{}, err
	}
	return Chosen{Writer: &fileWriter{File: f, uri: fileURI(path)}}, nil
}

// TypedPath is the whole path a user typed into Fyne's Save dialog, which the dialog
// joined to its folder and then failed to create (C:/Users/ann/C:/Users/ann/x.md).
func TypedPath(err error) (string, bool) {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		return "", false
	}
	return userfile.TypedPath(pe.Path)
}

// ChooseOpen shows the OS's Open dialog for title and opens the chosen file.
func (d *Desk) ChooseOpen(title string, done func(Chosen)) *Op {
	return d.choose(FileRequest{Title: title}, (FileDialogs).Open, func(path string) (Chosen, error) {
		f, err := os.Open(path)
		if err != nil {
			return Chosen{}, err
		}
		return Chosen{Reader: &fileReader{File: f, uri: fileURI(path)}}, nil
	}, done)
}

func (d *Desk) choose(req FileRequest, show func(FileDialogs, FileRequest) (string, error), open func(path string) (Chosen, error), done func(Chosen)) *Op {
	op := d.startOp("")
	if d.deps.Files == nil {
		finish(op, done, Chosen{Op: op.ID, Fallback: true})
		return op
	}
	req.Folder = d.DocumentsFolder()
	req.Parent = d.deps.Files.Parent()
	files := d.deps.Files
	d.background(func() {
		path, err := show(files, req)
		var c Chosen
		switch {
		case errors.Is(err, ErrCancelled):
		case err != nil:
			c.Fallback = true
		default:
			var oerr error
			if c, oerr = open(path); oerr != nil {
				c.Err = userfile.Explain(oerr, path)
			}
		}
		c.Op = op.ID
		finish(op, done, c)
	})
	return op
}

// ExplainFileError says a file failure the OS's way (the path with its separators, the
// OS's reason as one clause) with a hint that fits it.
func ExplainFileError(err error) (problem error, hint string) {
	e := userfile.Explain(err, "")
	if e == nil {
		return nil, ""
	}
	return e, e.Hint()
}

// fileURI is a local file's URI for the screens (the package uses Fyne's core only,
// not its storage package).
type fileURI string

func (u fileURI) Path() string {
	return filepath.ToSlash(string(u))
}
func (u fileURI) Name() string      { return filepath.Base(string(u)) }
func (u fileURI) Extension() string { return filepath.Ext(string(u)) }
func (u fileURI) MimeType() string  { return "application/octet-stream" }
func (u fileURI) Scheme() string    { return "file" }
func (u fileURI) Authority() string { return "" }
func (u fileURI) Query() string     { return "" }
func (u fileURI) Fragment() string  { return "" }
func (u fileURI) String() string {
	p := u.Path()
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // file:///C:/Users/...
	}
	return "file://" + p
}

type fileWriter struct {
	*os.File
	uri fileURI
}

func (w *fileWriter) URI() fyne.URI { return w.uri }

type fileReader struct {
	*os.File
	uri fileURI
}

func (r *fileReader) URI() fyne.URI { return r.uri }

var (
	_ fyne.URIWriteCloser = (*fileWriter)(nil)
	_ fyne.URIReadCloser  = (*fileReader)(nil)
)
