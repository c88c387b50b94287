package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
)

// The fleet view keeps the keyboard's promises: every control a Tab stop in view and
// ringed, the table one stop, Esc closing the view from every stop; its questions (calls
// on production, the export, the secrets one by one) are the app's dialogs, which Esc
// answers with what changes nothing.
func TestKeyboardWalkFleet(t *testing.T) {
	log := &fleetLog{}
	e, _ := liveFleet(t, 2, 1, log)
	u := e.u
	u.win.Resize(fyne.NewSize(1024, 700))
	p, _ := e.store.Get("h00-p00")
	p.Environment = profiles.EnvProduction
	if err := e.store.Update(p.Name, p); err != nil {
		t.Fatal(err)
	}
	u.Reload("")
	u.Wait()
	u.Fleet()
	u.Wait()
	s := u.fleet
	// What a screen reader reaches: every control named.
	lines, bad := screenReaderView(u.win.Canvas().Content())
	for _, b := range bad {
		t.Errorf("fleet view, screen reader: %s", b)
	}
	all := strings.Join(lines, "\n")
	for _, w := range []string{"Fleet: every profile", "button: Set secrets…", "button: Close  (Esc)", "Failing only", "Fleet table, 2 profiles"} {
		if !strings.Contains(all, w) {
			t.Errorf("fleet view: the screen reader's walk does not read %q:\n%s", w, all)
		}
	}
	order := walkTabs(t, u, "fleet view")
	buttons, selects := stopsOf(order)
	for _, want := range []string{"Set secrets…", "Export…", "Close  (Esc)", "Test all shown", "Test selected", "Test it", "Open its run view  (Enter)"} {
		if !hasPrefixIn(buttons, want) {
			t.Errorf("fleet view: Tab never reaches %q (buttons %q)", want, buttons)
		}
	}
	if selects != 3 {
		t.Errorf("fleet view: %d drop-down lists reached, want 3 (environment, tag, sort)", selects)
	}
	table := false
	for _, f := range order {
		if _, ok := f.(*widget.Button); ok {
			t.Errorf("fleet view: %s is Fyne's button, which keeps Esc and Enter", describe(f.(fyne.CanvasObject)))
		}
		table = table || f == fyne.Focusable(s.table)
	}
	if !table {
		t.Error("fleet view: Tab never reaches the table")
	}
	// Esc from every stop closes the view.
	for i := range order {
		u.Fleet()
		u.Wait()
		u.win.Canvas().Unfocus()
		for k := 0; k <= i; k++ {
			pressTab(u, false)
		}
		f := u.win.Canvas().Focused()
		if keepsEsc(f) {
			continue
		}
		pressKey(u, fyne.KeyEscape)
		u.Wait()
		if u.fleetShown() {
			t.Errorf("fleet view: Esc on %s left it open", describe(f.(fyne.CanvasObject)))
			u.closeTool()
		}
	}

	// The questions.
	u.Fleet()
	u.Wait()
	s.tokenOnly.SetChecked(false)
	for _, d := range []struct {
		name string
		open func()
	}{
		{"Make API calls on production?", s.testShown},
		{"Export the fleet table", s.export},
		{"Set client secrets", func() { askSecrets(u, u.desk, []string{"h00-p00", "h01-p00"}, nil) }},
	} {
		for _, st := range walkDialog(t, u, d.name, d.open) {
			if _, ok := st.(*widget.Button); ok {
				t.Errorf("%s: %s is Fyne's button, which keeps Esc and Enter", d.name, describe(st.(fyne.CanvasObject)))
			}
		}
	}
	// Esc answered no each time: no test ran, nothing was saved, no secret changed.
	if s.test != nil || u.desk.FleetTesting() != nil || len(log.runs) != 0 {
		t.Errorf("Esc on the production question started a test (%d runs)", len(log.runs))
	}
	if secret, err := e.secrets.Get("h00-p00"); err != nil || !strings.HasPrefix(secret, "secret-of-host-") {
		t.Errorf("Esc in the secrets' dialog changed the secret: %q, %v", secret, err)
	}
}

// An import that names profiles without a secret offers to set them: Later, Set them
// now, both the app's buttons; Esc from either is Later.
func TestKeyboardWalkImportSecretsOffer(t *testing.T) {
	e := walkEnv(t, Deps{})
	u := e.u
	path := filepath.Join(t.TempDir(), "customers.csv")
	if err := os.WriteFile(path, []byte("name;instance;client_id\r\nAcme prod;https://acme.my.erp.net;com.acme/sync\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	imported := false
	open := func() {
		if !imported {
			u.sidebar.importFrom(fileReader(t, path))
			imported = true
		} else {
			u.importFinished(path, profiles.ImportResult{Added: []string{"Acme prod"}})
		}
		u.Wait()
	}
	for _, st := range walkDialog(t, u, "Imported, secrets needed", open) {
		if _, ok := st.(*widget.Button); ok {
			t.Errorf("%s is Fyne's button, which keeps Esc and Enter", describe(st.(fyne.CanvasObject)))
		}
	}
	if _, err := e.secrets.Get("Acme prod"); err == nil {
		t.Error("Esc set a secret")
	}
	closeDialogs(u)
	open()
	if d := topDialog(u); !strings.Contains(d, "1 profile still needs a client secret") {
		t.Fatalf("no offer: %q", d)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Set them now…"))
	if !strings.Contains(topDialog(u), "Client secret 1 of 1") {
		t.Errorf("Set them now… shows %q", topDialog(u))
	}
}

// hasPrefixIn reports whether a string of list starts with s ("Test all shown (2)").
func hasPrefixIn(list []string, s string) bool {
	for _, x := range list {
		if strings.HasPrefix(x, s) {
			return true
		}
	}
	return false
}
