package profiles

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
)

// This test binary only ever uses go-keyring's mock; the real keyring is tested in
// profiles/keyringtest.

func TestSecretsRoundTrip(t *testing.T) {
	keyring.MockInit()
	sec := NewSecrets()
	if err := sec.Available(); err != nil {
		t.Fatal(err)
	}
	if _, err := sec.Get("a"); !errors.Is(err, ErrSecretNotSet) || !strings.Contains(err.Error(), "profiles set-secret a") {
		t.Fatalf("unset: %v", err)
	}
	if sec.Status("a") != SecretNotSet {
		t.Fatal("status of unset")
	}
	if err := sec.Set("a", "s3cr3t"); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get(KeyringService, "a"); err != nil || v != "s3cr3t" {
		t.Fatalf("keyring entry: %q %v", v, err)
	}
	if v, err := sec.Get("a"); err != nil || v != "s3cr3t" || sec.Status("a") != SecretInKeychain {
		t.Fatalf("get: %q %v", v, err)
	}
	if err := sec.Rename("a", "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, "a"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("rename left the old entry")
	}
	if v, _ := sec.Get("b"); v != "s3cr3t" {
		t.Fatal("rename lost the secret")
	}
	if err := sec.Rename("nothing", "c"); err != nil {
		t.Fatalf("rename of no secret: %v", err)
	}
	if err := sec.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if err := sec.Delete("b"); err != nil {
		t.Fatalf("delete twice: %v", err)
	}
	if sec.Status("b") != SecretNotSet {
		t.Fatal("deleted secret still there")
	}
}

func TestSecretLimits(t *testing.T) {
	keyring.MockInit()
	sec := NewSecrets()
	if err := sec.Set("a", ""); err == nil || !strings.Contains(err.Error(), "secret is empty") {
		t.Fatalf("empty: %v", err)
	}
	if err := sec.Set("a", strings.Repeat("x", MaxSecretBytes)); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	err := sec.Set("a", strings.Repeat("y", MaxSecretBytes+1))
	var tl *SecretTooLargeError
	if !errors.As(err, &tl) || err.Error() != "the client secret is 2561 bytes, more than the 2560 bytes this tool stores on every system (Windows Credential Manager's limit): it was not stored (nor truncated); use a shorter secret" {
		t.Fatalf("too large: %v", err)
	}
	if v, _ := sec.Get("a"); v != strings.Repeat("x", MaxSecretBytes) {
		t.Fatal("refused secret replaced the old one")
	}
	// the backend's own limit (macOS, Windows) maps to the same error with the size
	keyring.MockInitWithError(keyring.ErrSetDataTooBig)
	if err := sec.Set("a", "abc"); !errors.As(err, &tl) || tl.Size != 3 {
		t.Fatalf("backend too big: %v", err)
	}
}

func TestKeyringUnavailableMessages(t *testing.T) {
	kc := sentence.Capitalize(platform.Keychain()) // named as this system names it
	cases := []struct{ cause, want string }{
		{`exec: "dbus-launch": executable file not found in $PATH`,
			kc + " is not available (there is no D-Bus session, as on a server or over SSH): run inside a desktop session or dbus-run-session with GNOME Keyring or KeePassXC, or use a session-only secret (kept in memory until the app closes)."},
		{"The name org.freedesktop.secrets was not provided by any .service files",
			kc + " is not available (no Secret Service is running): install and unlock GNOME Keyring, KWallet or KeePassXC, or use a session-only secret (kept in memory until the app closes)."},
		{"failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'",
			kc + " is locked: unlock it (log in to the desktop session, or unlock the login keyring), or use a session-only secret (kept in memory until the app closes)."},
		{"something odd",
			kc + " could not be used (something odd): check that it is running and unlocked, or use a session-only secret (kept in memory until the app closes)."},
	}
	for _, c := range cases {
		keyring.MockInitWithError(errors.New(c.cause))
		sec := NewSecrets()
		for op, err := range map[string]error{
			"Set":       sec.Set("p", "secret"),
			"Get":       func() error { _, err := sec.Get("p"); return err }(),
			"Delete":    sec.Delete("p"),
			"Rename":    sec.Rename("p", "q"),
			"Available": sec.Available(),
		} {
			var ku *KeyringUnavailableError
			if !errors.As(err, &ku) || err.Error() != c.want || ku.Cause == nil || ku.Cause.Error() != c.cause {
				t.Errorf("%s with %q:\n got  %v\n want %s", op, c.cause, err, c.want)
			}
		}
		if sec.Status("p") != SecretKeychainUnavailable {
			t.Errorf("status with %q", c.cause)
		}
		// fallback: a session-only secret works and is reported as such
		if err := sec.SetSession("p", "mem"); err != nil {
			t.Fatal(err)
		}
		if v, err := sec.Get("P"); err != nil || v != "mem" || sec.Status("p") != SecretSessionOnly {
			t.Fatalf("session fallback: %q %v %v", v, err, sec.Status("p"))
		}
		if sec.Status("p").String() != "session only (forgotten when the app closes)" {
			t.Fatal(sec.Status("p").String())
		}
	}
	keyring.MockInitWithError(keyring.ErrUnsupportedPlatform)
	if err := NewSecrets().Set("p", "x"); err == nil || !strings.HasPrefix(err.Error(), "This platform has no supported system keychain") {
		t.Fatalf("unsupported: %v", err)
	}
}

func TestSessionSecretsNeverTouchKeyring(t *testing.T) {
	keyring.MockInitWithError(errors.New("must not be called"))
	sec := NewSessionSecrets()
	if err := sec.Set("a", "x"); err != nil {
		t.Fatal(err)
	}
	if err := sec.Rename("a", "b"); err != nil {
		t.Fatal(err)
	}
	if v, err := sec.Get("b"); err != nil || v != "x" || sec.Status("b") != SecretSessionOnly {
		t.Fatalf("%q %v", v, err)
	}
	if err := sec.Delete("b"); err != nil || sec.Status("b") != SecretNotSet {
		t.Fatal(err)
	}
	if _, err := sec.Get("b"); !errors.Is(err, ErrSecretNotSet) {
		t.Fatal(err)
	}
}

func TestSecretAge(t *testing.T) {
	p := Profile{}
	if a := SecretAge(p, t0); a.Set || a.Message != "secret never set" {
		t.Fatalf("%+v", a)
	}
	for _, c := range []struct {
		ago  time.Duration
		want string
		due  bool
	}{
		{time.Hour, "secret set today", false},
		{25 * time.Hour, "secret set 1 day ago", false},
		{180 * 24 * time.Hour, "secret set 180 days ago", false},
		{214 * 24 * time.Hour, "secret set 214 days ago: rotate it (older than 180 days)", true},
		{-time.Hour, "secret set today", false},
	} {
		p.SecretSetAt = t0.Add(-c.ago)
		if a := SecretAge(p, t0); a.Message != c.want || a.RotationDue != c.due {
			t.Errorf("%v: %+v", c.ago, a)
		}
	}
}

func TestManageHelpersKeepSecretWithProfile(t *testing.T) {
	keyring.MockInit()
	clock := t0
	s := openAt(t, storePath(t), &clock)
	sec := NewSecrets()
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	if err := SetProfileSecret(s, sec, "acme test", "pw-1", t0); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get("Acme Test"); !p.SecretSetAt.Equal(t0) {
		t.Fatalf("secret date: %v", p.SecretSetAt)
	}
	if v, _ := keyring.Get(KeyringService, "Acme Test"); v != "pw-1" {
		t.Fatal("secret not under the stored name")
	}
	if err := RenameProfile(s, sec, "Acme Test", "Acme Prod"); err != nil {
		t.Fatal(err)
	}
	if v, _ := sec.Get("Acme Prod"); v != "pw-1" {
		t.Fatal("rename did not move the secret")
	}
	// rename onto an existing profile: refused before anything moves
	b := validProfile()
	b.Name = "B"
	if err := s.Add(b); err != nil {
		t.Fatal(err)
	}
	var ve *ValidationError
	if err := RenameProfile(s, sec, "Acme Prod", "b"); !errors.As(err, &ve) {
		t.Fatalf("rename onto B: %v", err)
	}
	if v, _ := sec.Get("Acme Prod"); v != "pw-1" {
		t.Fatal("refused rename moved the secret")
	}
	// store refuses after the secret moved (another window changed this very profile):
	// the secret moves back
	other := openAt(t, s.Path(), &clock)
	changed, _ := other.Get("Acme Prod")
	changed.Notes = "changed in another window"
	if err := other.Update(changed.Name, changed); err != nil {
		t.Fatal(err)
	}
	if err := RenameProfile(s, sec, "Acme Prod", "Acme X"); !errors.Is(err, ErrChangedOnDisk) {
		t.Fatalf("want ErrChangedOnDisk, got %v", err)
	}
	if v, _ := sec.Get("Acme Prod"); v != "pw-1" || sec.Status("Acme X") != SecretNotSet {
		t.Fatal("secret not moved back")
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	d, copied, err := DuplicateProfile(s, sec, "acme prod", "Copy", t0.Add(time.Hour))
	if err != nil || !copied || !d.SecretSetAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("duplicate: %+v %v", d, err)
	}
	if v, _ := sec.Get("Copy"); v != "pw-1" {
		t.Fatal("duplicate did not copy the secret")
	}
	if err := DeleteProfileSecret(s, sec, "Copy"); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Get("Copy"); !p.SecretSetAt.IsZero() || sec.Status("Copy") != SecretNotSet {
		t.Fatal("rm-secret")
	}
	if err := DeleteProfile(s, sec, "acme prod"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, "Acme Prod"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("delete left the secret")
	}
	// delete when the keychain is gone: profile deleted, clear message about the secret
	if err := SetProfileSecret(s, sec, "B", "pw-b", t0); err != nil {
		t.Fatal(err)
	}
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	err = DeleteProfile(s, sec, "B")
	if err == nil || !strings.Contains(err.Error(), `profile "B" was deleted, but its secret could not be removed`) || !strings.Contains(err.Error(), "no Secret Service is running") {
		t.Fatalf("delete without keychain: %v", err)
	}
	if _, err := s.Get("B"); err == nil {
		t.Fatal("profile not deleted")
	}
	if err := SetProfileSecret(s, sec, "Copy", "pw", t0); err == nil {
		t.Fatal("set without keychain succeeded")
	} else if p, _ := s.Get("Copy"); !p.SecretSetAt.IsZero() {
		t.Fatal("failed set recorded a date")
	}
}

// TestSecretNeverReachesDisk: after add, set-secret, edit, rename, duplicate, export and
// import, no trace of the secret is in the store file, its backup or the export.
func TestSecretNeverReachesDisk(t *testing.T) {
	keyring.MockInit()
	const secret = "Zq9!unique-secret-7f3b2c"
	clock := t0
	path := storePath(t)
	s := openAt(t, path, &clock)
	sec := NewSecrets()
	p := validProfile()
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	if err := SetProfileSecret(s, sec, p.Name, secret, t0); err != nil {
		t.Fatal(err)
	}
	p.Notes = "edited"
	if err := s.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	if err := RenameProfile(s, sec, p.Name, "Renamed"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := DuplicateProfile(s, sec, "Renamed", "Dup", t0); err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	if err := s.Export(nil, &export); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import(bytes.NewReader(export.Bytes()), func(Profile) (ConflictAction, string) { return ConflictRename, "" }); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"export": export.Bytes()}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(path), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	if _, ok := files["profiles.json.bak"]; !ok {
		t.Fatal("no backup to check")
	}
	for name, b := range files {
		for _, needle := range secretForms(secret) {
			if bytes.Contains(b, []byte(needle)) {
				t.Fatalf("%s contains the secret (as %q)", name, needle)
			}
		}
	}
}

// secretForms are the secret and the pieces of it that would show a partial leak.
func secretForms(secret string) []string {
	forms := []string{secret, base64.StdEncoding.EncodeToString([]byte(secret)), hex.EncodeToString([]byte(secret)), url.QueryEscape(secret)}
	for i := 0; i+8 <= len(secret); i++ {
		forms = append(forms, secret[i:i+8])
	}
	return forms
}

func TestFailedRenameKeepsSessionSecret(t *testing.T) {
	keyring.MockInitWithError(errors.New("failed to unlock correct collection '/x'"))
	sec := NewSecrets()
	if err := sec.SetSession("old", "mem"); err != nil {
		t.Fatal(err)
	}
	var ku *KeyringUnavailableError
	if err := sec.Rename("old", "new"); !errors.As(err, &ku) || !strings.HasPrefix(err.Error(), sentence.Capitalize(platform.Keychain())+" is locked") {
		t.Fatalf("rename: %v", err)
	}
	if v, err := sec.Get("old"); err != nil || v != "mem" || sec.Status("new") == SecretSessionOnly {
		t.Fatal("failed rename moved the session secret")
	}
}

// The keychain account is the name's NFC form: a secret set under "café" typed one way
// is found under the other, and one stored before names were normalised (under the
// decomposed form) is still found, moved and removed.
func TestSecretsUseTheNormalizedName(t *testing.T) {
	keyring.MockInit()
	sec := NewSecrets()
	const nfd, nfc = "cafe\u0301", "caf\u00e9"
	if err := sec.Set(nfd, "pw"); err != nil {
		t.Fatal(err)
	}
	if v, err := keyring.Get(KeyringService, nfc); err != nil || v != "pw" {
		t.Fatalf("stored under %q: %v", nfc, err)
	}
	if v, err := sec.Get(nfc); err != nil || v != "pw" || sec.Status(nfd) != SecretInKeychain {
		t.Fatalf("get: %q %v", v, err)
	}
	if err := sec.Delete(nfd); err != nil || sec.Status(nfc) != SecretNotSet {
		t.Fatalf("delete: %v", err)
	}
	// an entry from before: under the decomposed name exactly
	if err := keyring.Set(KeyringService, nfd, "old"); err != nil {
		t.Fatal(err)
	}
	if v, err := sec.Get(nfd); err != nil || v != "old" {
		t.Fatalf("legacy entry: %q %v", v, err)
	}
	if err := sec.Rename(nfd, "Other"); err != nil {
		t.Fatal(err)
	}
	if _, err := keyring.Get(KeyringService, nfd); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("rename left the legacy entry")
	}
	if v, _ := sec.Get("Other"); v != "old" {
		t.Fatal("rename lost the legacy secret")
	}
	// a change of case only moves the secret too
	if err := sec.Rename("Other", "OTHER"); err != nil {
		t.Fatal(err)
	}
	if v, _ := keyring.Get(KeyringService, "OTHER"); v != "old" {
		t.Fatal("case-only rename lost the secret")
	}
	if _, err := keyring.Get(KeyringService, "Other"); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatal("case-only rename left the old entry")
	}
}
