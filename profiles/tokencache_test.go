package profiles

import (
	"errors"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestTokenKeychain(t *testing.T) {
	keyring.MockInit()
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
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	var k TokenKeychain
	_, err := k.Load("token v1 abc")
	var ku *KeyringUnavailableError
	if !errors.As(err, &ku) || !strings.HasPrefix(err.Error(), "No system keychain is available") || strings.Contains(err.Error(), "session-only") ||
		!strings.HasSuffix(err.Error(), ".") {
		t.Fatalf("load: %v", err)
	}
	if err := k.Save("a", "b"); !errors.As(err, &ku) {
		t.Errorf("save: %v", err)
	}
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	if err := k.Save("a", "b"); !errors.As(err, &ku) || !strings.Contains(err.Error(), "larger than this keychain accepts") {
		t.Errorf("too big: %v", err)
	}
}
