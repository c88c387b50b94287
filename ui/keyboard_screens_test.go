package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// The screens the credential gate, the kinds, the record form and the licence holders
// added keep the keyboard's promises too: every control is a Tab stop in view and
// ringed, no field keeps Tab, Esc leaves from every stop.

// readersEnv is "Nightly import" after a run that gave report, with two more profiles
// on its instance ("Auditor", "Inspector") whose runs passed: Guidance's offers to read
// with another profile's token then come with a choice of whose.
func readersEnv(t *testing.T, report check.Report) *env {
	t.Helper()
	var seed []profiles.Profile
	for _, n := range []string{"Auditor", "Inspector"} {
		p := acme()
		p.Name, p.ClientID, p.Environment = n, "com.acme/"+strings.ToLower(n), profiles.EnvTest
		seed = append(seed, p)
	}
	runs := func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		if p.Name != "Nightly import" {
			return replayRun(healthyReport())(ctx, p, s, o, on)
		}
		return replayRun(report)(ctx, p, s, o, on)
	}
	e := walkEnv(t, Deps{Run: runs}, append(seed, acme())...)
	for _, n := range []string{"Auditor", "Inspector", "Nightly import"} {
		e.u.selectProfile(n)
		e.u.StartRun()
		e.u.Wait()
	}
	e.u.run.openTab("Guidance")
	e.u.Wait()
	return e
}

// stopsOf lists the stops that are the app's buttons (their text) and its drop-down
// lists, in Tab order.
func stopsOf(order []fyne.Focusable) (buttons []string, selects int) {
	for _, f := range order {
		if b := buttonOf(f.(fyne.CanvasObject)); b != nil {
			buttons = append(buttons, b.Text)
		}
		if _, ok := f.(*escSelect); ok {
			selects++
		}
	}
	return buttons, selects
}

func TestKeyboardWalkGuidanceOffers(t *testing.T) {
	for _, tc := range []struct {
		name, button string
		choice       bool
	}{
		{"invalid_client, the record's offer", "Read the record with “", true},
		{"licences, the holders' offer", "Read them with “", true},
		{"a refused host, the trust offer", "Trust this host for this profile…", false},
	} {
		var r check.Report
		switch {
		case strings.HasPrefix(tc.name, "invalid_client"):
			r = invalidClientReport()
		case strings.HasPrefix(tc.name, "licences"):
			r = licenceReport()
		default:
			r = refusedReport()
		}
		e := readersEnv(t, r)
		order := walkTabs(t, e.u, "Guidance, "+tc.name)
		buttons, selects := stopsOf(order)
		found := false
		for _, b := range buttons {
			found = found || strings.HasPrefix(b, tc.button)
		}
		if !found {
			t.Errorf("%s: Tab never reaches %q (buttons %q)", tc.name, tc.button, buttons)
		}
		if tc.choice && selects == 0 {
			t.Errorf("%s: the choice of whose token reads is no stop of the app's (Esc, the screen reader)", tc.name)
		}
		// Esc on the choice goes on to the window, as from every other stop.
		for _, f := range order {
			if s, ok := f.(*escSelect); ok {
				if s.onEsc != nil {
					t.Errorf("%s: the choice keeps Esc for itself", tc.name)
				}
			}
		}
	}
}

func TestKeyboardWalkRecordForm(t *testing.T) {
	e := recordFormEnv(t)
	u := e.u
	u.win.Resize(fyne.NewSize(1024, 700))
	rt := u.run.record
	walkTabs(t, u, "Record tab, the form's checklist")
	test.Tap(rt.read) // Edit the pasted values
	if !rt.formBox.Visible() {
		t.Fatal("the paste box did not open")
	}
	order := walkTabs(t, u, "Record tab, the form's values")
	reached := false
	for _, f := range order {
		reached = reached || f == fyne.Focusable(rt.form)
	}
	if !reached {
		t.Error("Tab never reaches the paste box")
	}
	// Tab in the box moves on; what was pasted keeps its tabs (the web form's copy).
	u.win.Canvas().Focus(rt.form)
	before := rt.form.Text
	if pressTab(u, false) {
		t.Fatal("the paste box keeps Tab")
	}
	if rt.form.Text != before || u.win.Canvas().Focused() == fyne.Focusable(rt.form) {
		t.Errorf("Tab typed into the box or stayed there: %q", rt.form.Text)
	}
}

func TestKeyboardWalkEditorKinds(t *testing.T) {
	e := walkEnv(t, Deps{}, acme())
	u := e.u
	ed := u.editor
	for _, tc := range []struct {
		kind profiles.Kind
		own  fyne.Focusable // the kind's own control, which Tab must reach
	}{
		{profiles.KindBasic, ed.kind.user},
		{profiles.KindReferenceToken, ed.secret},
		{profiles.KindClientCredentials, ed.kind.usesRef},
	} {
		u.EditCurrent()
		ed.kind.picker.SetSelected(tc.kind.Label())
		order := walkTabs(t, u, "editor, "+tc.kind.Label())
		var picker, own bool
		for _, f := range order {
			picker = picker || f == fyne.Focusable(ed.kind.picker)
			own = own || f == tc.own
		}
		if !picker || !own {
			t.Errorf("%s: Tab reaches the kind picker %v, the kind's field %v", tc.kind.Label(), picker, own)
		}
	}
	// Esc closes the editor from the kind's controls and the confirmed hosts, as from
	// every other field.
	for _, tc := range []struct {
		name string
		kind profiles.Kind
		f    fyne.Focusable
	}{
		{"the kind picker", profiles.KindClientCredentials, ed.kind.picker},
		{"the reference tokens check box", profiles.KindClientCredentials, ed.kind.usesRef},
		{"Basic's user", profiles.KindBasic, ed.kind.user},
		{"the confirmed hosts", profiles.KindClientCredentials, ed.confirmed},
	} {
		u.EditCurrent()
		ed.kind.picker.SetSelected(tc.kind.Label())
		if tc.f == fyne.Focusable(ed.confirmed) { // in the Advanced section
			find(ed.content, func(o fyne.CanvasObject) bool { _, ok := o.(*widget.Accordion); return ok }).(*widget.Accordion).Open(0)
		}
		u.win.Canvas().Focus(tc.f)
		if u.win.Canvas().Focused() != tc.f {
			t.Fatalf("%s does not take the keyboard", tc.name)
		}
		pressKey(u, fyne.KeyEscape)
		if u.showing(ed.content) {
			t.Errorf("Esc on %s left the editor open", tc.name)
		}
	}
}

// The questions the new screens ask: each a dialog of the app's buttons, walked with
// Tab, closed by Esc from every stop with the answer that changes nothing.
func TestKeyboardWalkNewDialogs(t *testing.T) {
	e := walkEnv(t, Deps{}, acme())
	u := e.u
	path := filepath.Join(t.TempDir(), "moved.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Nightly import","instance_url":"https://evil.example","client_id":"com.acme/nightly"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	importIt := func() {
		u.sidebar.importFrom(fileReader(t, path))
		u.Wait()
	}
	for _, d := range []struct {
		name string
		open func()
	}{
		{"Trust this host…", func() { u.trustHost("Nightly import", "https://api.other.example") }},
		{"Test with a fresh token?", u.StartFreshRun},
		{"Send the client secret to another host?", func() {
			u.EditCurrent()
			u.editor.instance.SetText("https://other.my.erp.net")
			u.editor.submit()
			u.Wait()
		}},
		{"Check these settings before importing", importIt},
		{"Profiles with the same names, the secrets' box", func() {
			importIt()
			test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Import them"))
			u.Wait()
		}},
	} {
		stops := walkDialog(t, u, d.name, d.open)
		for _, s := range stops {
			if _, ok := s.(*widget.Button); ok {
				t.Errorf("%s: %s is Fyne's button, which keeps Esc and Enter", d.name, describe(s.(fyne.CanvasObject)))
			}
		}
		if strings.HasSuffix(d.name, "the secrets' box") {
			box := false
			for _, s := range stops {
				_, ok := s.(*escCheck)
				box = box || ok
			}
			if !box {
				t.Errorf("%s: Tab never reaches the box that lets the secrets follow", d.name)
			}
		}
	}
	// Esc answered no each time: nothing was trusted, moved or imported.
	p, err := e.store.Get("Nightly import")
	if err != nil || len(p.ConfirmedHosts) != 0 || p.InstanceURL != "https://acme.my.erp.net" && (len(p.SecretFor) == 0 || p.SecretFor[0] != "https://acme.my.erp.net") {
		t.Errorf("after Esc: %+v (%v)", p, err)
	}
	if p.InstanceURL == "https://evil.example" {
		t.Error("Esc imported the file")
	}
}
