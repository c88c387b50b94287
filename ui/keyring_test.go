package ui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// The error go-keyring returns on a machine without a D-Bus session.
var noDBus = errors.New(`exec: "dbus-launch": executable file not found in $PATH`)

var dbusFix = sentence.Capitalize(platform.Keychain()) + " is not available (there is no D-Bus session, as on a server or over SSH): run inside a desktop session or dbus-run-session with GNOME Keyring or KeePassXC, or use a session-only secret (kept in memory until the app closes)."

// With no keyring at start-up the app keeps secrets in memory and says so with the
// keyring error's one-sentence fix, never the raw library error.
func TestKeyringUnavailableAtStart(t *testing.T) {
	keyring.MockInitWithError(noDBus)
	t.Cleanup(keyring.MockInit)
	store, notice := desk.OpenSecrets()
	if store.State().Persistent {
		t.Fatal("secrets claim to be persistent without a keyring")
	}
	if notice != "Client secrets are kept in memory for this session only. "+dbusFix {
		t.Fatalf("notice = %q", notice)
	}
	if strings.Contains(notice, "executable file not found") {
		t.Fatal("the raw keyring error reaches the user")
	}

	e := newEnv(t, Deps{Secrets: store})
	u := e.u
	u.Notify(notice)
	if u.status.Text != notice {
		t.Errorf("status = %q", u.status.Text)
	}
	u.editor.open(nil)
	if st := u.editor.secretSt.Text; !strings.Contains(st, "kept in memory for this session only") || !strings.HasSuffix(st, "\n"+dbusFix) {
		t.Errorf("secret status = %q", st)
	}
	ed := u.editor
	test.Type(ed.name, "No keyring")
	test.Type(ed.instance, "https://acme.my.erp.net")
	test.Type(ed.clientID, "com.acme/x")
	test.Type(ed.secret, "s3cret-value")
	test.Tap(ed.save)
	u.Wait()
	if got, _ := store.Get("No keyring"); got != "s3cret-value" {
		t.Fatalf("session secret = %q", got)
	}
	if !strings.Contains(u.status.Text, "Saved “No keyring”.") || !strings.Contains(u.status.Text, dbusFix) {
		t.Errorf("status = %q", u.status.Text)
	}
}

// A keyring that fails when the secret is saved: the secret is kept for the session
// and the user reads why and what to do.
func TestKeyringFailsOnSave(t *testing.T) {
	keyring.MockInit()
	sec := desk.NewSecrets(profiles.NewSecrets())
	e := newEnv(t, Deps{Secrets: sec})
	u := e.u
	if st := sec.State(); !st.Persistent || st.Notice != "" {
		t.Fatal("a working keyring should be persistent with no notice")
	}
	keyring.MockInitWithError(noDBus)
	t.Cleanup(keyring.MockInit)
	u.editor.open(nil)
	ed := u.editor
	test.Type(ed.name, "Fallback")
	test.Type(ed.instance, "https://acme.my.erp.net")
	test.Type(ed.clientID, "com.acme/y")
	test.Type(ed.secret, "another-secret")
	test.Tap(ed.save)
	u.Wait()
	if _, err := e.store.Get("Fallback"); err != nil {
		t.Fatalf("profile not saved: %v (status %q)", err, u.status.Text)
	}
	if sec.State().Persistent {
		t.Error("after the fallback secrets still claim to be persistent")
	}
	if got, _ := sec.Get("Fallback"); got != "another-secret" {
		t.Errorf("session secret = %q", got)
	}
	if want := "Client secrets are kept in memory for this session only. " + dbusFix; !strings.HasSuffix(u.status.Text, want) {
		t.Errorf("status = %q, want it to end with %q", u.status.Text, want)
	}
}
