package desk

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// Reading a Trusted App record: who can read it (RecordReaders) and the one read
// (ReadRecord). The record is read with a token: the profile's own, from its run of
// this session, or another profile's on the same instance (an "inspector" whose System
// User may read Trusted Applications, for an app that gets no token at all). The read
// brings the record's ApplicationSecretHash row with it (secrethash.go), so the
// checklist and the status line are judged together.

// RecordReader is a profile whose token may read a Trusted App record.
type RecordReader struct {
	// Name is the profile whose token reads.
	Name string
	// Own is true for the profile whose record it is.
	Own bool
	// Run is the run whose token reads: the reader's run of this session with a token,
	// nil when the reader gets a token first. In a RecordRead, the run whose token
	// read (a token-only test when one was got for the read).
	Run *Run
}

// SystemUser is the System User the reader's token acts as ("" when not known yet).
func (r RecordReader) SystemUser() string {
	if r.Run == nil || r.Run.Report.Claims == nil {
		return ""
	}
	return r.Run.Report.Claims.SystemUser
}

// RecordReaders are the profiles whose token could read the record of the profile
// called name, in the order to offer them: the profile itself when its last run this
// session got a token; the others on its instance whose last run got one; then those
// with a stored secret that have not failed to get a token this session (they get one
// when asked to read); each group of others by name. Whether a reader's System User
// may read Trusted Applications shows only when it reads.
func (d *Desk) RecordReaders(name string) []RecordReader {
	if _, ok := d.Find(name); !ok {
		return nil
	}
	var out []RecordReader
	if own, ok := d.recordReader(name, name); ok {
		out = append(out, own)
	}
	var tested, untested []string
	for _, q := range d.profiles {
		rd, ok := d.recordReader(name, q.Name)
		_, scenario := d.sandbox[q.Name] // its secret is in the keychain
		switch {
		case !ok || rd.Own:
		case rd.Run != nil:
			tested = append(tested, q.Name)
		case d.runs[q.Name] != nil:
			// it failed to get a token this session
		case q.SecretSetAt.IsZero() && !scenario:
			// no secret to get a token with
		default:
			untested = append(untested, q.Name)
		}
	}
	sort.Strings(tested)
	sort.Strings(untested)
	for _, n := range tested {
		out = append(out, RecordReader{Name: n, Run: d.runs[n]})
	}
	for _, n := range untested {
		out = append(out, RecordReader{Name: n})
	}
	return out
}

// recordReader is the profile called reader as a reader of the record of the profile
// called name: itself while its last run has a token, or another profile on the same
// instance (its last run when that has a token). ok is false for anything else, whose
// token never goes to name's instance.
func (d *Desk) recordReader(name, reader string) (RecordReader, bool) {
	p, ok := d.Find(name)
	q, qok := d.Find(reader)
	if !ok || !qok || !strings.EqualFold(q.Root(), p.Root()) {
		return RecordReader{}, false
	}
	r := d.runs[reader]
	if r.Access() == nil {
		r = nil
	}
	if reader == name {
		return RecordReader{Name: name, Own: true, Run: r}, r != nil
	}
	return RecordReader{Name: reader, Run: r}, true
}

// RecordRead is the result of reading a Trusted App record.
type RecordRead struct {
	Op OpID
	// Run is the run of the profile shown when the read started (the record is that
	// profile's).
	Run RunID
	// Reader is who read, its Run the run whose token read (nil when it got none).
	Reader    RecordReader
	Result    check.RecordResult
	Cancelled bool

	// SecretHash is the record's ApplicationSecretHash compared with the stored secret
	// of the profile shown (Desk.SecretHash).
	SecretHash SecretHash
}

// ReadRecord reads the Trusted App record of the profile called name with the token of
// the profile called reader (name itself for its own token; see RecordReaders), on a
// goroutine, and gives done the record and its ApplicationSecretHash row. The reader's
// token of this session is used while it is valid for another minute; else it gets a
// new one first: a token-only test of reader (its secret from the keychain, reusing a
// cached token as every run does), kept in the history like every test but not filed
// as reader's last run. run is the run the screen shows (nil before any); began, when
// not nil, hears of the operation (its Op cancels the read) before any work starts.
// The answer is nil, and nothing starts, when reader cannot read name's record.
func (d *Desk) ReadRecord(name, reader string, run *Run, began func(*Op), done func(RecordRead)) *Op {
	p, _ := d.Find(name)
	rd, ok := d.recordReader(name, reader)
	if !ok {
		return nil
	}
	var shown RunID
	if run != nil {
		shown = run.ID
	}
	if exp := rd.Run.Expires(); !exp.IsZero() && exp.Sub(d.deps.Now()) < time.Minute {
		rd.Run = nil // about to expire: a new token first
	}
	var fresh *Run
	if rd.Run == nil {
		rp, _ := d.Find(rd.Name)
		fresh = &Run{ID: RunID(d.newID()), Profile: rp, Done: true, d: d}
	}
	op := d.startOp(name)
	if began != nil {
		began(op)
	}
	opts := d.options()
	d.background(func() {
		var res check.RecordResult
		if fresh != nil {
			rd.Run = fresh
			res.Problem = d.readerToken(op.ctx, fresh, opts)
		}
		if res.Problem == "" {
			res = d.readRecordWith(op.ctx, p, rd, opts)
		}
		finish(op, done, RecordRead{Op: op.ID, Run: shown, Reader: rd, Result: res,
			SecretHash: d.secretHashOf(name, res.Record), Cancelled: op.ctx.Err() != nil})
	})
	return op
}

// readRecordWith reads p's record with the token of rd.Run (goroutine), within p's
// timeout. It is the one place a reader's token is sent.
func (d *Desk) readRecordWith(ctx context.Context, p profiles.Profile, rd RecordReader, opts check.Options) check.RecordResult {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout())
	defer cancel()
	// The token reads with the settings of the profile it was issued for (the reader's
	// own run's), never p's: the credential gate refuses those.
	return d.deps.ReadRecord(ctx, rd.Run.Profile, rd.Run.Access(), p.ClientID, opts)
}

// readerToken gets r.Profile a token to read records with (goroutine): a token-only
// test, kept in the history. It returns why there is none ("" when there is one).
func (d *Desk) readerToken(ctx context.Context, r *Run, opts check.Options) string {
	name := r.Profile.Name
	secret, err := d.deps.Secrets.Get(name)
	switch {
	case errors.Is(err, profiles.ErrSecretNotSet):
		return "“" + name + "” has no client secret stored, so it cannot get a token to read the record with: choose another profile, or press Edit on it and paste its secret."
	case err != nil:
		return "The keychain did not give the secret of “" + name + "” (" + err.Error() + "): unlock it and read again."
	}
	opts.Mode = check.TokenOnly
	rep := d.deps.Run(ctx, r.Profile, secret, opts, func(check.Step) {})
	secret = ""
	if d.deps.History != nil {
		_ = d.deps.History.AppendReport(name, r.Profile.ClientID, rep) // a failed append is not the reader's problem
	}
	r.Report = rep
	if rep.Access != nil {
		return ""
	}
	if rep.Cancelled {
		return "Getting a token for “" + name + "” was cancelled."
	}
	why := ""
	for _, s := range rep.Steps {
		for _, f := range s.Findings {
			if f.Severity == check.SevFail && why == "" {
				why = ": " + strings.TrimSuffix(f.Message, ".")
			}
		}
	}
	return "“" + name + "” got no token to read the record with" + why + ". Choose another profile, or test “" + name + "” to see why."
}
