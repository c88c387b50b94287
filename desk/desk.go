// Package desk is the desktop app's application layer: the one thing its screens
// (package ui) talk to. It owns what the app does, so that the screens only show it.
// Its files follow its concerns:
//
//   - desk.go: the session the screens watch (the profile list, the selected profile,
//     the live countdown, Desk.StartTicker) and the View that hears of it;
//   - run.go: test runs (Desk.StartRun, which alone decides whether one starts,
//     Desk.CanStart, Desk.CancelRun; a Run is the last run of a profile, its report,
//     its token and when that expires); ops.go: every other background operation, each
//     with an Op the screen can cancel and an ID it recognises its result by;
//   - calls.go: custom API calls (Desk.SendCall renews an expired token first);
//   - record.go: reading a Trusted App record (Desk.RecordReaders, the profile's own
//     token and other profiles' on its instance; Desk.ReadRecord);
//   - secrethash.go: the ApplicationSecretHash of the stored secret against the record
//     (Desk.SecretHash, Desk.KnownSecretHash: the secret stays in the desk);
//   - newapp.go: a new Trusted App's secret and record values (Desk.NewTrustedApp,
//     Desk.ExportSetup); privilege.go: the least-privilege advice;
//   - compare.go: comparing two runs (Desk.Compare); explain.go: explaining a pasted
//     error (Desk.ExplainText, Desk.SaveExplanation); lang.go: the app's language for
//     the guide's explanations and what the desk writes for people (Desk.SetLanguage);
//   - history.go: the history log's requests and runs (Desk.ReadHistory,
//     Desk.ExportHistory, Desk.ReadRuns);
//   - profileops.go: the profile operations with their secrets, handed to package
//     profiles (the same code the trustedapp-check command uses): save, rename,
//     duplicate, delete ("delete a profile" happens in Desk.DeleteProfiles, then in
//     profiles.DeleteProfile); import.go: importing a bundle or a CSV file of profiles
//     and recovering a damaged store (Desk.ReadImport, Desk.Import, Desk.Recover);
//   - fleet.go: the fleet view's rows (every profile's newest run from History or this
//     session, its drift since the last pass; Desk.FleetRows, Desk.ReadFleet);
//     fleet_run.go: testing many profiles by check --all's rules (Desk.TestFleet, its
//     results batched into one hop); fleet_export.go: the table as CSV or Markdown;
//     fleet_secrets.go: which profiles lack a secret, setting one (after an import too);
//   - files.go: writing a file the user chose (reports, exports);
//   - the adapters: store.go (the profile store shared with other windows and the
//     CLI), secrets.go (the OS keychain, falling back to this session's memory; screens
//     see only its state, Desk.Keychain), sandbox.go (the in-process sandbox).
//
// The screens call the Desk on the UI goroutine. Background work runs on goroutines
// and comes back to the UI goroutine in one place per kind of result, the small
// setters at the end of each file, each wrapping fyne.Do. A result that arrives after
// the screen moved on is recognised by its run or operation ID, never by a profile
// name. The package imports Fyne's core (for fyne.Do and the file URIs of dialogs) but
// never its app package or widgets, and never package ui.
package desk

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/profiles"
)

// View is what the Desk tells the window about the session. Every method is called on
// the UI goroutine.
type View interface {
	// ProfilesRead shows the profile list as read from the store (Desk.Profiles) and
	// the selected profile (Desk.Current; none: the welcome panel).
	ProfilesRead()
	// RunStarted says a run began (its report is empty so far).
	RunStarted(r *Run)
	// RunStep shows one finished step of run r.
	RunStep(r *Run, s check.Step)
	// RunFinished shows the end of run r: r.Report is final, or r.NotStarted says why it
	// never started.
	RunFinished(r *Run)
	// SandboxReady says how starting the sandbox went (TrySandbox, or a run of a
	// sandbox profile from an earlier session).
	SandboxReady(setup SandboxSetup)
	// Tick moves the token's expiry countdown to now.
	Tick(now time.Time)
}

// Deps are the Desk's collaborators. Store and Secrets are required; the rest have
// defaults (the real engine, catalogue and clock) or may be nil (History, Sandbox).
type Deps struct {
	Store   *Store
	Secrets *Secrets
	History HistoryLog
	// Sandbox starts the in-process sandbox on first use (nil: no sandbox).
	Sandbox SandboxStarter
	// Files shows the OS's file dialogs (nil: the screens show Fyne's).
	Files FileDialogs

	Run     func(ctx context.Context, p profiles.Profile, secret string, opts check.Options, onStep func(check.Step)) check.Report
	Call    func(ctx context.Context, p profiles.Profile, tok *check.AccessToken, c profiles.APICall, opts check.Options) check.Step
	Explain func(code string, evidence map[string]string) guide.Explanation
	// ReadRecord reads a Trusted App record with a token (check.ReadRecord).
	ReadRecord func(ctx context.Context, p profiles.Profile, tok *check.AccessToken, clientID string, opts check.Options) check.RecordResult
	// ReadHolders reads who holds the instance's licences with a token (check.ReadHolders).
	ReadHolders func(ctx context.Context, p profiles.Profile, tok *check.AccessToken, opts check.Options) check.Holders
	Now         func() time.Time
	// Options are the base options of every run and call.
	Options check.Options

	// NewSecret makes a new client secret (check.NewClientSecret; tests pin it).
	NewSecret func() (string, error)
}

// SandboxStarter starts the sandbox (once) and returns its scenarios as profiles.
type SandboxStarter func(ctx context.Context) ([]SandboxProfile, error)

// Desk is the session of one window. Its state is read and changed on the UI goroutine
// only.
type Desk struct {
	deps Deps
	view View
	lang deskLang // lang.go
	// ownExplain: Deps came with an Explain of its own, which is asked as it is.
	ownExplain bool

	wg     sync.WaitGroup // background work, so tests and shutdown can wait for it
	nextID uint64         // the last RunID or OpID handed out

	profiles []profiles.Profile
	selected string
	sandbox  map[string]SandboxProfile // this session's sandbox scenarios, by profile name
	runs     map[string]*Run           // the last run of each profile
	active   *Run                      // the run in flight, nil when none
	ops      map[OpID]*Op              // operations in flight
	fleet    *fleetBook                // the fleet view's rows and test (fleet.go), made on first use
}

// New makes the Desk for view. Call Reload to read the profiles.
func New(deps Deps, view View) *Desk {
	if deps.Run == nil {
		deps.Run = check.Run
	}
	if deps.Call == nil {
		deps.Call = check.Call
	}
	ownExplain := deps.Explain != nil
	if deps.Explain == nil {
		deps.Explain = guide.Explain
	}
	if deps.ReadRecord == nil {
		deps.ReadRecord = check.ReadRecord
	}
	if deps.ReadHolders == nil {
		deps.ReadHolders = check.ReadHolders
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	return &Desk{deps: deps, view: view, ownExplain: ownExplain, sandbox: map[string]SandboxProfile{}, runs: map[string]*Run{}, ops: map[OpID]*Op{}}
}

// Now is the session's clock.
func (d *Desk) Now() time.Time { return d.deps.Now() }

// Explain is the guide's explanation of a finding code.
func (d *Desk) Explain(code string, evidence map[string]string) guide.Explanation {
	return d.explainIn(code, evidence)
}

// Keychain is where the session keeps client secrets, for the screens to say so (the
// editor, About, the dialogs of a secret that could not be read). The keychain itself
// stays in the desk.
func (d *Desk) Keychain() KeychainState { return d.deps.Secrets.State() }

// Wait blocks until every background operation started so far has finished (tests,
// shutdown).
func (d *Desk) Wait() { d.wg.Wait() }

// background runs f on a goroutine, counted by Wait.
func (d *Desk) background(f func()) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		f()
	}()
}

// newID hands out the next run or operation ID (UI goroutine).
func (d *Desk) newID() uint64 {
	d.nextID++
	return d.nextID
}

// options are the base options with the session's clock.
func (d *Desk) options() check.Options {
	o := d.deps.Options
	if o.Now == nil {
		o.Now = d.deps.Now
	}
	return o
}

// Profiles is the profile list as last read, sorted by name.
func (d *Desk) Profiles() []profiles.Profile { return d.profiles }

// Find returns the listed profile called name.
func (d *Desk) Find(name string) (profiles.Profile, bool) {
	for _, p := range d.profiles {
		if p.Name == name {
			return p, true
		}
	}
	return profiles.Profile{}, false
}

// Selected is the selected profile's name ("" for none).
func (d *Desk) Selected() string { return d.selected }

// Current is the selected profile (ok false when there is none).
func (d *Desk) Current() (profiles.Profile, bool) { return d.Find(d.selected) }

// Select makes name the selected profile (a name that is not listed selects none). A
// run of another profile in flight is cancelled, and with it the operations that used
// its token.
func (d *Desk) Select(name string) {
	if d.active != nil && d.active.Profile.Name != name {
		d.CancelRun()
	}
	if _, ok := d.Find(name); !ok {
		name = ""
	}
	if name != d.selected {
		d.cancelOps(func(o *Op) bool { return o.profile != name })
	}
	d.adoptFleetRun(name)
	d.selected = name
}

// Reload reads the profile list on a goroutine, then selects want (or keeps the
// selection, or picks the first profile) and shows the list. done, when not nil, gets
// the error of the read.
func (d *Desk) Reload(want string, done func(error)) {
	d.background(func() {
		list, err := d.deps.Store.List()
		d.profilesRead(list, err, want, done)
	})
}

// StartTicker moves the expiry countdown every second until ctx ends.
func (d *Desk) StartTicker(ctx context.Context) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				d.tick()
			}
		}
	}()
}

// The setters: the one hop each from a goroutine back to the UI goroutine.

// profilesRead takes the list read by Reload.
func (d *Desk) profilesRead(list []profiles.Profile, err error, want string, done func(error)) {
	fyne.Do(func() {
		if err == nil {
			d.setProfiles(list, want)
		}
		if done != nil {
			done(err)
		}
	})
}

// setProfiles replaces the list, selects want (or keeps the selection, or the first
// profile) and shows it (UI goroutine).
func (d *Desk) setProfiles(list []profiles.Profile, want string) {
	profiles.SortByName(list)
	d.profiles = list
	if want == "" {
		want = d.selected
	}
	if _, ok := d.Find(want); !ok {
		want = ""
		if len(list) > 0 {
			want = list[0].Name
		}
	}
	d.Select(want)
	d.view.ProfilesRead()
}

func (d *Desk) tick() { fyne.Do(func() { d.view.Tick(d.deps.Now()) }) }
