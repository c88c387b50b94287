package ui

import (
	"context"
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
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
	"trustedapp-tester/tokenview"
)

// invalidClientReport is a hand-made run whose token request gets invalid_client.
func invalidClientReport() check.Report {
	r := healthyReport()
	steps := append([]check.Step(nil), r.Steps[:2]...)
	steps = append(steps, check.Step{Kind: check.StepToken, Name: "Token", Verdict: check.Fail, Summary: "400 invalid_client", Duration: 61 * time.Millisecond,
		Findings: []check.Finding{{Code: check.TokInvalidClient, Severity: check.SevFail,
			Message:  "The token endpoint refused the client (invalid_client).",
			Evidence: map[string]string{check.EvError: "invalid_client", check.EvClientID: "com.acme/nightly", check.EvAuthMethod: "post"}}},
		Exchanges: []check.Exchange{ex("POST", "https://acme.my.erp.net/id/connect/token", 400, `{"error":"invalid_client"}`, 61*time.Millisecond)}})
	steps = append(steps, check.Step{Kind: check.StepInspect, Name: "Signature", Verdict: check.Skipped, Summary: "no token"})
	return check.Report{Profile: "Nightly import", Started: r.Started, Finished: r.Started.Add(140 * time.Millisecond), Verdict: check.Fail, Steps: steps}
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
		{"secret-newline", "sandbox-newline-secret", []string{"The hash was made from the secret plus a trailing newline (echo instead of printf)", "Put " + check.ApplicationSecretHash("sandbox-newline-secret") + " in ApplicationSecretHash"}},
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
	if !strings.Contains(row.Note, "The keychain did not give the profile's secret") || find(rt.rows, func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		return ok && b.Text == "Copy hash"
	}) != nil {
		t.Errorf("keychain down: %+v", row)
	}
	if strings.Contains(texts(u.content), "seed-secret") {
		t.Fatal("a secret appears on screen")
	}
}

// The Record tab with fakes: an answer to a comparison the tab moved on from is
// dropped; Guidance's reader is chosen in "Read with" and read with ReadRecordWith.
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
	if got := rt.source.Options; len(got) != 2 || got[0] != "the token of “Price sync” (requested first)" || rt.read.Disabled() {
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
	dk.done(desk.RecordRead{Op: desk.OpID(dk.reads), Source: desk.RecordSource{Run: readerRun},
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

// fakeGuidanceShell is the window as the Guidance tab sees it.
type fakeGuidanceShell struct {
	fakeShell
	tabs    []string
	readers []string
	urls    []string
	trusted []string
}

func (f *fakeGuidanceShell) openURL(s string)                           { f.urls = append(f.urls, s) }
func (f *fakeGuidanceShell) openTab(name string)                        { f.tabs = append(f.tabs, name) }
func (f *fakeGuidanceShell) saveFile(string, func(fyne.URIWriteCloser)) {}
func (f *fakeGuidanceShell) readRecordWith(reader string)               { f.readers = append(f.readers, reader) }
func (f *fakeGuidanceShell) ExplainError()                              {}
func (f *fakeGuidanceShell) trustHost(profile, host string) {
	f.trusted = append(f.trusted, profile+" "+host)
}

// fakeGuidanceDesk explains with the real catalogue and advises with the real engine.
type fakeGuidanceDesk struct {
	readers []desk.RecordReader
}

func (f *fakeGuidanceDesk) Explain(code string, ev map[string]string) guide.Explanation {
	return guide.Explain(code, ev)
}
func (f *fakeGuidanceDesk) SaveReport(fyne.URIWriteCloser, profiles.Profile, check.Report, func(desk.Written)) *desk.Op {
	return nil
}
func (f *fakeGuidanceDesk) RecordReaders(string) []desk.RecordReader { return f.readers }
func (f *fakeGuidanceDesk) LeastPrivilege(p profiles.Profile, r check.Report, rec *check.TrustedAppRecord) []check.Finding {
	return check.LeastPrivilege(check.PrivilegeInputFor(p, r, rec))
}

// After invalid_client Guidance offers the record: with no reader it says how to get
// one; with several the choice names the profile on the button, and one click asks the
// window to read with it.
func TestGuidanceReadOffer(t *testing.T) {
	test.NewTempApp(t)
	sh, dk := &fakeGuidanceShell{}, &fakeGuidanceDesk{}
	g := newGuidanceTab(sh, dk)
	g.set(acme(), invalidClientReport())
	got := texts(g.list)
	if !strings.Contains(got, "No other profile on acme.my.erp.net has a token to read it with") {
		t.Fatalf("no reader:\n%s", got)
	}
	test.Tap(findButton(t, g.list, "Open the Record tab"))
	if strings.Join(sh.tabs, ",") != "Record" {
		t.Errorf("tabs %v", sh.tabs)
	}

	dk.readers = []desk.RecordReader{{Name: "Inspector", Run: finishedRun(3, profiles.Profile{Name: "Inspector"})}, {Name: "Untested"}}
	g.set(acme(), invalidClientReport())
	test.Tap(findButton(t, g.list, "Read the record with “Inspector”"))
	sel := find(g.list, func(o fyne.CanvasObject) bool { _, ok := o.(*widget.Select); return ok }).(*widget.Select)
	sel.SetSelected("Untested")
	test.Tap(findButton(t, g.list, "Read the record with “Untested”"))
	if strings.Join(sh.readers, ",") != "Inspector,Untested" {
		t.Errorf("read with %v", sh.readers)
	}
	// Only invalid_client gets the offer.
	g.set(acme(), scopeFailReport())
	if strings.Contains(texts(g.list), "Which field is wrong?") {
		t.Error("the offer shows for invalid_scope")
	}
}

// "Least privilege" follows the findings: advice with an information icon, from the
// token and, once read, the record; the verdict and the findings stay as they were.
func TestGuidanceLeastPrivilege(t *testing.T) {
	test.NewTempApp(t)
	sh, dk := &fakeGuidanceShell{}, &fakeGuidanceDesk{}
	g := newGuidanceTab(sh, dk)
	rep := healthyReport() // read update granted; acme's default calls only read
	g.set(acme(), rep)
	got := texts(g.list)
	if !strings.Contains(got, "Least privilege") || !strings.Contains(got, "update is allowed, but the integration only reads") ||
		!strings.Contains(got, "None of it fails the check or changes the verdict") || !strings.Contains(got, "Everything passed") {
		t.Fatalf("advice:\n%s", got)
	}
	if !strings.Contains(got, "NARROW") || !strings.Contains(got, "Trusted App field “Scope”: read (update only if the integration writes)") {
		t.Errorf("what to narrow is not said:\n%s", got)
	}
	if rep.Verdict != check.Pass || len(g.advice) != 1 {
		t.Errorf("verdict %s, advice %d", rep.Verdict, len(g.advice))
	}
	// The record adds its own advice.
	g.setRecord(&check.TrustedAppRecord{ReferenceTokens: "AdministratorsOnly", SystemUserType: "InternalUser", SystemUser: "svc-import"})
	got = texts(g.list)
	if !strings.Contains(got, "Reference tokens can be issued for this app (AdministratorsOnly)") || !strings.Contains(got, "is an interactive user") ||
		!strings.Contains(got, "from the token and the Trusted App record") {
		t.Errorf("record advice:\n%s", got)
	}
	// No token and no record: no section. A record alone: its advice only.
	g.set(acme(), invalidClientReport())
	if strings.Contains(texts(g.list), "Least privilege") {
		t.Error("advice without a token or a record")
	}
	g.setRecord(&check.TrustedAppRecord{BasicAuthAllowed: ptr(true)})
	if got := texts(g.list); !strings.Contains(got, "Legacy Basic authentication is allowed") || !strings.Contains(got, "from the Trusted App record") {
		t.Errorf("record only:\n%s", got)
	}
	// Nothing to narrow is said too.
	narrow := acme()
	narrow.Scopes = []string{"read"}
	r := healthyReport()
	cl := *r.Claims
	cl.Scopes = []string{"read"}
	r.Claims, r.Scopes = &cl, &tokenview.ScopeDiff{Requested: []string{"read"}, Granted: []string{"read"}}
	g.set(narrow, r)
	if !strings.Contains(texts(g.list), "Nothing to narrow that the token show") {
		t.Errorf("nothing to narrow:\n%s", texts(g.list))
	}
}

func ptr[T any](v T) *T { return &v }

// In the sandbox the advice comes from the real token and record: healthy is granted
// update though it only reads; reference-tokens' record allows reference tokens for an
// interactive user. The verdicts stay.
func TestLeastPrivilegeInTheSandbox(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	if !strings.Contains(u.status.Text, "Passed") || !strings.Contains(u.status.Text, "Least privilege: 1 suggestion in Guidance.") ||
		!strings.Contains(texts(u.run.guidance.list), "update is allowed, but the integration only reads") {
		t.Fatalf("healthy: status %q", u.status.Text)
	}
	u.selectProfile("Sandbox: reference-tokens")
	u.StartRun()
	u.Wait()
	r := u.desk.Report("Sandbox: reference-tokens")
	u.run.openTab("Record") // reads with its own token
	u.Wait()
	g := texts(u.run.guidance.list)
	if !strings.Contains(g, "Reference tokens can be issued for this app (AdministratorsOnly)") || !strings.Contains(g, "The System User svc-reports is an interactive user") {
		t.Fatalf("advice after reading the record:\n%s", g)
	}
	if r.Verdict == check.Fail || !strings.Contains(verdictSentence(*r), "Passed") {
		t.Errorf("the advice changed the verdict: %s", r.Verdict)
	}
}

// The editor shows the ApplicationSecretHash of the secret as it is typed, warns about
// spaces around it, shows the stored secret's hash (known from a run, or asked for with
// a click: the secret stays in the desk), and copies the hash, never the secret.
func TestEditorShowsTheSecretHash(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	ed := u.editor
	u.EditCurrent()
	if ed.hashRow.Visible() || !ed.hashAsk.Visible() {
		t.Fatal("before asking: the stored hash should be one click away")
	}
	test.Tap(ed.hashAsk)
	u.Wait()
	stored := check.ApplicationSecretHash("seed-secret-Nightly import")
	if !ed.hashRow.Visible() || ed.hashValue.Text != stored || !strings.Contains(ed.hashCaption.Text, "of the stored secret") {
		t.Fatalf("stored: %q %q", ed.hashCaption.Text, ed.hashValue.Text)
	}
	test.Type(ed.secret, "new-secret")
	if ed.hashValue.Text != check.ApplicationSecretHash("new-secret") || !strings.Contains(ed.hashCaption.Text, "of the secret typed") {
		t.Fatalf("typed: %q %q", ed.hashCaption.Text, ed.hashValue.Text)
	}
	test.Type(ed.secret, " ")
	if !strings.Contains(ed.hashCaption.Text, "starts or ends with a space") || ed.hashValue.Text != check.ApplicationSecretHash("new-secret ") {
		t.Errorf("trailing space: %q", ed.hashCaption.Text)
	}
	test.Tap(ed.hashCopy)
	if got := u.app.Clipboard().Content(); got != check.ApplicationSecretHash("new-secret ") || strings.Contains(u.status.Text, "new-secret") {
		t.Errorf("copied %q, status %q", got, u.status.Text)
	}
	ed.secret.SetText("")
	if ed.hashValue.Text != stored {
		t.Errorf("cleared: %q", ed.hashValue.Text)
	}
	u.closeEditor()

	// After a run the desk knows the hash: shown at once.
	u.StartRun()
	u.Wait()
	u.EditCurrent()
	if ed.hashValue.Text != stored || ed.hashAsk.Visible() {
		t.Errorf("after a run: %q (button %v)", ed.hashValue.Text, ed.hashAsk.Visible())
	}
	u.closeEditor()

	// A new profile has none; a profile whose secret is gone says so.
	u.NewProfile()
	if ed.hashRow.Visible() || ed.hashAsk.Visible() {
		t.Error("a new profile shows a stored hash")
	}
	u.closeEditor()
	if err := e.secrets.Delete("Nightly import"); err != nil {
		t.Fatal(err)
	}
	u.StartRun() // no secret: the run does not start, and the old run's hash is kept
	u.Wait()
	closeDialogs(u)
	p, _ := u.desk.Current()
	p.SecretSetAt = p.SecretSetAt.Add(time.Second)
	if err := e.store.MarkSecretSet(p.Name, p.SecretSetAt); err != nil {
		t.Fatal(err)
	}
	u.Reload(p.Name)
	u.Wait()
	u.EditCurrent()
	test.Tap(ed.hashAsk)
	u.Wait()
	if ed.hashRow.Visible() || !strings.Contains(u.status.Text, "has no client secret stored") {
		t.Errorf("no secret: row %v, status %q", ed.hashRow.Visible(), u.status.Text)
	}
}

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
	if n.form == nil || !strings.Contains(topDialog(u), "stores it in the system keychain for the profile and shows it once") {
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
	for _, want := range []string{"it will not be shown again", "stored in the system keychain for “Nightly import”", hash,
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
	if n.who == nil || n.who.Selected != forNewLabel || n.instance.Text != "https://acme.my.erp.net" {
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
	if d := topDialog(u); !strings.Contains(d, "No system keychain is available: it is kept in memory for “Session” until the app closes") {
		t.Fatalf("dialog %q", d)
	}
	if got, _ := store.Get("Session"); got != "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p" {
		t.Errorf("session secret %q", got)
	}
}

// pinnedSecret is the secret of snapshots and screenshots: made once, never random.
func pinnedSecret() (string, error) { return "Q9xv2LmP8rT4wZ6yB1nC3dF5gH7jK0sA2eU4iO6p", nil }

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

// Plain Esc reaches the canvas as a typed key, not a shortcut: it cancels the run in
// flight; with a dialog open it closes the dialog first and the run goes on.
func TestEscapeCancelsTheRun(t *testing.T) {
	started := make(chan struct{})
	e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
	u := e.u
	u.StartRun()
	<-started
	u.newApp.open(false) // (the menu does not open it while a test runs)
	esc := u.win.Canvas().OnTypedKey()
	esc(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.newApp.form != nil {
		t.Fatal("Esc did not close the dialog")
	}
	if !u.Running() {
		t.Fatal("the Esc that closed the dialog also cancelled the run")
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.Wait()
	if r := u.desk.Report("Nightly import"); r == nil || !r.Cancelled {
		t.Fatalf("Esc did not cancel the run: %+v", r)
	}
}

// After a click in the sidebar, its search box or its list has the keyboard; Esc still
// cancels the run (it used to be swallowed there).
func TestEscapeFromTheSidebarCancelsTheRun(t *testing.T) {
	for _, where := range []string{"search", "list"} {
		t.Run(where, func(t *testing.T) {
			started := make(chan struct{})
			e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
			u := e.u
			u.StartRun()
			<-started
			var f fyne.Focusable = u.sidebar.search
			if where == "list" {
				f = u.sidebar.list
			}
			u.win.Canvas().Focus(f)
			if u.win.Canvas().Focused() != f {
				t.Fatalf("the %s did not take the keyboard", where)
			}
			f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			u.Wait()
			if r := u.desk.Report("Nightly import"); r == nil || !r.Cancelled {
				t.Fatalf("Esc in the %s did not cancel the run: %+v", where, r)
			}
			if u.win.Canvas().Focused() != nil {
				t.Errorf("the %s kept the keyboard after Esc", where)
			}
		})
	}
}
