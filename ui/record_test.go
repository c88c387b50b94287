package ui

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
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
	if rt.read.Disabled() || len(rt.checks) != 7 || !strings.Contains(rt.intro.Text, "paste the values shown on the Trusted App's form") || !strings.HasSuffix(rt.source.Selected, "(requested first)") {
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

// hashRow is the Record tab's ApplicationSecretHash row.
func hashRow(t *testing.T, rt *recordTab) check.RecordCheck {
	t.Helper()
	for _, c := range rt.checks {
		if c.Field == "ApplicationSecretHash" {
			return c
		}
	}
	t.Fatalf("no ApplicationSecretHash row in %+v", rt.checks)
	return check.RecordCheck{}
}

// Pinpointing invalid_client in the sandbox: after the token request fails, Guidance
// offers to read the record with the token of a profile that has one, one click reads
// it and opens the Record tab, and the ApplicationSecretHash row is the one to fix:
// another secret for rotated-secret, the slip by name for the others.
func TestInvalidClientPinpointedInTheSandbox(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	rt := u.run.record
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()

	for _, tc := range []struct {
		scenario, secret string
		want             []string
	}{
		{"rotated-secret", "sandbox-old-secret-2024", []string{"ApplicationSecretHash holds the hash of another secret", "the secret was rotated"}},
		{"secret-newline", "sandbox-newline-secret", []string{"The hash was made from the secret plus a trailing newline (echo adds one)", "Put " + check.ApplicationSecretHash("sandbox-newline-secret") + " in ApplicationSecretHash"}},
		{"secret-crlf", "sandbox-crlf-secret", []string{"Windows line break (CRLF"}},
		{"secret-spaces", "sandbox-spaces-secret", []string{"with spaces around it"}},
		{"secret-hex", "sandbox-hex-secret", []string{"written in hex instead of base64"}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			u.selectProfile("Sandbox: " + tc.scenario)
			u.StartRun()
			u.Wait()
			if u.run.tabs.Selected().Text != "Guidance" || !u.desk.Report("Sandbox: "+tc.scenario).HasFinding(check.TokInvalidClient) {
				t.Fatalf("tab %q, status %q", u.run.tabs.Selected().Text, u.status.Text)
			}
			g := texts(u.run.guidance.list)
			if !strings.Contains(g, "Which field is wrong? ERP.net's answer cannot tell, the Trusted App record can.") {
				t.Fatalf("no offer to read the record:\n%s", g)
			}
			// The reader with a token comes first and is named on the button.
			test.Tap(findButton(t, u.run.guidance.list, "Read the record with “Sandbox: healthy”"))
			u.Wait()
			if u.run.tabs.Selected().Text != "Record" {
				t.Fatalf("the Record tab did not open: %q", u.run.tabs.Selected().Text)
			}
			first := rt.checks[0]
			if first.Field != "ApplicationSecretHash" || first.State != check.RecordBad {
				t.Fatalf("the first row is %s (%s), want ApplicationSecretHash to fix:\n%s", first.Field, first.State, texts(rt.rows))
			}
			for _, w := range tc.want {
				if !strings.Contains(first.Note, w) {
					t.Errorf("the row does not say %q:\n%s", w, first.Note)
				}
			}
			bad := 0
			for _, c := range rt.checks {
				if c.State == check.RecordBad {
					bad++
				}
			}
			if bad != 1 || !strings.Contains(u.status.Text, "1 field to fix: ApplicationSecretHash (read with") || !strings.Contains(u.status.Text, "Sandbox: healthy") {
				t.Errorf("%d fields to fix, status %q", bad, u.status.Text)
			}
			// The hash the record must hold, one click to copy; never the secret.
			test.Tap(findButton(t, rt.rows, "Copy hash"))
			if got := u.app.Clipboard().Content(); got != check.ApplicationSecretHash(tc.secret) {
				t.Errorf("copied %q", got)
			}
			if all := texts(u.content) + u.status.Text + u.app.Clipboard().Content(); strings.Contains(all, tc.secret) {
				t.Fatal("the client secret appears on screen or in the clipboard")
			}
		})
	}
}

// The Record tab of an app that gets no token shows the hash its record must hold,
// ready to copy: from the run at once, else asked of the desk when the tab opens. A
// keychain that will not answer is said in the row; the secret never shows.
func TestRecordHashToCopyWithoutARecord(t *testing.T) {
	other := acme()
	other.Name, other.ClientID = "Price sync", "com.acme/prices"
	e := newEnv(t, Deps{Run: replayRun(invalidClientReport())}, acme(), other)
	u := e.u
	rt := u.run.record
	u.selectProfile("Nightly import")
	u.StartRun()
	u.Wait()
	u.run.openTab("Record")
	u.Wait()
	want := check.ApplicationSecretHash("seed-secret-Nightly import")
	row := hashRow(t, rt)
	if row.State != check.RecordUnknown || row.Want != want || row.Actual != "not read" || !strings.Contains(row.Note, "it is not the secret") {
		t.Fatalf("row %+v", row)
	}
	if !strings.Contains(texts(rt.rows), "must be: "+want) {
		t.Errorf("the hash is not shown:\n%s", texts(rt.rows))
	}
	test.Tap(findButton(t, rt.rows, "Copy hash"))
	if u.app.Clipboard().Content() != want || !strings.Contains(u.status.Text, "the hash, never the secret") {
		t.Errorf("clipboard %q, status %q", u.app.Clipboard().Content(), u.status.Text)
	}

	// A profile not tested this session, selected while the tab shows: no keychain read
	// while the screen fills, the row says how to see it; opening the tab asks the desk.
	u.selectProfile("Price sync")
	if row := hashRow(t, rt); row.Actual != "not compared" || !strings.Contains(row.Note, "Open this tab again") {
		t.Fatalf("before asking: %+v", row)
	}
	u.run.openTab("Claims")
	u.run.openTab("Record")
	u.Wait()
	if row := hashRow(t, rt); row.Want != check.ApplicationSecretHash("seed-secret-Price sync") {
		t.Fatalf("after opening the tab: %+v", row)
	}

	// The keychain gives nothing: the row says so and nothing is copied.
	keyring.MockInitWithError(noDBus)
	t.Cleanup(keyring.MockInit)
	u.selectProfile("Nightly import") // its run's hash is still known
	u.selectProfile("Price sync")
	u.run.openTab("Claims")
	u.run.openTab("Record")
	u.Wait()
	row = hashRow(t, rt)
	if !strings.Contains(row.Note, sentence.Capitalize(platform.Keychain())+" did not give the profile's secret") || find(rt.rows, func(o fyne.CanvasObject) bool {
		b := buttonOf(o)
		return b != nil && b.Text == "Copy hash"
	}) != nil {
		t.Errorf("keychain down: %+v", row)
	}
	if strings.Contains(texts(u.content), "seed-secret") {
		t.Fatal("a secret appears on screen")
	}
}

// The Record tab with fakes: an answer to a comparison the tab moved on from is
// dropped; Guidance's reader is chosen in "Read with" and read with.
func TestRecordTabHashAndReaders(t *testing.T) {
	test.NewTempApp(t)
	sh := &fakeShell{}
	p := acme()
	dk := &fakeRecordDesk{readers: []desk.RecordReader{{Name: "Price sync"}, {Name: "Reader two"}}}
	rt := newRecordTab(sh, dk)
	rt.set(p, nil)
	if dk.hashes != 0 {
		t.Fatal("the keychain was asked while the screen was filled")
	}
	if got := rt.source.Options; len(got) != 3 || got[0] != "the token of “Price sync” (requested first)" || got[2] != formLabel() || rt.read.Disabled() {
		t.Fatalf("sources %q, read disabled %v", got, rt.read.Disabled())
	}
	rt.opened()
	late := dk.hashDone
	other := p
	other.Name = "Other"
	rt.set(other, nil)
	late(desk.SecretHash{Hash: "late", Row: check.RecordCheck{Field: "ApplicationSecretHash", Want: "late", State: check.RecordUnknown}})
	if row := hashRow(t, rt); row.Want == "late" {
		t.Fatal("a comparison for another profile was shown")
	}
	rt.opened()
	dk.hashDone(desk.SecretHash{Hash: "H=", Row: check.RecordCheck{Field: "ApplicationSecretHash", Want: "H=", Actual: "not read", State: check.RecordUnknown}})
	if row := hashRow(t, rt); row.Want != "H=" {
		t.Fatalf("row %+v", row)
	}

	rt.readWith("Reader two")
	if len(dk.readWith) != 1 || dk.readWith[0] != "Reader two" || rt.source.Selected != "the token of “Reader two” (requested first)" || rt.read.Text != "Cancel" {
		t.Fatalf("read with %v, selected %q, button %q", dk.readWith, rt.source.Selected, rt.read.Text)
	}
	rt.readWith("Price sync") // a second click while the first read runs
	if len(dk.readWith) != 1 || !strings.Contains(sh.status, "is in flight") {
		t.Fatalf("a second read started: %v, status %q", dk.readWith, sh.status)
	}
	hash := check.ApplicationSecretHash("old")
	readerRun := finishedRun(7, profiles.Profile{Name: "Reader two"})
	dk.done(desk.RecordRead{Op: desk.OpID(dk.reads), Reader: desk.RecordReader{Name: "Reader two", Run: readerRun},
		Result:     check.RecordResult{Record: &check.TrustedAppRecord{ApplicationURI: other.ClientID, ApplicationSecretHash: &hash}},
		SecretHash: desk.SecretHash{Name: "Other", Hash: "H=", Row: check.RecordCheck{Field: "ApplicationSecretHash", Actual: hash, Want: "H=", State: check.RecordBad, Note: "another secret"}}})
	if rt.checks[0].Field != "ApplicationSecretHash" || !strings.Contains(sh.status, "the token of “Reader two” (System User svc-import)") {
		t.Errorf("first row %s, status %q", rt.checks[0].Field, sh.status)
	}
	if len(sh.recordsRead) != 1 || sh.recordsRead[0] == nil {
		t.Errorf("the record was not handed on to Guidance: %v", sh.recordsRead)
	}
	// A reader that is gone: said, nothing read.
	rt.readWith("Nobody")
	if len(dk.readWith) != 1 || !strings.Contains(sh.status, "“Nobody” has no token to read the record with") {
		t.Errorf("read with %v, status %q", dk.readWith, sh.status)
	}
}

// doctorEnv is acme() ("Nightly import"), whose token request gets invalid_client
// because its record's hash was made with echo, and "Inspector" on the same instance,
// tested, whose token reads the record. Nightly import was tested last: Guidance shows.
func doctorEnv(t *testing.T) *env {
	t.Helper()
	inspector := acme()
	inspector.Name, inspector.ClientID, inspector.Environment = "Inspector", "com.acme/inspector", profiles.EnvTest
	runs := func(ctx context.Context, p profiles.Profile, s string, o check.Options, on func(check.Step)) check.Report {
		if p.Name == "Inspector" {
			return replayRun(healthyReport())(ctx, p, s, o, on)
		}
		return replayRun(invalidClientReport())(ctx, p, s, o, on)
	}
	echoed := check.ApplicationSecretHash("seed-secret-Nightly import\n")
	scope := "read update"
	yes := true
	reads := func(_ context.Context, p profiles.Profile, _ *check.AccessToken, id string, _ check.Options) check.RecordResult {
		return check.RecordResult{Status: 200, Record: &check.TrustedAppRecord{Name: "Nightly import", ApplicationURI: id, ClientType: "Confidential",
			SystemUserAllowed: &yes, IsEnabled: &yes, SystemUser: "svc-import", SystemUserSet: true, SystemUserKnown: true, Scope: &scope,
			ReferenceTokens: "None", ApplicationSecretHash: &echoed, SystemUserType: "ApplicationUserNoLogin"}}
	}
	e := newEnv(t, Deps{Run: runs, ReadRecord: reads}, acme(), inspector)
	e.u.selectProfile("Inspector")
	e.u.StartRun()
	e.u.Wait()
	e.u.selectProfile("Nightly import")
	e.u.StartRun()
	e.u.Wait()
	return e
}

// The case: "rotated-secret" read with "healthy"'s token. Before the hash row,
// the Record tab said every field was right while the token request failed.
func TestRotatedSecretReadWithHealthysToken(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	u.selectProfile("Sandbox: rotated-secret")
	u.StartRun()
	u.Wait()
	u.run.tabs.SelectIndex(4)
	u.Wait()
	rt := u.run.record
	for _, o := range rt.source.Options {
		if strings.HasPrefix(o, "the token of “Sandbox: healthy”") {
			rt.source.SetSelected(o)
		}
	}
	test.Tap(rt.read)
	u.Wait()
	if strings.Contains(u.status.Text, "every field client credentials needs is right") || !strings.Contains(u.status.Text, "1 field to fix: ApplicationSecretHash") {
		t.Fatalf("status %q", u.status.Text)
	}
}
