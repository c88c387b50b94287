package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
)

func recordStates(t *recordTab) map[string]check.RecordState {
	m := map[string]check.RecordState{}
	for _, c := range t.checks {
		m[c.Field] = c.State
	}
	return m
}

// The Record tab reads the Trusted App record with this run's token when opened,
// and, for an app that gets no token, with another profile's token.
func TestRecordTab(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	rt := u.run.record

	// Before any token: the checklist to check by hand (ApplicationSecretHash too); the
	// other sandbox profiles can read it, each getting a token first.
	u.selectProfile("Sandbox: scope-not-allowed")
	if rt.read.Disabled() || len(rt.checks) != 7 || !strings.Contains(rt.intro.Text, "check them by hand") || !strings.HasSuffix(rt.source.Selected, "(requested first)") {
		t.Fatalf("no token: read disabled %v, %d rows, intro %q, source %q", rt.read.Disabled(), len(rt.checks), rt.intro.Text, rt.source.Selected)
	}
	for f, s := range recordStates(rt) {
		if s != check.RecordUnknown {
			t.Errorf("unread %s is %s", f, s)
		}
	}
	if !strings.Contains(texts(rt.rows), "must be: at least: read update") {
		t.Errorf("the unread Scope row does not say what it must hold:\n%s", texts(rt.rows))
	}

	// The healthy app: opening the tab reads its own record.
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	u.run.tabs.SelectIndex(4)
	if u.run.tabs.Selected().Text != "Record" {
		t.Fatalf("tab 4 is %q", u.run.tabs.Selected().Text)
	}
	u.Wait()
	for f, s := range recordStates(rt) {
		if s != check.RecordOK {
			t.Errorf("healthy: %s is %s", f, s)
		}
	}
	if !strings.Contains(u.status.Text, "every field client credentials needs is right") || rt.problem.Visible() {
		t.Errorf("status %q, problem %q", u.status.Text, rt.problem.Text)
	}
	if !strings.Contains(texts(rt.rows), "svc-import") {
		t.Errorf("the System User is not shown:\n%s", texts(rt.rows))
	}

	// The app that gets no token: read its record with the healthy app's token.
	u.selectProfile("Sandbox: scope-not-allowed")
	u.StartRun()
	u.Wait()
	u.run.tabs.SelectIndex(4)
	u.Wait()
	want := "the token of “Sandbox: healthy” (System User svc-import)"
	if rt.source.Selected != want || rt.read.Disabled() {
		t.Fatalf("source %q (options %q)", rt.source.Selected, rt.source.Options)
	}
	if states := recordStates(rt); states["Scope"] != check.RecordUnknown {
		t.Fatal("the record was read without being asked (another profile's token)")
	}
	test.Tap(rt.read)
	u.Wait()
	states := recordStates(rt)
	if states["Scope"] != check.RecordBad || states["IsEnabled"] != check.RecordOK {
		t.Fatalf("scope-not-allowed record: %v", states)
	}
	if got := texts(rt.rows); !strings.Contains(got, "Add update to Scope (exact case)") {
		t.Errorf("the fix is not shown:\n%s", got)
	}
	if !strings.Contains(u.status.Text, "1 field to fix: Scope (read with") {
		t.Errorf("status %q", u.status.Text)
	}
}

// A token the instance refuses when reading: the problem is said and the rows stay
// "check by hand".
func TestRecordTabProblem(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), ReadRecord: func(context.Context, profiles.Profile, *check.AccessToken, string, check.Options) check.RecordResult {
		return check.RecordResult{Problem: "The System User behind this token may not read Trusted Application records (HTTP 403)."}
	}}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.run.tabs.SelectIndex(4)
	u.Wait()
	rt := u.run.record
	if !rt.problem.Visible() || !strings.Contains(rt.problem.Text, "HTTP 403") {
		t.Fatalf("problem %q (visible %v)", rt.problem.Text, rt.problem.Visible())
	}
	for f, s := range recordStates(rt) {
		if s != check.RecordUnknown {
			t.Errorf("%s is %s after a failed read", f, s)
		}
	}
	if !strings.Contains(u.status.Text, "could not be read") {
		t.Errorf("status %q", u.status.Text)
	}
}

// Guidance about Trusted App fields leads to the Record checklist.
func TestGuidanceOpensRecord(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	test.Tap(findButton(t, u.run.guidance.list, "Check the Trusted App record"))
	if u.run.tabs.Selected().Text != "Record" {
		t.Fatalf("selected tab %q", u.run.tabs.Selected().Text)
	}
	if len(u.run.record.checks) == 0 || !strings.Contains(texts(u.run.record.rows), "Scope") {
		t.Errorf("record rows: %s", texts(u.run.record.rows))
	}
}

// Another profile's token that the instance refuses: the problem names that profile.
func TestRecordTabOtherTokenRefused(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), ReadRecord: func(context.Context, profiles.Profile, *check.AccessToken, string, check.Options) check.RecordResult {
		return check.RecordResult{Status: 401, Problem: "The instance refused the token (HTTP 401): run the test again for a fresh token."}
	}}, acme())
	u := e.u
	u.StartRun() // the reader
	u.Wait()
	other := acme()
	other.Name, other.ClientID = "Price sync", "com.acme/prices"
	if err := e.store.Add(other); err != nil {
		t.Fatal(err)
	}
	u.Reload("Price sync")
	u.Wait()
	rt := u.run.record
	if !strings.Contains(rt.source.Selected, "Nightly import") {
		t.Fatalf("source %q", rt.source.Selected)
	}
	rt.readRecord()
	u.Wait()
	if !strings.Contains(rt.problem.Text, "refused the token of “Nightly import”") || !strings.Contains(rt.problem.Text, "Test “Nightly import” again") {
		t.Errorf("problem %q", rt.problem.Text)
	}
}

// urlApp records the addresses the app asks the system to open, and can fail.
type urlApp struct {
	fyne.App
	opened []string
	err    error
}

func (a *urlApp) OpenURL(u *url.URL) error {
	a.opened = append(a.opened, u.String())
	return a.err
}

// "Open the docs" in Guidance and the Help menu open the page; a system that cannot
// open a browser is told the address to open by hand.
func TestOpenDocs(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(scopeFailReport())}, acme())
	u := e.u
	app := &urlApp{App: e.app}
	u.app = app
	u.StartRun()
	u.Wait()
	ex := u.desk.Explain(check.TokInvalidScope, nil)
	test.Tap(findButton(t, u.run.guidance.list, "Open the docs"))
	if len(app.opened) != 1 || app.opened[0] != ex.DocURL {
		t.Fatalf("opened %v, want %s", app.opened, ex.DocURL)
	}
	app.err = errors.New("no browser")
	for _, it := range u.win.MainMenu().Items[1].Items {
		if strings.HasPrefix(it.Label, "ERP.net docs") {
			it.Action()
		}
	}
	if d := topDialog(u); !strings.Contains(d, "Could not open the browser") || !strings.Contains(d, "Open "+guide.OverviewURL+" yourself") {
		t.Errorf("dialog %q", d)
	}
}
