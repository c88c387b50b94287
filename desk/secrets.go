package desk

import (
	"errors"
	"strings"
	"sync"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// Secrets is the app's keychain: the OS keyring, falling back to session-only memory
// (never a file) when the keyring turns out to be unavailable; SessionOnly then
// reports true. It is the profiles.SecretStore of the profile operations.
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
	return &Secrets{s: profiles.NewSessionSecrets(), reason: err}, sessionOnlyLead + keyringFix(err)
}

const sessionOnlyLead = "Client secrets are kept in memory for this session only. "

// keyringFix is the keyring error's one-sentence fix (never a raw library error).
func keyringFix(err error) string {
	var ku *profiles.KeyringUnavailableError
	if errors.As(err, &ku) && ku.Message != "" {
		return ku.Message
	}
	return sentence.Capitalize(platform.Keychain()) + " could not be used: check that it is running and unlocked, then restart the app."
}

// KeychainState is where the session keeps client secrets, in the words the screens
// show the user. It holds no secret and no way to read one: the keychain itself stays
// in the desk.
type KeychainState struct {
	// Persistent is false when secrets live in memory for this session only.
	Persistent bool
	// Notice is what to tell the user about where secrets go: "" when they are
	// persistent, else that they are kept for this session only and the keyring's fix.
	Notice string
	// Unavailable is the keyring problem's one-sentence fix ("" while secrets go to the
	// keyring).
	Unavailable string
	// Fix is what to do when a secret could not be read.
	Fix string
}

// State is where secrets go now: it changes once, when the keyring fails and secrets
// fall back to this session.
func (a *Secrets) State() KeychainState {
	a.mu.Lock()
	persistent := !a.s.SessionOnly() && !a.fellBack
	reason := a.reason
	a.mu.Unlock()
	st := KeychainState{Persistent: persistent,
		Fix: "Make sure " + platform.Keychain() + " is running and unlocked, then try again."}
	if persistent {
		return st
	}
	st.Fix = "Secrets are kept for this session only: open Edit and paste the secret again."
	st.Notice = strings.TrimSpace(sessionOnlyLead)
	if reason != nil {
		st.Unavailable = keyringFix(reason)
		st.Notice = sessionOnlyLead + st.Unavailable
	}
	return st
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

// SessionOnly reports whether secrets live in memory for this session only (the
// profile operations ask; screens read State).
func (a *Secrets) SessionOnly() bool { return !a.State().Persistent }

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

// TokenCache is where the app keeps tokens between runs: in the keychain when secrets
// go there, so a restart (or the CLI) reuses a token and its ERP.net session instead of
// opening another (a licence slot); else in memory for this session.
func TokenCache(s *Secrets) *check.TokenCache {
	if s != nil && !s.SessionOnly() {
		return check.NewVaultTokenCache(profiles.TokenKeychain{})
	}
	return check.NewTokenCache()
}
