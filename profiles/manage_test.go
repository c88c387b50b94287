package profiles

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/testdir"
)

// failingSecrets is the OS keychain (go-keyring's mock) with a fault put in on purpose:
// call number failOn (counting Get, Set, Delete and Rename from 1) fails, and after call
// number hookOn, hook runs (it breaks the store mid-operation, say).
type failingSecrets struct {
	*Secrets
	mu     sync.Mutex
	calls  []string
	failOn int
	hookOn int
	hook   func()
}

var errKeychainRefused = errors.New("the keychain refused (test)")

// call runs one keychain call as call number n: failing it when n is failOn, running
// the hook after it when n is hookOn.
func (f *failingSecrets) call(what string, do func() error) error {
	f.mu.Lock()
	f.calls = append(f.calls, what)
	n := len(f.calls)
	f.mu.Unlock()
	if n == f.failOn {
		return fmt.Errorf("%s: %w", what, errKeychainRefused)
	}
	err := do()
	if n == f.hookOn && f.hook != nil {
		f.hook()
	}
	return err
}

func (f *failingSecrets) Get(name string) (v string, err error) {
	err = f.call("get "+name, func() error { v, err = f.Secrets.Get(name); return err })
	return v, err
}

func (f *failingSecrets) Set(name, secret string) error {
	return f.call("set "+name, func() error { return f.Secrets.Set(name, secret) })
}

func (f *failingSecrets) Delete(name string) error {
	return f.call("delete "+name, func() error { return f.Secrets.Delete(name) })
}

func (f *failingSecrets) Rename(oldName, newName string) error {
	return f.call("rename "+oldName+" -> "+newName, func() error { return f.Secrets.Rename(oldName, newName) })
}

// breakStore makes every change to s fail from now until the returned func undoes it:
// its folder becomes read-only, or for root (who ignores permissions) and on Windows
// (where a folder's read-only bit does not stop writes) a directory takes the file's
// place (the file is kept aside and put back).
func breakStore(t *testing.T, s *Store) func() {
	t.Helper()
	dir := filepath.Dir(s.Path())
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		return func() { _ = os.Chmod(dir, 0o700) }
	}
	aside := s.Path() + ".aside"
	if err := os.Rename(s.Path(), aside); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.Path(), "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	return func() {
		_ = testdir.Remove(s.Path())
		_ = os.Rename(aside, s.Path())
	}
}

// manageFixture is a store with profile "Acme Test" whose secret is "pw-acme", and a
// keychain entry "orphan" left by something else under the name "New one".
func manageFixture(t *testing.T) (*Store, *failingSecrets) {
	t.Helper()
	keyring.MockInit()
	clock := t0
	s := openAt(t, storePath(t), &clock)
	sec := &failingSecrets{Secrets: NewSecrets()}
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	if err := SetProfileSecret(s, sec.Secrets, "Acme Test", "pw-acme", t0); err != nil {
		t.Fatal(err)
	}
	if err := sec.Secrets.Set("New one", "orphan"); err != nil {
		t.Fatal(err)
	}
	return s, sec
}

// secretOf is the keychain's secret for name ("" when none).
func secretOf(t *testing.T, sec *failingSecrets, name string) string {
	t.Helper()
	v, err := sec.Secrets.Get(name)
	if err != nil && !errors.Is(err, ErrSecretNotSet) {
		t.Fatalf("keychain: %v", err)
	}
	return v
}

func listed(t *testing.T, s *Store) string {
	t.Helper()
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range s.List() {
		out = append(out, p.Name)
	}
	return strings.Join(out, ", ")
}

// Save with a secret: the secret goes first; when the store then refuses, the keychain
// entry is put back as it was (here: the orphan another program left), and nothing is
// saved.
func TestSaveProfileRollsBackTheSecret(t *testing.T) {
	s, sec := manageFixture(t)
	p := validProfile()
	p.Name = "New one"
	var undo func()
	sec.hookOn, sec.hook = 2, func() { undo = breakStore(t, s) } // after the Set
	err := SaveProfile(s, sec, "", p, "pw-new", t0)
	undo()
	if err == nil || !strings.Contains(err.Error(), "cannot save the profile store") {
		t.Fatalf("save on a broken store: %v", err)
	}
	if got := listed(t, s); got != "Acme Test" {
		t.Errorf("profiles after the refused save: %s", got)
	}
	if v := secretOf(t, sec, "New one"); v != "orphan" {
		t.Errorf("keychain entry after the rollback = %q, want what was there", v)
	}

	// The keychain refuses the secret: nothing is saved at all.
	sec.calls, sec.hookOn, sec.failOn = nil, 0, 2
	if err := SaveProfile(s, sec, "", p, "pw-new", t0); !errors.Is(err, errKeychainRefused) {
		t.Fatalf("refused secret: %v", err)
	}
	if got := listed(t, s); got != "Acme Test" {
		t.Errorf("profiles after the refused secret: %s", got)
	}

	// Both fail: the error says the entry could not be put back either.
	sec.calls, sec.failOn, sec.hookOn = nil, 3, 2
	sec.hook = func() { undo = breakStore(t, s) }
	err = SaveProfile(s, sec, "", p, "pw-new", t0)
	undo()
	if err == nil || !strings.Contains(err.Error(), `putting back the entry of "New one" in `+platform.Keychain()+" also failed") {
		t.Fatalf("failed rollback not reported: %v", err)
	}

	// An edit that renames and sets a new secret: the new name's secret is put back
	// when the store refuses, and the old name keeps its own.
	if err := sec.Secrets.Set("New one", "orphan"); err != nil {
		t.Fatal(err)
	}
	sec.calls, sec.failOn, sec.hookOn = nil, 0, 2
	sec.hook = func() { undo = breakStore(t, s) }
	err = SaveProfile(s, sec, "Acme Test", p, "pw-renamed", t0)
	undo()
	if err == nil || secretOf(t, sec, "New one") != "orphan" || secretOf(t, sec, "Acme Test") != "pw-acme" || listed(t, s) != "Acme Test" {
		t.Fatalf("refused rename with a new secret: %v; keychain %q/%q; profiles %s", err, secretOf(t, sec, "New one"), secretOf(t, sec, "Acme Test"), listed(t, s))
	}
	// Done for real: the old name's secret goes, the date is recorded.
	sec.calls, sec.hook = nil, nil
	if err := SaveProfile(s, sec, "Acme Test", p, "pw-renamed", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("New one"); secretOf(t, sec, "New one") != "pw-renamed" || secretOf(t, sec, "Acme Test") != "" || !got.SecretSetAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("after the rename: %+v, keychain %q/%q", got, secretOf(t, sec, "New one"), secretOf(t, sec, "Acme Test"))
	}
}

// Rename moves the secret first; a store that fails after it moved gets it moved back,
// and a keychain that then refuses to move it back is reported too.
func TestRenameProfileRollsBackTheSecret(t *testing.T) {
	s, sec := manageFixture(t)
	// The store breaks right after the secret moved.
	var undo func()
	wrap := &renameThenBreak{failingSecrets: sec, onFirst: func() { undo = breakStore(t, s) }}
	err := RenameProfile(s, wrap, "Acme Test", "Acme Prod")
	undo()
	if err == nil || !strings.Contains(err.Error(), "cannot save the profile store") {
		t.Fatalf("rename on a broken store: %v", err)
	}
	if secretOf(t, sec, "Acme Test") != "pw-acme" || secretOf(t, sec, "Acme Prod") != "" || listed(t, s) != "Acme Test" {
		t.Fatalf("not rolled back: keychain %q/%q, profiles %s", secretOf(t, sec, "Acme Test"), secretOf(t, sec, "Acme Prod"), listed(t, s))
	}

	// The move back fails too: both are said, and where the secret is now.
	sec.calls = nil
	wrap = &renameThenBreak{failingSecrets: sec, onFirst: func() { undo = breakStore(t, s) }, failSecond: true}
	err = RenameProfile(s, wrap, "Acme Test", "Acme Prod")
	undo()
	if err == nil || !strings.Contains(err.Error(), `moving the secret back to "Acme Test" also failed`) {
		t.Fatalf("failed move back not reported: %v", err)
	}

	// The keychain refuses the move: nothing is renamed.
	if err := sec.Secrets.Rename("Acme Prod", "Acme Test"); err != nil {
		t.Fatal(err)
	}
	sec.calls, sec.failOn = nil, 1
	if err := RenameProfile(s, sec, "Acme Test", "Acme Prod"); !errors.Is(err, errKeychainRefused) || listed(t, s) != "Acme Test" {
		t.Fatalf("refused move: %v, profiles %s", err, listed(t, s))
	}
}

// renameThenBreak runs onFirst after the first Rename succeeded (the store breaks
// between the secret's move and the profile's), and fails the second when failSecond.
type renameThenBreak struct {
	*failingSecrets
	onFirst    func()
	failSecond bool
	n          int
}

func (r *renameThenBreak) Rename(oldName, newName string) error {
	r.n++
	if r.n == 2 && r.failSecond {
		return errKeychainRefused
	}
	err := r.failingSecrets.Rename(oldName, newName)
	if r.n == 1 && err == nil {
		r.onFirst()
	}
	return err
}

// Delete removes the secret first; a store that refuses gets the secret put back. A
// keychain that refuses to remove it keeps the profile. A keychain that cannot be used
// at all still lets the profile go, and says the secret may remain.
func TestDeleteProfileRollsBackTheSecret(t *testing.T) {
	s, sec := manageFixture(t)
	var undo func()
	sec.hookOn, sec.hook = 2, func() { undo = breakStore(t, s) } // after get, delete
	err := DeleteProfile(s, sec, "Acme Test")
	undo()
	if err == nil || !strings.Contains(err.Error(), "cannot save the profile store") {
		t.Fatalf("delete on a broken store: %v", err)
	}
	if secretOf(t, sec, "Acme Test") != "pw-acme" || listed(t, s) != "Acme Test" {
		t.Fatalf("not rolled back: secret %q, profiles %s (calls %v)", secretOf(t, sec, "Acme Test"), listed(t, s), sec.calls)
	}

	sec.calls, sec.hook, sec.failOn = nil, nil, 2 // the Delete
	err = DeleteProfile(s, sec, "Acme Test")
	if !errors.Is(err, errKeychainRefused) || !strings.Contains(err.Error(), `profile "Acme Test" was not deleted`) || listed(t, s) != "Acme Test" {
		t.Fatalf("refused delete of the secret: %v, profiles %s", err, listed(t, s))
	}

	sec.calls, sec.failOn = nil, 0
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
	err = DeleteProfile(s, sec, "Acme Test")
	var saved *SavedError
	if !errors.As(err, &saved) || !strings.Contains(err.Error(), `profile "Acme Test" was deleted, but its secret could not be removed`) || listed(t, s) != "" {
		t.Fatalf("delete without a keychain: %v, profiles %s", err, listed(t, s))
	}
}

// Duplicate copies the secret; when it cannot, the copy goes again.
func TestDuplicateProfileRollsBack(t *testing.T) {
	s, sec := manageFixture(t)
	sec.failOn = 3 // get original, get copy's name, set copy
	_, _, err := DuplicateProfile(s, sec, "Acme Test", "Acme copy", t0)
	if !errors.Is(err, errKeychainRefused) || !strings.Contains(err.Error(), `"Acme Test" was not duplicated`) {
		t.Fatalf("refused copy of the secret: %v", err)
	}
	if got := listed(t, s); got != "Acme Test" || secretOf(t, sec, "Acme copy") != "" {
		t.Fatalf("the copy stayed: %s", got)
	}

	// The store fails when the date is recorded: the copied secret and the copy go.
	var undo func()
	sec.calls, sec.failOn, sec.hookOn = nil, 0, 3
	sec.hook = func() { undo = breakStore(t, s) }
	_, _, err = DuplicateProfile(s, sec, "Acme Test", "Acme copy", t0)
	undo()
	if err == nil || !strings.Contains(err.Error(), `removing the copy "Acme copy" also failed`) {
		t.Fatalf("broken store after the copy: %v", err)
	}
	if secretOf(t, sec, "Acme copy") != "" {
		t.Error("the copied secret stayed")
	}

	// Done for real (the copy left by the failed rollback is removed first).
	if err := s.Delete("Acme copy"); err != nil {
		t.Fatal(err)
	}
	sec.calls, sec.hook = nil, nil
	p, _, err := DuplicateProfile(s, sec, "Acme Test", CopyName(s.List(), "Acme Test"), t0)
	if err != nil || p.Name != "Acme Test copy" || secretOf(t, sec, p.Name) != "pw-acme" || !p.SecretSetAt.Equal(t0) {
		t.Fatalf("duplicate: %+v %v", p, err)
	}
	if got := CopyName(s.List(), "Acme Test"); got != "Acme Test copy 2" {
		t.Errorf("next copy name %q", got)
	}
}

// Import is one write: a store that refuses imports nothing. A replaced profile keeps
// the name it has here, so its secret stays with it.
func TestImportBundleKeepsSecretsWithTheirProfiles(t *testing.T) {
	s, sec := manageFixture(t)
	var bundle bytes.Buffer
	other := validProfile()
	other.Name, other.Notes = "acme test", "from the bundle"
	extra := validProfile()
	extra.Name = "Extra"
	src := openAt(t, storePath(t), new(time.Time))
	for _, p := range []Profile{other, extra} {
		if err := src.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.Export(nil, &bundle); err != nil {
		t.Fatal(err)
	}
	undo := breakStore(t, s)
	_, err := ImportBundle(s, bytes.NewReader(bundle.Bytes()), func(string) ConflictAction { return ConflictReplace })
	undo()
	if err == nil || listed(t, s) != "Acme Test" {
		t.Fatalf("import on a broken store: %v, profiles %s", err, listed(t, s))
	}
	res, err := ImportBundle(s, bytes.NewReader(bundle.Bytes()), func(string) ConflictAction { return ConflictReplace })
	if err != nil || len(res.Replaced) != 1 || res.Replaced[0] != "Acme Test" {
		t.Fatalf("import: %+v %v", res, err)
	}
	got, _ := s.Get("Acme Test")
	if got.Name != "Acme Test" || got.Notes != "from the bundle" || secretOf(t, sec, got.Name) != "pw-acme" {
		t.Errorf("replaced profile %q (notes %q) with secret %q", got.Name, got.Notes, secretOf(t, sec, got.Name))
	}
	// A bundle over the limit is refused as such.
	if _, err := ImportBundle(s, bytes.NewReader(make([]byte, MaxBundleBytes+1)), nil); err == nil || !strings.Contains(err.Error(), "larger than 16 MiB") {
		t.Errorf("huge bundle: %v", err)
	}
}

// Setting up the sandbox's profiles stores each whole or not at all: a secret that
// cannot be stored leaves that profile as it was (a new one removed, an existing one
// with its old address and date), the others are stored.
func TestSetUpProfilesRollsBackEachProfile(t *testing.T) {
	s, sec := manageFixture(t)
	old := validProfile()
	old.Name, old.InstanceURL, old.Sandbox = "Sandbox: healthy", "http://127.0.0.1:1", true
	if err := s.Add(old); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSecretSet(old.Name, t0); err != nil {
		t.Fatal(err)
	}
	scenario := func(name string) WithSecret {
		p := validProfile()
		p.Name, p.InstanceURL, p.Sandbox = name, "http://127.0.0.1:5000", true
		return WithSecret{Profile: p, Secret: "secret-" + name}
	}
	list := []WithSecret{scenario("Sandbox: healthy"), scenario("Sandbox: broken"), scenario("Sandbox: slow")}
	// Calls: get healthy, set healthy (fails); get broken, set broken (fails); slow ok.
	sec.failOn = 2
	res := SetUpProfiles(s, &failTwice{failingSecrets: sec, also: 4}, list, t0.Add(time.Hour))
	if len(res.Saved) != 1 || res.Saved[0].Name != "Sandbox: slow" || len(res.Failed) != 2 || !errors.Is(res.Err(), errKeychainRefused) {
		t.Fatalf("setup: saved %v, failed %v", res.Saved, res.Failed)
	}
	if !strings.HasPrefix(res.Err().Error(), `"Sandbox: broken"`) {
		t.Errorf("first failure by name: %v", res.Err())
	}
	h, _ := s.Get("Sandbox: healthy")
	if h.InstanceURL != old.InstanceURL || !h.SecretSetAt.Equal(t0) {
		t.Errorf("the existing profile was not put back: %+v", h)
	}
	if _, err := s.Get("Sandbox: broken"); err == nil {
		t.Error("the new profile whose secret failed stayed")
	}
	if sl, _ := s.Get("Sandbox: slow"); secretOf(t, sec, sl.Name) != "secret-Sandbox: slow" || !sl.SecretSetAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("stored scenario: %+v", sl)
	}
}

// failTwice fails call number also as well as failingSecrets' own.
type failTwice struct {
	*failingSecrets
	also int
}

func (f *failTwice) Set(name, secret string) error {
	f.mu.Lock()
	n := len(f.calls) + 1
	f.mu.Unlock()
	if n == f.also {
		f.mu.Lock()
		f.calls = append(f.calls, "set "+name)
		f.mu.Unlock()
		return errKeychainRefused
	}
	return f.failingSecrets.Set(name, secret)
}
