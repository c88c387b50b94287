// Package ui is the desktop app's screens, built on Fyne. It never touches the
// network or the disk on the UI goroutine: every store, keyring, engine and file call
// runs on a goroutine and updates widgets through fyne.Do. It does not import
// fyne.io/fyne/v2/app, so it tests headless with fyne.io/fyne/v2/test.
package ui

import (
	"context"
	"io"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	fynetooltip "github.com/dweymouth/fyne-tooltip"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
)

// Title is the main window's title.
const Title = "Trusted App Tester"

// ProfileStore is what the app needs from the profile store (profiles.Store, through
// an adapter in main.go). Every method may do file I/O: the UI calls them on a
// goroutine.
type ProfileStore interface {
	List() ([]profiles.Profile, error)
	// Add stores a new profile; a duplicate name is an error.
	Add(p profiles.Profile) error
	// Update replaces the profile called oldName with p (a rename when the names differ).
	Update(oldName string, p profiles.Profile) error
	Delete(name string) error
	// MarkSecretSet records when the profile's secret was last set.
	MarkSecretSet(name string, at time.Time) error
	// Export writes the named profiles (never their secrets) as a bundle.
	Export(w io.Writer, names []string) error
	// Import adds a bundle's profiles; decide says what to do with a name that
	// already exists (skip, import as a copy, replace).
	Import(bundle []byte, decide func(name string) profiles.ConflictAction) (profiles.ImportResult, error)
	// Recover brings back the profiles that still parse in a damaged store file that
	// was set aside (profiles.CorruptError.MovedTo).
	Recover(damaged string) (profiles.ImportResult, error)
}

// SecretStore keeps client secrets (the OS keyring, or memory for this session).
type SecretStore interface {
	// Get returns the secret, or "" and a nil error when none is stored.
	Get(profile string) (string, error)
	Set(profile, secret string) error
	Delete(profile string) error
	// Persistent is false when secrets live in memory for this session only.
	Persistent() bool
}

// HistoryLog is the audit log (audit.Log satisfies it).
type HistoryLog interface {
	RecordReport(profile, clientID string, r check.Report) error
	Entries(f audit.Filter) ([]audit.Entry, error)
	Export(w io.Writer, f audit.Filter) error
}

// SandboxProfile is one sandbox scenario ready to be stored as a profile.
type SandboxProfile struct {
	Profile profiles.Profile
	Secret  string
	// Description says what the scenario demonstrates; Expect what the test should show.
	Description string
	Expect      string
}

// Deps are the app's collaborators. Store and Secrets are required; the rest have
// defaults (the real engine, catalogue and clock) or may be nil (History, StartSandbox).
type Deps struct {
	Store   ProfileStore
	Secrets SecretStore
	History HistoryLog
	// StartSandbox starts the in-process sandbox (once) and returns its scenarios.
	StartSandbox func(ctx context.Context) ([]SandboxProfile, error)

	Run     func(ctx context.Context, p profiles.Profile, secret string, opts check.Options, onStep func(check.Step)) check.Report
	Call    func(ctx context.Context, p profiles.Profile, tok *check.AccessToken, c profiles.APICall, opts check.Options) check.Step
	Explain func(code string, evidence map[string]string) guide.Explanation
	// ReadRecord reads a Trusted App record with a token (check.ReadRecord).
	ReadRecord func(ctx context.Context, p profiles.Profile, tok *check.AccessToken, clientID string, opts check.Options) check.RecordResult
	Now        func() time.Time
	// Options are the base options of every run and call.
	Options check.Options
}

// UI is the main window and its state. All fields are touched on the UI goroutine only.
type UI struct {
	app  fyne.App
	win  fyne.Window
	deps Deps

	wg sync.WaitGroup // background work, so tests can wait for it

	profiles []profiles.Profile
	current  string // selected profile name
	sandbox  map[string]SandboxProfile
	reports  map[string]*check.Report // last finished run per profile

	running bool
	cancel  context.CancelFunc
	// afterRun, when set, is called once with the next run's report (a custom call
	// waiting for a renewed token).
	afterRun func(check.Report)
	runSteps []check.Step

	sidebar   *sidebar
	header    *header
	timeline  *timeline
	identity  *identityCard
	tabs      *container.AppTabs
	cardSplit *container.Split
	cardArea  *fyne.Container
	guidance  *guidanceTab
	claims    *claimsTab
	calls     *callsTab
	exchanges *exchangesTab
	record    *recordTab
	history   *historyTab
	editor    *editor
	welcome   fyne.CanvasObject
	runView   fyne.CanvasObject
	right     *fyne.Container
	content   fyne.CanvasObject
	status    *widget.Label
}

// New builds the main window for app. Call Reload (done here on a goroutine) before
// expecting profiles to show.
func New(app fyne.App, deps Deps) *UI {
	app.Settings().SetTheme(NewTheme())
	if deps.Run == nil {
		deps.Run = check.Run
	}
	if deps.Call == nil {
		deps.Call = check.Call
	}
	if deps.Explain == nil {
		deps.Explain = guide.Explain
	}
	if deps.ReadRecord == nil {
		deps.ReadRecord = check.ReadRecord
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	u := &UI{app: app, deps: deps, sandbox: map[string]SandboxProfile{}, reports: map[string]*check.Report{}}
	u.win = app.NewWindow(Title)
	u.build()
	// Tooltips (fyne-tooltip) draw into a layer over the content.
	u.win.SetContent(fynetooltip.AddWindowToolTipLayer(u.content, u.win.Canvas()))
	u.win.Resize(fyne.NewSize(1280, 800))
	u.installCommands()
	u.Reload("")
	return u
}

// focusSearch puts the cursor in the profile search.
func (u *UI) focusSearch() { u.win.Canvas().Focus(u.sidebar.search) }

// NewProfile opens the editor for a new profile (not while a run is going).
func (u *UI) NewProfile() {
	if !u.running {
		u.editor.open(nil)
	}
}

// EditCurrent opens the editor on the selected profile.
func (u *UI) EditCurrent() {
	if p, ok := u.Current(); ok && !u.running {
		u.editor.open(&p)
	}
}

// SaveEditor saves the editor's profile when the editor is open.
func (u *UI) SaveEditor() {
	if u.right.Objects[0] == u.editor.content {
		u.editor.submit()
	}
}

// Window is the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Content is the window's root object.
func (u *UI) Content() fyne.CanvasObject { return u.content }

// Wait blocks until every background task started so far has finished (tests).
func (u *UI) Wait() { u.wg.Wait() }

// background runs f on a goroutine, counted by Wait.
func (u *UI) background(f func()) {
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		f()
	}()
}

func (u *UI) build() {
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis
	u.sidebar = newSidebar(u)
	u.header = newHeader(u)
	u.timeline = newTimeline(u)
	u.identity = newIdentityCard(u)
	u.guidance = newGuidanceTab(u)
	u.claims = newClaimsTab(u)
	u.calls = newCallsTab(u)
	u.exchanges = newExchangesTab(u)
	u.history = newHistoryTab(u)
	u.record = newRecordTab(u)
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Guidance", u.guidance.content),
		container.NewTabItem("Claims", u.claims.content),
		container.NewTabItem("API calls", u.calls.content),
		container.NewTabItem("Exchanges", u.exchanges.content),
		container.NewTabItem("Record", u.record.content),
		container.NewTabItem("History", u.history.content),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Text {
		case "History":
			u.history.reload()
		case "Record":
			u.record.opened()
		}
	}
	top := container.NewVBox(u.header.content, widget.NewSeparator(), u.timeline.content, widget.NewSeparator())
	// The identity card and the tabs share what is left, split where the card's
	// natural height ends; dragging the divider up scrolls the card and gives the
	// evidence more room.
	u.cardSplit = container.NewVSplit(container.NewVScroll(u.identity.content), u.tabs)
	u.cardArea = container.New(&cardSplitLayout{split: u.cardSplit, card: u.identity.content}, u.cardSplit)
	u.runView = container.NewBorder(top, nil, nil, nil, u.cardArea)
	u.welcome = newWelcome(u)
	u.editor = newEditor(u)
	u.right = container.NewStack(u.welcome)
	split := container.NewHSplit(u.sidebar.content, container.NewBorder(nil, u.status, nil, nil, u.right))
	split.Offset = 0.2
	u.content = split
}

// setStatus shows one line at the bottom of the window.
func (u *UI) setStatus(s string) { u.status.SetText(s) }

// Reload reads the profile list on a goroutine and then selects name (or keeps the
// current selection, or picks the first profile).
func (u *UI) Reload(name string) {
	u.background(func() {
		list, err := u.deps.Store.List()
		fyne.Do(func() {
			if err != nil {
				u.showError("Could not read the profile store", err, "Check that the store file is readable; if it is damaged, the app keeps it aside and starts from the backup.")
				return
			}
			profiles.SortByName(list)
			u.profiles = list
			want := name
			if want == "" {
				want = u.current
			}
			if _, ok := u.find(want); !ok {
				want = ""
				if len(list) > 0 {
					want = list[0].Name
				}
			}
			u.sidebar.refresh()
			u.selectProfile(want)
		})
	})
}

func (u *UI) find(name string) (profiles.Profile, bool) {
	for _, p := range u.profiles {
		if p.Name == name {
			return p, true
		}
	}
	return profiles.Profile{}, false
}

// Current is the selected profile (ok false when there is none).
func (u *UI) Current() (profiles.Profile, bool) { return u.find(u.current) }

// selectProfile shows name's run view (or the welcome panel when name is empty).
func (u *UI) selectProfile(name string) {
	if u.running && name != u.current {
		u.CancelRun()
	}
	u.current = name
	u.sidebar.markSelected(name)
	p, ok := u.find(name)
	if !ok {
		u.showRight(u.welcome)
		return
	}
	u.header.set(p)
	if r := u.reports[name]; r != nil {
		u.showReport(p, *r)
	} else {
		u.timeline.reset(p)
		u.showReport(p, check.Report{})
	}
	u.showRight(u.runView)
}

func (u *UI) showRight(o fyne.CanvasObject) {
	u.right.Objects = []fyne.CanvasObject{o}
	u.right.Refresh()
}

// StartRun tests the selected profile: it reads the secret and runs the engine on a
// goroutine, streaming steps into the timeline. A second call while running is ignored.
func (u *UI) StartRun() { u.startRun(false) }

// StartFreshRun runs the test with a new token from the Identity Server, bypassing the
// token cache (after changing the Trusted App, for instance). For a profile tagged
// Production it first says what that costs and asks: the new token's first API call
// opens a new ERP.net session, which holds one of production's licence slots.
func (u *UI) StartFreshRun() {
	p, ok := u.Current()
	if !ok || u.running {
		return
	}
	if !profiles.IsProduction(p.Environment) {
		u.startRun(true)
		return
	}
	d := dialog.NewConfirm("Test with a fresh token?", freshTokenCost(p.Name), func(ok bool) {
		if ok {
			u.startRun(true)
		}
	}, u.win)
	d.SetConfirmText("Test with a fresh token")
	d.SetDismissText("Cancel")
	d.Show()
}

// freshTokenCost is what a fresh token costs a production instance.
func freshTokenCost(name string) string {
	return "“" + name + "” is tagged Production. A fresh token's first API call opens a new ERP.net session, " +
		"which holds one of production's licence slots for at least 20 minutes (at most an hour), " +
		"even if nothing else uses it: a real user may be refused meanwhile.\n\n" +
		"A normal test reuses the current token and its session. Use a fresh token only after changing the Trusted App."
}

// InspectToken runs the test on a token the user supplied instead of requesting one:
// its claims, its signature against the instance's keys and the API calls with it.
func (u *UI) InspectToken(raw string) { u.startRunWith(false, check.NewAccessToken(raw)) }

func (u *UI) startRun(fresh bool) { u.startRunWith(fresh, nil) }

func (u *UI) startRunWith(fresh bool, supplied *check.AccessToken) {
	p, ok := u.Current()
	if !ok || u.running {
		return
	}
	if p.Sandbox && !u.sandboxRunning() && u.deps.StartSandbox != nil {
		// A sandbox profile from an earlier session points at a sandbox that is gone:
		// start it (which refreshes the profiles' address), then run.
		name := p.Name
		u.setStatus("Starting the sandbox for “" + name + "”…")
		u.startSandbox(name, func() {
			u.selectProfile(name)
			u.setStatus("The sandbox was not running: it is now, and its profiles point at it.")
			if u.sandboxRunning() {
				u.startRunWith(fresh, supplied)
			}
		})
		return
	}
	if u.right.Objects[0] != u.runView {
		return // the editor is open
	}
	ctx, cancel := context.WithCancel(context.Background())
	u.running, u.cancel, u.runSteps = true, cancel, nil
	delete(u.reports, p.Name)
	u.timeline.reset(p)
	u.header.setRunning(true)
	u.showReport(p, check.Report{})
	u.identity.setWaiting()
	u.setStatus("Testing " + p.Name + "…")
	opts := u.deps.Options
	opts.Fresh = opts.Fresh || fresh
	opts.Supplied = supplied
	if opts.Now == nil {
		opts.Now = u.deps.Now
	}
	if supplied != nil {
		u.setStatus("Inspecting the supplied token against " + p.Name + "’s instance…")
	}
	u.background(func() {
		defer cancel()
		var secret string
		var err error
		if supplied == nil {
			secret, err = u.deps.Secrets.Get(p.Name)
		}
		if supplied == nil && (err != nil || secret == "") {
			fyne.Do(func() {
				u.finishRun(p, nil)
				if err != nil {
					u.showError("Could not read the client secret", err, secretFix(u.deps.Secrets))
				} else {
					u.showMessage("No client secret stored", "The profile “"+p.Name+"” has no client secret yet. Press Edit, paste the secret the Trusted App was created with, and Save.")
				}
			})
			return
		}
		rep := u.deps.Run(ctx, p, secret, opts, func(s check.Step) {
			fyne.Do(func() {
				if u.current == p.Name && u.running {
					u.runSteps = append(u.runSteps, s)
					u.timeline.add(s)
				}
			})
		})
		secret = ""
		var histErr error
		if u.deps.History != nil {
			histErr = u.deps.History.RecordReport(p.Name, p.ClientID, rep)
		}
		fyne.Do(func() {
			u.finishRun(p, &rep)
			if histErr != nil {
				u.setStatus("The run finished, but the history log could not be written: " + histErr.Error() + ". Check the log folder's permissions.")
			}
		})
	})
}

func secretFix(s SecretStore) string {
	if s != nil && !s.Persistent() {
		return "Secrets are kept for this session only: open Edit and paste the secret again."
	}
	return "Make sure the system keychain (Secret Service, Keychain or Credential Manager) is running and unlocked, then try again."
}

// finishRun ends a run; rep is nil when it never started.
func (u *UI) finishRun(p profiles.Profile, rep *check.Report) {
	u.running = false
	u.cancel = nil
	u.header.setRunning(false)
	if rep == nil {
		u.afterRun = nil
		u.identity.set(p, check.Report{}, u.deps.Now())
		u.setStatus("")
		return
	}
	r := *rep
	u.reports[p.Name] = &r
	if u.current != p.Name {
		u.afterRun = nil
		return
	}
	u.showReport(p, r)
	u.setStatus(verdictSentence(r))
	if then := u.afterRun; then != nil {
		u.afterRun = nil
		then(r)
	}
}

// CancelRun cancels the run in flight, if any.
func (u *UI) CancelRun() {
	if u.cancel != nil {
		// Update the screen before cancelling: once cancelled, the run's goroutine
		// finishes and touches widgets too.
		u.timeline.cancelling()
		u.header.cancel.Disable()
		u.cancel()
	}
}

// Running reports whether a run is in flight.
func (u *UI) Running() bool { return u.running }

// showReport fills the timeline, identity card and tabs from r.
func (u *UI) showReport(p profiles.Profile, r check.Report) {
	if len(r.Steps) > 0 || r.Cancelled {
		u.timeline.reset(p)
		for _, s := range r.Steps {
			u.timeline.add(s)
		}
		u.timeline.done(r)
	}
	u.identity.set(p, r, u.deps.Now())
	u.cardArea.Refresh() // the card's natural height may have changed
	u.guidance.set(p, r)
	u.claims.set(r)
	u.calls.set(p, r)
	u.exchanges.set(r)
	u.record.set(p, r)
	if len(r.Steps) == 0 {
		return
	}
	if r.Verdict == check.Fail || r.Verdict == check.Warn || r.Cancelled {
		u.tabs.SelectIndex(0)
	} else {
		u.tabs.SelectIndex(1)
	}
}

// Tick refreshes the live expiry countdown; main.go calls it every second.
func (u *UI) Tick() { u.identity.tick(u.deps.Now()) }

// StartTicker calls Tick every second until ctx ends.
func (u *UI) StartTicker(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fyne.Do(u.Tick)
			}
		}
	}()
}

func verdictSentence(r check.Report) string {
	d := r.Finished.Sub(r.Started)
	switch {
	case r.Cancelled:
		return "Cancelled after " + humanDuration(d) + "."
	case r.Verdict == check.Pass:
		return "Passed in " + humanDuration(d) + "." + sessionCost(r.Session)
	case r.Verdict == check.Warn:
		return "Passed with warnings in " + humanDuration(d) + ": see Guidance." + sessionCost(r.Session)
	case r.Verdict == check.Fail:
		return "Failed after " + humanDuration(d) + ": see Guidance for the fix." + sessionCost(r.Session)
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
		return " New ERP.net session: holds a licence slot until about " + hm(s.HoldsUntil) + " (at most " + hm(s.LatestUntil) + ")."
	case check.SessionReused:
		return " Reused the ERP.net session opened at " + hm(s.OpenedAt) + ": no new licence slot (held until about " + hm(s.HoldsUntil) + ")."
	case check.SessionUnknown:
		return " The token's session holds a licence slot until about " + hm(s.HoldsUntil) + "."
	}
	return " No ERP.net session opened: no licence slot used."
}

// Notify shows a start-up notice (a restored store, a missing keychain) in the status
// line.
func (u *UI) Notify(s string) { u.setStatus(s) }

// cardSplitLayout sizes the split between the identity card and the tabs: until the
// user drags the divider, the card gets its natural height (at most maxCardShare of the
// room) and the tabs everything else; after a drag, the user's offset stays.
type cardSplitLayout struct {
	split *container.Split
	card  fyne.CanvasObject
	auto  float64 // the offset this layout last set; 0 before the first layout
	moved bool    // the user dragged the divider
}

// maxCardShare is the most of the height the identity card takes by default.
const maxCardShare = 0.6

func (l *cardSplitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if l.auto != 0 && l.split.Offset != l.auto {
		l.moved = true
	}
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	if l.moved || size.Height <= 0 {
		return
	}
	div := theme.Size(theme.SizeNameSplitThickness)
	if div == 0 {
		div = theme.Padding() // Fyne's default divider thickness
	}
	// One pixel of slack: rounding must never leave the card a scroll bar.
	off := float64(l.card.MinSize().Height+1) / float64(size.Height-div)
	if off > maxCardShare {
		off = maxCardShare
	}
	l.auto = off
	l.split.SetOffset(off) // lays the split out again only when the offset changed
}

func (l *cardSplitLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }
