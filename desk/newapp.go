package desk

import (
	"errors"
	"fmt"
	"io"

	"fyne.io/fyne/v2"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
)

// "New Trusted App…": a strong client secret made and stored with its profile, shown
// once, and the values to enter in the Trusted App record (with the secret's hash,
// never the secret), to save for a support ticket.

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
				res.Err = fmt.Errorf("%s could not say whether “%s” has a secret (%w); no secret was made", platform.Keychain(), orig, err)
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
		return report.WriteSetupTextIn(d.Language(), w, s) // in the app's language
	}, done)
}
