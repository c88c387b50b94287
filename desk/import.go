package desk

import (
	"bytes"

	"fyne.io/fyne/v2"

	"trustedapp-tester/profiles"
)

// Importing a bundle of profiles or a CSV file of them (read and reviewed first, then
// imported in one write) and recovering what still parses in a damaged store file.

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
	// CSV is true for a CSV file (profiles.ReadCSV), false for a bundle.
	CSV bool
	Err error
}

// ReadImport reads the bundle or CSV file rc (a file dialog's choice) on a goroutine
// and closes it; nothing is saved.
func (d *Desk) ReadImport(rc fyne.URIReadCloser, done func(ImportFile)) *Op {
	op := d.startOp("")
	name := rc.URI().Name()
	d.background(func() {
		data, err := profiles.ReadBundleBytes(rc)
		rc.Close()
		var review []profiles.Review
		var moves []profiles.SecretMove
		isCSV := err == nil && csvData(data)
		if err == nil {
			held := d.deps.Store.Profiles().List()
			if isCSV {
				var ps []profiles.Profile
				if ps, err = profiles.ReadCSV(bytes.NewReader(data)); err == nil {
					review, moves = profiles.ReviewImport(ps, held), profiles.SecretMovesOf(ps, held)
				}
			} else if review, err = profiles.ReviewBundle(data, held); err == nil {
				moves, err = profiles.SecretMoves(data, held)
			}
		}
		finish(op, done, ImportFile{Op: op.ID, Name: name, Data: data, Review: review, Moves: moves, CSV: isCSV, Err: err})
	})
	return op
}

// Imported is what an import or a recovery did.
type Imported struct {
	Op     OpID
	Result profiles.ImportResult
	Err    error
}

// Import imports the bundle or CSV file data in one write on a goroutine
// (profiles.ImportBundle, profiles.ImportCSV), asking decide about each name that
// already exists (decide runs on that goroutine).
func (d *Desk) Import(data []byte, decide func(name string) profiles.ConflictAction, done func(Imported)) *Op {
	op := d.startOp("")
	d.background(func() {
		var res profiles.ImportResult
		err := d.deps.Store.change(func() error {
			var err error
			if csvData(data) {
				res, err = profiles.ImportCSV(d.deps.Store.Profiles(), bytes.NewReader(data), decide)
			} else {
				res, err = profiles.ImportBundle(d.deps.Store.Profiles(), bytes.NewReader(data), decide)
			}
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
