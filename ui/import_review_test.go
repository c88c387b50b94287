package ui

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/profiles"
)

const riskyBundle = `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Plain","instance_url":"https://acme.my.erp.net","client_id":"com.acme/plain"},
 {"name":"Risky","instance_url":"https://acme.my.erp.net","client_id":"com.acme/risky",
  "token_endpoint":"https://collector.evil.example/token","proxy":"http://proxy.evil.example:3128",
  "tls":{"insecure_skip_verify":true},"calls":[{"method":"DELETE","path":"/api/domain/odata/Crm_Sales_Customers(1)"}]}]}`

// A bundle with security-relevant settings is shown to the user before anything is
// saved: Cancel saves nothing, "Import them" imports.
func TestImportAsksBeforeSavingRiskySettings(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "risky.json")
	if err := os.WriteFile(path, []byte(riskyBundle), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	d := topDialog(u)
	for _, want := range []string{
		"risky.json holds 1 profile with settings that decide where the client secret and tokens go, or that change data. Nothing is saved yet",
		"“Risky”",
		"• tls.insecure_skip_verify: TLS certificate verification is OFF",
		"• proxy: every request goes through the proxy http://proxy.evil.example:3128",
		"• token_endpoint: on another host than the instance (collector.evil.example, the instance is acme.my.erp.net): the client secret is sent there",
		"• calls[0]: DELETE /api/domain/odata/Crm_Sales_Customers(1) changes data on the instance",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("review lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(d, "“Plain”") {
		t.Error("a profile with nothing to review is listed")
	}
	if n := len(e.store.List()); n != 1 {
		t.Fatalf("%d profiles saved before the user answered", n)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	u.Wait()
	if n := len(e.store.List()); n != 1 || !strings.Contains(u.status.Text, "cancelled: nothing was saved") {
		t.Fatalf("after Cancel: %d profiles, status %q", n, u.status.Text)
	}

	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Import them"))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Imported 2 profile(s): Plain, Risky.") {
		t.Fatalf("after Import: %q", d)
	}
	if _, err := e.store.Get("Risky"); err != nil {
		t.Fatal(err)
	}
}

// Names from an import file are shown escaped in every message: a name cannot carry
// invisible or direction-changing characters onto the screen.
func TestImportShowsNamesEscaped(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "evil\u202e.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
		{"name":"exe.\u202eInvoice\u200b","instance_url":"https://acme.my.erp.net","client_id":"c"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, `Not imported, invalid: “exe.\u202eInvoice\u200b” (name contains U+202E`) {
		t.Fatalf("dialog = %q", d)
	}
	if strings.ContainsAny(d, "\u202e\u200b") {
		t.Fatalf("a hidden character reached the screen: %q", d)
	}
}

// A store damaged at start: the app says what it restored and from where, and offers
// to recover the profile the backup lacked.
func TestStoreDamageOffersRecovery(t *testing.T) {
	p := acme()
	e := newEnv(t, Deps{}, p)
	q := acme()
	q.Name, q.ClientID = "Newest", "com.acme/newest"
	if err := e.store.Add(q); err != nil { // the backup now lacks Newest
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(e.store.Path())
	if err := os.WriteFile(e.store.Path(), bytes.Replace(raw, []byte(`"Nightly import"`), []byte("\"Nightly\x00import\""), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	err := e.store.Reload()
	var ce *profiles.CorruptError
	if !errors.As(err, &ce) || !ce.Recovered {
		t.Fatalf("want a recovered store, got %v", err)
	}
	u := e.u
	u.ShowStoreDamage(ce)
	d := topDialog(u)
	for _, want := range []string{"could not read " + e.store.Path() + ": invalid JSON (invalid JSON at byte", "The damaged file was kept, unchanged, as " + ce.MovedTo + ".",
		"Restored 1 profile from the backup saved ", "(the version before the last change): Nightly import.",
		"The damaged file still holds 1 profile missing here, or newer there than here: Newest. Recover it now"} {
		if !strings.Contains(d, want) {
			t.Errorf("dialog lacks %q:\n%s", want, d)
		}
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Recover 1 profile"))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Recovered 1 profile: Newest.") || !strings.Contains(d, "The damaged file is kept at "+ce.MovedTo) {
		t.Fatalf("after Recover: %q", d)
	}
	if _, err := e.store.Get("Newest"); err != nil {
		t.Fatal("Newest was not recovered")
	}
	if u.desk.Selected() != "Newest" {
		t.Errorf("selected %q", u.desk.Selected())
	}
	// Nothing to recover: the dialog only informs.
	closeDialogs(u)
	u.ShowStoreDamage(&profiles.CorruptError{Path: "p.json", Reason: profiles.ReasonTruncated, Detail: "the file is empty", Recovered: true, MovedTo: "p.json.corrupt-x"})
	o := u.win.Canvas().Overlays().Top()
	findButton(t, o, "Close")
	if strings.Contains(texts(o), "Recover") {
		t.Fatal("a Recover button with nothing to recover")
	}
}

// Image snapshots of the import review and the store damage dialogs, at the smallest
// supported size.
func TestDialogSnapshots(t *testing.T) {
	for _, tc := range []struct {
		file string
		show func(t *testing.T, e *env)
	}{
		{"import_review_light.png", func(t *testing.T, e *env) {
			path := filepath.Join(t.TempDir(), "risky.json")
			if err := os.WriteFile(path, []byte(riskyBundle), 0o600); err != nil {
				t.Fatal(err)
			}
			e.u.sidebar.importFrom(fileReader(t, path))
		}},
		{"store_damage_light.png", func(t *testing.T, e *env) {
			e.u.ShowStoreDamage(&profiles.CorruptError{
				Path: "/home/ops/.config/trustedapp-tester/profiles.json", Reason: profiles.ReasonInvalidJSON,
				Detail: `invalid JSON at byte 1841 (invalid character '\x00' in string literal)`, Recovered: true,
				MovedTo:    "/home/ops/.config/trustedapp-tester/profiles.json.corrupt-20261201T093000Z",
				FromBackup: true, BackupPath: "/home/ops/.config/trustedapp-tester/profiles.json.bak",
				BackupSaved: fixedNow.Add(-time.Hour), Restored: []string{"Nightly import", "Reports (Test)"},
				Recoverable: []string{"Price sync"},
			})
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			capture := func() image.Image {
				e := newEnv(t, Deps{}, acme())
				tc.show(t, e)
				e.u.Wait()
				applyTheme(t, e.u, theme.LightTheme())
				w := e.u.Window()
				w.Resize(fyne.NewSize(1024, 700))
				w.Canvas().Unfocus()
				return w.Canvas().Capture()
			}
			assertSnapshot(t, tc.file, capture)
		})
	}
}
