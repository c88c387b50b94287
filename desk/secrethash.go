package desk

import (
	"errors"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// The ApplicationSecretHash of a profile's stored secret, compared with a Trusted App
// record's: the row of the Record tab's checklist and the hash the editor shows
// (SecretHash, KnownSecretHash). The secret is read from the keychain here, on a
// goroutine, and only its hash and the comparison leave the desk (NewTrustedApp's new
// secret, shown once, is the one exception: newapp.go).

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
	p, _ := d.Find(name)
	d.background(func() {
		h := d.secretHashOf(name, p.KindOf(), rec)
		h.Op = op.ID
		finish(op, done, h)
	})
	return op
}

// secretHashOf reads name's secret and compares it with rec (goroutine). The secret
// goes no further than this function. kind is the profile's: only a client secret is
// hashed.
func (d *Desk) secretHashOf(name string, kind profiles.Kind, rec *check.TrustedAppRecord) SecretHash {
	if kind != profiles.KindClientCredentials {
		// Its keychain holds a reference token or a password, never hashed here.
		h := SecretHash{Name: name, NoSecret: true}
		h.Row, _ = check.SecretHashRow(rec, "")
		h.Row.Note = "This profile holds a " + kind.SecretName() + ", not the Trusted App's client secret, so the hash is not compared."
		return h
	}
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
		h.Row.Note = sentence.Capitalize(platform.Keychain()) + " did not give the profile's secret (" + err.Error() + "), so the hash was not compared: unlock it and read again."
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
