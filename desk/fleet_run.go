package desk

import (
	"errors"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/fleet"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// The fleet test: many profiles checked at once by the rules of `trustedapp-check check
// --all` (package fleet: at most one request at a time per host, one ERP.net session
// per Trusted App), each run kept in History like any run. Results come back to the UI
// goroutine in one place, fleetTest.post, which hands everything that arrived since the
// last hop over in one fyne.Do: a screen refreshes once per batch, however fast the
// hosts answer.

// FleetOptions tune a fleet test.
type FleetOptions struct {
	// TokenOnlyProduction tests Production profiles up to their token only
	// (check.NoAPI: no API call, so no ERP.net session and no licence slot); the
	// others run every step.
	TokenOnlyProduction bool
	// Parallel is how many profiles are tested at once (0: fleet.DefaultParallel);
	// never more than one at a time per host.
	Parallel int
}

// FleetProgress is what a fleet test has done so far.
type FleetProgress struct {
	Op    OpID
	Total int
	// Finished counts the profiles whose test ended or that could not be tested.
	Finished int
	Failed   int
	// Testing counts the tests under way.
	Testing int
	// Changed are the profiles whose rows changed since the last progress.
	Changed []string
}

// FleetTested is the end of a fleet test.
type FleetTested struct {
	Op                            OpID
	Total, Passed, Warned, Failed int
	// NotTested counts the profiles that were not tested (no secret, cancelled).
	NotTested int
	Cancelled bool
	// HistoryErr is the first failure to write a run to History.
	HistoryErr error
}

// Problems of a profile the fleet test did not test (FleetRow.Problem), in the
// language lang (nil: English): the desk's language when the test began.

// FleetNoSecret: the profile has no client secret stored.
func FleetNoSecret(lang *i18n.Localizer) string {
	return lang.X("app.fleet.problem.no_secret", "No client secret stored: set it with Set secrets… or the editor.")
}

// FleetCancelledTurn: the test was cancelled before the profile's turn.
func FleetCancelledTurn(lang *i18n.Localizer) string {
	return lang.X("app.fleet.problem.cancelled_turn", "Not tested: the fleet test was cancelled before its turn.")
}

// FleetCancelledRun: the test was cancelled during the profile's run.
func FleetCancelledRun(lang *i18n.Localizer) string {
	return lang.X("app.fleet.problem.cancelled_run", "Cancelled during its test.")
}

// fleetKeychainProblem: the keychain did not give the profile's secret.
func fleetKeychainProblem(lang *i18n.Localizer, err error) string {
	return lang.X("app.fleet.problem.keychain", "The keychain did not give its secret: {{.Err}}", map[string]any{"Err": err.Error()})
}

// fleetBodyKeep is how much of each response body a fleet run keeps: a run view opened
// from the fleet view shows the start of a long body (a 1 MiB $metadata times 500
// profiles would otherwise stay in memory). Testing the profile alone shows it whole.
const fleetBodyKeep = 64 << 10

// FleetTesting is the fleet test in flight (nil when none).
func (d *Desk) FleetTesting() *Op {
	if d.fleet == nil || d.fleet.test == nil {
		return nil
	}
	return d.fleet.test.op
}

// TestFleet tests the profiles called names (FleetOptions says how) on goroutines and
// answers its Op, or nil when nothing starts (a fleet test is in flight, or none of
// the names is listed). began hears of the Op before any work starts; progress gets
// what changed as results arrive, done the end. The runs go to History, and each
// becomes its profile's last run: at once, or for the profile whose run view is shown
// (or that has its own run in flight) when it is next selected. Sandbox profiles from
// an earlier session start the sandbox first.
func (d *Desk) TestFleet(names []string, o FleetOptions, began func(*Op), progress func(FleetProgress), done func(FleetTested)) *Op {
	f := d.fleetBook()
	if f.test != nil {
		return nil
	}
	var ps []profiles.Profile
	gone := false
	for _, n := range names {
		if p, ok := d.Find(n); ok {
			ps = append(ps, p)
			gone = gone || d.sandboxGone(p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	op := d.startOp("")
	t := &fleetTest{d: d, op: op, lang: d.Language(), progress: progress, total: len(ps), testing: map[string]bool{}}
	f.test = t
	for _, p := range ps {
		f.state[p.Name] = FleetQueued
		delete(f.problem, p.Name)
	}
	if began != nil {
		began(op)
	}
	if gone {
		// The sandbox moves its profiles to its new address: run them as they are then.
		d.startSandbox(d.selected, func(error) {
			var now []profiles.Profile
			for _, p := range ps {
				if q, ok := d.Find(p.Name); ok {
					now = append(now, q)
				}
			}
			d.runFleet(t, now, o, done)
		})
		return op
	}
	d.runFleet(t, ps, o, done)
	return op
}

// runFleet reads the secrets and runs the batch on a goroutine (UI goroutine).
func (d *Desk) runFleet(t *fleetTest, ps []profiles.Profile, o FleetOptions, done func(FleetTested)) {
	opts := d.options()
	history, runs, secrets := d.deps.History, d.runHistory(), d.deps.Secrets
	ctx := t.op.ctx
	d.background(func() {
		var batch []fleet.Target
		for _, p := range ps {
			if ctx.Err() != nil {
				t.post(fleetEvent{name: p.Name, problem: FleetCancelledTurn(t.lang)})
				continue
			}
			secret, err := secrets.Get(p.Name)
			switch {
			case errors.Is(err, profiles.ErrSecretNotSet):
				t.post(fleetEvent{name: p.Name, problem: FleetNoSecret(t.lang)})
			case err != nil:
				t.post(fleetEvent{name: p.Name, problem: fleetKeychainProblem(t.lang, err)})
			default:
				batch = append(batch, fleet.Target{Profile: p, Secret: secret})
			}
		}
		fo := fleet.Options{Parallel: o.Parallel, Run: opts, OnStart: func(i int) {
			t.post(fleetEvent{name: batch[i].Profile.Name, testing: true})
		}}
		if o.TokenOnlyProduction {
			fo.ModeOf = func(p profiles.Profile) check.Mode {
				if profiles.IsProduction(p.Environment) {
					return check.NoAPI
				}
				return check.AllSteps
			}
		}
		fleet.Run(ctx, batch, fo, func(res fleet.Result) {
			tg := batch[res.Index]
			if !res.Started {
				t.post(fleetEvent{name: tg.Profile.Name, problem: FleetCancelledTurn(t.lang)})
				return
			}
			rep := res.Report
			sum := check.Summarize(rep)
			sum.Profile, sum.ClientID = tg.Profile.Name, tg.Profile.ClientID
			var herr error
			switch {
			case runs != nil:
				herr = runs.AppendReportSummary(rep, sum)
			case history != nil:
				herr = history.AppendReport(tg.Profile.Name, tg.Profile.ClientID, rep)
			}
			hash := secretHashFrom(tg.Profile.Name, tg.Secret, nil)
			keepBodies(&rep, fleetBodyKeep)
			t.post(fleetEvent{name: tg.Profile.Name, res: &fleetResult{profile: tg.Profile, rep: rep, sum: sum, hash: hash, histErr: herr}})
		})
		for i := range batch {
			batch[i].Secret = ""
		}
		t.end(ctx.Err() != nil, done)
	})
}

// keepBodies cuts each response body of rep after max bytes (at a character's start),
// marking the exchange truncated as the engine's own cap does.
func keepBodies(rep *check.Report, max int) {
	for i := range rep.Steps {
		xs := rep.Steps[i].Exchanges
		for j := range xs {
			b := xs[j].ResponseBody
			if len(b) <= max {
				continue
			}
			cut := max
			for cut > 0 && !utf8.RuneStart(b[cut]) {
				cut--
			}
			xs[j].ResponseBody, xs[j].Truncated = b[:cut], true
		}
	}
}

// fleetTest is one fleet test in flight.
type fleetTest struct {
	d        *Desk
	op       *Op
	lang     *i18n.Localizer // the problems' language
	progress func(FleetProgress)

	mu        sync.Mutex   // guards pending and scheduled (any goroutine)
	pending   []fleetEvent // arrived since the last hop
	scheduled bool         // a hop is queued
	apply     sync.Mutex   // one hop at a time (Fyne's test driver runs fyne.Do at once)

	// UI goroutine (under apply):
	total, finished, passed, warned, failed, notTested int
	testing                                            map[string]bool
	histErr                                            error
}

// fleetEvent is one thing that happened to one profile of the batch.
type fleetEvent struct {
	name    string
	testing bool         // its test began
	problem string       // it was not tested, and why
	res     *fleetResult // its test ended
}

type fleetResult struct {
	profile profiles.Profile
	rep     check.Report
	sum     check.RunSummary
	hash    SecretHash
	histErr error
}

// post queues ev for the UI goroutine, with one fyne.Do for whatever arrives until it
// runs: the fleet test's one hop.
func (t *fleetTest) post(ev fleetEvent) {
	t.mu.Lock()
	t.pending = append(t.pending, ev)
	hop := !t.scheduled
	t.scheduled = true
	t.mu.Unlock()
	if hop {
		fyne.Do(t.drain)
	}
}

// drain files what arrived and tells the screen (UI goroutine).
func (t *fleetTest) drain() {
	t.apply.Lock()
	defer t.apply.Unlock()
	t.mu.Lock()
	evs := t.pending
	t.pending, t.scheduled = nil, false
	t.mu.Unlock()
	if len(evs) == 0 {
		return
	}
	f := t.d.fleetBook()
	changed := make([]string, 0, len(evs))
	for _, ev := range evs {
		changed = append(changed, ev.name)
		switch {
		case ev.testing:
			f.state[ev.name] = FleetTesting
			t.testing[ev.name] = true
		case ev.problem != "":
			f.state[ev.name] = FleetIdle
			f.problem[ev.name] = ev.problem
			t.finished++
			t.notTested++
		case ev.res != nil:
			delete(t.testing, ev.name)
			f.state[ev.name] = FleetIdle
			t.finished++
			t.fileResult(ev.res)
		}
	}
	if t.progress != nil {
		t.progress(FleetProgress{Op: t.op.ID, Total: t.total, Finished: t.finished, Failed: t.failed, Testing: len(t.testing), Changed: changed})
	}
}

// fileResult files one finished test: its summary as the profile's newest run, the
// run itself as the profile's last run (or held, see fleetBook.held).
func (t *fleetTest) fileResult(r *fleetResult) {
	d, f, name := t.d, t.d.fleetBook(), r.profile.Name
	if r.histErr != nil && t.histErr == nil {
		t.histErr = r.histErr
	}
	if r.rep.Cancelled {
		f.problem[name] = FleetCancelledRun(t.lang)
		t.notTested++
		return
	}
	switch r.rep.Verdict {
	case check.Pass:
		t.passed++
	case check.Warn:
		t.warned++
	default:
		t.failed++
	}
	f.note(name, r.sum)
	if _, ok := d.Find(name); !ok {
		return // deleted meanwhile
	}
	run := &Run{ID: RunID(d.newID()), Profile: r.profile, Report: r.rep, Steps: r.rep.Steps, Done: true,
		HistoryErr: r.histErr, d: d, cancel: func() {}, secretHash: r.hash}
	if d.selected == name || (d.active != nil && d.active.Profile.Name == name) {
		f.held[name] = run
		return
	}
	d.runs[name] = run
}

// end hands the end of the test to the UI goroutine, after what is still pending.
func (t *fleetTest) end(cancelled bool, done func(FleetTested)) {
	finish(t.op, func(struct{}) {
		t.drain()
		f := t.d.fleetBook()
		if f.test == t {
			f.test = nil
		}
		t.apply.Lock()
		res := FleetTested{Op: t.op.ID, Total: t.total, Passed: t.passed, Warned: t.warned, Failed: t.failed,
			NotTested: t.notTested, Cancelled: cancelled, HistoryErr: t.histErr}
		t.apply.Unlock()
		if done != nil {
			done(res)
		}
	}, struct{}{})
}
