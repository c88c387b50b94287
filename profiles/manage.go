package profiles

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// The operations on a profile together with its client secret live here, once, for the
// CLI (trustedapp-check profiles) and the desktop app (package desk) alike: save, rename,
// duplicate, delete, import and the sandbox's setup. Each one either completes or puts
// back what it changed before it failed (its rollback), and says what it could not put
// back. The keyring is keyed by the profile's exact stored name, so every operation
// resolves the name through the Store first.

// SecretStore is where these operations keep client secrets: *Secrets (the OS keychain),
// the app's keychain with its session-only fallback, or a test's double that fails on
// purpose.
type SecretStore interface {
	// Get returns the secret; *SecretNotSetError (ErrSecretNotSet) when there is none.
	Get(name string) (string, error)
	Set(name, secret string) error
	// Delete removes the secret; one that does not exist is not an error.
	Delete(name string) error
	// Rename moves the secret; no secret under oldName is not an error.
	Rename(oldName, newName string) error
	// SessionOnly reports whether secrets live in memory for this process only.
	SessionOnly() bool
}

var _ SecretStore = (*Secrets)(nil)

// rollbackFailed joins an operation's error with the failure to undo what it did.
func rollbackFailed(err error, what string, rerr error) error {
	return errors.Join(err, fmt.Errorf("%s also failed: %w", what, rerr))
}

// heldSecret is what a name's keychain entry held before an operation changed it, so
// that it can be put back.
type heldSecret struct {
	name  string
	value string
	had   bool
}

// holdSecret reads the secret under name before it is overwritten or removed.
func holdSecret(sec SecretStore, name string) (heldSecret, error) {
	v, err := sec.Get(name)
	switch {
	case err == nil:
		return heldSecret{name: name, value: v, had: true}, nil
	case errors.Is(err, ErrSecretNotSet):
		return heldSecret{name: name}, nil
	}
	return heldSecret{}, err
}

// holdSecretToWrite is holdSecret before a secret is written under name. A keychain
// that cannot be reached holds nothing that could be put back: the write then goes
// wherever the SecretStore keeps secrets without it (the app's session), or fails.
func holdSecretToWrite(sec SecretStore, name string) (heldSecret, error) {
	h, err := holdSecret(sec, name)
	var ku *KeyringUnavailableError
	if errors.As(err, &ku) {
		return heldSecret{name: name}, nil
	}
	return h, err
}

// restore puts the held secret back (or removes one that was not there).
func (h heldSecret) restore(sec SecretStore) error {
	if h.had {
		return sec.Set(h.name, h.value)
	}
	return sec.Delete(h.name)
}

// SetProfileSecret stores the secret for the named profile in the keyring and records
// the date in the store. On *KeyringUnavailableError nothing was stored; the caller may
// offer sec.SetSession instead (the store's date is not changed for session secrets).
func SetProfileSecret(s *Store, sec SecretStore, name, secret string, now time.Time) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	if err := sec.Set(p.Name, secret); err != nil {
		return err
	}
	if sec.SessionOnly() {
		return nil
	}
	return s.MarkSecretSet(p.Name, now)
}

// DeleteProfileSecret removes the named profile's secret and clears its date.
func DeleteProfileSecret(s *Store, sec SecretStore, name string) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	if err := sec.Delete(p.Name); err != nil {
		return err
	}
	if p.SecretSetAt.IsZero() {
		return nil
	}
	return s.MarkSecretSet(p.Name, time.Time{})
}

// SaveProfile saves p, new when orig is "" or replacing the profile called orig (a
// rename when the names differ), and, when secret is not empty, its client secret, with
// the date it was set. The secret is stored first: when the keychain refuses it, nothing
// is saved. When the store then refuses the profile, the keychain entry is put back as it
// was. A rename without a new secret moves the secret like RenameProfile. A *SavedError
// means the profile was saved and a later part was not (the old name's secret left, the
// date not recorded).
func SaveProfile(s *Store, sec SecretStore, orig string, p Profile, secret string, now time.Time) error {
	p.Name = NormalizeName(p.Name)
	renamed := false
	if orig != "" {
		held, err := s.Get(orig)
		if err != nil {
			return err
		}
		orig = held.Name
		renamed = orig != p.Name
	}
	if secret == "" {
		if renamed {
			return renameTo(s, sec, orig, p)
		}
		if orig == "" {
			return s.Add(p)
		}
		return s.Update(orig, p)
	}
	// A new profile, or an edit with a new secret: the secret goes first.
	held, err := holdSecretToWrite(sec, p.Name)
	if err != nil {
		return fmt.Errorf("the profile was not saved because the keychain could not be read: %w", err)
	}
	if err := sec.Set(p.Name, secret); err != nil {
		return err
	}
	if orig == "" {
		err = s.Add(p)
	} else {
		err = s.Update(orig, p)
	}
	if err != nil {
		if rerr := held.restore(sec); rerr != nil {
			return rollbackFailed(err, "putting back the keychain entry of "+strconv.Quote(p.Name), rerr)
		}
		return err
	}
	var later []error
	if renamed {
		if err := sec.Delete(orig); err != nil {
			later = append(later, fmt.Errorf("the secret of the old name %q could not be removed from the keychain (remove the entry for service %q, account %q by hand): %w", orig, KeyringService, orig, err))
		}
	}
	if err := s.MarkSecretSet(p.Name, now); err != nil {
		later = append(later, fmt.Errorf("the date the secret was set could not be recorded: %w", err))
	}
	if len(later) > 0 {
		return &SavedError{Name: p.Name, Err: errors.Join(later...)}
	}
	return nil
}

// SavedError says that an operation did its main part (the profile is saved, deleted or
// copied) and a later part failed; Err says which.
type SavedError struct {
	Name string
	Err  error
}

func (e *SavedError) Error() string { return e.Err.Error() }
func (e *SavedError) Unwrap() error { return e.Err }

// RenameProfile renames a profile and moves its secret. The secret moves first; if the
// store then refuses (a duplicate name, a file changed on disk) it is moved back.
func RenameProfile(s *Store, sec SecretStore, oldName, newName string) error {
	p, err := s.Get(oldName)
	if err != nil {
		return err
	}
	from := p.Name
	p.Name = NormalizeName(newName)
	return renameTo(s, sec, from, p)
}

// renameTo stores p (whose name differs from from's) in from's place and moves the
// secret, secret first, moved back when the store refuses.
func renameTo(s *Store, sec SecretStore, from string, p Profile) error {
	all := s.List()
	idx := indexNames(all)
	if err := checkValid(p, all, idx, idx.find(from), false); err != nil {
		return err
	}
	if err := sec.Rename(from, p.Name); err != nil {
		return fmt.Errorf("the profile was not renamed because its secret could not be moved: %w", err)
	}
	if err := s.Update(from, p); err != nil {
		if rerr := sec.Rename(p.Name, from); rerr != nil {
			return rollbackFailed(err, "moving the secret back to "+strconv.Quote(from), rerr)
		}
		return err
	}
	return nil
}

// DeleteProfile removes a profile and its secret. The secret goes first; when the store
// then refuses, the secret is put back, so nothing is lost. When the keychain cannot be
// used at all, the profile is still deleted and a *SavedError says that its secret may
// remain and how to remove it by hand.
func DeleteProfile(s *Store, sec SecretStore, name string) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	held, herr := holdSecret(sec, p.Name)
	var ku *KeyringUnavailableError
	switch {
	case herr == nil && held.had:
		if err := sec.Delete(p.Name); err != nil {
			return fmt.Errorf("profile %q was not deleted, because its secret could not be removed from the keychain: %w", p.Name, err)
		}
	case herr != nil && !errors.As(herr, &ku):
		return fmt.Errorf("profile %q was not deleted, because the keychain could not be read: %w", p.Name, herr)
	}
	if err := s.Delete(p.Name); err != nil {
		if held.had {
			if rerr := held.restore(sec); rerr != nil {
				return rollbackFailed(err, "putting the secret of "+strconv.Quote(p.Name)+" back", rerr)
			}
		}
		return err
	}
	if herr != nil {
		return &SavedError{Name: p.Name, Err: fmt.Errorf("profile %q was deleted, but its secret could not be removed from the keychain (remove the entry for service %q, account %q by hand): %w", p.Name, KeyringService, p.Name, herr)}
	}
	return nil
}

// CopyName is the name DuplicateProfile suggests for a copy of name: "name copy",
// then "name copy 2", "name copy 3"... the first that no profile in ps has.
func CopyName(ps []Profile, name string) string {
	idx := indexNames(ps)
	base := name + " copy"
	c := base
	for i := 2; idx.find(c) >= 0; i++ {
		c = base + " " + strconv.Itoa(i)
	}
	return c
}

// DuplicateProfile copies a profile under newName and, when it has one, its secret (the
// usual reason to duplicate is trying other settings against the same Trusted App).
// When the secret cannot be copied, the copy is removed again and the error says why.
// secretCopied says whether the copy has the secret.
func DuplicateProfile(s *Store, sec SecretStore, name, newName string, now time.Time) (p Profile, secretCopied bool, err error) {
	src, err := s.Get(name)
	if err != nil {
		return Profile{}, false, err
	}
	v, gerr := sec.Get(src.Name)
	hasSecret := gerr == nil
	if gerr != nil && !errors.Is(gerr, ErrSecretNotSet) {
		return Profile{}, false, fmt.Errorf("%q was not duplicated, because its secret could not be read from the keychain: %w", src.Name, gerr)
	}
	p, err = s.Duplicate(src.Name, newName)
	if err != nil {
		return Profile{}, false, err
	}
	if !hasSecret {
		return p, false, nil
	}
	undo := func(err error) (Profile, bool, error) {
		err = fmt.Errorf("%q was not duplicated, because its secret could not be copied: %w", src.Name, err)
		if derr := s.Delete(p.Name); derr != nil {
			return p, false, rollbackFailed(err, "removing the copy "+strconv.Quote(p.Name), derr)
		}
		return Profile{}, false, err
	}
	held, err := holdSecretToWrite(sec, p.Name)
	if err != nil {
		return undo(err)
	}
	if err := sec.Set(p.Name, v); err != nil {
		return undo(err)
	}
	if src.SecretSetAt.IsZero() {
		return p, true, nil
	}
	// The copy's secret belongs where the original's does, moved or not.
	bound := SecretBinding(src, src)
	if err := s.markSecret(p.Name, now, bound); err != nil {
		if rerr := held.restore(sec); rerr != nil {
			err = rollbackFailed(err, "removing the copied secret", rerr)
		}
		return undo(err)
	}
	p.SecretSetAt, p.SecretFor = now.UTC().Truncate(time.Second), bound
	return p, true, nil
}

// ImportBundle imports the bundle r (at most MaxBundleBytes) into s in one write,
// asking decide about each name that already exists (nil: skip). That one write is its
// rollback: when it fails, nothing is imported. Secrets are never part of a bundle; a
// replaced profile keeps the name it has here, so its secret stays with it.
func ImportBundle(s *Store, r io.Reader, decide func(name string) ConflictAction) (ImportResult, error) {
	return s.Import(r, func(p Profile) (ConflictAction, string) {
		if decide == nil {
			return ConflictSkip, ""
		}
		return decide(p.Name), ""
	})
}

// WithSecret is a profile to store together with its client secret (a sandbox
// scenario's).
type WithSecret struct {
	Profile Profile
	Secret  string
}

// SetupResult says what SetUpProfiles stored: Saved in order, and for each profile that
// could not be stored, why (that profile was left as it was).
type SetupResult struct {
	Saved  []Profile
	Failed map[string]error
}

// Err is the first failure, nil when every profile was stored.
func (r SetupResult) Err() error {
	for _, w := range r.order() {
		if err := r.Failed[w]; err != nil {
			return fmt.Errorf("%q: %w", w, err)
		}
	}
	return nil
}

func (r SetupResult) order() []string {
	names := make([]string, 0, len(r.Failed))
	for n := range r.Failed {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// SetUpProfiles stores each profile with its secret and the date it was set (the
// sandbox's scenarios): a new name is added, an existing one updated (its address
// changes with every start of the sandbox). Each profile is stored whole or not at all:
// when its secret or date cannot be stored, the profile is put back as it was (removed
// when it was new) and the keychain entry as it was.
func SetUpProfiles(s *Store, sec SecretStore, list []WithSecret, now time.Time) SetupResult {
	res := SetupResult{Failed: map[string]error{}}
	for _, w := range list {
		p := w.Profile
		p.Name = NormalizeName(p.Name)
		if err := setUpOne(s, sec, p, w.Secret, now); err != nil {
			res.Failed[p.Name] = err
			continue
		}
		if got, err := s.Get(p.Name); err == nil {
			p = got
		}
		res.Saved = append(res.Saved, p)
	}
	return res
}

func setUpOne(s *Store, sec SecretStore, p Profile, secret string, now time.Time) error {
	before, gerr := s.Get(p.Name)
	existed := gerr == nil
	if gerr != nil && !errors.Is(gerr, ErrNotFound) {
		return gerr
	}
	if existed {
		p.Name = before.Name
		if err := s.Update(before.Name, p); err != nil {
			return err
		}
	} else if err := s.Add(p); err != nil {
		return err
	}
	undoProfile := func(err error) error {
		var rerr error
		if existed {
			rerr = s.Update(p.Name, before)
			if rerr == nil {
				rerr = s.MarkSecretSet(p.Name, before.SecretSetAt)
			}
		} else {
			rerr = s.Delete(p.Name)
		}
		if rerr != nil {
			return rollbackFailed(err, "putting the profile back", rerr)
		}
		return err
	}
	held, err := holdSecretToWrite(sec, p.Name)
	if err != nil {
		return undoProfile(err)
	}
	if err := sec.Set(p.Name, secret); err != nil {
		return undoProfile(err)
	}
	if err := s.MarkSecretSet(p.Name, now); err != nil {
		if rerr := held.restore(sec); rerr != nil {
			err = rollbackFailed(err, "putting the keychain entry back", rerr)
		}
		return undoProfile(err)
	}
	return nil
}
