package desk

import (
	"bytes"

	"fyne.io/fyne/v2"

	"trustedapp-tester/profiles"
)

// Importing a bundle of profiles (read and reviewed first, then imported in one write)
// and recovering what still parses in a damaged store file.

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
