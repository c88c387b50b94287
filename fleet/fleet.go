// Package fleet checks many profiles in one go by ERP.net's rules, for `check --all`,
// `watch` and the app's fleet view alike:
//
//   - at most Options.Parallel checks at once, and never two requests at a time to one
//     host (ERP.net documents SessionConcurrentRequests = 1 and per-session rate
//     limits), taking hosts in turn so that many hosts keep every worker busy;
//   - one ERP.net session per Trusted App (a client_id on one identity server): the
//     first profile of a Trusted App to open or reuse a session holds it, and later
//     profiles of the same app in the batch skip their API calls, each listed as a
//     skipped step saying which profile holds the session. A Trusted App's profiles
//     share a host, and a host's profiles run one at a time in the given order, so
//     which profile holds the session does not depend on timing.
//
// Run is the whole of it: targets in, one Result per target handed to a callback as
// each check ends (never two callbacks at once), cancelled through its context. The
// engine's other rules (tokens reused through Options.Run.Cache, no licence with
// check.NoAPI) are check.Run's. ForEachPerHost is the scheduler alone.
package fleet

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// DefaultParallel is how many checks run at once when Options.Parallel is 0.
const DefaultParallel = 4

// Target is one profile to check, with its client secret.
type Target struct {
	Profile profiles.Profile
	Secret  string
}

// Options tune a batch.
type Options struct {
	// Parallel is how many checks run at once (0: DefaultParallel). Never more than
	// one at a time per host, whatever it says.
	Parallel int
	// Run are the engine's options for every check: the token cache, the mode
	// (check.NoAPI uses no licence), the timeout.
	Run check.Options
	// ModeOf, when set, is each target's run mode instead of Run.Mode (the app runs
	// Production profiles token only, without API calls, and the others in full).
	ModeOf func(p profiles.Profile) check.Mode
	// SkipWhy is the skipped calls' summary for a profile whose Trusted App's
	// session holder holds in this batch (nil: SkippedForHolder's sentence).
	SkipWhy func(p profiles.Profile, holder string) string
	// OnStart, when set, hears that target i's check begins, on the goroutine that runs
	// it.
	OnStart func(i int)
	// OnStep, when set, gets each step of target i as it finishes, on the goroutine
	// running that check (calls for different targets may come at once).
	OnStep func(i int, s check.Step)
}

// Result is what became of one target.
type Result struct {
	// Index is the target's index in the list given to Run.
	Index int
	// Started is false for a target the batch never started: ctx ended first. Its
	// Report is empty but for the profile's name and Cancelled.
	Started bool
	// Report is the check's report; Cancelled when ctx ended during it.
	Report check.Report
	// SessionHeldBy names the profile of the same Trusted App whose calls hold the
	// batch's session, when this target's API calls were skipped for it.
	SessionHeldBy string
}

// Run checks every target (see the package comment for the rules) and calls onResult
// with each one's Result as it ends, never two calls at once; it returns when every
// check started has ended and every target has had its Result. When ctx ends, the
// checks in flight end as cancelled and the targets not yet started get a Result with
// Started false.
func Run(ctx context.Context, targets []Target, o Options, onResult func(Result)) {
	parallel := o.Parallel
	if parallel == 0 {
		parallel = DefaultParallel
	}
	hosts := make([]string, len(targets))
	for i, t := range targets {
		hosts[i] = Host(t.Profile)
	}
	var (
		resultMu sync.Mutex
		holdMu   sync.Mutex
		holder   = map[string]string{} // Trusted App -> the profile whose calls hold its session
	)
	deliver := func(r Result) {
		resultMu.Lock()
		defer resultMu.Unlock()
		if onResult != nil {
			onResult(r)
		}
	}
	started := ForEachPerHost(ctx, hosts, parallel, func(i int) {
		t := targets[i]
		opts := o.Run
		if o.ModeOf != nil {
			opts.Mode = o.ModeOf(t.Profile)
		}
		app := TrustedApp(t.Profile)
		holdMu.Lock()
		first, held := holder[app]
		holdMu.Unlock()
		if held && opts.Mode == check.AllSteps {
			why := SkippedForHolder(t.Profile, first)
			if o.SkipWhy != nil {
				why = o.SkipWhy(t.Profile, first)
			}
			opts.Mode = check.CallsSkipped(why)
		} else {
			first = ""
		}
		var onStep func(check.Step)
		if o.OnStep != nil {
			onStep = func(s check.Step) { o.OnStep(i, s) }
		}
		if o.OnStart != nil {
			o.OnStart(i)
		}
		rep := check.Run(ctx, t.Profile, t.Secret, opts, onStep)
		if s := rep.Session; s != nil && s.State != check.SessionNone {
			holdMu.Lock()
			if _, held := holder[app]; !held {
				holder[app] = t.Profile.Name
			}
			holdMu.Unlock()
		}
		deliver(Result{Index: i, Started: true, Report: rep, SessionHeldBy: first})
	})
	for i, ok := range started {
		if !ok {
			deliver(Result{Index: i, Report: check.Report{Profile: targets[i].Profile.Name, Cancelled: true}})
		}
	}
}

// SkippedForHolder is the default summary of the API calls a profile skips because
// holder, a profile of the same Trusted App, holds the batch's ERP.net session.
func SkippedForHolder(p profiles.Profile, holder string) string {
	return fmt.Sprintf("Skipped: profile %q of the same Trusted App (%s) already holds this run's ERP.net session; one session per Trusted App. Check this profile alone to run its calls.",
		holder, p.ClientID)
}

// Host is the key requests to one server are counted under: the instance's
// host[:port], lower-cased.
func Host(p profiles.Profile) string { return strings.ToLower(p.Host()) }

// TrustedApp names the Trusted App a profile tests: its client_id on its identity
// server (one record per instance). Two profiles with the same TrustedApp share one
// ERP.net session in a batch.
func TrustedApp(p profiles.Profile) string {
	host := p.Host()
	if u, err := url.Parse(p.AuthorityURL()); err == nil && u.Host != "" {
		host = u.Host
	}
	return strings.ToLower(host) + " " + p.ClientID
}
