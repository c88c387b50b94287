package desk

import (
	"errors"

	"trustedapp-tester/profiles"
)

// The profile operations with their secrets. Each runs on a goroutine through the
// Store's conflict handling, in package profiles (the same code as trustedapp-check
// profiles), and keeps the session in step: a renamed profile keeps its last run and
// its sandbox scenario, a deleted one loses them.

// SaveProfile saves p, new when orig is "" or replacing the profile called orig, and,
// when secret is not empty, its client secret (profiles.SaveProfile: the secret first,
// put back when the store refuses). done gets the error; a *profiles.SavedError means
// p was saved and a later part was not.
func (d *Desk) SaveProfile(orig string, p profiles.Profile, secret string, done func(error)) *Op {
	op := d.startOp("")
	now := d.deps.Now()
	d.background(func() {
		err := d.deps.Store.change(func() error {
			return profiles.SaveProfile(d.deps.Store.Profiles(), d.deps.Secrets, orig, p, secret, now)
		})
		d.profileChanged(op, orig, p.Name, err, done)
	})
	return op
}

// ConfirmHost lets the access token of the profile called name go to host (an
// http(s) origin) besides the instance: the user's answer to Guidance's "Trust this
// host for this profile…", kept in the profile (profiles.ConfirmHost). done gets the
// error, nil when the host was confirmed or already was.
func (d *Desk) ConfirmHost(name, host string, done func(error)) *Op {
	op := d.startOp("")
	d.background(func() {
		err := d.deps.Store.change(func() error {
			s := d.deps.Store.Profiles()
			p, err := s.Get(name)
			if err != nil {
				return err
			}
			if _, added, err := profiles.ConfirmHost(&p, host); err != nil || !added {
				return err
			}
			return s.Update(p.Name, p)
		})
		d.profileChanged(op, name, name, err, done)
	})
	return op
}

// RenameProfile renames the profile called from to name and moves its secret
// (profiles.RenameProfile: the secret first, moved back when the store refuses).
func (d *Desk) RenameProfile(from, name string, done func(error)) *Op {
	op := d.startOp("")
	d.background(func() {
		err := d.deps.Store.change(func() error {
			return profiles.RenameProfile(d.deps.Store.Profiles(), d.deps.Secrets, from, name)
		})
		d.profileChanged(op, from, profiles.NormalizeName(name), err, done)
	})
	return op
}

// Duplicated is the result of DuplicateProfile.
type Duplicated struct {
	Op   OpID
	Copy profiles.Profile // its Name is "" when nothing was created
	// SecretCopied is true when the original had a secret and the copy got it.
	SecretCopied bool
	Err          error
}

// DuplicateProfile copies the profile called name under a free name ("name copy",
// "name copy 2"...) with its secret (profiles.DuplicateProfile: the copy is removed
// again when the secret cannot be copied).
func (d *Desk) DuplicateProfile(name string, done func(Duplicated)) *Op {
	op := d.startOp("")
	newName := profiles.CopyName(d.profiles, name)
	now := d.deps.Now()
	d.background(func() {
		var cp profiles.Profile
		var copied bool
		err := d.deps.Store.change(func() error {
			var err error
			cp, copied, err = profiles.DuplicateProfile(d.deps.Store.Profiles(), d.deps.Secrets, name, newName, now)
			return err
		})
		finish(op, func(res Duplicated) {
			if done != nil {
				done(res)
			}
			if res.Err == nil {
				d.Reload(res.Copy.Name, nil)
			}
		}, Duplicated{Op: op.ID, Copy: cp, SecretCopied: copied, Err: err})
	})
	return op
}

// Deleted is the result of DeleteProfiles.
type Deleted struct {
	Op OpID
	// Removed are the profiles deleted; Failed the first failure (the profile it names
	// was kept, unless it is a *profiles.SavedError: then its secret may remain).
	Removed []string
	Failed  error
}

// DeleteProfiles deletes the named profiles and their secrets on a goroutine
// (profiles.DeleteProfile: the secret first, put back when the store refuses), then
// reads the list again.
func (d *Desk) DeleteProfiles(names []string, done func(Deleted)) *Op {
	op := d.startOp("")
	d.background(func() {
		var res Deleted
		for _, n := range names {
			err := d.deps.Store.change(func() error {
				return profiles.DeleteProfile(d.deps.Store.Profiles(), d.deps.Secrets, n)
			})
			var saved *profiles.SavedError
			if err == nil || errors.As(err, &saved) {
				res.Removed = append(res.Removed, n)
			}
			if err != nil && res.Failed == nil {
				res.Failed = err
			}
		}
		res.Op = op.ID
		finish(op, func(res Deleted) {
			for _, n := range res.Removed {
				delete(d.runs, n)
				delete(d.sandbox, n)
			}
			d.selected = ""
			done(res)
			d.Reload("", nil)
		}, res)
	})
	return op
}

// profileChanged ends a save or rename: a profile renamed from orig to name takes its
// last run and scenario along, and once it is saved the list is read again with name
// selected (a refused change leaves the screen as it is, for the user to correct).
func (d *Desk) profileChanged(op *Op, orig, name string, err error, done func(error)) {
	finish(op, func(err error) {
		var saved *profiles.SavedError
		if (err == nil || errors.As(err, &saved)) && orig != "" && orig != name {
			if r, ok := d.runs[orig]; ok {
				delete(d.runs, orig)
				r.Profile.Name = name
				d.runs[name] = r
			}
			if sb, ok := d.sandbox[orig]; ok {
				delete(d.sandbox, orig)
				d.sandbox[name] = sb
			}
		}
		if done != nil {
			done(err)
		}
		if err == nil || saved != nil {
			d.Reload(name, nil)
		}
	}, err)
}
