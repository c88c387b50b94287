package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// Against a sandbox whose Trusted App records need the sec scope: opening the Record
// tab reads the record, the instance refuses (both causes named), the form's values
// are offered, and pasting them runs the same checklist, the hash compared with the
// stored secret and a slip named; fields not pasted are left to check by hand.
func TestRecordTabFormWhenTheAPIRefuses(t *testing.T) {
	e := sandboxEnvWith(t, Deps{}, sandbox.Config{RecordNeedsSec: true})
	u := e.u
	rt := u.run.record
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	u.run.tabs.SelectIndex(4)
	u.Wait()
	if !rt.problem.Visible() || !strings.Contains(rt.problem.Text, "needs the sec scope") || !strings.Contains(rt.problem.Text, "reserved for ERP.net internal use only") {
		t.Fatalf("problem %q", rt.problem.Text)
	}
	if rt.source.Selected != formLabel() || !rt.formBox.Visible() || rt.read.Text != formReadLabel() || rt.read.Disabled() {
		t.Fatalf("the form is not offered: source %q, box %v, button %q", rt.source.Selected, rt.formBox.Visible(), rt.read.Text)
	}

	// Nothing pasted yet: said, nothing read.
	test.Tap(rt.read)
	if !strings.Contains(u.status.Text, "Paste the values") {
		t.Errorf("status %q", u.status.Text)
	}

	// The values as the web form shows them.
	sc := scenarioOf(t, e, "healthy")
	test.Type(rt.form, "Application Uri\t"+sc.ClientID+"\nIs Enabled\tYes\nClient Type\tConfidential\nApplication Secret Hash\t"+check.ApplicationSecretHash(sc.ClientSecret)+
		"\nSystem User Allowed\tYes\nSystem User\tsvc-import\nScope\tread update\n")
	test.Tap(rt.read)
	u.Wait()
	for f, s := range recordStates(rt) {
		if s != check.RecordOK {
			t.Errorf("healthy from its form: %s is %s", f, s)
		}
	}
	if !strings.Contains(rt.intro.Text, check.FormSource) || !strings.Contains(u.status.Text, "(from its form): no field pasted needs fixing") || rt.problem.Visible() {
		t.Errorf("intro %q, status %q, problem %q", rt.intro.Text, u.status.Text, rt.problem.Text)
	}
	// The box folds away for the rows; the button opens it again.
	if rt.formBox.Visible() || rt.read.Text != formEditLabel() {
		t.Errorf("after the check: box %v, button %q", rt.formBox.Visible(), rt.read.Text)
	}
	test.Tap(rt.read)
	if !rt.formBox.Visible() || rt.read.Text != formReadLabel() || !strings.Contains(rt.form.Text, "svc-import") {
		t.Errorf("editing again: box %v, button %q", rt.formBox.Visible(), rt.read.Text)
	}

	// The app whose hash was made with echo, two fields pasted: the slip is named, the
	// others are to check by hand.
	u.selectProfile("Sandbox: secret-newline")
	u.run.tabs.SelectIndex(4)
	u.Wait()
	if rt.form.Text != "" {
		t.Errorf("another app's values stayed in the box: %q", rt.form.Text)
	}
	rt.source.SetSelected(formLabel())
	nl := scenarioOf(t, e, "secret-newline")
	test.Type(rt.form, "ApplicationSecretHash: "+check.ApplicationSecretHash(nl.ClientSecret+"\n")+"\nIsEnabled: yes\nColour: blue\n")
	test.Tap(rt.read)
	u.Wait()
	got := recordStates(rt)
	if got["ApplicationSecretHash"] != check.RecordBad || got["IsEnabled"] != check.RecordOK || got["Scope"] != check.RecordUnknown {
		t.Errorf("states %v", got)
	}
	if rows := texts(rt.rows); !strings.Contains(rows, "the secret plus a trailing newline (echo adds one)") || !strings.Contains(rows, "not in the form") {
		t.Errorf("rows:\n%s", rows)
	}
	if !rt.problem.Visible() || !strings.Contains(rt.problem.Text, `"Colour" is not a field`) {
		t.Errorf("the note on what was ignored: %q", rt.problem.Text)
	}
	if !strings.Contains(u.status.Text, "1 field to fix: ApplicationSecretHash") || !strings.Contains(u.status.Text, "not pasted:") {
		t.Errorf("status %q", u.status.Text)
	}
	if strings.Contains(texts(u.content), nl.ClientSecret) {
		t.Error("the secret is on screen")
	}
}

// scenarioOf is a sandbox scenario's client_id and secret, as the app stored them.
func scenarioOf(t *testing.T, e *env, name string) sandbox.Scenario {
	t.Helper()
	p, ok := e.u.desk.Find("Sandbox: " + name)
	secret, err := e.secrets.Get("Sandbox: " + name)
	if !ok || err != nil {
		t.Fatalf("scenario %s: %v %v", name, ok, err)
	}
	return sandbox.Scenario{Name: name, ClientID: p.ClientID, ClientSecret: secret}
}

// recordFormEnv is acme() after a run whose record read the instance refused (403),
// with part of its form pasted and checked: the Record tab's form, for the snapshot.
func recordFormEnv(t *testing.T) *env {
	t.Helper()
	refused := func(_ context.Context, p profiles.Profile, _ *check.AccessToken, id string, _ check.Options) check.RecordResult {
		return check.RecordResult{Status: 403, Problem: "The instance refused to show the record (HTTP 403): reading Systems_Security_TrustedApplications needs the sec scope, which no ordinary token can get."}
	}
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), ReadRecord: refused}, acme())
	e.u.StartRun()
	e.u.Wait()
	e.u.run.openTab("Record")
	e.u.Wait()
	rt := e.u.run.record
	p, _ := e.u.desk.Current()
	test.Type(rt.form, "Application Uri\t"+p.ClientID+"\nIs Enabled\tYes\nClient Type\tConfidential\nApplication Secret Hash\t"+
		check.ApplicationSecretHash("seed-secret-"+p.Name+"\n")+"\nSystem User Allowed\tYes\nScope\tread update\n")
	test.Tap(rt.read)
	e.u.Wait()
	return e
}
