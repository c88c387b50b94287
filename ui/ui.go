// Package ui is the desktop app's screens, built on Fyne. It shows what the
// application layer (package desk) does and asks it to do things: it never touches the
// network, the disk or the keychain itself, and imports neither package sandbox nor
// Fyne's app package, so it tests headless with fyne.io/fyne/v2/test.
//
// The window (UI, the shell) holds the screens: the profile list (sidebar), the run
// view (header, timeline, identity card and the evidence tabs), the editor and the
// welcome panel. Each screen declares the small interface it needs of the shell and of
// the desk, so screens do not reach into each other, and their tests can pass fakes.
package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	fynetooltip "github.com/dweymouth/fyne-tooltip"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/winfit"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/ui/widgets"
)

// Title is the main window's title.
const Title = "Trusted App Tester"

// UI is the main window: the shell around the screens. It is the desk's View. All its
// fields are touched on the UI goroutine only.
type UI struct {
	app  fyne.App
	win  fyne.Window
	desk *desk.Desk

	sidebar *sidebar
	run     *runView
	editor  *editor
	newApp  *newApp
	welcome fyne.CanvasObject
	right   *fyne.Container // the run view, the editor, the welcome panel or a tool screen
	content fyne.CanvasObject
	fit     *fitBox // the content, scrolling where the screen is too small for it
	status  *widget.Label
	notices []string   // the start-up notices so far (Notify)
	ring    *focusRing // the keyboard focus, drawn and kept in view (focus.go)

	// The tool screens (tools.go) and the screen a tool screen replaced.
	compare   *compareScreen
	explainer *explainScreen
	fleet     *fleetScreen
	toolBack  fyne.CanvasObject
	// toolStatus is the status line when the tool screen opened: closing it puts the
	// line back ("see the explanation on the right" must go with the explanation).
	toolStatus string
	// pendingLanguage: a language was chosen while the screens could not be rebuilt
	// (a test running, the editor open); they are rebuilt in it when they can.
	pendingLanguage bool

	// drain, in tests, runs the UI calls the desk's goroutines queued with fyne.Do
	// (internal/fyneloop: Fyne's test driver would run them on those goroutines, in
	// parallel with the test) and reports whether there were any; nil in the app, whose
	// driver runs them on its main loop.
	drain func() bool
}

var _ desk.View = (*UI)(nil)

// New builds the main window for app over a desk with deps, and reads the profiles.
func New(app fyne.App, deps desk.Deps) *UI {
	app.Settings().SetTheme(NewTheme())
	u := &UI{app: app}
	u.desk = desk.New(deps, u)
	u.applyLanguage()
	u.win = app.NewWindow(Title)
	u.build()
	// Tooltips (fyne-tooltip) draw into a layer over the content, the focus ring over
	// them. The content may scroll where the screen is smaller than it (ScrollWhenSmall).
	u.fit = fitScreen(u.content)
	u.ring = newFocusRing(u.win)
	u.win.SetContent(container.NewStack(fynetooltip.AddWindowToolTipLayer(u.fit.box, u.win.Canvas()), u.ring.layer))
	// The size the window asks for; main fits it to the screen (internal/winfit).
	u.win.Resize(fyne.NewSize(winfit.Preferred.W, winfit.Preferred.H))
	u.installCommands()
	u.Reload("")
	return u
}

func (u *UI) build() {
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.sidebar = newSidebar(u, u.desk)
	u.run = newRunView(u, u.desk)
	u.welcome = newWelcome(u, u.desk)
	u.editor = newEditor(u, u.desk)
	u.compare = newCompareScreen(u, u.desk)
	u.explainer = newExplainScreen(u, u.desk)
	u.fleet = newFleetScreen(u, u.desk)
	u.newApp = newNewApp(u, u.desk)
	u.right = container.NewStack(u.welcome)
	split := widgets.NewHSplit(u.sidebar.content, container.NewBorder(nil, u.status, nil, nil, u.right))
	split.Offset = 0.2
	u.content = split.Container
}

// smallestWindow is the smallest window (in Fyne units) the user can shrink the main
// window to once the content may scroll (ScrollWhenSmall).
var smallestWindow = fyne.NewSize(480, 320)

// fitScreen holds the window's content: as it is, or, once ScrollWhenSmall was called,
// inside a scroll pane whenever the window is smaller than the content's minimum.
func fitScreen(content fyne.CanvasObject) *fitBox {
	f := &fitBox{content: content, scroll: newWindowScroll()}
	f.box = container.New(f, content)
	return f
}

// fitBox shows its content directly, or (when scrolling is on and the space is smaller
// than the content's minimum) inside a scroll pane, asking for no more than
// smallestWindow. It is the layout of a plain container (box), never a widget: Fyne's
// screen-reader walker goes into *fyne.Container objects only, so a widget here hid
// the whole window from it.
type fitBox struct {
	box     *fyne.Container // what the window shows; its one object is content or scroll
	content fyne.CanvasObject
	scroll  *windowScroll
	on      bool
}

// ScrollWhenSmall lets the window be smaller than its content's minimum size, the
// content scrolling then: main calls it when the screen's work area cannot hold that
// minimum (a small screen at 200%), so that the window fits the screen. Otherwise the
// window keeps Fyne's rule (never smaller than its content).
func (u *UI) ScrollWhenSmall() {
	u.fit.on = true
	u.fit.box.Refresh()
}

// Layout implements fyne.Layout: the content fills the box, or the scroll pane does
// with the content in it.
func (f *fitBox) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	min := f.content.MinSize()
	var show fyne.CanvasObject = f.content
	if f.on && (size.Width < min.Width || size.Height < min.Height) {
		show = f.scroll
		if f.scroll.Content != f.content {
			f.scroll.Content = f.content
			f.scroll.Refresh()
		}
	} else if f.scroll.Content != nil {
		f.scroll.Content = nil
	}
	if len(f.box.Objects) != 1 || f.box.Objects[0] != show {
		f.box.Objects = []fyne.CanvasObject{show}
	}
	show.Move(fyne.NewPos(0, 0))
	show.Resize(size)
}

// MinSize implements fyne.Layout.
func (f *fitBox) MinSize([]fyne.CanvasObject) fyne.Size {
	min := f.content.MinSize()
	if !f.on {
		return min
	}
	return fyne.NewSize(fyne.Min(min.Width, smallestWindow.Width), fyne.Min(min.Height, smallestWindow.Height))
}

// windowScroll is the pane the whole window scrolls in on a screen too small for it.
// The walker stops at panes (they are widgets), so it reads out the window's text as
// one element, as the app's other panes do (widgets.Scroll), rather than nothing.
type windowScroll struct{ container.Scroll }

func newWindowScroll() *windowScroll {
	s := &windowScroll{}
	s.Direction = container.ScrollBoth
	s.ExtendBaseWidget(s)
	return s
}

// AccessibilityLabel implements fyne.Accessible: the text the walker would read in the
// window were it not in a pane.
func (s *windowScroll) AccessibilityLabel() string {
	var parts []string
	for _, e := range widgets.AccessibleElements(s.Content) {
		if t := strings.TrimSpace(e.Label); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// AccessibilityRole implements fyne.Accessible.
func (s *windowScroll) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Content is the window's root object.
func (u *UI) Content() fyne.CanvasObject { return u.content }

// Desk is the application layer behind the window.
func (u *UI) Desk() *desk.Desk { return u.desk }

// Wait blocks until every background operation started so far has finished, and
// what they handed the window has run (tests).
func (u *UI) Wait() {
	for {
		u.desk.Wait()
		if u.drain == nil || !u.drain() {
			return
		}
	}
}

// Reload reads the profile list on a goroutine and then selects name (or keeps the
// current selection, or picks the first profile).
func (u *UI) Reload(name string) {
	u.desk.Reload(name, func(err error) {
		if err != nil {
			u.showError(lang.X("app.store.cannot_read", "Could not read the profile store"), err, lang.X("app.store.cannot_read_fix", "Check that the store file is readable; if it is damaged, the app keeps it aside and starts from the backup."))
		}
	})
}

// The services the screens ask of the shell (each screen names the ones it uses).

func (u *UI) window() fyne.Window           { return u.win }
func (u *UI) clipboard() fyne.Clipboard     { return u.app.Clipboard() }
func (u *UI) statusText() string            { return u.status.Text }
func (u *UI) focus(o fyne.Focusable)        { u.win.Canvas().Focus(o) }
func (u *UI) setStatus(s string)            { u.status.SetText(s) }
func (u *UI) openTab(name string)           { u.run.openTab(name) }
func (u *UI) exportProfiles(names []string) { u.sidebar.exportProfiles(names) }

// focusSearch puts the cursor in the profile search.
func (u *UI) focusSearch() { u.focus(u.sidebar.search) }

// NewProfile opens the editor for a new profile (not while a run is going).
func (u *UI) NewProfile() {
	if !u.desk.Running() {
		u.editor.open(nil)
	}
}

// EditCurrent opens the editor on the selected profile.
func (u *UI) EditCurrent() {
	if p, ok := u.desk.Current(); ok && !u.desk.Running() {
		u.editor.open(&p)
	}
}

// SaveEditor saves the editor's profile when the editor is open.
func (u *UI) SaveEditor() {
	if u.showing(u.editor.content) {
		u.editor.submit()
	}
}

// selectProfile shows name's run view (or the welcome panel when name is empty). The
// status line then speaks of that profile: its last run this session, or nothing (it
// went on saying "Passed in 109 ms" of the profile selected before).
func (u *UI) selectProfile(name string) {
	changed := name != u.desk.Selected()
	u.desk.Select(name)
	u.showSelected()
	if changed {
		u.setStatus(u.runStatus())
	}
}

// runStatus is the status line's sentence on the selected profile's last run this
// session, "" when it has none.
func (u *UI) runStatus() string {
	r := u.desk.RunOf(u.desk.Selected())
	if r == nil || !r.Done || r.NotStarted != nil {
		return ""
	}
	return verdictSentence(r.Report) + u.run.guidance.adviceCount()
}

// showSelected shows the selected profile's run view with its last run, or the
// welcome panel.
func (u *UI) showSelected() {
	name := u.desk.Selected()
	u.sidebar.markSelected(name)
	p, ok := u.desk.Current()
	if !ok {
		u.showScreen(u.welcome)
		return
	}
	u.run.show(p, u.desk.RunOf(name))
	u.showScreen(u.run.content)
}

// showScreen puts o (the run view, the editor or the welcome panel) on the right. The
// screen it replaces takes its tooltips with it: one shown, or about to show, for a
// button that was just pressed would float over the new screen.
func (u *UI) showScreen(o fyne.CanvasObject) {
	if !u.showing(o) {
		widgets.HideToolTips()
		u.leaving(o)
	}
	u.right.Objects = []fyne.CanvasObject{o}
	u.right.Refresh()
}

// showing reports whether o is the screen on the right.
func (u *UI) showing(o fyne.CanvasObject) bool { return u.right.Objects[0] == o }

// closeEditor shows the selected profile again, or the welcome panel.
func (u *UI) closeEditor() {
	u.showSelected()
	u.applyPendingLanguage()
}

// StartRun tests the selected profile: the engine runs on a goroutine and streams
// steps into the timeline. A second call while running is ignored, and so is one while
// the editor is open; on a tool screen it is that screen's action (Compare, Explain).
func (u *UI) StartRun() {
	if t := u.tool(); t != nil {
		t.primary() // Ctrl+Enter on a tool screen is its own action
		return
	}
	u.startRun(false, nil)
}

// StartFreshRun runs the test with a new token from the Identity Server, bypassing the
// token cache (after changing the Trusted App, for instance). For a profile tagged
// Production it first says what that costs and asks: the new token's first API call
// opens a new ERP.net session, which holds one of production's licence slots.
func (u *UI) StartFreshRun() {
	if u.tool() != nil {
		return
	}
	if s := u.desk.CanStart(); s.Refused() {
		u.notStarted(s)
		return
	}
	p, _ := u.desk.Current()
	if !profiles.IsProduction(p.Environment) {
		u.startRun(true, nil)
		return
	}
	askYesNo(u.win, lang.X("app.fresh.ask", "Test with a fresh token?"), freshTokenCost(p.Name), lang.X("app.cancel", "Cancel"), lang.X("app.menu.test_fresh", "Test with a fresh token"), widget.HighImportance, func(ok bool) {
		if ok {
			u.startRun(true, nil)
		}
	})
}

// freshTokenCost is what a fresh token costs a production instance.
func freshTokenCost(name string) string {
	return lang.X("app.fresh.cost", "“{{.Name}}” is tagged Production. A fresh token's first API call opens a new ERP.net session, "+
		"which holds one of production's licence slots for at least 20 minutes (at most an hour), "+
		"even if nothing else uses it: a real user may be refused meanwhile.\n\n"+
		"A normal test reuses the current token and its session. Use a fresh token only after changing the Trusted App.", map[string]any{"Name": name})
}

// InspectToken runs the test on a token the user supplied instead of requesting one:
// its claims, its signature against the instance's keys and the API calls with it.
func (u *UI) InspectToken(raw string) {
	u.closeTool() // the inspection shows in the run view
	u.startRun(false, check.NewAccessToken(raw))
}

// startRun asks the desk to test the selected profile, unless the editor or a tool
// screen is open; the desk decides whether a run starts, and the status line says
// when one cannot.
func (u *UI) startRun(fresh bool, supplied *check.AccessToken) {
	if u.showing(u.editor.content) || u.tool() != nil {
		return
	}
	name := u.desk.Selected()
	started := u.desk.StartRun(fresh, supplied, func(s desk.Start) {
		if s == desk.StartingSandbox {
			// Said before the desk starts it: its goroutines may report back at once.
			u.setStatus(lang.X("app.status.starting_sandbox_for", "Starting the sandbox for “{{.Name}}”…", map[string]any{"Name": name}))
		}
	})
	u.notStarted(started)
}

// notStarted says in the status line why the desk started no run (nothing when s
// started one).
func (u *UI) notStarted(s desk.Start) {
	switch s {
	case desk.NoProfile:
		u.setStatus(lang.X("app.status.no_profile", "Select a profile on the left to test it, or add one with New."))
	case desk.AlreadyRunning:
		u.setStatus(lang.X("app.status.already_running", "A test is running: wait for it, or press Cancel (Esc)."))
	}
}

// CancelRun cancels the run in flight, if any.
func (u *UI) CancelRun() {
	if u.desk.Running() {
		// Update the screen before cancelling: once cancelled, the run's goroutine
		// finishes and touches widgets too.
		u.setStatus(lang.X("app.status.cancelling", "Cancelling…"))
		u.run.header.cancelling()
		u.desk.CancelRun()
	}
}

// Running reports whether a run is in flight.
func (u *UI) Running() bool { return u.desk.Running() }

// StartTicker moves the token's expiry countdown every second, and has the focus ring
// follow the keyboard's focus, until ctx ends.
func (u *UI) StartTicker(ctx context.Context) {
	u.desk.StartTicker(ctx)
	go u.ring.watch(ctx)
}

// Notify shows a start-up notice (a restored store, a missing keychain, a history log
// that could not be opened) in the status line, after the notices before it: none
// hides another.
func (u *UI) Notify(s string) {
	u.notices = append(u.notices, s)
	u.setStatus(strings.Join(u.notices, "  "))
}

// The desk.View: what the desk tells the window.

// ProfilesRead implements desk.View.
func (u *UI) ProfilesRead() {
	u.sidebar.refresh()
	if u.tool() != nil {
		u.fleet.profilesRead() // a tool screen stays; closing it shows the selection as it is then
		return
	}
	u.showSelected()
}

// RunStarted implements desk.View.
func (u *UI) RunStarted(r *desk.Run) {
	if r.Profile.Name != u.desk.Selected() {
		return
	}
	u.run.started(r)
	if r.Supplied {
		u.setStatus(lang.X("app.status.inspecting", "Inspecting the supplied token against {{.Name}}’s instance…", map[string]any{"Name": r.Profile.Name}))
	} else {
		u.setStatus(lang.X("app.status.testing", "Testing {{.Name}}…", map[string]any{"Name": r.Profile.Name}))
	}
}

// RunStep implements desk.View.
func (u *UI) RunStep(r *desk.Run, s check.Step) {
	if !u.run.shows(r) {
		return
	}
	u.run.timeline.add(s)
	_, name, summary := report.StepIn(lang.Localizer(), s)
	u.setStatus(lang.X("app.status.testing", "Testing {{.Name}}…", map[string]any{"Name": r.Profile.Name}) + " " + u.run.timeline.progressText() + "  ·  " + name + ": " + summary)
}

// RunFinished implements desk.View.
func (u *UI) RunFinished(r *desk.Run) {
	defer u.applyPendingLanguage() // a language chosen during the run
	u.run.header.setRunning(false)
	if r.Profile.Name != u.desk.Selected() {
		return
	}
	if err := r.NotStarted; err != nil {
		u.run.identity.set(r.Profile, check.Report{}, u.desk.Now())
		u.setStatus("")
		if errors.Is(err, desk.ErrNoSecret) {
			u.showMessage(noCredentialMessage(r.Profile))
		} else {
			u.showError(lang.X("app.secret.cannot_read", "Could not read the client secret"), err, u.desk.Keychain().Fix)
		}
		return
	}
	u.run.show(r.Profile, r)
	u.setStatus(verdictSentence(r.Report) + u.run.guidance.adviceCount())
	if r.HistoryErr != nil {
		u.setStatus(lang.X("app.status.history_not_written", "The run finished, but the history log could not be written: {{.Err}}. Check the log folder's permissions.", map[string]any{"Err": r.HistoryErr.Error()}))
	}
}

// SandboxReady implements desk.View.
func (u *UI) SandboxReady(s desk.SandboxSetup) {
	switch {
	case s.Err != nil:
		u.showError(lang.X("app.sandbox.cannot_start", "Could not start the sandbox"), s.Err, lang.X("app.sandbox.cannot_start_fix", "Another program may hold the port; close it or restart the app."))
	case s.Failed != nil:
		u.showError(lang.X("app.sandbox.not_saved", "The sandbox started, but not every scenario could be saved"), s.Failed, lang.X("app.sandbox.not_saved_fix", "Check that the profile store is writable."))
	default:
		u.setStatus(lang.X("app.status.sandbox_running", "The sandbox is running: pick a scenario on the left and press “Test this Trusted App”."))
	}
}

// Tick implements desk.View: the desk's ticker calls it every second.
func (u *UI) Tick(now time.Time) { u.run.identity.tick(now) }

func verdictSentence(r check.Report) string {
	d := r.Finished.Sub(r.Started)
	switch {
	case r.Cancelled:
		return lang.X("app.verdict.cancelled_after", "Cancelled after {{.Duration}}.", map[string]any{"Duration": humanDuration(d)})
	case r.Verdict == check.Pass:
		return lang.X("app.verdict.passed_in", "Passed in {{.Duration}}.", map[string]any{"Duration": humanDuration(d)}) + sessionCost(r.Session)
	case r.Verdict == check.Warn:
		return lang.X("app.verdict.warnings_in", "Passed with warnings in {{.Duration}}: see Guidance.", map[string]any{"Duration": humanDuration(d)}) + sessionCost(r.Session)
	case r.Verdict == check.Fail:
		return lang.X("app.verdict.failed_after", "Failed after {{.Duration}}: see Guidance for the fix.", map[string]any{"Duration": humanDuration(d)}) + sessionCost(r.Session)
	}
	return ""
}

// sessionCost is the run's licence cost in a few words for the status line (the
// reports carry the whole sentence).
func sessionCost(s *check.SessionCost) string {
	if s == nil {
		return ""
	}
	hm := func(t time.Time) string { return t.Local().Format("15:04") }
	switch s.State {
	case check.SessionOpened:
		return " " + lang.X("app.session.opened", "New ERP.net session: holds a licence slot until about {{.Until}} (at most {{.Latest}}).", map[string]any{"Until": hm(s.HoldsUntil), "Latest": hm(s.LatestUntil)})
	case check.SessionReused:
		return " " + lang.X("app.session.reused", "Reused the ERP.net session opened at {{.Opened}}: no new licence slot (held until about {{.Until}}).", map[string]any{"Opened": hm(s.OpenedAt), "Until": hm(s.HoldsUntil)})
	case check.SessionUnknown:
		return " " + lang.X("app.session.unknown", "The token's session holds a licence slot until about {{.Until}}.", map[string]any{"Until": hm(s.HoldsUntil)})
	}
	return " " + lang.X("app.session.none", "No ERP.net session opened: no licence slot used.")
}
