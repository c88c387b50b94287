package profiles

import (
	"errors"
	"slices"
	"time"
)

// Reading and changing profiles: every change runs under the file lock on the
// file as it is on disk (mutate), and is refused when another writer changed the
// same profile since this Store read it.

// change is one read-modify-write: the profiles as they are on disk now (copies, to
// change), and what this Store had seen of them before, when another writer changed
// the file meanwhile.
type change struct {
	ps    []Profile
	now   time.Time
	seen  []Profile // nil when the file was as this Store last saw it
	fresh []Profile
}

// unchanged refuses (with a *ConflictError) a change to the profile called name when
// another writer changed or deleted it since this Store last saw it.
func (c *change) unchanged(name string) error {
	if c.seen == nil {
		return nil
	}
	before, ok := findProfile(c.seen, name)
	if !ok {
		return nil
	}
	now, ok := findProfile(c.fresh, name)
	if !ok {
		return &ConflictError{Name: before.Name, Deleted: true}
	}
	if !sameProfile(before, now) {
		return &ConflictError{Name: now.Name}
	}
	return nil
}

func findProfile(ps []Profile, name string) (Profile, bool) {
	k := key(name)
	for _, p := range ps {
		if key(p.Name) == k {
			return p, true
		}
	}
	return Profile{}, false
}

// saveAttempts is how many times a change is made again on top of another program's
// save (one that takes no lock: a text editor) before it is given up.
const saveAttempts = 8

// mutate runs f as one read-modify-write under the store's inter-process lock. When a
// program that takes no lock replaced the file between the read and the save, f runs
// again on what that program saved (so f must start from c alone each time), and a
// change to a profile that program changed is refused like any other writer's.
func (s *Store) mutate(f func(c *change) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.lockForChange()
	if err != nil {
		return err
	}
	defer l.Unlock()
	before := s.profiles
	for attempt := 1; ; attempt++ {
		old, changed, err := s.syncLocked()
		if err != nil {
			return err
		}
		c := &change{ps: cloneAll(s.profiles), now: s.now().UTC().Truncate(time.Second)}
		if changed {
			c.seen, c.fresh = before, s.profiles
		}
		if err := f(c); err != nil {
			return err
		}
		err = s.saveLocked(old, c.ps)
		if !errors.Is(err, errReplaced) {
			return err
		}
		if attempt == saveAttempts {
			return &ReplacedError{Path: s.path, Attempts: attempt}
		}
	}
}

func cloneProfile(p Profile) Profile {
	if p.Scopes != nil {
		p.Scopes = append([]string{}, p.Scopes...)
	}
	if p.Calls != nil {
		p.Calls = append([]APICall{}, p.Calls...)
	}
	p.Tags = slices.Clone(p.Tags)
	p.ConfirmedHosts = slices.Clone(p.ConfirmedHosts)
	p.SecretFor = slices.Clone(p.SecretFor)
	return p
}

func cloneAll(ps []Profile) []Profile {
	out := make([]Profile, len(ps))
	for i, p := range ps {
		out[i] = cloneProfile(p)
	}
	return out
}

func without(ps []Profile, i int) []Profile {
	out := make([]Profile, 0, len(ps))
	out = append(out, ps[:i]...)
	return append(out, ps[i+1:]...)
}

// List returns copies of all profiles sorted by name (ignoring case).
func (s *Store) List() []Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := cloneAll(s.profiles)
	SortByName(out)
	return out
}

// Get returns the profile with this name (compared ignoring case and accent form).
func (s *Store) Get(name string) (Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := findProfile(s.profiles, name)
	if !ok {
		return Profile{}, &NotFoundError{Name: name}
	}
	return cloneProfile(p), nil
}

// checkValid validates p against the names taken in idx (except the profile at index
// except, the one p replaces; -1 for none).
func checkValid(p Profile, ps []Profile, idx nameIndex, except int, checkFiles bool) error {
	taken := func(name string) (string, bool) {
		i := idx.find(name)
		if i < 0 || i == except {
			return "", false
		}
		return ps[i].Name, true
	}
	if problems := validate(p, taken, checkFiles); HasErrors(problems) {
		return &ValidationError{Name: p.Name, Problems: problems}
	}
	return nil
}

// Add saves a new profile. It fails with *ValidationError when Validate finds an error
// (a duplicate name included). Created and Updated are set by the store; the name is
// stored in its NFC form (NormalizeName).
func (s *Store) Add(p Profile) error {
	p = cloneProfile(p)
	p.Name = NormalizeName(p.Name)
	return s.mutate(func(c *change) error {
		if err := checkValid(p, c.ps, indexNames(c.ps), -1, true); err != nil {
			return err
		}
		p.Created, p.Updated, p.SecretSetAt, p.SecretFor = c.now, c.now, time.Time{}, nil
		c.ps = append(c.ps, p)
		return nil
	})
}

// Update replaces the profile named oldName with p; p.Name may differ (a rename).
// Created and SecretSetAt are kept from the stored profile; Updated is set; what a
// newer version added to the stored profile is kept. It is refused with a
// *ConflictError when another window or command changed or deleted that profile since
// this Store read it. It does not move the secret: use RenameProfile for a rename with
// its secret.
func (s *Store) Update(oldName string, p Profile) error {
	p = cloneProfile(p)
	p.Name = NormalizeName(p.Name)
	return s.mutate(func(c *change) error {
		if err := c.unchanged(oldName); err != nil {
			return err
		}
		idx := indexNames(c.ps)
		i := idx.find(oldName)
		if i < 0 {
			return &NotFoundError{Name: oldName}
		}
		if err := checkValid(p, c.ps, idx, i, true); err != nil {
			return err
		}
		keepUnknown(c.ps[i], &p)
		p.SecretFor = SecretBinding(c.ps[i], p)
		p.Created, p.SecretSetAt, p.Updated = c.ps[i].Created, c.ps[i].SecretSetAt, c.now
		c.ps[i] = p
		return nil
	})
}

// Delete removes a profile. It is refused with a *ConflictError when another window or
// command changed that profile since this Store read it. It does not remove the secret:
// use DeleteProfile for both.
func (s *Store) Delete(name string) error {
	return s.mutate(func(c *change) error {
		if err := c.unchanged(name); err != nil {
			return err
		}
		i := indexNames(c.ps).find(name)
		if i < 0 {
			return &NotFoundError{Name: name}
		}
		c.ps = without(c.ps, i)
		return nil
	})
}

// Duplicate copies a profile under newName (with fresh timestamps and no secret date).
// The copy is the user's own: it is not marked as a sandbox profile. It does not copy
// the secret: use DuplicateProfile for both.
func (s *Store) Duplicate(name, newName string) (Profile, error) {
	var out Profile
	newName = NormalizeName(newName)
	err := s.mutate(func(c *change) error {
		idx := indexNames(c.ps)
		i := idx.find(name)
		if i < 0 {
			return &NotFoundError{Name: name}
		}
		p := cloneProfile(c.ps[i])
		p.Name = newName
		p.Sandbox = false
		if err := checkValid(p, c.ps, idx, -1, false); err != nil {
			return err
		}
		p.Created, p.Updated, p.SecretSetAt, p.SecretFor = c.now, c.now, time.Time{}, nil
		out = p
		c.ps = append(c.ps, p)
		return nil
	})
	return out, err
}

// MarkSecretSet records when the profile's secret was last set (zero: not set) and
// the origins it was set for (SecretOrigins of the profile as it is now; none when
// not set). Call it after Secrets.Set succeeded; the store never sees the secret itself.
func (s *Store) MarkSecretSet(name string, at time.Time) error {
	return s.markSecret(name, at, nil)
}

// MoveSecret lets the profile's stored secret go to the origins the profile names now
// (after its instance, authority or token endpoint changed): the user's explicit
// choice (--move-secrets, the editor's question). Its date is kept. It reports the
// origins the secret belonged to before.
func (s *Store) MoveSecret(name string) (from []string, err error) {
	err = s.mutate(func(c *change) error {
		i := indexNames(c.ps).find(name)
		if i < 0 {
			return &NotFoundError{Name: name}
		}
		from = c.ps[i].SecretFor
		if !c.ps[i].SecretSetAt.IsZero() {
			c.ps[i].SecretFor = SecretOrigins(c.ps[i])
		}
		return nil
	})
	return from, err
}

// markSecret records the date the secret was set and the origins it belongs to:
// bound, or when nil the profile's own (SecretOrigins).
func (s *Store) markSecret(name string, at time.Time, bound []string) error {
	return s.mutate(func(c *change) error {
		i := indexNames(c.ps).find(name)
		if i < 0 {
			return &NotFoundError{Name: name}
		}
		if !at.IsZero() {
			at = at.UTC().Truncate(time.Second)
		}
		c.ps[i].SecretSetAt = at
		switch {
		case at.IsZero():
			c.ps[i].SecretFor = nil
		case bound != nil:
			c.ps[i].SecretFor = slices.Clone(bound)
		default:
			c.ps[i].SecretFor = SecretOrigins(c.ps[i])
		}
		return nil
	})
}
