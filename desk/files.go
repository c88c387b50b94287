package desk

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/userfile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// Written is the result of writing a file the user chose.
type Written struct {
	Op OpID
	// Path is where the file went, in the platform's form (C:\Users\... on Windows).
	Path string
	// Err is why it failed: for the file's own failure a *userfile.Error (the path the
	// OS's way, the OS's reason, a hint).
	Err error
}

// write fills wc on a goroutine with what produce writes, closes it, and gives done the
// path or the failure. produce writes to a buffer first, so a failing producer leaves
// the file empty rather than half written.
func (d *Desk) write(wc fyne.URIWriteCloser, produce func(io.Writer) error, done func(Written)) *Op {
	op := d.startOp("")
	d.background(func() {
		// The URI's path has forward slashes; say C:\Users\... on Windows.
		path := filepath.FromSlash(wc.URI().Path())
		var buf bytes.Buffer
		err := produce(&buf)
		if err == nil {
			err = op.ctx.Err()
		}
		var ferr error // the file's own failure, said the OS's way
		if err == nil {
			ferr = private(wc.URI())
		}
		if err == nil && ferr == nil {
			_, ferr = io.Copy(wc, &buf)
		}
		if cerr := wc.Close(); err == nil && ferr == nil {
			ferr = cerr
		}
		if ferr != nil {
			err = userfile.Explain(ferr, path)
		}
		finish(op, done, Written{Op: op.ID, Path: path, Err: err})
	})
	return op
}

// WriteFile writes what produce writes to wc, the file a save dialog chose, on a
// goroutine (the one way the app writes a file the user chose).
func (d *Desk) WriteFile(wc fyne.URIWriteCloser, produce func(io.Writer) error, done func(Written)) *Op {
	return d.write(wc, produce, done)
}

// SaveReport writes the Markdown report of profile p's run r to wc (no secret, the
// token as its fingerprint). The report is built on the calling goroutine.
func (d *Desk) SaveReport(wc fyne.URIWriteCloser, p profiles.Profile, r check.Report, done func(Written)) *Op {
	md, merr := MarkdownIn(d.Language(), p, r)
	return d.write(wc, func(w io.Writer) error {
		if merr != nil {
			return merr
		}
		_, err := w.Write(md)
		return err
	}, done)
}

// Markdown renders the report of p's run r for a support ticket (no secrets, token
// fingerprint only).
func Markdown(p profiles.Profile, r check.Report) ([]byte, error) {
	var buf bytes.Buffer
	err := report.WriteMarkdown(&buf, report.Build(r, p))
	return buf.Bytes(), err
}

// ExportProfiles writes the named profiles as a bundle (never their secrets) to wc.
func (d *Desk) ExportProfiles(wc fyne.URIWriteCloser, names []string, done func(Written)) *Op {
	return d.write(wc, func(w io.Writer) error { return d.deps.Store.Export(w, names) }, done)
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
