package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/profiles"
)

func TestProfileExportImportRoundTrip(t *testing.T) {
	p := acme()
	q := acme()
	q.Name, q.Environment, q.ClientID = "Reports (Test)", profiles.EnvTest, "com.acme/reports"
	e := newEnv(t, Deps{}, p, q)
	u := e.u
	path := filepath.Join(t.TempDir(), "bundle.json")
	u.sidebar.exportTo(fileWriter(t, path), []string{p.Name, q.Name})
	u.Wait()
	if !strings.Contains(u.status.Text, "Exported 2 profile(s) to "+path) || !strings.Contains(u.status.Text, "never exported") {
		t.Errorf("status = %q", u.status.Text)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "com.acme/reports") {
		t.Fatalf("bundle lacks a profile:\n%s", raw)
	}
	if strings.Contains(string(raw), "seed-secret-") {
		t.Fatal("a client secret was exported")
	}

	// Import into a fresh app: both arrive, and the user is told to add secrets.
	f := newEnv(t, Deps{})
	f.u.sidebar.importFrom(fileReader(t, path))
	f.u.Wait()
	if got := len(f.store.List()); got != 2 {
		t.Fatalf("imported %d profiles", got)
	}
	d := topDialog(f.u)
	if !strings.Contains(d, "Imported 2 profile(s)") || !strings.Contains(d, "paste its secret") {
		t.Errorf("dialog = %q", d)
	}
	if f.u.desk.Selected() != "Nightly import" && f.u.desk.Selected() != "Reports (Test)" {
		t.Errorf("selected %q after import", f.u.desk.Selected())
	}
	closeDialogs(f.u)

	// Importing the same bundle again asks what to do with the names that exist.
	again := func(choice string) string {
		t.Helper()
		f.u.sidebar.importFrom(fileReader(t, path))
		f.u.Wait()
		dlg := f.u.win.Canvas().Overlays().Top()
		if d := texts(dlg); !strings.Contains(d, "2 profile(s) in bundle.json have the names of profiles you already have: Nightly import, Reports (Test).") {
			t.Fatalf("conflict dialog = %q", d)
		}
		test.Tap(findButton(t, dlg, choice))
		f.u.Wait()
		d := topDialog(f.u)
		closeDialogs(f.u)
		return d
	}
	if d := again("Skip them"); !strings.Contains(d, "Nothing imported") || !strings.Contains(d, "Skipped (you have profiles with these names): Nightly import, Reports (Test).") || len(f.store.List()) != 2 {
		t.Errorf("skip: %q, %d profiles", d, len(f.store.List()))
	}
	if d := again("Import as copies"); !strings.Contains(d, "Imported as copies: Nightly import → Nightly import (2), Reports (Test) → Reports (Test) (2).") || len(f.store.List()) != 4 {
		t.Errorf("copies: %q, %d profiles", d, len(f.store.List()))
	}
	// Replace: a local edit is overwritten by the bundle's version; the secret stays.
	local, _ := f.store.Get("Nightly import")
	local.Notes = "local edit"
	if err := f.store.Update(local.Name, local); err != nil {
		t.Fatal(err)
	}
	if err := f.secrets.Set("Nightly import", "kept-secret"); err != nil {
		t.Fatal(err)
	}
	if d := again("Replace mine"); !strings.Contains(d, "Replaced: Nightly import, Reports (Test)") || len(f.store.List()) != 4 {
		t.Errorf("replace: %q", d)
	}
	if got, _ := f.store.Get("Nightly import"); got.Notes == "local edit" {
		t.Error("Replace kept the local profile")
	}
	if sec, _ := f.keychain.Get("Nightly import"); sec != "kept-secret" {
		t.Errorf("Replace lost the secret: %q", sec)
	}
}

// A bundle with a new profile, one whose name exists and an invalid one: the new one
// arrives at once, the user decides about the other, the invalid one is named.
func TestProfileImportMixedBundle(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "mixed.json")
	bundle := `{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
		{"name":"Nightly import","instance_url":"https://acme.my.erp.net","client_id":"com.acme/other"},
		{"name":"Price sync","instance_url":"https://acme.my.erp.net","client_id":"com.acme/prices"},
		{"name":"Global","instance_url":"https://id.erp.net","client_id":"x"}]}`
	if err := os.WriteFile(path, []byte(bundle), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	if _, err := e.store.Get("Price sync"); err != nil {
		t.Fatal("the new profile was not imported before the question")
	}
	dlg := u.win.Canvas().Overlays().Top()
	if d := texts(dlg); !strings.Contains(d, "1 new profile(s) were imported. 1 profile(s) in mixed.json have the names of profiles you already have: Nightly import.") {
		t.Fatalf("dialog = %q", d)
	}
	test.Tap(findButton(t, dlg, "Import as copies"))
	u.Wait()
	d := topDialog(u)
	for _, want := range []string{"Imported 1 profile(s): Price sync.", "Imported as copies: Nightly import → Nightly import (2).", "Not imported, invalid: “Global”", "paste its secret"} {
		if !strings.Contains(d, want) {
			t.Errorf("result lacks %q:\n%s", want, d)
		}
	}
	if n := len(e.store.List()); n != 3 {
		t.Errorf("%d profiles after the import", n)
	}
}

func TestProfileImportCorruptFile(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(path, []byte(`{"profiles": [ {"name": "x", `), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not import broken.json") || !strings.Contains(d, "Nothing was changed") {
		t.Fatalf("dialog = %q", d)
	}
	if len(e.store.List()) != 1 {
		t.Fatal("a corrupt import changed the store")
	}
}

func TestProfileExportNothing(t *testing.T) {
	e := newEnv(t, Deps{})
	e.u.sidebar.exportProfiles(nil)
	if d := topDialog(e.u); !strings.Contains(d, "There are no profiles yet") {
		t.Fatalf("dialog = %q", d)
	}
}

// The import's error paths: a file over the size limit, and a store that cannot be
// written when the user has chosen what to do with the clashing names.
func TestProfileImportFailures(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, make([]byte, profiles.MaxBundleBytes+1), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, big))
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not import big.json") || !strings.Contains(d, "larger than 16 MiB") {
		t.Errorf("big file: %q", d)
	}
	closeDialogs(u)

	path := filepath.Join(t.TempDir(), "clash.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[{"name":"Nightly import","instance_url":"https://acme.my.erp.net","client_id":"com.acme/x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	dlg := u.win.Canvas().Overlays().Top()
	breakStore(t, e.store.Path())
	test.Tap(findButton(t, dlg, "Import as copies"))
	u.Wait()
	var all string
	for _, o := range u.win.Canvas().Overlays().List() {
		all += texts(o)
	}
	if !strings.Contains(all, "Could not import the profiles that clash") || !strings.Contains(all, "writable") {
		t.Errorf("unwritable store: %q", all)
	}
}
