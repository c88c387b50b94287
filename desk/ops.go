package desk

import (
	"context"

	"fyne.io/fyne/v2"
)

// OpID identifies one background operation. A screen keeps the ID of the operation
// whose result it waits for, and drops a result with another ID (an operation it has
// moved on from).
type OpID uint64

// Op is one background operation in flight: a custom call, a record read, an import,
// an export, the sandbox's setup. Cancel stops it; its result then says so.
type Op struct {
	ID OpID
	// profile is the profile whose screen the operation serves ("" for none): selecting
	// another profile cancels it.
	profile string
	// renewal marks a call waiting for the fresh run that renews its token.
	renewal bool
	ctx     context.Context
	cancel  context.CancelFunc
	d       *Desk
}

// Cancel stops the operation (UI goroutine). Its result still arrives, cancelled. An
// Op a screen's test made itself (no context) has nothing to stop.
func (o *Op) Cancel() {
	if o != nil && o.cancel != nil {
		o.cancel()
	}
}

// Context is the operation's context (tests).
func (o *Op) Context() context.Context { return o.ctx }

// startOp registers an operation for profile (UI goroutine).
func (d *Desk) startOp(profile string) *Op {
	ctx, cancel := context.WithCancel(context.Background())
	o := &Op{ID: OpID(d.newID()), profile: profile, ctx: ctx, cancel: cancel, d: d}
	d.ops[o.ID] = o
	return o
}

// InFlight reports whether the operation id has not finished yet.
func (d *Desk) InFlight(id OpID) bool { _, ok := d.ops[id]; return ok }

// cancelOps cancels the operations in flight that serve a profile and match.
func (d *Desk) cancelOps(match func(*Op) bool) {
	for _, o := range d.ops {
		if o.profile != "" && match(o) {
			o.cancel()
		}
	}
}

// finish ends the operation and calls done with v on the UI goroutine: the hop of
// every operation's result.
func finish[T any](o *Op, done func(T), v T) {
	fyne.Do(func() {
		o.cancel()
		delete(o.d.ops, o.ID)
		if done != nil {
			done(v)
		}
	})
}
