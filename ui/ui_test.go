package ui

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// texts collects every label, entry and button text under o (visible or not when all).
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widgets.CopyLabel:
			b.WriteString(w.Text + "\n")
		case *widgets.TipLabel:
			b.WriteString(w.Text + "\n")
		case *widgets.TipButton:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *button:
			b.WriteString(w.Text + "\n")
		case *widget.Entry:
			b.WriteString(w.Text + "\n")
		case *widget.RichText:
			b.WriteString(w.String() + "\n")
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			switch w.(type) {
			case *widget.Label, *widgets.CopyLabel, *widgets.TipLabel:
				return
			}
			r := test.WidgetRenderer(w)
			for _, c := range r.Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestWelcomeWhenNoProfiles(t *testing.T) {
	e := newEnv(t, Deps{})
	if e.u.right.Objects[0] != e.u.welcome {
		t.Fatal("with no profiles the welcome panel should show")
	}
	got := texts(e.u.welcome)
	for _, want := range []string{"Try the sandbox", "New profile", "Trusted Application"} {
		if !strings.Contains(got, want) {
			t.Errorf("welcome panel lacks %q:\n%s", want, got)
		}
	}
}

func TestHealthyRunShowsIdentity(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	if u.desk.Selected() != "Nightly import" {
		t.Fatalf("selected %q, want the only profile", u.desk.Selected())
	}
	test.Tap(u.run.header.test)
	u.Wait()
	if u.Running() {
		t.Fatal("run should have finished")
	}
	if got := u.run.identity.actsAs.Text + " " + u.run.identity.actsAsDetail.Text; !strings.Contains(got, "svc-import") || !strings.Contains(got, "ApplicationUserNoLogin") {
		t.Errorf("ACTS AS = %q, want the System User and its type", got)
	}
	if got := u.run.identity.database.Text; got != "E1_DEV-1 Test" {
		t.Errorf("DATABASE = %q", got)
	}
	var scopes []string
	for _, o := range u.run.identity.scopes.Objects {
		scopes = append(scopes, chipCaption(o.(*widgets.Chip)))
	}
	if strings.Join(scopes, ",") != "✔ read,✔ update" {
		t.Errorf("scope chips = %v", scopes)
	}
	if got := u.run.identity.expires.Text; got != "in 57 min 00 s" {
		t.Errorf("EXPIRES = %q, want a countdown from the fixed clock", got)
	}
	if !strings.Contains(u.run.identity.signature.Text, "verified with key 5B27A1C9") {
		t.Errorf("SIGNATURE = %q", u.run.identity.signature.Text)
	}
	if u.run.tabs.Selected().Text != "Claims" {
		t.Errorf("after a pass the Claims tab should lead, got %q", u.run.tabs.Selected().Text)
	}
	if !strings.Contains(u.status.Text, "Passed") {
		t.Errorf("status = %q", u.status.Text)
	}
	if !strings.Contains(u.run.timeline.slots[check.StepAPI].Text, "3/3") {
		t.Errorf("API slot = %q", u.run.timeline.slots[check.StepAPI].Text)
	}
}

func TestFailingRunShowsGuidance(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	if u.run.tabs.Selected().Text != "Guidance" {
		t.Errorf("after a failure the Guidance tab should lead, got %q", u.run.tabs.Selected().Text)
	}
	quiet := u.run.identity.quiet.Text
	if !strings.Contains(quiet, `refused the scope "update"`) || !strings.Contains(quiet, "Guidance") {
		t.Errorf("identity card one-liner = %q", quiet)
	}
	g := texts(u.run.guidance.list)
	ex := u.desk.Explain(check.TokInvalidScope, scopeFailReport().Steps[2].Findings[0].Evidence)
	if !strings.Contains(g, ex.Title) {
		t.Errorf("guidance lacks the explanation title %q:\n%s", ex.Title, g)
	}
	if len(ex.Steps) > 0 && !strings.Contains(g, "1.  "+ex.Steps[0]) {
		t.Errorf("guidance lacks the numbered fix step %q:\n%s", ex.Steps[0], g)
	}
}

// blockingRun streams the first two steps, then waits for cancellation.
func blockingRun(started chan<- struct{}) func(context.Context, profiles.Profile, string, check.Options, func(check.Step)) check.Report {
	return func(ctx context.Context, p profiles.Profile, _ string, _ check.Options, onStep func(check.Step)) check.Report {
		r := healthyReport()
		onStep(r.Steps[0])
		onStep(r.Steps[1])
		close(started)
		<-ctx.Done()
		return check.Report{Profile: p.Name, Started: fixedNow, Finished: fixedNow.Add(1500 * time.Millisecond), Verdict: check.Fail, Cancelled: true, Steps: r.Steps[:2]}
	}
}

func TestCancelKeepsUIResponsive(t *testing.T) {
	started := make(chan struct{})
	e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
	u := e.u
	tapped := make(chan struct{})
	go func() { test.Tap(u.run.header.test); close(tapped) }()
	select {
	case <-tapped:
	case <-time.After(5 * time.Second):
		t.Fatal("tapping Test blocked: the run must not happen on the UI goroutine")
	}
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the run never started")
	}
	if !u.Running() || u.run.header.test.Visible() || !u.run.header.cancel.Visible() || u.run.header.cancel.Disabled() {
		t.Fatal("while running, Cancel takes the place of Test")
	}
	// The UI goroutine still serves work while the engine waits.
	done := make(chan struct{})
	go func() { fyne.DoAndWait(func() { u.sidebar.search.SetText("night") }); close(done) }()
	if !waitPumping(u, done, 5*time.Second) {
		t.Fatal("fyne.Do work did not complete while a run was in flight")
	}
	if !strings.Contains(u.run.timeline.slots[check.StepDiscovery].Text, "18 ms") {
		t.Errorf("streamed step not shown: %q", u.run.timeline.slots[check.StepDiscovery].Text)
	}
	test.Tap(u.run.header.cancel)
	u.Wait()
	if u.Running() {
		t.Fatal("still running after Cancel")
	}
	if !strings.Contains(u.status.Text, "Cancelled") || !u.run.header.test.Visible() || u.run.header.cancel.Visible() {
		t.Errorf("status %q should say it was cancelled, and Test come back in place of Cancel", u.status.Text)
	}
	if !strings.Contains(u.run.identity.quiet.Text, "cancelled") {
		t.Errorf("identity card = %q", u.run.identity.quiet.Text)
	}
}

// findButton finds the visible button labelled text under o.
// find returns the first object under o (depth first, containers and widget
// renderers alike) for which match is true.
func find(o fyne.CanvasObject, match func(fyne.CanvasObject) bool) fyne.CanvasObject {
	if o == nil {
		return nil
	}
	if match(o) {
		return o
	}
	var children []fyne.CanvasObject
	switch w := o.(type) {
	case *fyne.Container:
		children = w.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(w).Objects()
	}
	for _, c := range children {
		if f := find(c, match); f != nil {
			return f
		}
	}
	return nil
}

func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	find(o, func(c fyne.CanvasObject) bool {
		if b = buttonOf(c); b == nil {
			return false
		}
		if b.Text != text {
			b = nil
		}
		return b != nil
	})
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

// Saving an edited profile keeps every field the form shows, call bodies included.
func TestEditorRoundTripKeepsCalls(t *testing.T) {
	p := acme()
	p.Calls = []profiles.APICall{{Name: "Write", Method: "PATCH", Path: "/api/domain/odata/Crm_Sales_Customers(1)", Body: `{"Notes":"x"}`}}
	e := newEnv(t, Deps{}, p)
	u := e.u
	test.Tap(u.run.header.edit)
	test.Tap(u.editor.save)
	u.Wait()
	got, err := e.store.Get(p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Calls) != 1 || got.Calls[0] != p.Calls[0] || got.InstanceURL != p.InstanceURL || got.ClientID != p.ClientID || strings.Join(got.Scopes, " ") != "read update" {
		t.Fatalf("after Edit+Save: %+v", got)
	}
}

// Invalid input is refused with a message naming the field and the fix.
func TestEditorRejectsBadInstance(t *testing.T) {
	e := newEnv(t, Deps{})
	u := e.u
	u.editor.open(nil)
	test.Type(u.editor.name, "Bad")
	test.Type(u.editor.instance, "https://id.erp.net")
	test.Type(u.editor.clientID, "x")
	test.Tap(u.editor.save)
	u.Wait()
	if len(e.store.List()) != 0 {
		t.Fatal("an invalid profile was saved")
	}
	if w := u.editor.warn.Text; !strings.Contains(w, "instance") || !strings.Contains(w, "id.erp.net is the global sign-in") {
		t.Fatalf("warning = %q", w)
	}
}

// The keyboard: Ctrl+F finds, Ctrl+N creates, Ctrl+E edits, Ctrl+S saves, Ctrl+I
// inspects a token.
func TestKeyboardShortcuts(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	// The test canvas wraps the software canvas, which dispatches shortcuts.
	inner := reflect.ValueOf(u.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	c, ok := inner.(interface{ TypedShortcut(fyne.Shortcut) })
	if !ok {
		t.Fatalf("%T cannot take a shortcut", inner)
	}
	press := func(k fyne.KeyName) {
		c.TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
		u.Wait()
	}
	press(fyne.KeyF)
	if u.win.Canvas().Focused() != u.sidebar.search {
		t.Error("Ctrl+F does not focus the search")
	}
	press(fyne.KeyE)
	if u.right.Objects[0] != u.editor.content || u.editor.name.Text != "Nightly import" {
		t.Fatal("Ctrl+E does not edit the selected profile")
	}
	u.editor.notes.SetText("saved with Ctrl+S")
	press(fyne.KeyS)
	if p, _ := e.store.Get("Nightly import"); p.Notes != "saved with Ctrl+S" {
		t.Errorf("Ctrl+S did not save: notes %q", p.Notes)
	}
	press(fyne.KeyN)
	if u.right.Objects[0] != u.editor.content || u.editor.name.Text != "" {
		t.Error("Ctrl+N does not open a new profile")
	}
	u.closeEditor()
	u.Wait()
	press(fyne.KeyI)
	if d := topDialog(u); !strings.Contains(d, "Paste an access token") {
		t.Errorf("Ctrl+I: %q", d)
	}
}

// The main menu carries the shortcuts (so they work while a field has the focus) and
// the About dialog.
func TestMainMenu(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	mm := u.win.MainMenu()
	if mm == nil || len(mm.Items) != 2 || mm.Items[0].Label != "Profile" || mm.Items[1].Label != "Help" {
		t.Fatalf("main menu %+v", mm)
	}
	short := map[string]string{}
	var about *fyne.MenuItem
	for _, m := range mm.Items {
		for _, it := range m.Items {
			if it.Shortcut != nil {
				short[it.Label] = it.Shortcut.ShortcutName()
			}
			if strings.HasPrefix(it.Label, "About") {
				about = it
			}
		}
	}
	for _, label := range []string{"Test this Trusted App", "Test with a fresh token", "Inspect a token…", "New profile", "Edit profile", "Save profile", "Find a profile"} {
		if short[label] == "" {
			t.Errorf("menu item %q has no shortcut (%v)", label, short)
		}
	}
	if about == nil {
		t.Fatal("no About item")
	}
	about.Action()
	if d := topDialog(u); !strings.Contains(d, "Trusted App Tester 0.1.0") || !strings.Contains(d, "never hold a secret") {
		t.Errorf("About: %q", d)
	}
}
