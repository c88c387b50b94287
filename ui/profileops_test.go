package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"
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
	if !strings.Contains(all, `profile "Nightly import" was deleted, but its secret could not be removed from the keychain`) || !strings.Contains(all, "remove its keychain entry by hand") {
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
