package desk

import (
	"time"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/profiles"
)

// The fleet view's data: every profile with its newest run (from History, or from a
// fleet test of this session), what changed since its last passing run (drift), and
// where it stands in the fleet test in flight (fleet_run.go). The screen reads the
// rows with FleetRows and sorts and filters them itself.

// FleetHistory is the part of the history log that gives each profile's newest run and
// the last passing run before it, in one pass over the runs file (audit.Log satisfies
// it). Without it the fleet view shows this session's fleet tests only.
type FleetHistory interface {
	LatestRuns(names ...string) (map[string]audit.Latest, error)
}

// FleetState is where a profile stands in the fleet test of this session.
type FleetState int

const (
	// FleetIdle: not part of a fleet test in flight.
	FleetIdle FleetState = iota
	// FleetQueued: waiting for its turn (its host is busy, or every worker is).
	FleetQueued
	// FleetTesting: its test is under way.
	FleetTesting
)

// FleetRow is one profile's line in the fleet view.
type FleetRow struct {
	Profile profiles.Profile
	// Last is the profile's newest finished run, from History or this session's fleet
	// tests (cancelled runs left out); nil when it has none.
	Last *check.RunSummary
	// Drift is what changed in Last since the last passing run before it
	// (compare.Drifted); Drift.Baseline is false when there is none.
	Drift compare.Drift
	State FleetState
	// Problem says why the profile's last fleet test did not test it, or that it was
	// cancelled ("" when it was tested, or never asked).
	Problem string
}

// fleetBook is the desk's fleet state (UI goroutine).
type fleetBook struct {
	latest  map[string]fleetEntry // by profile name
	state   map[string]FleetState
	problem map[string]string
	// held are fleet runs of the profile the run view showed when they finished (or
	// that had its own run in flight): filed as its last run when it is next selected,
	// so that a fleet test never changes the run view under the user.
	held map[string]*Run
	test *fleetTest // the fleet test in flight, nil when none
}

// fleetEntry is a profile's newest run, the last pass before it, and the drift between.
type fleetEntry struct {
	x     audit.Latest
	drift compare.Drift
}

func newEntry(x audit.Latest) fleetEntry {
	return fleetEntry{x: x, drift: compare.Drifted(x.Newest, x.LastPass)}
}

// fleet is the desk's fleet state, made on first use.
func (d *Desk) fleetBook() *fleetBook {
	if d.fleet == nil {
		d.fleet = &fleetBook{latest: map[string]fleetEntry{}, state: map[string]FleetState{}, problem: map[string]string{}, held: map[string]*Run{}}
	}
	return d.fleet
}

// FleetRows are the fleet view's rows: every listed profile, in the list's order.
func (d *Desk) FleetRows() []FleetRow {
	rows := make([]FleetRow, len(d.profiles))
	for i, p := range d.profiles {
		rows[i] = d.fleetBook().row(p)
	}
	return rows
}

// FleetHistoryAvailable reports whether History can give the fleet view each
// profile's newest run.
func (d *Desk) FleetHistoryAvailable() bool {
	_, ok := d.deps.History.(FleetHistory)
	return ok
}

// FleetRead is the result of ReadFleet.
type FleetRead struct {
	Op OpID
	// Runs is how many profiles History had a run of.
	Runs int
	Err  error
	// Took is how long reading History took.
	Took time.Duration

	latest map[string]fleetEntry
}

// ReadFleet reads each profile's newest run and last passing run from History on a
// goroutine (one pass over the runs file), works out their drift there, and files them
// for FleetRows before done hears of it. A run of this session newer than History's
// stays. It answers nil, and nothing starts, when History keeps no runs.
func (d *Desk) ReadFleet(began func(*Op), done func(FleetRead)) *Op {
	fh, ok := d.deps.History.(FleetHistory)
	if !ok {
		return nil
	}
	op := d.startOp("")
	if began != nil {
		began(op)
	}
	now := d.deps.Now
	d.background(func() {
		start := now()
		latest, err := fh.LatestRuns()
		read := FleetRead{Op: op.ID, Err: err, Runs: len(latest), latest: make(map[string]fleetEntry, len(latest))}
		for name, x := range latest {
			if op.ctx.Err() != nil {
				break
			}
			read.latest[name] = newEntry(x)
		}
		read.Took = now().Sub(start)
		cancelled := op.ctx.Err() != nil
		finish(op, func(r FleetRead) {
			if r.Err == nil && !cancelled {
				d.fleetBook().merge(r.latest)
			}
			if done != nil {
				done(r)
			}
		}, read)
	})
	return op
}

// merge files History's newest runs, keeping a run of this session that is newer.
func (f *fleetBook) merge(read map[string]fleetEntry) {
	for name, e := range read {
		if have, ok := f.latest[name]; ok && have.x.Newest.Started.After(e.x.Newest.Started) {
			continue
		}
		f.latest[name] = e
	}
}

// note files sum as the newest run of its profile: the one before it becomes the last
// pass when it passed (audit.LatestRuns's rule), and the drift is worked out again.
func (f *fleetBook) note(name string, sum check.RunSummary) {
	e, ok := f.latest[name]
	x := audit.Latest{Newest: sum}
	if ok {
		x.LastPass = e.x.LastPass
		if audit.Passed(e.x.Newest) {
			prev := e.x.Newest
			x.LastPass = &prev
		}
	}
	f.latest[name] = newEntry(x)
}

// adoptFleetRun files the fleet run held for the profile called name as its last run,
// unless the profile has its own run in flight (UI goroutine; Select calls it before
// the run view is built again).
func (d *Desk) adoptFleetRun(name string) {
	if d.fleet == nil || (d.active != nil && d.active.Profile.Name == name) {
		return
	}
	if r := d.fleet.held[name]; r != nil {
		delete(d.fleet.held, name)
		d.runs[name] = r
	}
}

// dropFleetRun forgets the fleet run held for the profile called name: a run of its
// own ended after it (UI goroutine).
func (d *Desk) dropFleetRun(name string) {
	if d.fleet != nil {
		delete(d.fleet.held, name)
	}
}

// FleetRow is the fleet view's row of the profile called name (ok false when it is not
// listed).
func (d *Desk) FleetRow(name string) (FleetRow, bool) {
	p, ok := d.Find(name)
	if !ok {
		return FleetRow{}, false
	}
	return d.fleetBook().row(p), true
}

// row is p's row.
func (f *fleetBook) row(p profiles.Profile) FleetRow {
	r := FleetRow{Profile: p, State: f.state[p.Name], Problem: f.problem[p.Name]}
	if e, ok := f.latest[p.Name]; ok {
		last := e.x.Newest
		r.Last, r.Drift = &last, e.drift
	}
	return r
}
