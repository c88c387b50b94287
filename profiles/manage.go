package profiles

import (
	"errors"
	"fmt"
	"time"
)

// These helpers keep a profile and its secret together. The keyring is keyed by the
// profile's exact stored name, so always resolve the name through the Store first.

// SetProfileSecret stores the secret for the named profile in the keyring and records
// the date in the store. On *KeyringUnavailableError nothing was stored; the caller may
// offer sec.SetSession instead (the store's date is not changed for session secrets).
func SetProfileSecret(s *Store, sec *Secrets, name, secret string, now time.Time) error {
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
func DeleteProfileSecret(s *Store, sec *Secrets, name string) error {
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

// RenameProfile renames a profile and moves its secret. The secret moves first; if the
// store then refuses (a duplicate name, a file changed on disk) it is moved back.
func RenameProfile(s *Store, sec *Secrets, oldName, newName string) error {
	p, err := s.Get(oldName)
	if err != nil {
		return err
	}
	from := p.Name
	p.Name = NormalizeName(newName)
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
			return errors.Join(err, fmt.Errorf("moving the secret back to %q also failed: %w", from, rerr))
		}
		return err
	}
	return nil
}

// DeleteProfile removes a profile and then its secret. If the secret cannot be removed
// (keychain unavailable) the profile is still gone and the error says so.
func DeleteProfile(s *Store, sec *Secrets, name string) error {
	p, err := s.Get(name)
	if err != nil {
		return err
	}
	if err := s.Delete(p.Name); err != nil {
		return err
	}
	if err := sec.Delete(p.Name); err != nil {
		return fmt.Errorf("profile %q was deleted, but its secret could not be removed from the keychain (remove the entry for service %q, account %q by hand): %w", p.Name, KeyringService, p.Name, err)
	}
	return nil
}

// DuplicateProfile copies a profile under newName and, when it has one, its secret.
func DuplicateProfile(s *Store, sec *Secrets, name, newName string, now time.Time) (Profile, error) {
	src, err := s.Get(name)
	if err != nil {
		return Profile{}, err
	}
	p, err := s.Duplicate(src.Name, newName)
	if err != nil {
		return Profile{}, err
	}
	v, err := sec.Get(src.Name)
	if errors.Is(err, ErrSecretNotSet) {
		return p, nil
	}
	if err == nil {
		err = sec.Set(p.Name, v)
	}
	if err != nil {
		return p, fmt.Errorf("profile %q was created, but the secret was not copied: %w", p.Name, err)
	}
	if !sec.SessionOnly() && !src.SecretSetAt.IsZero() {
		if err := s.MarkSecretSet(p.Name, now); err != nil {
			return p, err
		}
		p.SecretSetAt = now.UTC().Truncate(time.Second)
	}
	return p, nil
}
