package profiles

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// KeyringService is the service name under which secrets are kept in the OS keyring.
// The keyring "user" (account) is the profile name as stored (its NFC form,
// NormalizeName), so a secret is found again under the same name however its accents
// were typed; rename moves it, delete removes it.
const KeyringService = "trustedapp-tester"

// account is the keyring account of a profile name.
func account(name string) string { return NormalizeName(name) }

// keyringGet reads a secret: under the name's NFC form, or, for an entry written before
// names were normalised, under the name exactly as given.
func keyringGet(name string) (string, error) {
	v, err := keyring.Get(KeyringService, account(name))
	if errors.Is(err, keyring.ErrNotFound) && account(name) != name {
		return keyring.Get(KeyringService, name)
	}
	return v, err
}

// keyringDelete removes a secret under both forms of the name (see keyringGet).
func keyringDelete(name string) error {
	err := keyring.Delete(KeyringService, account(name))
	if errors.Is(err, keyring.ErrNotFound) {
		err = nil
	}
	if account(name) != name {
		if e := keyring.Delete(KeyringService, name); e != nil && !errors.Is(e, keyring.ErrNotFound) && err == nil {
			err = e
		}
	}
	return err
}

// MaxSecretBytes is the largest secret accepted: Windows Credential Manager's limit,
// applied on every platform so a profile works everywhere. Longer secrets are refused,
// never truncated.
const MaxSecretBytes = 2560

// ErrSecretNotSet is matched (errors.Is) when a profile has no secret.
var ErrSecretNotSet = errors.New("no client secret is set for this profile")

// SecretNotSetError names the profile with no secret.
type SecretNotSetError struct{ Name string }

func (e *SecretNotSetError) Error() string {
	return fmt.Sprintf("no client secret is set for profile %q: set it first (in the app, or with 'trustedapp-check profiles set-secret %s')", e.Name, platform.Current().Quote(e.Name))
}

// Is makes errors.Is(err, ErrSecretNotSet) work.
func (e *SecretNotSetError) Is(target error) bool { return target == ErrSecretNotSet }

// SecretTooLargeError refuses a secret over MaxSecretBytes.
type SecretTooLargeError struct{ Size int }

func (e *SecretTooLargeError) Error() string {
	return fmt.Sprintf("the client secret is %d bytes, more than the %d bytes this tool stores on every system (Windows Credential Manager's limit): it was not stored (nor truncated); use a shorter secret", e.Size, MaxSecretBytes)
}

// KeyringUnavailableError says the OS keyring cannot be used. Its message is one
// sentence with the fix; Cause is the keyring library's error.
type KeyringUnavailableError struct {
	Message string
	Cause   error
}

func (e *KeyringUnavailableError) Error() string { return e.Message }
func (e *KeyringUnavailableError) Unwrap() error { return e.Cause }

// Advice for the session-only fallback, appended by the UI where it offers one.
const sessionAdvice = "or use a session-only secret (kept in memory until the app closes)"

// classify turns a go-keyring error into ours. name is the profile.
func classify(err error, name string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, keyring.ErrNotFound) {
		return &SecretNotSetError{Name: name}
	}
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return &SecretTooLargeError{Size: -1}
	}
	return keyringUnavailable(err, sessionAdvice)
}

// keyringUnavailable says in one sentence why the keychain could not be used and the
// fix, ending with advice (the secrets' session-only fallback; "" for none). The
// keychain is named as the user's system names it (platform.Keychain).
func keyringUnavailable(err error, advice string) *KeyringUnavailableError {
	msg := err.Error()
	low := strings.ToLower(msg)
	kc := sentence.Capitalize(platform.Keychain())
	m, sep := "", ", "
	switch {
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		m, sep = "This platform has no supported system keychain", ": "
	case strings.Contains(low, "org.freedesktop.secrets"):
		m = kc + " is not available (no Secret Service is running): install and unlock GNOME Keyring, KWallet or KeePassXC"
	case strings.Contains(low, "dbus-launch"), strings.Contains(low, "dbus_session_bus_address"),
		strings.Contains(low, "$display"), strings.Contains(low, "autolaunch"), strings.Contains(low, "session bus"),
		strings.Contains(low, "dial unix"):
		m = kc + " is not available (there is no D-Bus session, as on a server or over SSH): run inside a desktop session or dbus-run-session with GNOME Keyring or KeePassXC"
	case strings.Contains(low, "unlock"), strings.Contains(low, "locked"), strings.Contains(low, "prompt"), strings.Contains(low, "dismissed"):
		m = kc + " is locked: unlock it (log in to the desktop session, or unlock the login keyring)"
	default:
		m = fmt.Sprintf("%s could not be used (%s): check that it is running and unlocked", kc, msg)
	}
	if advice != "" {
		m += sep + advice
	}
	return &KeyringUnavailableError{Message: m + ".", Cause: err}
}

// SecretStatus is what the UI shows about a profile's secret.
type SecretStatus int

const (
	SecretNotSet SecretStatus = iota
	SecretInKeychain
	SecretSessionOnly
	SecretKeychainUnavailable
)

func (s SecretStatus) String() string {
	switch s {
	case SecretInKeychain:
		return "stored in " + platform.Keychain()
	case SecretSessionOnly:
		return "session only (forgotten when the app closes)"
	case SecretKeychainUnavailable:
		return platform.Keychain() + " unavailable"
	}
	return "not set"
}

// Secrets keeps client secrets in the OS keyring (go-keyring: Windows Credential
// Manager, macOS Keychain, Secret Service on Linux) and, when asked to, session-only
// secrets in memory. It never writes a secret to a file. Safe for concurrent use.
type Secrets struct {
	mu      sync.Mutex
	session map[string]string // key(name) -> secret
	memOnly bool
}

// NewSecrets returns Secrets over the OS keyring.
func NewSecrets() *Secrets { return &Secrets{session: map[string]string{}} }

// NewSessionSecrets returns Secrets that never touch the OS keyring: every secret is
// session-only, kept in memory.
func NewSessionSecrets() *Secrets { return &Secrets{session: map[string]string{}, memOnly: true} }

// SessionOnly reports whether these Secrets never use the keyring.
func (s *Secrets) SessionOnly() bool { return s.memOnly }

func checkSecret(secret string) error {
	if secret == "" {
		return errors.New("the client secret is empty: enter the secret shown when the Trusted App was registered")
	}
	if len(secret) > MaxSecretBytes {
		return &SecretTooLargeError{Size: len(secret)}
	}
	return nil
}

// Available checks that the keyring answers (it reads an entry that need not exist).
func (s *Secrets) Available() error {
	if s.memOnly {
		return &KeyringUnavailableError{Message: "Secrets are session-only: " + platform.Keychain() + " is not used."}
	}
	_, err := keyring.Get(KeyringService, "trustedapp-tester probe")
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return classify(err, "")
}

// Get returns the profile's secret: a session-only one first, else the keyring's.
// Errors: *SecretNotSetError, *KeyringUnavailableError.
func (s *Secrets) Get(name string) (string, error) {
	s.mu.Lock()
	v, ok := s.session[key(name)]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	if s.memOnly {
		return "", &SecretNotSetError{Name: name}
	}
	v, err := keyringGet(name)
	if err != nil {
		return "", classify(err, name)
	}
	return v, nil
}

// Set stores the secret in the keyring (any session-only secret for the profile is
// dropped). On a *KeyringUnavailableError the caller may offer SetSession instead.
// Record the date with Store.MarkSecretSet (or use SetProfileSecret for both).
func (s *Secrets) Set(name, secret string) error {
	if err := checkSecret(secret); err != nil {
		return err
	}
	if s.memOnly {
		return s.SetSession(name, secret)
	}
	if err := keyring.Set(KeyringService, account(name), secret); err != nil {
		err = classify(err, name)
		var tl *SecretTooLargeError
		if errors.As(err, &tl) {
			tl.Size = len(secret)
		}
		return err
	}
	s.mu.Lock()
	delete(s.session, key(name))
	s.mu.Unlock()
	return nil
}

// SetSession keeps the secret in memory only, for this process's lifetime.
func (s *Secrets) SetSession(name, secret string) error {
	if err := checkSecret(secret); err != nil {
		return err
	}
	s.mu.Lock()
	s.session[key(name)] = secret
	s.mu.Unlock()
	return nil
}

// Delete removes the profile's secret from memory and the keyring. A secret that does
// not exist is not an error.
func (s *Secrets) Delete(name string) error {
	s.mu.Lock()
	delete(s.session, key(name))
	s.mu.Unlock()
	if s.memOnly {
		return nil
	}
	if err := keyringDelete(name); err != nil {
		return classify(err, name)
	}
	return nil
}

// Rename moves the secret from oldName to newName (keyring and session). No secret
// under oldName is not an error. If writing the new entry fails, the old one is kept.
func (s *Secrets) Rename(oldName, newName string) error {
	if oldName == newName {
		return nil
	}
	moveSession := func() {
		s.mu.Lock()
		if v, ok := s.session[key(oldName)]; ok {
			delete(s.session, key(oldName))
			s.session[key(newName)] = v
		}
		s.mu.Unlock()
	}
	if s.memOnly {
		moveSession()
		return nil
	}
	v, err := keyringGet(oldName)
	if errors.Is(err, keyring.ErrNotFound) {
		moveSession()
		return nil
	}
	if err != nil {
		return classify(err, oldName)
	}
	if strings.EqualFold(account(oldName), account(newName)) {
		// A change of case or accent form only. Some keychains (Windows Credential
		// Manager) compare accounts ignoring case: the old entry goes first, or deleting
		// it after writing the new one would delete both.
		if err := keyringDelete(oldName); err != nil {
			return classify(err, oldName)
		}
		if err := keyring.Set(KeyringService, account(newName), v); err != nil {
			_ = keyring.Set(KeyringService, account(oldName), v)
			return classify(err, newName)
		}
		moveSession()
		return nil
	}
	if err := keyring.Set(KeyringService, account(newName), v); err != nil {
		return classify(err, newName)
	}
	if err := keyringDelete(oldName); err != nil {
		return classify(err, oldName)
	}
	moveSession()
	return nil
}

// Status says where the profile's secret is, for the UI. It reads the keyring.
func (s *Secrets) Status(name string) SecretStatus {
	s.mu.Lock()
	_, ok := s.session[key(name)]
	s.mu.Unlock()
	if ok {
		return SecretSessionOnly
	}
	if s.memOnly {
		return SecretNotSet
	}
	_, err := keyringGet(name)
	switch {
	case err == nil:
		return SecretInKeychain
	case errors.Is(err, keyring.ErrNotFound):
		return SecretNotSet
	}
	return SecretKeychainUnavailable
}

// SecretRotationAge is the age after which the UI suggests rotating a client secret.
const SecretRotationAge = 180 * 24 * time.Hour

// SecretAgeInfo describes how old a profile's secret is.
type SecretAgeInfo struct {
	Set         bool          `json:"set"`
	Age         time.Duration `json:"-"`
	Days        int           `json:"age_days"`
	RotationDue bool          `json:"rotation_due"`
	Message     string        `json:"message"`
}

// SecretAge tells how long ago p's secret was set, and whether it is due for rotation
// (older than SecretRotationAge), e.g. "secret set 214 days ago: rotate it".
func SecretAge(p Profile, now time.Time) SecretAgeInfo {
	if p.SecretSetAt.IsZero() {
		return SecretAgeInfo{Message: "secret never set"}
	}
	age := now.Sub(p.SecretSetAt)
	if age < 0 {
		age = 0
	}
	info := SecretAgeInfo{Set: true, Age: age, Days: int(age / (24 * time.Hour))}
	info.RotationDue = age > SecretRotationAge
	switch {
	case info.Days == 0:
		info.Message = "secret set today"
	case info.Days == 1:
		info.Message = "secret set 1 day ago"
	default:
		info.Message = fmt.Sprintf("secret set %d days ago", info.Days)
	}
	if info.RotationDue {
		info.Message += fmt.Sprintf(": rotate it (older than %d days)", int(SecretRotationAge/(24*time.Hour)))
	}
	return info
}
