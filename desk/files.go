package desk

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"fyne.io/fyne/v2"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// Written is the result of writing a file the user chose.
type Written struct {
	Op OpID
	// Path is where the file went, in the platform's form (C:\Users\... on Windows).
	Path string
	Err  error
}

// write fills wc on a goroutine with what produce writes, closes it, and gives done the
// path or the failure. produce writes to a buffer first, so a failing producer leaves
// the file empty rather than half written.
func (d *Desk) write(wc fyne.URIWriteCloser, produce func(io.Writer) error, done func(Written)) *Op {
	op := d.startOp("")
	d.background(func() {
		var buf bytes.Buffer
		err := produce(&buf)
		if err == nil {
			err = op.ctx.Err()
		}
		if err == nil {
			err = private(wc.URI())
		}
		if err == nil {
			_, err = io.Copy(wc, &buf)
		}
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		// The URI's path has forward slashes; say C:\Users\... on Windows.
		finish(op, done, Written{Op: op.ID, Path: filepath.FromSlash(wc.URI().Path()), Err: err})
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
	md, merr := Markdown(p, r)
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

// HistoryAvailable reports whether this session has a history log.
func (d *Desk) HistoryAvailable() bool { return d.deps.History != nil }

// History is the result of reading the history log.
type History struct {
	Op      OpID
	Entries []audit.Entry // newest first
	Err     error
}

// ReadHistory reads the entries matching f on a goroutine, newest first.
func (d *Desk) ReadHistory(f audit.Filter, done func(History)) *Op {
	if d.deps.History == nil {
		return nil
	}
	op := d.startOp("")
	d.background(func() {
		list, err := d.deps.History.Entries(f)
		slices.Reverse(list)
		finish(op, done, History{Op: op.ID, Entries: list, Err: err})
	})
	return op
}

// ExportHistory writes the entries matching f as JSON lines to wc.
func (d *Desk) ExportHistory(wc fyne.URIWriteCloser, f audit.Filter, done func(Written)) *Op {
	if d.deps.History == nil {
		return nil
	}
	return d.write(wc, func(w io.Writer) error { return d.deps.History.Export(w, f) }, done)
}

// ImportFile is a bundle file read for import: its bytes, and the security-relevant
// settings its profiles carry, for the user to see before anything is saved.
type ImportFile struct {
	Op     OpID
	Name   string // the file's name, as the file chose it (escape it before showing)
	Data   []byte
	Review []profiles.Review
	// Moves are the stored profiles with a secret that replacing them with the
	// bundle's would send elsewhere: the user decides whether the secrets follow.
	Moves []profiles.SecretMove
	Err   error
}

// ReadImport reads the bundle rc (a file dialog's choice) on a goroutine and closes
// it; nothing is saved.
func (d *Desk) ReadImport(rc fyne.URIReadCloser, done func(ImportFile)) *Op {
	op := d.startOp("")
	name := rc.URI().Name()
	d.background(func() {
		data, err := profiles.ReadBundleBytes(rc)
		rc.Close()
		var review []profiles.Review
		var moves []profiles.SecretMove
		if err == nil {
			held := d.deps.Store.Profiles().List()
			if review, err = profiles.ReviewBundle(data, held); err == nil {
				moves, err = profiles.SecretMoves(data, held)
			}
		}
		finish(op, done, ImportFile{Op: op.ID, Name: name, Data: data, Review: review, Moves: moves, Err: err})
	})
	return op
}

// Imported is what an import or a recovery did.
type Imported struct {
	Op     OpID
	Result profiles.ImportResult
	Err    error
}

// Import imports the bundle data in one write on a goroutine (profiles.ImportBundle),
// asking decide about each name that already exists (decide runs on that goroutine).
func (d *Desk) Import(data []byte, decide func(name string) profiles.ConflictAction, done func(Imported)) *Op {
	op := d.startOp("")
	d.background(func() {
		var res profiles.ImportResult
		err := d.deps.Store.change(func() error {
			var err error
			res, err = profiles.ImportBundle(d.deps.Store.Profiles(), bytes.NewReader(data), decide)
			return err
		})
		finish(op, done, Imported{Op: op.ID, Result: res, Err: err})
	})
	return op
}

// Recover brings back what still parses in the damaged store file on a goroutine.
func (d *Desk) Recover(damaged string, done func(Imported)) *Op {
	op := d.startOp("")
	d.background(func() {
		res, err := d.deps.Store.Recover(damaged)
		finish(op, done, Imported{Op: op.ID, Result: res, Err: err})
	})
	return op
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
