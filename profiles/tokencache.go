package profiles

import (
	"errors"
	"os"
	"runtime"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// TokenKeyringService is the keychain service under which cached access tokens are
// kept, apart from the client secrets (KeyringService), so a token never lands in a
// secret's entry. Each entry's account is an opaque name derived from the token
// endpoint, client_id, auth style and scopes (check.TokenCache chooses it).
const TokenKeyringService = "trustedapp-tester-tokens"

// TokenKeychain keeps cached access tokens in the OS keychain (Windows Credential
// Manager, macOS Keychain, Secret Service on Linux), so later runs of the CLI and
// later starts of the app reuse a token, and with it its ERP.net session, instead of
// opening a new session that holds a licence slot. It implements check.TokenVault.
// Errors are *KeyringUnavailableError with one sentence and the fix.
type TokenKeychain struct{}

// noSessionBus is the error for a Secret Service platform without a D-Bus session (a
// server, a CI job, SSH). The keyring library would try to autolaunch a bus there,
// leaving daemons behind; the token cache does not ask it to.
func noSessionBus() error {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return nil
	}
	return &KeyringUnavailableError{Message: sentence.Capitalize(platform.Keychain()) + " is not available (there is no D-Bus session, as on a server or over SSH)."}
}

// Load returns the entry stored under account, or "" when there is none.
func (TokenKeychain) Load(account string) (string, error) {
	if err := noSessionBus(); err != nil {
		return "", err
	}
	v, err := keyring.Get(TokenKeyringService, account)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", tokenKeyringError(err)
	}
	return v, nil
}

// Save stores value under account.
func (TokenKeychain) Save(account, value string) error {
	if len(value) > MaxSecretBytes {
		return &KeyringUnavailableError{Message: "The token is larger than the limit this tool keeps to on every system (Windows Credential Manager's); it is kept in memory only.", Cause: keyring.ErrSetDataTooBig}
	}
	if err := noSessionBus(); err != nil {
		return err
	}
	if err := keyring.Set(TokenKeyringService, account, value); err != nil {
		return tokenKeyringError(err)
	}
	return nil
}

// Delete removes the entry under account; a missing one is not an error.
func (TokenKeychain) Delete(account string) error {
	if err := noSessionBus(); err != nil {
		return err
	}
	if err := keyring.Delete(TokenKeyringService, account); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return tokenKeyringError(err)
	}
	return nil
}

// tokenKeyringError is a keyring failure in the words the token cache reports.
func tokenKeyringError(err error) error {
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return &KeyringUnavailableError{Message: "The token is larger than " + platform.Keychain() + " accepts; it is kept in memory only.", Cause: err}
	}
	// The secrets' advice (a session-only secret) does not apply to tokens.
	return keyringUnavailable(err, "")
}
