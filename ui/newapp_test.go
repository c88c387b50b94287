package ui

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// newAppEnv is a UI on a sandbox whose records the test can add to.
func newAppEnv(t *testing.T, seed ...profiles.Profile) (*env, *sandbox.Server) {
	t.Helper()
	s := startSandbox(t)
	n := 0
	e := newEnv(t, Deps{Now: time.Now, NewSecret: func() (string, error) {
		n++
		return []string{"Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", "Zr7Yk3Wm9Qp2Lx5Tn8Bv4Cs6Dj1Fh0Gg3Hk5Jm7"}[(n-1)%2], nil
	}}, seed...)
	return e, s
}

// setupValues reads the record values shown in the result dialog.
func setupValues(u *UI) map[string]string {
	out := map[string]string{}
	for _, v := range u.newApp.setup.Values {
		out[v.Field] = v.Value
	}
	return out
}

// "New Trusted App…" for a profile: the secret is made, stored in the keychain and
// shown once with its hash; the record values, entered in the (sandbox) instance as
// listed, make a Trusted App that passes with nothing to fix; saved for a ticket they
// hold the hash, never the secret; closing the dialog takes the secret off the screen.
func TestNewTrustedAppAgainstSandbox(t *testing.T) {
	e, s := newAppEnv(t)
	u := e.u
	healthy := scenario(t, s, "healthy")

	// From the menu, for a new profile.
	var item *fyne.MenuItem
	for _, it := range u.win.MainMenu().Items[0].Items {
		if it.Label == "New Trusted App…" {
			item = it
		}
	}
	if item == nil || item.Shortcut == nil || item.Shortcut.ShortcutName() != "CustomDesktop:Shift+Control+N" && item.Shortcut.ShortcutName() != "CustomDesktop:Control+Shift+N" {
		t.Fatalf("menu item %+v", item)
	}
	item.Action()
	n := u.newApp
	if n.form == nil || !strings.Contains(topDialog(u), "stores it in "+platform.Keychain()+" for the profile and shows it once") {
		t.Fatalf("form: %q", topDialog(u))
	}
	test.Type(n.name, "Nightly import")
	test.Type(n.instance, healthy.Instance)
	test.Type(n.clientID, "com.acme/nightly-import")
	n.clientID.OnSubmitted(n.clientID.Text) // Enter makes the secret
	u.Wait()
	if n.form != nil || n.result == nil {
		t.Fatalf("result dialog not shown: %q (status %q)", topDialog(u), u.status.Text)
	}
	secret := n.secret.Text
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(secret) {
		t.Fatalf("secret %q", secret)
	}
	if got, _ := e.secrets.Get("Nightly import"); got != secret {
		t.Fatalf("keychain holds %q", got)
	}
	p, err := e.store.Get("Nightly import")
	if err != nil || p.SecretSetAt.IsZero() || p.ClientID != "com.acme/nightly-import" || u.desk.Selected() != "Nightly import" {
		t.Fatalf("profile %+v (%v), selected %q", p, err, u.desk.Selected())
	}
	d := topDialog(u)
	hash := check.ApplicationSecretHash(secret)
	for _, want := range []string{"it will not be shown again", "stored in " + platform.Keychain() + " for “Nightly import”", hash,
		"ApplicationUri", "com.acme/nightly-import", "Confidential", "SystemUserAllowed", "ApplicationUserNoLogin", "svc-nightly-import", "Scope"} {
		if !strings.Contains(d, want) {
			t.Errorf("the dialog lacks %q:\n%s", want, d)
		}
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Copy secret"))
	if u.app.Clipboard().Content() != secret {
		t.Error("Copy secret")
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Copy hash"))
	if u.app.Clipboard().Content() != hash {
		t.Error("Copy hash")
	}

	// For a ticket: text and JSON, never the secret.
	dir := t.TempDir()
	for _, asJSON := range []bool{false, true} {
		path := filepath.Join(dir, "ticket.txt")
		if asJSON {
			path = filepath.Join(dir, "ticket.json")
		}
		n.saveTo(fileWriter(t, path), asJSON)
		u.Wait()
		raw, err := os.ReadFile(path)
		if err != nil || strings.Contains(string(raw), secret) || !strings.Contains(string(raw), hash) || !strings.Contains(u.status.Text, "the hash, never the secret") {
			t.Fatalf("ticket %s: %v, status %q\n%s", path, err, u.status.Text, raw)
		}
	}

	// Enter the values in the instance exactly as listed: the test passes.
	v := setupValues(u)
	if err := s.AddApp(sandbox.TrustedApp{Name: v["Name"], ApplicationURI: v["ApplicationUri"], ClientType: v["ClientType"],
		ApplicationSecretHash: v["ApplicationSecretHash"], SystemUserAllowed: v["SystemUserAllowed"] == "true",
		SystemUser: &sandbox.User{Login: v["SystemUser"], Type: "ApplicationUserNoLogin", Active: true},
		Scope:      v["Scope"], IsEnabled: v["IsEnabled"] == "true", ReferenceTokens: v["ReferenceTokens"]}); err != nil {
		t.Fatal(err)
	}
	// Esc closes the result, and the secret leaves the screen with it.
	shown := n.secret
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n.result != nil || shown.Text != "" || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc did not close the dialog and clear the secret")
	}
	u.StartRun()
	u.Wait()
	r := u.desk.Report("Nightly import")
	if r == nil || r.Verdict != check.Pass || r.Claims.SystemUser != "svc-nightly-import" {
		t.Fatalf("run after setup: %+v (status %q)", r, u.status.Text)
	}
	if strings.Contains(texts(u.run.guidance.list), "privilege.") && !strings.Contains(texts(u.run.guidance.list), "Nothing to narrow") {
		t.Errorf("a Trusted App set up as listed still has something to narrow:\n%s", texts(u.run.guidance.list))
	}
	u.run.openTab("Record")
	u.Wait()
	if row := hashRow(t, u.run.record); row.State != check.RecordOK {
		t.Errorf("ApplicationSecretHash row %+v", row)
	}

	// A new secret for it (the ⋮ menu): asked first; Keep changes nothing.
	test.Tap(u.run.header.more)
	if got := menuLabels(u.win.Canvas().Overlays().Top()); !strings.Contains(got, "New secret for this Trusted App…") {
		t.Fatalf("⋮ menu: %s", got)
	}
	closeDialogs(u)
	u.NewSecretForCurrent()
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Replace the client secret of “Nightly import”?") || !strings.Contains(d, "keeps accepting the old secret until you put the new hash") {
		t.Fatalf("no question before replacing: %q", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Keep the old secret"))
	u.Wait()
	if got, _ := e.secrets.Get("Nightly import"); got != secret || !strings.Contains(u.status.Text, "nothing was changed") {
		t.Fatalf("Keep: keychain %q, status %q", got, u.status.Text)
	}
	u.NewSecretForCurrent()
	u.Wait()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Replace it"))
	u.Wait()
	rotated, _ := e.secrets.Get("Nightly import")
	if rotated == secret || n.secret == nil || n.secret.Text != rotated {
		t.Fatalf("Replace: keychain %q, shown %v", rotated, n.secret)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Done"))
	// The record still holds the old hash: the next test fails, and the record says why.
	u.StartFreshRun()
	u.Wait()
	closeDialogs(u)
	if r := u.desk.Report("Nightly import"); r == nil || !r.HasFinding(check.TokInvalidClient) {
		t.Fatalf("after the replacement: %+v", r)
	}
}

// The form: the selected profile or a new one; fields are checked before anything is
// made; Esc in a field closes it; the welcome panel opens it too.
func TestNewTrustedAppForm(t *testing.T) {
	e := newEnv(t, Deps{NewSecret: func() (string, error) { return "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", nil }})
	u := e.u
	test.Tap(findButton(t, u.welcome, "New Trusted App…"))
	n := u.newApp
	if n.form == nil || n.who != nil {
		t.Fatal("the welcome panel does not open the form for a new profile")
	}
	n.submit()
	if !n.problem.Visible() || !strings.Contains(n.problem.Text, "Not made: enter a name") || len(u.desk.Profiles()) != 0 {
		t.Fatalf("empty form: %q", n.problem.Text)
	}
	test.Type(n.name, "X")
	test.Type(n.instance, "https://id.erp.net")
	n.submit()
	if !strings.Contains(n.problem.Text, "id.erp.net is the global sign-in") {
		t.Errorf("bad instance: %q", n.problem.Text)
	}
	n.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n.form != nil || u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc in a field did not close the form")
	}
	if _, err := e.secrets.Get("X"); err == nil {
		t.Fatal("a secret was stored by a form that was closed")
	}

	// With a profile selected, the form offers it; choosing it makes its secret.
	if err := e.store.Add(acme()); err != nil {
		t.Fatal(err)
	}
	u.Reload("Nightly import")
	u.Wait()
	u.NewTrustedApp()
	if n.who == nil || n.who.Selected != "For a new profile" || n.instance.Text != "https://acme.my.erp.net" {
		t.Fatalf("form with a selected profile: %+v, instance %q", n.who, n.instance.Text)
	}
	n.who.SetSelected(n.who.Options[0])
	n.submit()
	u.Wait()
	if got, _ := e.secrets.Get("Nightly import"); got != "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p" || n.result == nil {
		t.Fatalf("secret for the selected profile: %q", got)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Done"))

	// Ctrl+Shift+N opens it from anywhere (the canvas has the menu's shortcuts).
	inner := reflect.ValueOf(u.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	inner.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift})
	if n.form == nil || !strings.Contains(topDialog(u), "New Trusted App") {
		t.Fatalf("Ctrl+Shift+N: %q", topDialog(u))
	}
	// Esc with nothing focused closes it too.
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if n.form != nil {
		t.Error("Esc did not close the form")
	}
}

// A store that cannot be written: nothing is stored or shown, and the user reads why.
func TestNewTrustedAppStoreRefuses(t *testing.T) {
	e := newEnv(t, Deps{NewSecret: func() (string, error) { return "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", nil }})
	u := e.u
	breakStore(t, e.store.Path())
	u.newApp.make("", profiles.Profile{Name: "Refused", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/r", Scopes: []string{"read"}}, false)
	u.Wait()
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not make the new secret for “Refused”") || !strings.Contains(all, "No secret was stored or shown") || strings.Contains(all, "Q9xv2LmP8") {
		t.Fatalf("dialogs: %q", all)
	}
	if _, err := e.secrets.Get("Refused"); !errors.Is(err, profiles.ErrSecretNotSet) {
		t.Errorf("the keychain kept a secret for a profile that was not saved: %v", err)
	}
}

// Without a keychain the secret is kept for this session, and the dialog says so.
func TestNewTrustedAppSessionOnly(t *testing.T) {
	keyring.MockInitWithError(noDBus)
	t.Cleanup(keyring.MockInit)
	store, _ := desk.OpenSecrets()
	e := newEnv(t, Deps{Secrets: store, NewSecret: func() (string, error) { return "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", nil }})
	u := e.u
	u.newApp.make("", profiles.Profile{Name: "Session", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/s", Scopes: []string{"read"}}, false)
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, sentence.Capitalize(platform.Keychain())+" is not available: it is kept in memory for “Session” until the app closes") {
		t.Fatalf("dialog %q", d)
	}
	if got, _ := store.Get("Session"); got != "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p" {
		t.Errorf("session secret %q", got)
	}
}

// pinnedSecret is the secret of snapshots and screenshots: made once, never random.
func pinnedSecret() (string, error) { return "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", nil }
