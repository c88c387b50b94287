package desk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// The doctor's operations on a Trusted App's secret and record (issue 13): the
// ApplicationSecretHash row of the Record tab and the hash the editor shows
// (SecretHash), reading a record with another profile's token on request
// (RecordReaders, ReadRecordWith: Guidance's offer after invalid_client), a new
// Trusted App's secret and record values (NewTrustedApp, ExportSetup), and the
// least-privilege advice (LeastPrivilege). The secret is read from the keychain here,
// on a goroutine, and only its hash and the comparison leave the desk; NewTrustedApp's
// new secret is the one exception, shown once.

// SecretHash is how a profile's stored secret compares with a Trusted App record's
// ApplicationSecretHash. It never holds the secret.
type SecretHash struct {
	Op OpID
	// Name is the profile whose secret was hashed.
	Name string
	// Row is the record checklist's ApplicationSecretHash row (check.SecretHashRow):
	// unread, its Want is the hash the record must hold, ready to copy.
	Row check.RecordCheck
	// Comparison is nil when no comparison was made (the record was not read, or there
	// is no secret to compare).
	Comparison *check.SecretHashComparison
	// Hash is ApplicationSecretHash of the stored secret ("" when there is none).
	Hash string
	// NoSecret is true when the profile has no secret stored.
	NoSecret bool
	// Err is the keychain's failure to give the secret (nil when it answered).
	Err error
}

// SecretHash compares the record rec (nil: not read) with the stored secret of the
// profile called name on a goroutine and gives done the row (the Record tab) and the
// stored secret's hash (the editor). began, when not nil, hears of the operation
// before any work starts (its answer may come at once).
func (d *Desk) SecretHash(name string, rec *check.TrustedAppRecord, began func(*Op), done func(SecretHash)) *Op {
	op := d.startOp(name)
	if began != nil {
		began(op)
	}
	d.background(func() {
		h := d.secretHashOf(name, rec)
		h.Op = op.ID
		finish(op, done, h)
	})
	return op
}

// secretHashOf reads name's secret and compares it with rec (goroutine). The secret
// goes no further than this function.
func (d *Desk) secretHashOf(name string, rec *check.TrustedAppRecord) SecretHash {
	secret, err := d.deps.Secrets.Get(name)
	switch {
	case errors.Is(err, profiles.ErrSecretNotSet):
		h := SecretHash{Name: name, NoSecret: true}
		h.Row, _ = check.SecretHashRow(rec, "")
		if h.Row.State == check.RecordUnknown {
			h.Row.Note = "This profile has no client secret stored, so the hash cannot be compared: press Edit and paste the secret (the editor shows its hash), or compare by hand."
		}
		return h
	case err != nil:
		h := SecretHash{Name: name, Err: err}
		h.Row, _ = check.SecretHashRow(rec, "")
		h.Row.Note = "The keychain did not give the profile's secret (" + err.Error() + "), so the hash was not compared: unlock the keychain and read again."
		return h
	}
	return secretHashFrom(name, secret, rec)
}

// secretHashFrom compares rec (nil: not read) with secret, the stored secret of the
// profile called name, and keeps only the hashes.
func secretHashFrom(name, secret string, rec *check.TrustedAppRecord) SecretHash {
	h := SecretHash{Name: name, Hash: check.ApplicationSecretHash(secret)}
	h.Row, h.Comparison = check.SecretHashRow(rec, secret)
	return h
}

// KnownSecretHash is the ApplicationSecretHash row of the profile called name's stored
// secret, unread, when the desk already knows it without asking the keychain: from the
// profile's last run this session, while the secret has not changed since (its
// SecretSetAt is the same). Screens show it at once, and ask SecretHash otherwise.
func (d *Desk) KnownSecretHash(name string) (SecretHash, bool) {
	r := d.RunOf(name)
	p, ok := d.Find(name)
	if r == nil || !ok || r.secretHash.Name == "" || !r.Profile.SecretSetAt.Equal(p.SecretSetAt) {
		return SecretHash{}, false
	}
	h := r.secretHash
	h.Name = name // the profile may have been renamed since
	return h, true
}

// RecordReader is another profile on the same instance whose token may read a Trusted
// App record.
type RecordReader struct {
	Name string
	// Run is its run of this session with a token; nil when it gets a token first.
	Run *Run
}

// SystemUser is the System User the reader's token acts as ("" when not known yet).
func (r RecordReader) SystemUser() string { return RecordSource{Run: r.Run}.SystemUser() }

// RecordReaders are the profiles whose token could read the record of the profile
// called name: the others on its instance whose last run this session got a token,
// then those with a stored secret that have not failed to get a token this session,
// each group by name. Whether its System User may read Trusted Applications shows only
// when it reads.
func (d *Desk) RecordReaders(name string) []RecordReader {
	p, ok := d.Find(name)
	if !ok {
		return nil
	}
	var out []RecordReader
	for _, src := range d.RecordSources(name) {
		if !src.Own {
			out = append(out, RecordReader{Name: src.Run.Profile.Name, Run: src.Run})
		}
	}
	var untested []string
	for _, q := range d.profiles {
		if q.Name == name || !strings.EqualFold(q.Root(), p.Root()) {
			continue
		}
		if r := d.runs[q.Name]; r != nil {
			continue // listed above with its token, or it got none
		}
		if _, sb := d.sandbox[q.Name]; q.SecretSetAt.IsZero() && !sb {
			continue // no secret to get a token with
		}
		untested = append(untested, q.Name)
	}
	sort.Strings(untested)
	for _, n := range untested {
		out = append(out, RecordReader{Name: n})
	}
	return out
}

// ReadRecordWith reads the Trusted App record of the profile called name with the token
// of the profile called reader, on a goroutine: reader's token of this session while it
// is valid for another minute, else a new one (a token-only test of reader, its secret
// from the keychain, reusing a cached token as every run does, and kept in the
// history like every test; it does not replace reader's last run). done gets the
// record and its ApplicationSecretHash row. run is the run the screen shows (nil
// before any); began, when not nil, hears of the operation before any work starts.
func (d *Desk) ReadRecordWith(name, reader string, run *Run, began func(*Op), done func(RecordRead)) {
	p, ok := d.Find(name)
	rp, rok := d.Find(reader)
	if !ok || !rok || name == reader {
		return
	}
	var shown RunID
	if run != nil {
		shown = run.ID
	}
	src := d.runs[reader]
	if exp := src.Expires(); src.Access() == nil || (!exp.IsZero() && exp.Sub(d.deps.Now()) < time.Minute) {
		src = nil
	}
	var fresh *Run
	if src == nil {
		fresh = &Run{ID: RunID(d.newID()), Profile: rp, Done: true, d: d}
	}
	op := d.startOp(name)
	if began != nil {
		began(op)
	}
	opts := d.options()
	d.background(func() {
		if fresh != nil {
			if problem := d.readerToken(op.ctx, fresh, opts); problem != "" {
				finish(op, done, RecordRead{Op: op.ID, Run: shown, Source: RecordSource{Run: fresh},
					Result: check.RecordResult{Problem: problem}, SecretHash: d.secretHashOf(name, nil), Cancelled: op.ctx.Err() != nil})
				return
			}
			src = fresh
		}
		ctx, cancel := context.WithTimeout(op.ctx, p.Timeout())
		defer cancel()
		// The reader's token reads with the reader's own settings (its run's profile).
		res := d.deps.ReadRecord(ctx, src.Profile, src.Access(), p.ClientID, opts)
		finish(op, done, RecordRead{Op: op.ID, Run: shown, Source: RecordSource{Run: src}, Result: res,
			SecretHash: d.secretHashOf(name, res.Record), Cancelled: op.ctx.Err() != nil})
	})
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

// NewApp is the result of NewTrustedApp.
type NewApp struct {
	Op OpID
	// Profile is the profile as saved, with the new secret in the keychain.
	Profile profiles.Profile
	// Secret is the new client secret, to show once: the screen forgets it when it
	// closes. "" when none was made or stored.
	Secret string
	// Setup are the values to enter in the Trusted App record, with the secret's hash
	// and never the secret (report.WriteSetupText/JSON).
	Setup check.AppSetup
	// SessionOnly is true when the keychain could not keep the secret: it lives in
	// memory until the app closes.
	SessionOnly bool
	// Exists is true when the profile already has a secret and replace was false:
	// nothing was made or changed; ask before replacing it.
	Exists bool
	// Err says why nothing was made or stored; a *profiles.SavedError means the secret
	// was stored and a later part was not (the Secret is then shown anyway).
	Err error
}

// NewTrustedApp makes a strong client secret (check.NewClientSecret, crypto/rand) for
// profile p and stores it with p on a goroutine: a new profile when orig is "", else
// the profile called orig (profiles.SaveProfile: the secret first, the keychain entry
// put back when the store refuses). A profile that has a secret keeps it unless replace
// is true: the result then says Exists and nothing is made. done gets the secret, to
// show once, and the record values. Once saved, the list is read again with p selected.
func (d *Desk) NewTrustedApp(orig string, p profiles.Profile, replace bool, done func(NewApp)) *Op {
	op := d.startOp("")
	now := d.deps.Now()
	gen := d.deps.NewSecret
	if gen == nil {
		gen = check.NewClientSecret
	}
	d.background(func() {
		res := NewApp{Op: op.ID}
		if orig != "" && !replace {
			_, err := d.deps.Secrets.Get(orig)
			switch {
			case err == nil:
				res.Exists = true
				finish(op, done, res)
				return
			case !errors.Is(err, profiles.ErrSecretNotSet):
				res.Err = fmt.Errorf("the keychain could not say whether “%s” has a secret (%w); no secret was made", orig, err)
				finish(op, done, res)
				return
			}
		}
		secret, err := gen()
		if err != nil {
			res.Err = err
			finish(op, done, res)
			return
		}
		err = d.deps.Store.change(func() error {
			return profiles.SaveProfile(d.deps.Store.Profiles(), d.deps.Secrets, orig, p, secret, now)
		})
		var saved *profiles.SavedError
		if err != nil && !errors.As(err, &saved) {
			res.Err = err // nothing stored: the secret is forgotten unseen
			finish(op, done, res)
			return
		}
		res.Err = err
		res.Profile = p
		res.Profile.Name = profiles.NormalizeName(p.Name)
		if q, gerr := d.deps.Store.Profiles().Get(res.Profile.Name); gerr == nil {
			res.Profile = q
		}
		res.Secret = secret
		res.SessionOnly = d.deps.Secrets.SessionOnly()
		res.Setup = check.NewAppSetup(res.Profile, check.ApplicationSecretHash(secret))
		secret = ""
		finish(op, func(res NewApp) {
			if done != nil {
				done(res)
			}
			d.Reload(res.Profile.Name, nil)
		}, res)
	})
	return op
}

// ExportSetup writes the record values s, without the secret (an AppSetup has no field
// for it), to wc: JSON when asJSON, else text (report.WriteSetupJSON, WriteSetupText),
// for a support ticket.
func (d *Desk) ExportSetup(wc fyne.URIWriteCloser, s check.AppSetup, asJSON bool, done func(Written)) *Op {
	return d.write(wc, func(w io.Writer) error {
		if asJSON {
			return report.WriteSetupJSON(w, s)
		}
		return report.WriteSetupText(w, s)
	}, done)
}

// LeastPrivilege is the advice on what to narrow (codes privilege.*) for profile p from
// its run's report r (its token's scopes and System User) and the record rec when one
// was read (nil otherwise): check.LeastPrivilege, as every report and the record
// command give it. It never fails a check.
func (d *Desk) LeastPrivilege(p profiles.Profile, r check.Report, rec *check.TrustedAppRecord) []check.Finding {
	in := check.PrivilegeInputFor(p, r, rec)
	if r.Finished.IsZero() {
		in.Now = d.deps.Now()
	}
	return check.LeastPrivilege(in)
}
