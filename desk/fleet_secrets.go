package desk

import (
	"bytes"
	"errors"

	"trustedapp-tester/profiles"
)

// Profiles that still need a client secret (after an import, or in the fleet view) and
// setting those secrets one after another. A CSV file or a bundle never holds one.

// csvData reports whether an import file is a CSV file rather than a bundle: a bundle
// is JSON, an object or a list, and anything else is read as CSV (comma, semicolon or
// tab separated, UTF-8 or UTF-16 with its byte-order mark; profiles.ReadCSV says what
// is wrong with one that is not).
func csvData(data []byte) bool {
	t := bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	t = bytes.TrimLeft(t, " \t\r\n")
	return len(t) > 0 && t[0] != '{' && t[0] != '['
}

// NeedSecrets is the result of NeedSecrets.
type NeedSecrets struct {
	Op OpID
	// Names are the profiles without a client secret, in the order asked.
	Names []string
	// Unknown is true when the keychain did not answer: which profiles need a secret
	// cannot be told.
	Unknown bool
}

// NeedSecrets asks the keychain, on a goroutine, which of the profiles called names
// have no client secret.
func (d *Desk) NeedSecrets(names []string, done func(NeedSecrets)) *Op {
	op := d.startOp("")
	sec := d.deps.Secrets
	names = append([]string(nil), names...)
	d.background(func() {
		res := NeedSecrets{Op: op.ID}
		for _, n := range names {
			if op.ctx.Err() != nil {
				break
			}
			switch sec.status(n) {
			case profiles.SecretNotSet:
				res.Names = append(res.Names, n)
			case profiles.SecretKeychainUnavailable:
				res.Names, res.Unknown = nil, true
			}
			if res.Unknown {
				break
			}
		}
		finish(op, done, res)
	})
	return op
}

// status is what the keychain holds for the profile called name.
func (a *Secrets) status(name string) profiles.SecretStatus { return a.s.Status(name) }

// SetSecret stores the client secret of the profile called name in the keychain (for
// this session when there is none) with the date it was set, on a goroutine
// (profiles.SetProfileSecret, as `trustedapp-check profiles set-secret`). The list is
// not read again: call Reload when done setting secrets.
func (d *Desk) SetSecret(name, secret string, done func(error)) *Op {
	op := d.startOp("")
	now := d.deps.Now()
	d.background(func() {
		err := d.deps.Store.change(func() error {
			return profiles.SetProfileSecret(d.deps.Store.Profiles(), d.deps.Secrets, name, secret, now)
		})
		var ku *profiles.KeyringUnavailableError
		if errors.As(err, &ku) {
			// desk.Secrets fell back to this session already; a second refusal is real.
			err = errors.New(ku.Message)
		}
		finish(op, done, err)
	})
	return op
}
