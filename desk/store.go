package desk

import (
	"errors"
	"io"
	"strings"
	"sync"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
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

// Secrets is the app's keychain: the OS keyring, falling back to session-only memory
// (never a file) when the keyring turns out to be unavailable; Persistent then reports
// false. It is the profiles.SecretStore of the profile operations.
type Secrets struct {
	s        *profiles.Secrets
	mu       sync.Mutex
	fellBack bool
	reason   error // why the keyring is not used (nil while it is)
}

var _ profiles.SecretStore = (*Secrets)(nil)

// NewSecrets adapts profiles.Secrets.
func NewSecrets(s *profiles.Secrets) *Secrets { return &Secrets{s: s} }

// OpenSecrets is the app's secret store: the OS keyring when it answers, else
// session-only memory. notice is "" with a keyring, else the sentence to show the user
// (the keyring problem's one-sentence fix).
func OpenSecrets() (store *Secrets, notice string) {
	s := profiles.NewSecrets()
	err := s.Available()
	if err == nil {
		return NewSecrets(s), ""
	}
	return &Secrets{s: profiles.NewSessionSecrets(), reason: err}, KeyringNotice(err)
}

// KeyringNotice is what the user reads when secrets cannot go to the OS keyring: that
// they are kept for this session only, and the fix from the keyring error.
func KeyringNotice(err error) string { return sessionOnlyLead + keyringFix(err) }

const sessionOnlyLead = "Client secrets are kept in memory for this session only. "

// keyringFix is the keyring error's one-sentence fix (never a raw library error).
func keyringFix(err error) string {
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) && ku.Message != "" {
		return ku.Message
	}
	return "The system keychain could not be used: check that it is running and unlocked, then restart the app."
}

// Unavailable is the keyring problem's one-sentence fix ("" while secrets go to the
// keyring).
func (a *Secrets) Unavailable() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.reason == nil {
		return ""
	}
	return keyringFix(a.reason)
}

// Notice is what to tell the user about where secrets go: "" when they are persistent,
// else that they are session-only and the keyring's fix.
func (a *Secrets) Notice() string {
	if a == nil || a.Persistent() {
		return ""
	}
	if n := a.Unavailable(); n != "" {
		return sessionOnlyLead + n
	}
	return strings.TrimSpace(sessionOnlyLead)
}

// Get returns the secret; *profiles.SecretNotSetError when there is none.
func (a *Secrets) Get(name string) (string, error) { return a.s.Get(name) }

// Set stores the secret in the keyring, or for this session when the keyring is
// unavailable (and from then on says so).
func (a *Secrets) Set(name, secret string) error {
	err := a.s.Set(name, secret)
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) {
		a.mu.Lock()
		a.fellBack = true
		a.reason = err
		a.mu.Unlock()
		return a.s.SetSession(name, secret)
	}
	return err
}

// Delete removes the secret. After the fallback, a keyring that cannot be reached is
// no error for a secret that lived in this session. (Only the fallback keeps secrets
// for the session in a keyring store: before it, asking would cost a keychain read.)
func (a *Secrets) Delete(name string) error {
	a.mu.Lock()
	fellBack := a.fellBack
	a.mu.Unlock()
	inSession := false
	if fellBack {
		_, inSession = a.sessionSecret(name)
	}
	err := a.s.Delete(name)
	if inSession && a.unavailable(err) {
		return nil
	}
	return err
}

// Rename moves the secret; after the fallback, a session secret moves in memory.
func (a *Secrets) Rename(oldName, newName string) error {
	err := a.s.Rename(oldName, newName)
	if !a.unavailable(err) {
		return err
	}
	v, ok := a.sessionSecret(oldName)
	if !ok {
		return err
	}
	if err := a.s.SetSession(newName, v); err != nil {
		return err
	}
	_ = a.s.Delete(oldName) // the session entry goes; the keyring cannot be reached
	return nil
}

// SessionOnly reports whether secrets live in memory for this session only.
func (a *Secrets) SessionOnly() bool { return !a.Persistent() }

// Persistent is false when secrets live in memory for this session only.
func (a *Secrets) Persistent() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.s.SessionOnly() && !a.fellBack
}

// Fix is what to do when the secret could not be read.
func (a *Secrets) Fix() string {
	if a != nil && !a.Persistent() {
		return "Secrets are kept for this session only: open Edit and paste the secret again."
	}
	return "Make sure the system keychain (Secret Service, Keychain or Credential Manager) is running and unlocked, then try again."
}

// sessionSecret is the secret kept for this session under name, if any.
func (a *Secrets) sessionSecret(name string) (string, bool) {
	if a.s.Status(name) != profiles.SecretSessionOnly {
		return "", false
	}
	v, err := a.s.Get(name)
	return v, err == nil
}

func (a *Secrets) unavailable(err error) bool {
	var ku *profiles.KeyringUnavailableError
	return errors.As(err, &ku)
}

// HistoryLog is the history of requests (audit.Log satisfies it): the app appends an
// entry per request of each run, and the History tab reads and exports them.
type HistoryLog interface {
	AppendReport(profile, clientID string, r check.Report) error
	Entries(f audit.Filter) ([]audit.Entry, error)
	Export(w io.Writer, f audit.Filter) error
}

// TokenCache is where the app keeps tokens between runs: in the keychain when secrets
// go there, so a restart (or the CLI) reuses a token and its ERP.net session instead of
// opening another (a licence slot); else in memory for this session.
func TokenCache(s *Secrets) *check.TokenCache {
	if s != nil && s.Persistent() {
		return check.NewVaultTokenCache(profiles.TokenKeychain{})
	}
	return check.NewTokenCache()
}
