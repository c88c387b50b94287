// Package keyringtest runs profiles.Secrets against the real OS keyring (a Secret
// Service such as gnome-keyring on Linux). It is a separate package so that no
// keyring.MockInit from the profiles unit tests can swap the backend out.
//
// Run it under a private session bus with an unlocked gnome-keyring:
//
//	env -u DISPLAY XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- sh -c \
//	  'printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null;
//	   TRUSTEDAPP_REQUIRE_KEYRING=1 go test -count=1 ./profiles/...'
//
// Without a reachable keyring it skips, unless TRUSTEDAPP_REQUIRE_KEYRING=1 (the
// project's test command) makes that a failure.
package keyringtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/profiles"
)

func requireKeyring(t *testing.T) *profiles.Secrets {
	t.Helper()
	sec := profiles.NewSecrets()
	if err := sec.Available(); err != nil {
		if os.Getenv("TRUSTEDAPP_REQUIRE_KEYRING") == "1" {
			t.Fatalf("TRUSTEDAPP_REQUIRE_KEYRING=1 but no keyring is reachable: %v (cause: %v)", err, errors.Unwrap(err))
		}
		t.Skipf("no OS keyring reachable (%v); run under dbus-run-session with gnome-keyring, see the package comment", err)
	}
	return sec
}

func unique(t *testing.T, base string) string {
	return fmt.Sprintf("%s %s %d", base, t.Name(), time.Now().UnixNano())
}

func TestRealKeyringSecretLifecycle(t *testing.T) {
	sec := requireKeyring(t)
	a, b := unique(t, "keyringtest A"), unique(t, "keyringtest B")
	t.Cleanup(func() {
		keyring.Delete(profiles.KeyringService, a)
		keyring.Delete(profiles.KeyringService, b)
	})
	if st := sec.Status(a); st != profiles.SecretNotSet {
		t.Fatalf("fresh status: %v", st)
	}
	if _, err := sec.Get(a); !errors.Is(err, profiles.ErrSecretNotSet) {
		t.Fatalf("fresh get: %v", err)
	}
	secret := "real-keyring s3cret ü+/="
	if err := sec.Set(a, secret); err != nil {
		t.Fatal(err)
	}
	// a fresh Secrets (as a new process would) finds it in the keyring, not in memory
	if v, err := profiles.NewSecrets().Get(a); err != nil || v != secret {
		t.Fatalf("get: %q %v", v, err)
	}
	if st := profiles.NewSecrets().Status(a); st != profiles.SecretInKeychain {
		t.Fatalf("status: %v", st)
	}
	// the largest allowed secret is stored whole; one byte more is refused
	big := strings.Repeat("k", profiles.MaxSecretBytes)
	if err := sec.Set(a, big); err != nil {
		t.Fatal(err)
	}
	if v, _ := sec.Get(a); v != big {
		t.Fatal("limit-size secret changed")
	}
	if err := sec.Set(a, big+"k"); err == nil || !strings.Contains(err.Error(), "2561 bytes") {
		t.Fatalf("oversize: %v", err)
	}
	if runtime.GOOS == "windows" {
		// The limit is Credential Manager's own: straight to the keyring, one byte
		// more is refused too.
		if err := keyring.Set(profiles.KeyringService, a, big+"k"); err == nil {
			t.Fatal("Credential Manager took a 2,561-byte secret")
		}
	}
	if err := sec.Set(a, secret); err != nil {
		t.Fatal(err)
	}
	if err := sec.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(profiles.KeyringService, a); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("old entry after rename: %v", err)
	}
	if v, err := keyring.Get(profiles.KeyringService, b); err != nil || v != secret {
		t.Fatalf("new entry after rename: %q %v", v, err)
	}
	if err := sec.Delete(b); err != nil {
		t.Fatal(err)
	}
	if st := profiles.NewSecrets().Status(b); st != profiles.SecretNotSet {
		t.Fatalf("after delete: %v", st)
	}
}

func TestRealKeyringWithStoreNeverWritesSecret(t *testing.T) {
	sec := requireKeyring(t)
	path := filepath.Join(testdir.New(t), "profiles.json")
	s, err := profiles.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	name := unique(t, "keyringtest store")
	t.Cleanup(func() {
		keyring.Delete(profiles.KeyringService, name)
		keyring.Delete(profiles.KeyringService, name+" renamed")
	})
	p := profiles.Profile{Name: name, InstanceURL: "https://acme.my.erp.net", ClientID: "app"}
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	const secret = "9f1c-real-keyring-leak-probe"
	if err := profiles.SetProfileSecret(s, sec, name, secret, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := profiles.RenameProfile(s, sec, name, name+" renamed"); err != nil {
		t.Fatal(err)
	}
	if v, err := profiles.NewSecrets().Get(name + " renamed"); err != nil || v != secret {
		t.Fatalf("after rename: %q %v", v, err)
	}
	for _, f := range []string{path, path + ".bak"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) {
			t.Fatalf("%s contains the secret", f)
		}
	}
	if err := profiles.DeleteProfile(s, sec, name+" renamed"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(profiles.KeyringService, name+" renamed"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("delete left the secret: %v", err)
	}
}

// TestNoSessionBus drives the real "no keyring" path: with no D-Bus session bus address
// go-keyring fails, and the user sees one sentence with the fix.
func TestNoSessionBus(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the Secret Service over a D-Bus session bus is the Linux and BSD keychain; Windows Credential Manager and the macOS Keychain need no bus")
	}
	if os.Getenv("TRUSTEDAPP_KEYRING_CHILD") == "1" {
		err := profiles.NewSecrets().Set("x", "y")
		var ku *profiles.KeyringUnavailableError
		if !errors.As(err, &ku) {
			t.Fatalf("want KeyringUnavailableError, got %v", err)
		}
		fmt.Println("MESSAGE:", err.Error())
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(self, "-test.run=^TestNoSessionBus$", "-test.v")
	cmd.Env = []string{"TRUSTEDAPP_KEYRING_CHILD=1", "PATH=/nonexistent", "HOME=" + testdir.New(t), "DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(testdir.New(t), "no-bus")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "MESSAGE: "+sentence.Capitalize(platform.Keychain())+" is not available") || !strings.Contains(string(out), "or use a session-only secret") {
		t.Fatalf("message:\n%s", out)
	}
}

// TestRealKeyringTokenCache: the token cache over the real keychain, as two processes
// see it: one stores a token, a fresh cache (another process) finds it, Drop removes it.
func TestRealKeyringTokenCache(t *testing.T) {
	requireKeyring(t)
	k := check.CacheKey{TokenEndpoint: "https://acme.example/id/connect/token", ClientID: unique(t, "com.test/app"), AuthMethod: "post",
		Scopes: "read", SecretFingerprint: check.Fingerprint("s3cret")}
	tok := check.NewAccessToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0." + strings.Repeat("s", 342))
	info := check.TokenInfo{Last6: tok.Last6(), Fingerprint: tok.Fingerprint(), Type: "Bearer", ExpiresIn: 3600, ObtainedAt: time.Now()}
	first := check.NewVaultTokenCache(profiles.TokenKeychain{})
	t.Cleanup(func() { first.Drop(k) })
	if where, why := first.Store(k, tok, info, info.ExpiresAt()); where != check.KeptInKeychain {
		t.Fatalf("stored in %s: %s", where, why)
	}
	second := check.NewVaultTokenCache(profiles.TokenKeychain{})
	got, ok := second.Lookup(k, time.Now())
	if !ok || got.Token.Reveal() != tok.Reveal() || got.Where != check.KeptInKeychain {
		t.Fatalf("another process: %v %+v", ok, got)
	}
	second.Drop(k)
	if _, ok := check.NewVaultTokenCache(profiles.TokenKeychain{}).Lookup(k, time.Now()); ok {
		t.Error("dropped token still in the keychain")
	}
}
