package ui

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/internal/platform"
)

// The app's profile operations are the CLI's (package profiles), so they behave alike.
// Each of these failed before the app and the CLI shared them.

// Rename moves the secret first: a keychain that will not move it leaves the profile as
// it was, and says so (the app used to rename the profile and leave the secret behind).
func TestRenameRefusedByTheKeychainChangesNothing(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	withoutKeychain(t)
	u.run.header.renameCurrent()
	dlg := u.win.Canvas().Overlays().Top()
	entry := findEntry(t, dlg)
	entry.SetText("")
	test.Type(entry, "Renamed")
	test.Tap(findButton(t, dlg, "Rename"))
	u.Wait()
	if _, err := e.store.Get("Nightly import"); err != nil {
		t.Fatalf("the profile was renamed although its secret could not move: %v", err)
	}
	if d := topDialog(u); !strings.Contains(d, "Could not rename “Nightly import”") || !strings.Contains(d, "not renamed because its secret could not be moved") {
		t.Errorf("dialog = %q", d)
	}
}

// withoutKeychain makes the keychain unreachable (no Secret Service) for the rest of
// the test.
func withoutKeychain(t *testing.T) {
	keyring.MockInitWithError(errors.New("The name org.freedesktop.secrets was not provided by any .service files"))
	t.Cleanup(keyring.MockInit)
}

// Delete reports a secret that could not be removed (the app used to ignore it).
func TestDeleteSaysWhenTheSecretStays(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	withoutKeychain(t)
	u.run.header.deleteCurrent()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Delete"))
	u.Wait()
	if _, err := e.store.Get("Nightly import"); err == nil {
		t.Fatal("the profile was not deleted")
	}
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, `profile "Nightly import" was deleted, but its secret could not be removed from `+platform.Keychain()) || !strings.Contains(all, "remove its entry in "+platform.Keychain()+" by hand") {
		t.Errorf("dialogs = %q (status %q)", all, u.status.Text)
	}
}

// A store that cannot be written when a profile is deleted: the secret is put back, the
// profile stays, and the user reads why.
func TestDeleteOnAnUnwritableStoreKeepsTheSecret(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	breakStore(t, e.store.Path())
	u.run.header.deleteCurrent()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Delete"))
	u.Wait()
	if s, _ := e.secrets.Get("Nightly import"); s != "seed-secret-Nightly import" {
		t.Errorf("the secret after a refused delete = %q", s)
	}
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not delete “Nightly import”") || !strings.Contains(all, "Nothing was deleted") {
		t.Errorf("dialogs = %q", all)
	}
}

func TestDuplicateRenameDelete(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u

	// Duplicate: a copy with the secret (docs/decisions.md: the usual reason to
	// duplicate is trying other settings against the same Trusted App).
	u.run.header.duplicateCurrent()
	u.Wait()
	cp, err := e.store.Get("Nightly import copy")
	if err != nil {
		t.Fatalf("duplicate not stored: %v (status %q)", err, u.status.Text)
	}
	if !cp.SecretSetAt.Equal(fixedNow) || cp.ClientID != acme().ClientID {
		t.Errorf("duplicate = %+v", cp)
	}
	if s, _ := e.keychain.Get(cp.Name); s != "seed-secret-Nightly import" {
		t.Errorf("the duplicate's secret = %q, want the original's", s)
	}
	if u.desk.Selected() != cp.Name || !strings.Contains(u.status.Text, "Duplicated as “Nightly import copy” with its client secret.") {
		t.Errorf("current %q, status %q", u.desk.Selected(), u.status.Text)
	}
	u.selectProfile("Nightly import")
	u.run.header.duplicateCurrent()
	u.Wait()
	if _, err := e.store.Get("Nightly import copy 2"); err != nil {
		t.Errorf("second duplicate: %v", err)
	}

	// Rename through the dialog: a taken name is refused, a free one moves the secret.
	u.selectProfile("Nightly import")
	u.run.header.renameCurrent()
	dlg := u.win.Canvas().Overlays().Top()
	if dlg == nil {
		t.Fatal("no rename dialog")
	}
	entry := findEntry(t, dlg)
	rename := findButton(t, dlg, "Rename")
	entry.SetText("")
	test.Type(entry, "nightly import copy")
	if err := entry.Validate(); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("taken name: %v", err)
	}
	entry.SetText("")
	test.Type(entry, "Nightly import (Prod)")
	if rename.Disabled() {
		t.Fatal("Rename is disabled for a free name")
	}
	test.Tap(rename)
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err != nil {
		t.Fatalf("renamed profile missing: %v", err)
	}
	if _, err := e.store.Get("Nightly import"); err == nil {
		t.Error("the old name is still stored")
	}
	if s, _ := e.keychain.Get("Nightly import (Prod)"); s != "seed-secret-Nightly import" {
		t.Errorf("secret after rename = %q", s)
	}
	if s, _ := e.keychain.Get("Nightly import"); s != "" {
		t.Error("the secret stayed under the old name")
	}
	if u.desk.Selected() != "Nightly import (Prod)" {
		t.Errorf("current = %q", u.desk.Selected())
	}

	// Delete asks first; Keep changes nothing, Delete removes profile and secret.
	u.run.header.deleteCurrent()
	dlg = u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, "Delete “Nightly import (Prod)”?") || !strings.Contains(d, "not touched") {
		t.Fatalf("confirm dialog = %q", d)
	}
	test.Tap(findButton(t, dlg, "Keep"))
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err != nil {
		t.Fatal("Keep deleted the profile")
	}
	u.run.header.deleteCurrent()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Delete"))
	u.Wait()
	if _, err := e.store.Get("Nightly import (Prod)"); err == nil {
		t.Fatal("Delete kept the profile")
	}
	if s, _ := e.keychain.Get("Nightly import (Prod)"); s != "" {
		t.Error("Delete kept the secret")
	}
	if !strings.Contains(u.status.Text, "Deleted “Nightly import (Prod)”") || u.desk.Selected() == "Nightly import (Prod)" {
		t.Errorf("status %q, current %q", u.status.Text, u.desk.Selected())
	}
}

// breakStore makes every write to the store at path fail: its folder becomes
// read-only, or for root (who ignores permissions) a file takes the folder's place.
func breakStore(t *testing.T, path string) {
	t.Helper()
	dir := filepath.Dir(path)
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	if os.Geteuid() == 0 {
		_ = os.Chmod(dir, 0o700)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Remove(dir) })
	}
}

// A store that fails on write shows why and what to do.
func TestDuplicateStoreFailureExplained(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	breakStore(t, e.store.Path())
	u.run.header.duplicateCurrent()
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not duplicate “Nightly import”") || !strings.Contains(d, "Try again") {
		t.Fatalf("dialog = %q (status %q)", d, u.status.Text)
	}
}
