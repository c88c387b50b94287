package desk

import (
	"context"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// CallResult is the answer to a custom call.
type CallResult struct {
	Op OpID
	// Run is the run whose token the call used (after a renewal, the new run).
	Run  RunID
	Step check.Step
	// Cancelled is true when the call was cancelled before it answered.
	Cancelled bool
	// NoToken is set when a renewal was needed and the new run got no token (or another
	// profile was selected meanwhile): nothing was sent.
	NoToken bool
}

// TokenExpired reports whether run's token has passed its expiry, and how long ago.
func (d *Desk) TokenExpired(run *Run) (time.Duration, bool) {
	if run == nil || run.Access() == nil {
		return 0, false
	}
	exp := run.Expires()
	now := d.deps.Now()
	if exp.IsZero() || now.Before(exp) {
		return 0, false
	}
	return now.Sub(exp), true
}

// SendCall makes one API call with the token of run (the run the screen shows) on a
// goroutine and gives done its step. When the token has expired it first runs a fresh
// test of the profile (client credentials has no refresh token: the renewal asks
// again), then sends the call with the new token. began, when not nil, hears of the
// operation (its Op cancels the call, or the call waiting for the renewal) and whether
// it waits for a renewal, before any work starts.
func (d *Desk) SendCall(run *Run, call profiles.APICall, began func(op *Op, renewing bool), done func(CallResult)) {
	if run == nil {
		return
	}
	op := d.startOp(run.Profile.Name)
	_, expired := d.TokenExpired(run)
	if began != nil {
		began(op, expired)
	}
	if !expired {
		d.sendCall(op, run, call, done)
		return
	}
	op.renewal = true // the fresh run it waits for does not cancel it
	// No question even on Production (the app asks before a fresh-token test there):
	// the expired token cannot be reused anyway.
	name := run.Profile.Name
	started := d.startRun(true, nil, nil, func(r *Run) {
		if op.ctx.Err() != nil || r.Access() == nil || d.selected != name {
			finish(op, done, CallResult{Op: op.ID, Run: r.ID, NoToken: true, Cancelled: op.ctx.Err() != nil})
			return
		}
		d.sendCall(op, r, call, done)
	})
	if started.Refused() {
		finish(op, done, CallResult{Op: op.ID, Run: run.ID, NoToken: true})
	}
}

// sendCall makes the call with run's token on a goroutine.
func (d *Desk) sendCall(op *Op, run *Run, call profiles.APICall, done func(CallResult)) {
	p, tok := run.Profile, run.Access()
	opts := d.options()
	d.background(func() {
		ctx, cancel := context.WithTimeout(op.ctx, p.Timeout())
		defer cancel()
		s := d.deps.Call(ctx, p, tok, call, opts)
		finish(op, done, CallResult{Op: op.ID, Run: run.ID, Step: s, Cancelled: op.ctx.Err() != nil})
	})
}

// KeepCall adds call to the profile's calls, so every later test runs it; a profile
// that ran the defaults keeps them and gets the call after them. It reports the number
// of calls the profile now has, or already=true when the call is one of them.
func (d *Desk) KeepCall(name string, call profiles.APICall, done func(n int, err error)) (already bool) {
	p, ok := d.Find(name)
	if !ok {
		return false
	}
	calls := append([]profiles.APICall(nil), p.Calls...)
	if len(calls) == 0 {
		calls = profiles.DefaultCalls()
	}
	for _, x := range calls {
		if strings.EqualFold(x.Method, call.Method) && x.Path == call.Path && x.Body == call.Body {
			return true
		}
	}
	np := p
	np.Calls = append(calls, call)
	np.Updated = d.deps.Now()
	op := d.startOp("")
	d.background(func() {
		err := d.deps.Store.Update(p.Name, np)
		finish(op, func(err error) {
			done(len(np.Calls), err)
			if err == nil {
				d.Reload(p.Name, nil)
			}
		}, err)
	})
	return false
}
