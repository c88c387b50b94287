package desk

import (
	"context"
	"sort"
	"strings"

	"trustedapp-tester/check"
)

// RecordSource is a token a Trusted App record can be read with: the run of the profile
// shown, or the last run of another profile on the same instance (an "inspector" whose
// System User may read Trusted Applications, for an app that gets no token at all).
type RecordSource struct {
	// Run is the run whose token reads; Run.Profile names whose token it is.
	Run *Run
	// Own is true for the shown profile's own run.
	Own bool
}

// SystemUser is the System User the source's token acts as ("" when unknown).
func (s RecordSource) SystemUser() string {
	if s.Run == nil || s.Run.Report.Claims == nil {
		return ""
	}
	return s.Run.Report.Claims.SystemUser
}

// RecordSources are the tokens the record of the profile called name can be read with:
// its own run's first (when it got a token), then other profiles' last runs on the same
// instance, by name.
func (d *Desk) RecordSources(name string) []RecordSource {
	p, ok := d.Find(name)
	if !ok {
		return nil
	}
	var out []RecordSource
	if r := d.runs[name]; r != nil && r.Access() != nil {
		out = append(out, RecordSource{Run: r, Own: true})
	}
	var others []string
	for n, r := range d.runs {
		if n == name || r.Access() == nil {
			continue
		}
		if q, ok := d.Find(n); ok && strings.EqualFold(q.Root(), p.Root()) {
			others = append(others, n)
		}
	}
	sort.Strings(others)
	for _, n := range others {
		out = append(out, RecordSource{Run: d.runs[n]})
	}
	return out
}

// RecordRead is the result of reading a Trusted App record.
type RecordRead struct {
	Op OpID
	// Run is the run of the profile shown when the read started (the record is that
	// profile's); Source the token it was read with.
	Run       RunID
	Source    RecordSource
	Result    check.RecordResult
	Cancelled bool

	// SecretHash is the record's ApplicationSecretHash compared with the stored secret
	// of the profile shown (Desk.SecretHash).
	SecretHash SecretHash
}

// ReadRecord reads the Trusted App record of the profile called name with the token
// of source on a goroutine and gives done the result. run is the run the screen shows
// (nil before any). began, when not nil, hears of the operation (its Op cancels the
// read) before any work starts.
func (d *Desk) ReadRecord(name string, run *Run, source RecordSource, began func(*Op), done func(RecordRead)) {
	p, ok := d.Find(name)
	if !ok || source.Run == nil || source.Run.Access() == nil {
		return
	}
	var shown RunID
	if run != nil {
		shown = run.ID
	}
	op := d.startOp(name)
	if began != nil {
		began(op)
	}
	tok := source.Run.Access()
	opts := d.options()
	d.background(func() {
		ctx, cancel := context.WithTimeout(op.ctx, p.Timeout())
		defer cancel()
		// The token reads with the settings of the profile it was issued for (its
		// run's), never the record's profile's: the credential gate refuses those.
		res := d.deps.ReadRecord(ctx, source.Run.Profile, tok, p.ClientID, opts)
		finish(op, done, RecordRead{Op: op.ID, Run: shown, Source: source, Result: res,
			SecretHash: d.secretHashOf(name, res.Record), Cancelled: op.ctx.Err() != nil})
	})
}
