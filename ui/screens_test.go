package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
)

// Screens are built on the small interfaces they declare, so they are tested here with
// fakes of the window and the desk, without either.

// fakeShell is the window as a screen sees it: the status line and the dialogs.
type fakeShell struct {
	status      string
	errors      []string
	messages    []string
	clip        *fakeClipboard
	recordsRead []*check.TrustedAppRecord
}

func (f *fakeShell) setStatus(s string) { f.status = s }
func (f *fakeShell) showError(what string, err error, fix string) {
	f.errors = append(f.errors, what+": "+err.Error())
}
func (f *fakeShell) showMessage(title, text string) { f.messages = append(f.messages, title+": "+text) }
func (f *fakeShell) clipboard() fyne.Clipboard {
	if f.clip == nil {
		f.clip = &fakeClipboard{}
	}
	return f.clip
}
func (f *fakeShell) recordReadFor(run desk.RunID, rec *check.TrustedAppRecord) {
	f.recordsRead = append(f.recordsRead, rec)
}

// fakeClipboard keeps what was copied.
type fakeClipboard struct{ content string }

func (c *fakeClipboard) Content() string     { return c.content }
func (c *fakeClipboard) SetContent(s string) { c.content = s }

// fakeCallsDesk answers custom calls when the test says so.
type fakeCallsDesk struct {
	nextOp  desk.OpID
	expired bool
	sent    []profiles.APICall
	done    func(desk.CallResult)
	op      *desk.Op
}

func (f *fakeCallsDesk) SendCall(run *desk.Run, call profiles.APICall, began func(*desk.Op, bool), done func(desk.CallResult)) {
	f.nextOp++
	f.op = &desk.Op{ID: f.nextOp}
	f.sent = append(f.sent, call)
	f.done = done
	began(f.op, f.expired)
}

func (f *fakeCallsDesk) KeepCall(string, profiles.APICall, func(int, error)) bool { return false }

func (f *fakeCallsDesk) TokenExpired(*desk.Run) (time.Duration, bool) {
	return 3 * time.Minute, f.expired
}

// finishedRun is run id of p, finished with a token.
func finishedRun(id desk.RunID, p profiles.Profile) *desk.Run {
	rep := healthyReport()
	rep.Profile = p.Name
	return &desk.Run{ID: id, Profile: p, Report: rep, Done: true}
}

// An answer to a custom call made with the token of a run the tab no longer shows is
// dropped: recognised by the run's ID, not by the profile's name (here both runs are of
// the same profile, which the name could not tell apart).
func TestCallsTabDropsAnswersForAnotherRun(t *testing.T) {
	test.NewTempApp(t)
	sh, dk := &fakeShell{}, &fakeCallsDesk{}
	c := newCallsTab(sh, dk)
	p := acme()
	first, second := finishedRun(1, p), finishedRun(2, p)
	c.set(p, first)
	before := len(c.steps)
	c.path.SetText("/api/domain/odata/X")
	test.Tap(c.send)
	if len(dk.sent) != 1 || c.send.Text != "Cancel" || !strings.HasPrefix(sh.status, "Sending GET /api/domain/odata/X") {
		t.Fatalf("sent %v, button %q, status %q", dk.sent, c.send.Text, sh.status)
	}
	late := dk.done
	c.set(p, second) // the profile was tested again meanwhile
	if c.send.Text != "Send" {
		t.Errorf("button %q after the run changed", c.send.Text)
	}
	late(desk.CallResult{Op: 1, Run: first.ID, Step: check.Step{Kind: check.StepAPI, Name: "API GET late", Summary: "200 OK"}})
	if len(c.steps) != before || strings.Contains(sh.status, "late") {
		t.Fatalf("a late answer was shown: %d steps, status %q", len(c.steps), sh.status)
	}
	test.Tap(c.send)
	dk.done(desk.CallResult{Op: 2, Run: second.ID, Step: check.Step{Kind: check.StepAPI, Name: "API GET now", Summary: "200 OK"}})
	if len(c.steps) != before+1 || c.steps[before].Name != "API GET now" || sh.status != "API GET now: 200 OK" || c.send.Text != "Send" {
		t.Errorf("answer not shown: %d steps, status %q, button %q", len(c.steps), sh.status, c.send.Text)
	}
}

// While a custom call is in flight, Send becomes Cancel; a cancelled call says so and
// lists nothing.
func TestCallsTabCancel(t *testing.T) {
	test.NewTempApp(t)
	sh, dk := &fakeShell{}, &fakeCallsDesk{}
	c := newCallsTab(sh, dk)
	p := acme()
	r := finishedRun(1, p)
	c.set(p, r)
	before := len(c.steps)
	c.path.SetText("/x")
	test.Tap(c.send)
	dk.done(desk.CallResult{Op: 1, Run: r.ID, Cancelled: true})
	if sh.status != "Custom call cancelled." || len(c.steps) != before || c.send.Text != "Send" {
		t.Errorf("status %q, %d steps, button %q", sh.status, len(c.steps), c.send.Text)
	}
	// An expired token: the tab says it renews first.
	dk.expired = true
	test.Tap(c.send)
	if !strings.HasPrefix(sh.status, "The token expired 3 minutes ago: getting a new one, then sending GET /x") {
		t.Errorf("status %q", sh.status)
	}
}

// fakeRecordDesk answers record reads when the test says so.
type fakeRecordDesk struct {
	readers  []desk.RecordReader
	refuse   bool // ReadRecord starts nothing
	done     func(desk.RecordRead)
	reads    int
	readWith []string
	hashes   int
	hashDone func(desk.SecretHash)
	known    desk.SecretHash
}

func (f *fakeRecordDesk) RecordReaders(string) []desk.RecordReader { return f.readers }
func (f *fakeRecordDesk) KnownSecretHash(string) (desk.SecretHash, bool) {
	return f.known, f.known.Name != ""
}

func (f *fakeRecordDesk) ReadRecord(name, reader string, _ *desk.Run, began func(*desk.Op), done func(desk.RecordRead)) *desk.Op {
	if f.refuse {
		return nil
	}
	f.reads++
	f.readWith = append(f.readWith, reader)
	f.done = done
	op := &desk.Op{ID: desk.OpID(f.reads)}
	began(op)
	return op
}

func (f *fakeRecordDesk) ReadRecordForm(name, text string, _ *desk.Run, began func(*desk.Op), done func(desk.RecordRead)) *desk.Op {
	f.reads++
	f.readWith = append(f.readWith, "form:"+text)
	f.done = done
	op := &desk.Op{ID: desk.OpID(f.reads)}
	began(op)
	return op
}

func (f *fakeRecordDesk) SecretHash(name string, rec *check.TrustedAppRecord, began func(*desk.Op), done func(desk.SecretHash)) *desk.Op {
	f.hashes++
	op := &desk.Op{ID: desk.OpID(1000 + f.hashes)}
	began(op)
	f.hashDone = func(h desk.SecretHash) {
		h.Op, h.Name = op.ID, name
		done(h)
	}
	return op
}

// A record read for a run the tab no longer shows is dropped, by the run's ID.
func TestRecordTabDropsReadsForAnotherRun(t *testing.T) {
	test.NewTempApp(t)
	sh := &fakeShell{}
	p := acme()
	first, second := finishedRun(1, p), finishedRun(2, p)
	dk := &fakeRecordDesk{readers: []desk.RecordReader{{Name: p.Name, Own: true, Run: first}}}
	rt := newRecordTab(sh, dk)
	rt.set(p, first)
	rt.opened() // reads with this run's token at once
	if dk.reads != 1 || rt.read.Text != "Cancel" {
		t.Fatalf("reads %d, button %q", dk.reads, rt.read.Text)
	}
	late := dk.done
	dk.readers = []desk.RecordReader{{Name: p.Name, Own: true, Run: second}}
	rt.set(p, second)
	rec := &check.TrustedAppRecord{ApplicationURI: p.ClientID}
	late(desk.RecordRead{Op: 1, Run: first.ID, Reader: dk.readers[0], Result: check.RecordResult{Record: rec, Problem: "late"}})
	if rt.problem.Visible() || strings.HasPrefix(sh.status, "Trusted App record of") {
		t.Fatalf("a late read was shown: problem %q, status %q", rt.problem.Text, sh.status)
	}
	rt.opened()
	dk.done(desk.RecordRead{Op: 2, Run: second.ID, Reader: dk.readers[0], Result: check.RecordResult{Status: 403, Problem: "may not read"}})
	// Refused (403): the form's values are offered in its place.
	if !rt.problem.Visible() || rt.problem.Text != "may not read" || rt.read.Text != formReadLabel() || rt.source.Selected != formLabel() || !rt.formBox.Visible() {
		t.Errorf("problem %q (visible %v), button %q", rt.problem.Text, rt.problem.Visible(), rt.read.Text)
	}
	if dk.readWith[0] != p.Name || dk.readWith[1] != p.Name {
		t.Errorf("read with %v, want the profile's own token", dk.readWith)
	}
}

// A reader the desk no longer accepts (deleted, moved to another instance) starts no
// read: the tab says so and stays ready to read with another token.
func TestRecordTabReaderRefused(t *testing.T) {
	test.NewTempApp(t)
	sh := &fakeShell{}
	dk := &fakeRecordDesk{readers: []desk.RecordReader{{Name: "Price sync"}}, refuse: true}
	rt := newRecordTab(sh, dk)
	rt.set(acme(), nil)
	test.Tap(rt.read)
	if rt.read.Text != readLabel() || rt.pending != nil || sh.status != "“Price sync” cannot read this record any more: choose another token in “Read with”." {
		t.Errorf("button %q, pending %v, status %q", rt.read.Text, rt.pending, sh.status)
	}
}

// fakeHeaderDesk records the profile operations the header asks for.
type fakeHeaderDesk struct {
	current   profiles.Profile
	running   bool
	duplicate func(desk.Duplicated)
}

func (f *fakeHeaderDesk) Current() (profiles.Profile, bool) { return f.current, f.current.Name != "" }
func (f *fakeHeaderDesk) Running() bool                     { return f.running }
func (f *fakeHeaderDesk) Profiles() []profiles.Profile      { return []profiles.Profile{f.current} }
func (f *fakeHeaderDesk) Scenario(string) (desk.SandboxProfile, bool) {
	return desk.SandboxProfile{}, false
}
func (f *fakeHeaderDesk) SandboxProfiles() []string { return nil }
func (f *fakeHeaderDesk) Now() time.Time            { return fixedNow }
func (f *fakeHeaderDesk) DuplicateProfile(name string, done func(desk.Duplicated)) *desk.Op {
	f.duplicate = done
	return nil
}
func (f *fakeHeaderDesk) RenameProfile(string, string, func(error)) *desk.Op   { return nil }
func (f *fakeHeaderDesk) DeleteProfiles([]string, func(desk.Deleted)) *desk.Op { return nil }

// headerTestShell is the window as the header sees it.
type headerTestShell struct {
	fakeShell
	win     fyne.Window
	actions []string
}

func (h *headerTestShell) window() fyne.Window       { return h.win }
func (h *headerTestShell) focus(fyne.Focusable)      {}
func (h *headerTestShell) StartRun()                 { h.actions = append(h.actions, "run") }
func (h *headerTestShell) StartFreshRun()            { h.actions = append(h.actions, "fresh") }
func (h *headerTestShell) CancelRun()                { h.actions = append(h.actions, "cancel") }
func (h *headerTestShell) EditCurrent()              { h.actions = append(h.actions, "edit") }
func (h *headerTestShell) InspectToken(string)       { h.actions = append(h.actions, "inspect") }
func (h *headerTestShell) exportProfiles(n []string) { h.actions = append(h.actions, "export") }
func (h *headerTestShell) CompareWith(string)        { h.actions = append(h.actions, "compare") }
func (h *headerTestShell) NewSecretForCurrent()      { h.actions = append(h.actions, "new secret") }

// The header's duplicate says whether the secret came along, or why nothing was made.
func TestHeaderDuplicateMessages(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("t")
	t.Cleanup(w.Close)
	sh := &headerTestShell{win: w}
	dk := &fakeHeaderDesk{current: acme()}
	h := newHeader(sh, dk)
	h.set(acme())
	h.duplicateCurrent()
	dk.duplicate(desk.Duplicated{Copy: profiles.Profile{Name: "Nightly import copy"}, SecretCopied: true})
	if sh.status != "Duplicated as “Nightly import copy” with its client secret." {
		t.Errorf("status %q", sh.status)
	}
	h.duplicateCurrent()
	dk.duplicate(desk.Duplicated{Err: errors.New("the keychain refused")})
	if len(sh.errors) != 1 || !strings.Contains(sh.errors[0], "Could not duplicate “Nightly import”: the keychain refused") {
		t.Errorf("errors %q", sh.errors)
	}
	// The buttons ask the window; while a run is in flight, Test gives way to Cancel.
	test.Tap(h.test)
	test.Tap(h.edit)
	h.setRunning(true)
	if h.test.Visible() || !h.cancel.Visible() || !h.edit.Disabled() {
		t.Error("running: Cancel should replace Test, and Edit be off")
	}
	test.Tap(h.cancel)
	if strings.Join(sh.actions, " ") != "run edit cancel" {
		t.Errorf("actions %v", sh.actions)
	}
}

// fakeHistoryDesk keeps History's reads for the test to answer, in any order.
type fakeHistoryDesk struct {
	reads []func(desk.History)
	runs  []func(desk.Runs)
}

func (f *fakeHistoryDesk) Profiles() []profiles.Profile { return []profiles.Profile{acme()} }
func (f *fakeHistoryDesk) HistoryAvailable() bool       { return true }
func (f *fakeHistoryDesk) RunsAvailable() bool          { return true }
func (f *fakeHistoryDesk) ReadHistory(_ audit.Filter, done func(desk.History)) *desk.Op {
	f.reads = append(f.reads, done)
	return &desk.Op{}
}
func (f *fakeHistoryDesk) ReadRuns(_ audit.Filter, done func(desk.Runs)) *desk.Op {
	f.runs = append(f.runs, done)
	return &desk.Op{}
}
func (f *fakeHistoryDesk) ExportHistory(fyne.URIWriteCloser, audit.Filter, func(desk.Written)) *desk.Op {
	return nil
}

type fakeHistoryShell struct{ fakeShell }

func (f *fakeHistoryShell) saveFile(string, func(fyne.URIWriteCloser)) {}
func (f *fakeHistoryShell) compareRuns(a, b *check.RunSummary)         {}

// A read of History for a filter since changed is dropped when it answers last.
func TestHistoryDropsAnEarlierRead(t *testing.T) {
	test.NewTempApp(t)
	dk := &fakeHistoryDesk{}
	h := newHistoryTab(&fakeHistoryShell{}, dk)
	h.reload()                        // all profiles
	h.filter.SetSelected(acme().Name) // reads again, for one profile
	if len(dk.reads) != 2 {
		t.Fatalf("%d reads", len(dk.reads))
	}
	dk.reads[1](desk.History{Entries: []audit.Entry{{Profile: acme().Name}}})
	dk.reads[0](desk.History{Entries: []audit.Entry{{Profile: acme().Name}, {Profile: "Other"}}})
	if len(h.entries) != 1 || !strings.HasPrefix(h.note.Text, "1 request logged") {
		t.Errorf("%d entries shown, note %q", len(h.entries), h.note.Text)
	}
	h.show.SetSelected(historyRunsLabel())
	h.reload()
	if len(dk.runs) != 2 {
		t.Fatalf("%d reads of the runs", len(dk.runs))
	}
	dk.runs[1](desk.Runs{Runs: []check.RunSummary{{ID: "b"}}})
	dk.runs[0](desk.Runs{Runs: []check.RunSummary{{ID: "a"}, {ID: "c"}}})
	if len(h.runs.runs) != 1 || h.runs.runs[0].ID != "b" {
		t.Errorf("runs shown %+v", h.runs.runs)
	}
}
