package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/profiles"
)

// What a screen reader gets on the screens the later branches added: every control on
// the walker's way is exposed with a label that names it, and says its state.
func TestScreenReaderLabelsNewScreens(t *testing.T) {
	read := func(where string, root fyne.CanvasObject, want ...string) {
		t.Helper()
		lines, bad := screenReaderView(root)
		for _, b := range bad {
			t.Errorf("%s: %s", where, b)
		}
		all := strings.Join(lines, "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: the walker does not read %q:\n%s", where, w, all)
			}
		}
	}

	// Guidance's offers, in its pane (read out as its text): the choice of whose token
	// reads, and the button.
	e := readersEnv(t, invalidClientReport())
	read("Guidance, the record's offer", e.u.win.Canvas().Content(), "Read the record with, drop-down list: Auditor", "Read the record with “Auditor”")
	e = readersEnv(t, licenceReport())
	read("Guidance, the holders' offer", e.u.win.Canvas().Content(), "Read them with, drop-down list: Auditor", "Read them with “Auditor”")
	e = readersEnv(t, refusedReport())
	read("Guidance, the trust offer", e.u.win.Canvas().Content(), "Trust this host for this profile…")

	// The Record tab's form: the source, the paste box with what was pasted, the button.
	e = recordFormEnv(t)
	rt := e.u.run.record
	read("Record tab, the form's checklist", e.u.win.Canvas().Content(), "button: Read with, drop-down list: "+formLabel(), "button: "+formEditLabel(), "Copy hash")
	test.Tap(rt.read)
	read("Record tab, the form's values", e.u.win.Canvas().Content(), "button: "+formReadLabel(), "Values from the Trusted App's form, edit field: Application Uri")

	// The questions (Fyne 2.8.1's walker does not go into dialogs yet: what it will read
	// there, their controls named).
	u := e.u
	u.trustHost("Nightly import", "https://api.other.example")
	read("Trust this host…", dialogBox(u.win.Canvas()), "Trust https://api.other.example for “Nightly import”?", "button: Cancel", "button: Trust this host")
	closeDialogs(u)
	u.StartFreshRun()
	read("Test with a fresh token?", dialogBox(u.win.Canvas()), "button: Cancel", "button: Test with a fresh token")
	closeDialogs(u)
	path := filepath.Join(t.TempDir(), "moved.json")
	if err := os.WriteFile(path, []byte(`{"kind":"trustedapp-tester/profiles","schema":1,"profiles":[
 {"name":"Nightly import","instance_url":"https://evil.example","client_id":"com.acme/nightly"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u.sidebar.importFrom(fileReader(t, path))
	u.Wait()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Import them"))
	u.Wait()
	read("Profiles with the same names", dialogBox(u.win.Canvas()), "button: Let the client secrets follow to the new hosts, check box, not ticked", "button: Replace mine")
	closeDialogs(u)

	// The editor's form is a Fyne widget the walker does not go into yet: its kind's
	// controls say what they are all the same, for when it does.
	ed := u.editor
	u.EditCurrent()
	for _, c := range []struct {
		kind profiles.Kind
		o    fyne.CanvasObject
		want string
	}{
		{profiles.KindClientCredentials, ed.kind.picker, "Signs in with, drop-down list: " + profiles.KindClientCredentials.Label()},
		{profiles.KindClientCredentials, ed.kind.usesRef, "reference tokens (PATs or SATs) on purpose, check box, not ticked"},
		{profiles.KindClientCredentials, ed.confirmed, "Confirmed hosts, edit field, empty"},
		{profiles.KindBasic, ed.kind.user, "User, edit field, empty"},
		{profiles.KindBasic, ed.kind.picker, "Signs in with, drop-down list: " + profiles.KindBasic.Label()},
	} {
		ed.kind.picker.SetSelected(c.kind.Label())
		a, ok := c.o.(fyne.Accessible)
		if !ok || !strings.HasSuffix(a.AccessibilityLabel(), c.want) {
			t.Errorf("editor: %s says %q, want %q", describe(c.o), labelOf(c.o), c.want)
		}
	}
}

// labelOf is what a screen reader says for o ("" when o is not exposed).
func labelOf(o fyne.CanvasObject) string {
	if a, ok := o.(fyne.Accessible); ok {
		return a.AccessibilityLabel()
	}
	return ""
}

// The window's content is held in plain containers around the window fit: the walker
// reaches everything, also once the content may scroll on a small screen, as long as it
// fits. Where it does scroll, the pane reads out the window's text (the walker stops at
// panes), and a control the keyboard moves to is scrolled into view.
func TestScreenReaderThroughTheWindowFit(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	u.ScrollWhenSmall()
	u.win.Resize(fyne.NewSize(1024, 700))
	lines, bad := screenReaderView(u.win.Canvas().Content())
	if all := strings.Join(lines, "\n"); !strings.Contains(all, "button: Test this Trusted App") || len(bad) > 0 {
		t.Errorf("the window fits: the walker reads\n%s\n(unnamed: %q)", all, bad)
	}
	if _, ok := u.fit.box.Objects[0].(*windowScroll); ok {
		t.Error("the content scrolls in a window that holds it")
	}

	u.win.Resize(fyne.NewSize(500, 340)) // smaller than the content's minimum
	if _, ok := u.fit.box.Objects[0].(*windowScroll); !ok {
		t.Fatalf("the content does not scroll in a window smaller than it (%T)", u.fit.box.Objects[0])
	}
	lines, _ = screenReaderView(u.win.Canvas().Content())
	if all := strings.Join(lines, "\n"); !strings.Contains(all, "text: Trusted App Tester") || !strings.Contains(all, "Test this Trusted App") {
		t.Errorf("the window scrolls: the walker reads\n%s", all)
	}
	u.win.Canvas().Focus(u.run.header.test)
	u.ring.check()
	if why := inView(u, u.win.Canvas().Content(), u.run.header.test); why != "" {
		t.Errorf("the focused Test button in the scrolled window: %s", why)
	}

	u.win.Resize(fyne.NewSize(1024, 700))
	if u.fit.box.Objects[0] != u.content {
		t.Error("the content stays in the pane once the window holds it again")
	}
}
