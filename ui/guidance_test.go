package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
	"trustedapp-tester/tokenview"
)

// fakeGuidanceShell is the window as the Guidance tab sees it.
type fakeGuidanceShell struct {
	fakeShell
	tabs    []string
	readers []string
	urls    []string
	trusted []string
}

func (f *fakeGuidanceShell) openURL(s string) { f.urls = append(f.urls, s) }

func (f *fakeGuidanceShell) trustHost(profile, host string) {
	f.trusted = append(f.trusted, profile+" "+host)
}

func (f *fakeGuidanceShell) openTab(name string) { f.tabs = append(f.tabs, name) }

func (f *fakeGuidanceShell) saveFile(string, func(fyne.URIWriteCloser)) {}

func (f *fakeGuidanceShell) readRecordWith(reader string) { f.readers = append(f.readers, reader) }

func (f *fakeGuidanceShell) ExplainError() {}

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

func (f *fakeGuidanceDesk) ReadHolders(string, string, func(*desk.Op), func(desk.HoldersRead)) *desk.Op {
	return nil
}

func (f *fakeGuidanceDesk) LeastPrivilege(p profiles.Profile, r check.Report, rec *check.TrustedAppRecord) []check.Finding {
	return check.LeastPrivilege(check.PrivilegeInputFor(p, r, rec))
}

// After invalid_client Guidance offers the record: with no reader it says how to get
// one; with several the choice names the profile on the button, and one click asks the
// window to read with it.
func TestGuidanceReadOffer(t *testing.T) {
	test.NewTempApp(t)
	// The profile's own token is no offer: it is the one refused.
	own := desk.RecordReader{Name: "Nightly import", Own: true, Run: finishedRun(2, acme())}
	sh, dk := &fakeGuidanceShell{}, &fakeGuidanceDesk{readers: []desk.RecordReader{own}}
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

	dk.readers = []desk.RecordReader{own, {Name: "Inspector", Run: finishedRun(3, profiles.Profile{Name: "Inspector"})}, {Name: "Untested"}}
	g.set(acme(), invalidClientReport())
	test.Tap(findButton(t, g.list, "Read the record with “Inspector”"))
	sel := selectOf(find(g.list, func(o fyne.CanvasObject) bool { return selectOf(o) != nil }))
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

func TestSaveReportMarkdown(t *testing.T) {
	e := sandboxEnv(t, Deps{})
	u := e.u
	u.selectProfile("Sandbox: healthy")
	u.StartRun()
	u.Wait()
	rep := u.desk.Report("Sandbox: healthy")
	if rep == nil || rep.Access == nil {
		t.Fatalf("no token from the healthy scenario (status %q)", u.status.Text)
	}
	path := filepath.Join(t.TempDir(), "report.md")
	u.run.guidance.saveTo(fileWriter(t, path))
	u.Wait()
	if !strings.Contains(u.status.Text, "Report saved to "+path) {
		t.Errorf("status = %q", u.status.Text)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(raw)
	if !strings.Contains(md, "svc-import") || !strings.HasPrefix(strings.TrimSpace(md), "#") {
		t.Errorf("report lacks the System User or is not Markdown:\n%s", md)
	}
	if strings.Contains(md, "sandbox-healthy-secret") {
		t.Fatal("the client secret is in the saved report")
	}
	if tok := rep.Access.Reveal(); tok == "" || strings.Contains(md, tok) {
		t.Fatal("the whole access token is in the saved report")
	}
}

func TestSaveReportWriteFailure(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	wc := fileWriter(t, filepath.Join(t.TempDir(), "r.md"))
	if err := wc.Close(); err != nil {
		t.Fatal(err)
	}
	u.run.guidance.saveTo(wc)
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not save the report") || !strings.Contains(d, "Choose another folder") {
		t.Fatalf("dialog = %q", d)
	}
}
