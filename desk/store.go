package desk

import (
	"errors"
	"io"

	"trustedapp-tester/profiles"
)

// Store is the profile store as the app uses it: the file shared with other windows and
// the trustedapp-check command. Every method may do file I/O: the Desk calls them on a
// goroutine.
type Store struct{ s *profiles.Store }

// NewStore adapts a profiles.Store for the Desk.
func NewStore(s *profiles.Store) *Store { return &Store{s} }

// Profiles is the underlying store (the profile operations take it).
func (a *Store) Profiles() *profiles.Store { return a.s }

// List re-reads the file first, so profiles that another window or the trustedapp-check
// command added or changed show up.
func (a *Store) List() ([]profiles.Profile, error) {
	if err := a.s.Reload(); err != nil {
		var ce *profiles.CorruptError
		if !errors.As(err, &ce) || !ce.Recovered {
			return nil, err
		}
	}
	return a.s.List(), nil
}

// Add stores a new profile; a duplicate name is an error.
func (a *Store) Add(p profiles.Profile) error {
	return a.change(func() error { return a.s.Add(p) })
}

// Update replaces the profile called oldName with p.
func (a *Store) Update(oldName string, p profiles.Profile) error {
	return a.change(func() error { return a.s.Update(oldName, p) })
}

// Export writes the named profiles (never their secrets) as a bundle.
func (a *Store) Export(w io.Writer, names []string) error { return a.s.Export(names, w) }

// Recover brings back what still parses in a damaged store file, in one write.
func (a *Store) Recover(damaged string) (profiles.ImportResult, error) {
	var res profiles.ImportResult
	err := a.change(func() error {
		var err error
		res, err = a.s.Recover(damaged)
		return err
	})
	return res, err
}

// ChangedElsewhereError is a change refused because the profile file was changed by
// another window or the CLI since it was loaded. The store has been reloaded, so
// making the change again works and keeps the other edit.
type ChangedElsewhereError struct{ Err error }

func (e *ChangedElsewhereError) Error() string {
	return "Another Trusted App Tester window or the trustedapp-check command changed the profiles since they were loaded, so this change was not saved (nothing was lost). The current profiles have been loaded: make the change again."
}

func (e *ChangedElsewhereError) Unwrap() error { return e.Err }

// change runs one change of the store (a profile operation); on a conflict with another
// writer it reloads the store and says so, rather than overwriting the other edit.
func (a *Store) change(f func() error) error {
	err := f()
	if errors.Is(err, profiles.ErrChangedOnDisk) {
		if rerr := a.s.Reload(); rerr == nil {
			return &ChangedElsewhereError{Err: err}
		}
	}
	return err
}
