package profiles

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// StoreEnv names the environment variable that points the GUI and the CLI at another
// store file (portable use, tests).
const StoreEnv = "TRUSTEDAPP_STORE"

// DefaultPath is $TRUSTEDAPP_STORE, or profiles.json in the per-user config directory
// (os.UserConfigDir()/trustedapp-tester), shared by the desktop app and the CLI.
func DefaultPath() (string, error) {
	if p := strings.TrimSpace(os.Getenv(StoreEnv)); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the user config directory (%v): set %s to the profile file to use", err, StoreEnv)
	}
	return filepath.Join(dir, "trustedapp-tester", "profiles.json"), nil
}

// ErrChangedOnDisk is returned (wrapped) by a change when the store file was changed by
// another running Trusted App Tester (window or command) since this Store loaded it.
// The change was not saved; call Reload and make it again.
var ErrChangedOnDisk = errors.New("the profile file was changed by another Trusted App Tester window or command since it was loaded; your change was not saved: reload the profiles and make it again")

// ErrNotFound is matched (errors.Is) by *NotFoundError.
var ErrNotFound = errors.New("profile not found")

// NotFoundError names a profile that does not exist.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no profile named %q: check the name (list the profiles to see them)", e.Name)
}

// Is makes errors.Is(err, ErrNotFound) work.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// CorruptError reports a store file that could not be used. The bad file is never
// overwritten. When Recovered is true, Open also returned a usable Store: the bad file
// was moved to MovedTo and the store started from the backup (FromBackup, Restored
// profiles) or empty. When Recovered is false (unreadable file, or a file written by a
// newer version), the file was left in place and Open returned no Store.
type CorruptError struct {
	Path       string
	Reason     string // one of the Reason* constants
	Detail     string
	Schema     int // for ReasonFutureSchema
	MovedTo    string
	Recovered  bool
	FromBackup bool
	Restored   int
	Err        error
}

func (e *CorruptError) Error() string {
	switch e.Reason {
	case ReasonUnreadable:
		return fmt.Sprintf("profile store %s cannot be read (%s): fix its permissions (it should be readable and writable by you, mode 0600) or point %s / --store at another file", e.Path, e.Detail, StoreEnv)
	case ReasonFutureSchema:
		return fmt.Sprintf("profile store %s was written by a newer version of Trusted App Tester (schema %d; this version reads up to %d): it was left untouched; upgrade Trusted App Tester, or point %s / --store at another file", e.Path, e.Schema, SchemaVersion, StoreEnv)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "profile store %s is damaged (%s: %s)", e.Path, e.Reason, e.Detail)
	if !e.Recovered {
		fmt.Fprintf(&b, " and could not be moved aside; it was left untouched: move or repair it, or point %s / --store at another file", StoreEnv)
		return b.String()
	}
	fmt.Fprintf(&b, "; it was moved aside to %s", e.MovedTo)
	if e.FromBackup {
		fmt.Fprintf(&b, " and the profiles were restored from the backup %s (%d profiles); check that none are missing", e.Path+".bak", e.Restored)
	} else {
		b.WriteString(" and, with no usable backup, the store starts empty; repair the moved file or import an export")
	}
	return b.String()
}

func (e *CorruptError) Unwrap() error { return e.Err }

type stamp struct {
	exists bool
	size   int64
	mod    time.Time
	sum    [32]byte
}

// Store is the JSON profile file. It is safe for concurrent use by goroutines; two
// Stores (or processes) on one file detect each other's writes (ErrChangedOnDisk).
type Store struct {
	mu       sync.Mutex
	path     string
	profiles []Profile
	disk     stamp
	notice   string
	now      func() time.Time
}

// Open loads the store at path ("" means DefaultPath()). A missing file is an empty
// store. See CorruptError for what happens to a damaged file: when err is a
// *CorruptError with Recovered set, the returned Store is usable and err must be shown
// to the user as a warning.
func Open(path string) (*Store, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	s := &Store{path: path, now: time.Now}
	if err := s.load(); err != nil {
		var ce *CorruptError
		if errors.As(err, &ce) && ce.Recovered {
			return s, err
		}
		return nil, err
	}
	return s, nil
}

// Path is the store file's absolute path.
func (s *Store) Path() string { return s.path }

// BackupPath is where the previous version of the file is kept.
func (s *Store) BackupPath() string { return s.path + ".bak" }

// Notice is a one-line message about what Open or Reload did that the user should know
// (a migration, a restore from backup), or "".
func (s *Store) Notice() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notice
}

// Reload re-reads the file, dropping the in-memory state (use it after ErrChangedOnDisk).
func (s *Store) Reload() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked()
}

func (s *Store) load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked()
}

func (s *Store) loadLocked() error {
	s.notice = ""
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		s.disk = stamp{}
		s.profiles = []Profile{}
		if bak, err := os.ReadFile(s.BackupPath()); err == nil {
			if ps, _, err := decodeStore(bak); err == nil && len(ps) > 0 {
				s.profiles = ps
				s.notice = fmt.Sprintf("%s was missing; %d profiles were restored from the backup %s", s.path, len(ps), s.BackupPath())
			}
		}
		return nil
	}
	if err != nil {
		return &CorruptError{Path: s.path, Reason: ReasonUnreadable, Detail: describeIOError(err), Err: err}
	}
	ps, from, err := decodeStore(raw)
	if err == nil {
		s.profiles = ps
		s.disk = stampOf(s.path, raw)
		if from < SchemaVersion {
			s.notice = fmt.Sprintf("%s uses the older schema %d; it will be saved as schema %d at the next change (the old file is kept as %s)", s.path, from, SchemaVersion, s.BackupPath())
		}
		return nil
	}
	var de *decodeError
	if !errors.As(err, &de) {
		de = &decodeError{reason: ReasonInvalid, msg: err.Error()}
	}
	ce := &CorruptError{Path: s.path, Reason: de.reason, Detail: de.msg, Schema: de.schema, Err: err}
	if de.reason == ReasonFutureSchema {
		return ce
	}
	aside := fmt.Sprintf("%s.corrupt-%s", s.path, s.now().UTC().Format("20060102T150405Z"))
	for i := 2; fileExists(aside); i++ {
		aside = fmt.Sprintf("%s.corrupt-%s-%d", s.path, s.now().UTC().Format("20060102T150405Z"), i)
	}
	if rerr := os.Rename(s.path, aside); rerr != nil {
		ce.Detail += "; moving it aside failed: " + describeIOError(rerr)
		return ce
	}
	syncDir(filepath.Dir(s.path))
	ce.MovedTo = aside
	ce.Recovered = true
	s.disk = stamp{}
	s.profiles = []Profile{}
	if bak, err := os.ReadFile(s.BackupPath()); err == nil {
		if ps, _, err := decodeStore(bak); err == nil {
			s.profiles = ps
			ce.FromBackup = true
			ce.Restored = len(ps)
		}
	}
	s.notice = ce.Error()
	return ce
}

func fileExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func describeIOError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Op + ": " + le.Err.Error()
	}
	return err.Error()
}

func stampOf(path string, raw []byte) stamp {
	st := stamp{exists: true, size: int64(len(raw)), sum: sha256.Sum256(raw)}
	if fi, err := os.Stat(path); err == nil {
		st.mod = fi.ModTime()
	}
	return st
}

// current reads the file as it is now and reports whether it still matches what was
// loaded. It returns the current bytes (nil when the file does not exist).
func (s *Store) current() ([]byte, error) {
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		if s.disk.exists {
			return nil, fmt.Errorf("%s: %w", s.path, ErrChangedOnDisk)
		}
		return nil, nil
	}
	if err != nil {
		return nil, s.writeError(err)
	}
	if !s.disk.exists || int64(len(raw)) != s.disk.size || sha256.Sum256(raw) != s.disk.sum {
		return nil, fmt.Errorf("%s: %w", s.path, ErrChangedOnDisk)
	}
	return raw, nil
}

func (s *Store) writeError(err error) error {
	return fmt.Errorf("cannot save the profile store %s (%s): nothing was changed; check that the folder is writable and the disk not full, or point %s / --store at another file: %w", s.path, describeIOError(err), StoreEnv, err)
}

// saveLocked writes next to disk (keeping the previous file as the backup) and, only
// when that succeeded, makes it the in-memory state.
func (s *Store) saveLocked(next []Profile) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return s.writeError(err)
	}
	old, err := s.current()
	if err != nil {
		return err
	}
	data, err := encodeStore(next)
	if err != nil {
		return fmt.Errorf("cannot encode the profiles: %w", err)
	}
	if old != nil && !bytes.Equal(old, data) {
		if err := writeFileAtomic(s.BackupPath(), old); err != nil {
			return s.writeError(err)
		}
	}
	if err := writeFileAtomic(s.path, data); err != nil {
		return s.writeError(err)
	}
	s.disk = stampOf(s.path, data)
	sortProfiles(next)
	s.profiles = next
	s.notice = ""
	return nil
}

func cloneProfile(p Profile) Profile {
	if p.Scopes != nil {
		p.Scopes = append([]string{}, p.Scopes...)
	}
	if p.Calls != nil {
		p.Calls = append([]APICall{}, p.Calls...)
	}
	return p
}

func cloneAll(ps []Profile) []Profile {
	out := make([]Profile, len(ps))
	for i, p := range ps {
		out[i] = cloneProfile(p)
	}
	return out
}

func indexOf(ps []Profile, name string) int {
	k := key(name)
	for i, p := range ps {
		if key(p.Name) == k {
			return i
		}
	}
	return -1
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
	sortProfiles(out)
	return out
}

// Get returns the profile with this name (compared ignoring case).
func (s *Store) Get(name string) (Profile, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := indexOf(s.profiles, name)
	if i < 0 {
		return Profile{}, &NotFoundError{Name: name}
	}
	return cloneProfile(s.profiles[i]), nil
}

func (s *Store) mutate(f func(ps []Profile, now time.Time) ([]Profile, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	next, err := f(cloneAll(s.profiles), s.now().UTC().Truncate(time.Second))
	if err != nil {
		return err
	}
	return s.saveLocked(next)
}

func checkValid(p Profile, others []Profile, checkFiles bool) error {
	if ps := validate(p, others, checkFiles); HasErrors(ps) {
		return &ValidationError{Name: p.Name, Problems: ps}
	}
	return nil
}

// Add saves a new profile. It fails with *ValidationError when Validate finds an error
// (a duplicate name included). Created and Updated are set by the store.
func (s *Store) Add(p Profile) error {
	p = cloneProfile(p)
	return s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		if err := checkValid(p, ps, true); err != nil {
			return nil, err
		}
		p.Created, p.Updated, p.SecretSetAt = now, now, time.Time{}
		return append(ps, p), nil
	})
}

// Update replaces the profile named oldName with p; p.Name may differ (a rename).
// Created and SecretSetAt are kept from the stored profile; Updated is set.
// It does not move the secret: use RenameProfile for a rename with its secret.
func (s *Store) Update(oldName string, p Profile) error {
	p = cloneProfile(p)
	return s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		i := indexOf(ps, oldName)
		if i < 0 {
			return nil, &NotFoundError{Name: oldName}
		}
		if err := checkValid(p, without(ps, i), true); err != nil {
			return nil, err
		}
		p.Created, p.SecretSetAt, p.Updated = ps[i].Created, ps[i].SecretSetAt, now
		ps[i] = p
		return ps, nil
	})
}

// Delete removes a profile. It does not remove the secret: use DeleteProfile for both.
func (s *Store) Delete(name string) error {
	return s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		i := indexOf(ps, name)
		if i < 0 {
			return nil, &NotFoundError{Name: name}
		}
		return without(ps, i), nil
	})
}

// Duplicate copies a profile under newName (with fresh timestamps and no secret date).
func (s *Store) Duplicate(name, newName string) (Profile, error) {
	var out Profile
	err := s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		i := indexOf(ps, name)
		if i < 0 {
			return nil, &NotFoundError{Name: name}
		}
		p := cloneProfile(ps[i])
		p.Name = newName
		if err := checkValid(p, ps, false); err != nil {
			return nil, err
		}
		p.Created, p.Updated, p.SecretSetAt = now, now, time.Time{}
		out = p
		return append(ps, p), nil
	})
	return out, err
}

// MarkSecretSet records when the profile's secret was last set (zero: not set).
// Call it after Secrets.Set succeeded; the store never sees the secret itself.
func (s *Store) MarkSecretSet(name string, at time.Time) error {
	return s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		i := indexOf(ps, name)
		if i < 0 {
			return nil, &NotFoundError{Name: name}
		}
		if !at.IsZero() {
			at = at.UTC().Truncate(time.Second)
		}
		ps[i].SecretSetAt = at
		return ps, nil
	})
}

// BundleKind identifies an export bundle.
const BundleKind = "trustedapp-tester/profiles"

type bundle struct {
	Kind     string    `json:"kind"`
	Schema   int       `json:"schema"`
	Profiles []Profile `json:"profiles"`
}

// Export writes a bundle of the named profiles (all when names is empty) to w. A bundle
// never holds a secret, nor the date the secret was set on this machine.
func (s *Store) Export(names []string, w io.Writer) error {
	s.mu.Lock()
	var out []Profile
	var err error
	if len(names) == 0 {
		out = cloneAll(s.profiles)
	}
	seen := map[string]bool{}
	for _, n := range names {
		i := indexOf(s.profiles, n)
		if i < 0 {
			err = &NotFoundError{Name: n}
			break
		}
		if !seen[key(n)] {
			seen[key(n)] = true
			out = append(out, cloneProfile(s.profiles[i]))
		}
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	sortProfiles(out)
	for i := range out {
		out[i].SecretSetAt = time.Time{}
	}
	if out == nil {
		out = []Profile{}
	}
	b, err := json.MarshalIndent(bundle{Kind: BundleKind, Schema: SchemaVersion, Profiles: out}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ConflictAction says what Import does with a profile whose name already exists.
type ConflictAction int

const (
	// ConflictSkip keeps the existing profile and ignores the imported one.
	ConflictSkip ConflictAction = iota
	// ConflictRename imports the profile under a new name (given, or "Name (2)").
	ConflictRename
	// ConflictReplace overwrites the existing profile (its secret date is kept, since
	// the secret stays in the keychain under the same name).
	ConflictReplace
)

// Renamed is one profile imported under another name.
type Renamed struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Rejected is one imported profile that failed validation and was not imported.
type Rejected struct {
	Name     string    `json:"name"`
	Problems []Problem `json:"problems"`
}

// ImportResult says what Import did with each profile in the bundle.
type ImportResult struct {
	Added    []string   `json:"added"`
	Renamed  []Renamed  `json:"renamed"`
	Replaced []string   `json:"replaced"`
	Skipped  []string   `json:"skipped"`
	Rejected []Rejected `json:"rejected"`
}

// Import reads a bundle written by Export (a store file is accepted too) and adds its
// profiles in one write. For each name that already exists, onConflict (nil: skip)
// chooses what to do; for ConflictRename an empty newName picks "Name (2)", "Name (3)"...
// Profiles with validation errors are rejected and reported, not imported. A missing
// CA file is not an error here (it may live elsewhere on this machine).
func (s *Store) Import(r io.Reader, onConflict func(p Profile) (ConflictAction, string)) (ImportResult, error) {
	var res ImportResult
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return res, fmt.Errorf("cannot read the import file: %w", err)
	}
	var head struct {
		Kind   string `json:"kind"`
		Schema *int   `json:"schema"`
	}
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		if err := json.Unmarshal(t, &head); err != nil {
			return res, fmt.Errorf("the import file is not a profile bundle (%v): export one with 'profiles export' or the app's Export button", jsonError(err))
		}
		if head.Kind != "" && head.Kind != BundleKind {
			return res, fmt.Errorf("the import file is a %q, not a profile bundle (%q): export one with 'profiles export'", head.Kind, BundleKind)
		}
	}
	incoming, _, err := decodeStore(raw)
	if err != nil {
		return res, fmt.Errorf("the import file cannot be used (%v): export it again with 'profiles export'", err)
	}
	err = s.mutate(func(ps []Profile, now time.Time) ([]Profile, error) {
		res = ImportResult{}
		for _, p := range incoming {
			p = cloneProfile(p)
			p.SecretSetAt = time.Time{}
			if p.Created.IsZero() {
				p.Created = now
			}
			p.Updated = now
			i := indexOf(ps, p.Name)
			if i >= 0 {
				action, newName := ConflictSkip, ""
				if onConflict != nil {
					action, newName = onConflict(cloneProfile(p))
				}
				switch action {
				case ConflictReplace:
					if err := checkValid(p, without(ps, i), false); err != nil {
						res.Rejected = append(res.Rejected, Rejected{Name: p.Name, Problems: err.(*ValidationError).Problems})
						continue
					}
					p.SecretSetAt = ps[i].SecretSetAt
					ps[i] = p
					res.Replaced = append(res.Replaced, p.Name)
					continue
				case ConflictRename:
					from := p.Name
					if strings.TrimSpace(newName) == "" {
						newName = freeName(ps, p.Name)
					}
					p.Name = newName
					if err := checkValid(p, ps, false); err != nil {
						res.Rejected = append(res.Rejected, Rejected{Name: from, Problems: err.(*ValidationError).Problems})
						continue
					}
					ps = append(ps, p)
					res.Renamed = append(res.Renamed, Renamed{From: from, To: p.Name})
					continue
				default:
					res.Skipped = append(res.Skipped, p.Name)
					continue
				}
			}
			if err := checkValid(p, ps, false); err != nil {
				res.Rejected = append(res.Rejected, Rejected{Name: p.Name, Problems: err.(*ValidationError).Problems})
				continue
			}
			ps = append(ps, p)
			res.Added = append(res.Added, p.Name)
		}
		return ps, nil
	})
	return res, err
}

// freeName returns "name (2)", "name (3)", ... the first one not taken.
func freeName(ps []Profile, name string) string {
	base := strings.TrimSpace(name)
	for n := 2; ; n++ {
		c := fmt.Sprintf("%s (%d)", base, n)
		if indexOf(ps, c) < 0 {
			return c
		}
	}
}
