package desk

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// RunID identifies one test run. Screens show the run they were given and drop what
// belongs to another run (a custom call or a record read with an older token).
type RunID uint64

// Run is one test of a profile: in flight, or the last finished one of its profile
// (the profile's current report, its token and when the token expires).
type Run struct {
	ID      RunID
	Profile profiles.Profile
	// Report is the run's report; final once Done.
	Report check.Report
	// Steps are the steps streamed so far.
	Steps []check.Step
	Done  bool
	// NotStarted says why the run never started (no secret, an unreadable keychain);
	// nil for a run that ran.
	NotStarted error
	// HistoryErr is the failure to write the run to the history log, if any.
	HistoryErr error
	// Supplied is true for the inspection of a token the user supplied.
	Supplied bool

	d      *Desk
	cancel context.CancelFunc
	// secretHash compares the secret the run used with nothing yet: the hash the record
	// must hold (secrethash.go). Its Name is "" for an inspection (no secret).
	secretHash SecretHash
	// then, when set, is called once with the finished run (a custom call waiting for
	// a renewed token).
	then func(*Run)
}

// ErrNoSecret is a run that did not start because the profile has no client secret.
var ErrNoSecret = errors.New("no client secret stored")

// Expires is when the run's token stops working (zero when unknown or no token).
func (r *Run) Expires() time.Time {
	switch {
	case r == nil:
		return time.Time{}
	case r.Report.Claims != nil && !r.Report.Claims.Expires.IsZero():
		return r.Report.Claims.Expires
	case r.Report.Token != nil:
		return r.Report.Token.ExpiresAt()
	}
	return time.Time{}
}

// Access is the run's token for API calls (nil when it got none).
func (r *Run) Access() *check.AccessToken {
	if r == nil {
		return nil
	}
	return r.Report.Access
}

// Running reports whether a run is in flight.
func (d *Desk) Running() bool { return d.active != nil }

// RunOf is the last run of the profile called name: in flight or finished (nil when it
// has none this session).
func (d *Desk) RunOf(name string) *Run {
	if d.active != nil && d.active.Profile.Name == name {
		return d.active
	}
	return d.runs[name]
}

// Report is the last finished report of the profile called name (nil when none).
func (d *Desk) Report(name string) *check.Report {
	if r := d.runs[name]; r != nil && r.Done && r.NotStarted == nil {
		return &r.Report
	}
	return nil
}

// Start says what StartRun does (or, from CanStart, would do) with the selected
// profile.
type Start int

const (
	// NoProfile: no profile is selected; nothing starts.
	NoProfile Start = iota
	// AlreadyRunning: a run is in flight (Desk.RunOf names its profile); nothing starts.
	AlreadyRunning
	// Started: the run is under way.
	Started
	// StartingSandbox: the profile's sandbox is gone; it starts first, then the run.
	StartingSandbox
)

// Refused reports whether nothing starts.
func (s Start) Refused() bool { return s == NoProfile || s == AlreadyRunning }

// CanStart is what StartRun would do now: the one place that decides whether a run
// starts (a screen asks before it asks the user anything, as the fresh-token question
// on Production).
func (d *Desk) CanStart() Start {
	p, ok := d.Current()
	switch {
	case !ok:
		return NoProfile
	case d.active != nil:
		return AlreadyRunning
	case d.sandboxGone(p):
		return StartingSandbox
	}
	return Started
}

// StartRun tests the selected profile on a goroutine, streaming its steps to the view,
// and says what it did. fresh asks the identity server for a new token instead of
// reusing one; supplied, when not nil, is a token to inspect instead of requesting one.
// A sandbox profile from an earlier session starts the sandbox first. began, when not
// nil, hears what starts (Started or StartingSandbox) before any work does; a refusal
// is only the answer.
func (d *Desk) StartRun(fresh bool, supplied *check.AccessToken, began func(Start)) Start {
	return d.startRun(fresh, supplied, began, nil)
}

func (d *Desk) startRun(fresh bool, supplied *check.AccessToken, began func(Start), then func(*Run)) Start {
	how := d.CanStart()
	if how.Refused() {
		return how
	}
	if began != nil {
		began(how)
	}
	p, _ := d.Current()
	if how == StartingSandbox {
		// A sandbox profile from an earlier session points at a sandbox that is gone:
		// start it (which moves the sandbox profiles to its address), then run.
		name := p.Name
		d.startSandbox(name, func(err error) {
			if err == nil && d.SandboxRunning() {
				d.Select(name)
				d.startRun(fresh, supplied, nil, then)
			}
		})
		return StartingSandbox
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &Run{ID: RunID(d.newID()), Profile: p, Supplied: supplied != nil, d: d, cancel: cancel, then: then}
	d.active = r
	delete(d.runs, p.Name)
	// What used the profile's previous token belongs to the old run: cancelled.
	d.cancelOps(func(o *Op) bool { return o.profile == p.Name && !o.renewal })
	d.view.RunStarted(r)
	opts := d.options()
	opts.Fresh = opts.Fresh || fresh
	opts.Supplied = supplied
	d.background(func() {
		defer cancel()
		var secret string
		if supplied == nil {
			var err error
			secret, err = d.deps.Secrets.Get(p.Name)
			if errors.Is(err, profiles.ErrSecretNotSet) {
				err = ErrNoSecret
			}
			if err != nil {
				r.notStarted(err)
				return
			}
		}
		rep := d.deps.Run(ctx, p, secret, opts, r.step)
		var hash SecretHash
		if supplied == nil && p.KindOf() == profiles.KindClientCredentials {
			hash = secretHashFrom(p.Name, secret, nil) // only a client secret has an ApplicationSecretHash
		}
		secret = ""
		var histErr error
		if d.deps.History != nil {
			histErr = d.deps.History.AppendReport(p.Name, p.ClientID, rep)
		}
		r.finished(rep, histErr, hash)
	})
	return Started
}

// CancelRun cancels the run in flight, if any; its end still comes to the view.
func (d *Desk) CancelRun() {
	if d.active != nil {
		d.active.cancel()
	}
}

// end files the run as its profile's last (UI goroutine).
func (d *Desk) end(r *Run) {
	if d.active == r {
		d.active = nil
	}
	r.Done = true
	if r.NotStarted == nil {
		d.runs[r.Profile.Name] = r
		d.dropFleetRun(r.Profile.Name)
	}
	d.view.RunFinished(r)
	if then := r.then; then != nil {
		r.then = nil
		then(r)
	}
}

// The setters of a run: the hop back to the UI goroutine.

// step takes one finished step from the engine's goroutine.
func (r *Run) step(s check.Step) {
	fyne.Do(func() {
		r.Steps = append(r.Steps, s)
		r.Report.Steps = r.Steps
		r.d.view.RunStep(r, s)
	})
}

// finished takes the run's report.
func (r *Run) finished(rep check.Report, histErr error, hash SecretHash) {
	fyne.Do(func() {
		r.Report, r.HistoryErr, r.secretHash = rep, histErr, hash
		r.d.end(r)
	})
}

// notStarted says why the run never started.
func (r *Run) notStarted(err error) {
	fyne.Do(func() {
		r.NotStarted = err
		r.d.end(r)
	})
}
