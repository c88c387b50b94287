package profiles

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

func TestTokenKeychain(t *testing.T) {
	keyring.MockInit()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock")
	}
	var k TokenKeychain
	if v, err := k.Load("token v1 abc"); v != "" || err != nil {
		t.Fatalf("missing entry: %q %v", v, err)
	}
	if err := k.Save("token v1 abc", `{"v":1}`); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Load("token v1 abc"); v != `{"v":1}` || err != nil {
		t.Fatalf("load: %q %v", v, err)
	}
	// Tokens live under their own service: a profile named like the account has no secret.
	if _, err := NewSecrets().Get("token v1 abc"); !errors.Is(err, ErrSecretNotSet) {
		t.Errorf("a token entry reads as a profile secret: %v", err)
	}
	if err := k.Delete("token v1 abc"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("token v1 abc"); err != nil {
		t.Errorf("deleting a missing entry: %v", err)
	}
	if v, _ := k.Load("token v1 abc"); v != "" {
		t.Errorf("after delete: %q", v)
	}
	// Over the limit every platform shares (Windows Credential Manager's 2,560 bytes).
	var ku *KeyringUnavailableError
	if err := k.Save("big", strings.Repeat("x", MaxSecretBytes+1)); !errors.As(err, &ku) || !strings.Contains(err.Error(), "memory only") {
		t.Errorf("oversize: %v", err)
	}
	if err := k.Save("fits", strings.Repeat("x", MaxSecretBytes)); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

// Keychain failures come back as one sentence with the fix, without the secrets'
// advice about session-only secrets (which means nothing for a token).
func TestTokenKeychainUnavailable(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock")
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	var k TokenKeychain
	_, err := k.Load("token v1 abc")
	var ku *KeyringUnavailableError
	if !errors.As(err, &ku) || !strings.HasPrefix(err.Error(), sentence.Capitalize(platform.Keychain())+" is not available") || strings.Contains(err.Error(), "session-only") ||
		!strings.HasSuffix(err.Error(), ".") {
		t.Fatalf("load: %v", err)
	}
	if err := k.Save("a", "b"); !errors.As(err, &ku) {
		t.Errorf("save: %v", err)
	}
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	if err := k.Save("a", "b"); !errors.As(err, &ku) || !strings.Contains(err.Error(), "larger than "+platform.Keychain()+" accepts") {
		t.Errorf("too big: %v", err)
	}
}

// Without a D-Bus session on a Secret Service platform the token cache does not touch
// the keyring library at all (which would try to autolaunch a bus and leave daemons
// behind): the working mock proves no call went through.
func TestTokenKeychainWithoutSessionBus(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("the keychain needs no D-Bus here")
	}
	keyring.MockInit()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	var k TokenKeychain
	var ku *KeyringUnavailableError
	if _, err := k.Load("a"); !errors.As(err, &ku) || !strings.Contains(err.Error(), "no D-Bus session") {
		t.Errorf("load: %v", err)
	}
	if err := k.Save("a", "b"); !errors.As(err, &ku) {
		t.Errorf("save: %v", err)
	}
	if v, err := keyring.Get(TokenKeyringService, "a"); err == nil {
		t.Errorf("the keyring was written: %q", v)
	}
}

// A platform without a supported keychain gets the token cache's sentence too, without
// the secrets' session-only advice (which classify joins with ": " there, not ", ").
func TestTokenKeychainUnsupportedPlatform(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock")
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	t.Cleanup(keyring.MockInit)
	_, err := TokenKeychain{}.Load("token v1 abc")
	var ku *KeyringUnavailableError
	if !errors.As(err, &ku) || !strings.HasPrefix(err.Error(), "This platform has no supported system keychain") ||
		strings.Contains(err.Error(), "session-only") || !strings.HasSuffix(err.Error(), ".") {
		t.Fatalf("load: %v", err)
	}
}
