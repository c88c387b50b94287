package profiles

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/filelock"
	"trustedapp-tester/internal/shellquote"
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

// ErrChangedOnDisk is matched (errors.Is) by a change that was refused because another
// running Trusted App Tester (window or command) changed the same profile since this
// Store read it, or deleted, moved or damaged the whole file. Changes to other profiles
// never cause it: they are kept and this change is made on top of them. Call Reload
// and make the change again.
var ErrChangedOnDisk = errors.New("the profile file was changed by another Trusted App Tester window or command since it was loaded; your change was not saved: reload the profiles and make it again")

// ConflictError is a change refused because another window or command changed or
// deleted the same profile since this Store read it. It matches ErrChangedOnDisk.
type ConflictError struct {
	Name    string
	Deleted bool
}

func (e *ConflictError) Error() string {
	what := "changed"
	if e.Deleted {
		what = "deleted"
	}
	return fmt.Sprintf("profile %q was %s by another Trusted App Tester window or command since it was loaded; your change was not saved, and the other change was kept: reload the profiles and make it again", e.Name, what)
}

// Is makes errors.Is(err, ErrChangedOnDisk) work.
func (e *ConflictError) Is(target error) bool { return target == ErrChangedOnDisk }

// ErrBusy is matched (errors.Is) by a change that was refused because another window or
// command held the store's lock for longer than the Store waits (DefaultLockTimeout).
var ErrBusy = errors.New("the profile file is busy")

// DefaultLockTimeout is how long a change waits for another process's change to the
// same store to finish. Changes take milliseconds; waiting longer means that process
// is stuck.
const DefaultLockTimeout = 10 * time.Second

// readLockWait is the longest a read waits for a change in progress elsewhere.
const readLockWait = 2 * time.Second

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
// was moved to MovedTo and the store started from the backup (FromBackup, with the
// Restored profiles) or empty. Recoverable names the profiles that still parse in the
// moved file and that the store lacks or holds in an older version: Store.Recover
// brings them back. When Recovered is false (unreadable file, or a file written by a
// newer version), the file was left in place and Open returned no Store.
type CorruptError struct {
	Path        string
	Reason      string // one of the Reason* constants
	Detail      string
	Schema      int // for ReasonFutureSchema
	MovedTo     string
	Recovered   bool
	FromBackup  bool
	BackupPath  string
	BackupSaved time.Time // when the backup was written: the version before the last change
	Restored    []string  // the profiles restored from the backup
	Recoverable []string  // in the moved file, missing here or newer than here
	Err         error
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
	fmt.Fprintf(&b, "; it was moved aside to %s. ", e.MovedTo)
	if e.FromBackup {
		fmt.Fprintf(&b, "Restored %s from the backup %s (%s, the version before the last change)", countNames(e.Restored, "profile"), e.BackupPath, savedAt(e.BackupSaved))
		if len(e.Restored) > 0 {
			fmt.Fprintf(&b, ": %s", nameList(e.Restored))
		}
		b.WriteString(".")
	} else {
		b.WriteString("There is no usable backup, so the store starts empty.")
	}
	switch n := len(e.Recoverable); {
	case n > 0:
		fmt.Fprintf(&b, " The damaged file still holds %s that the store now lacks or holds in an older version: %s. To bring %s back, run: trustedapp-check profiles recover %s (the app offers a Recover button).",
			countNames(e.Recoverable, "profile"), nameList(e.Recoverable), map[bool]string{true: "it", false: "them"}[n == 1], shellquote.Quote(e.MovedTo))
	case e.FromBackup:
		b.WriteString(" Nothing else could be read from the damaged file.")
	default:
		b.WriteString(" No profile could be read from the damaged file.")
	}
	return b.String()
}

func (e *CorruptError) Unwrap() error { return e.Err }

// maxListed bounds the names a message lists.
const maxListed = 20

// nameList is `"A", "B" and "C"` (at most maxListed names, then "and N more").
func nameList(names []string) string {
	var q []string
	for i, n := range names {
		if i == maxListed {
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	switch more := len(names) - len(q); {
	case more > 0:
		return strings.Join(q, ", ") + fmt.Sprintf(" and %d more", more)
	case len(q) > 1:
		return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
	}
	return strings.Join(q, "")
}

func countNames(names []string, noun string) string {
	if len(names) == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", len(names), noun)
}

func savedAt(t time.Time) string {
	if t.IsZero() {
		return "saved at an unknown time"
	}
	return "saved " + t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// stamp identifies the file's content as this Store last read or wrote it.
type stamp struct {
	exists bool
	size   int64
	sum    [32]byte
}

func stampOf(raw []byte) stamp {
	return stamp{exists: true, size: int64(len(raw)), sum: sha256.Sum256(raw)}
}

func (st stamp) matches(raw []byte) bool {
	return st.exists && int64(len(raw)) == st.size && sha256.Sum256(raw) == st.sum
}

// Store is the JSON profile file. It is safe for concurrent use by goroutines, and by
// processes: every change takes an inter-process lock (the file "<store>.lock", flock
// on Unix, LockFileEx on Windows) for its whole read-modify-write, re-reads the file,
// and makes the change on top of what other windows and commands saved meanwhile.
type Store struct {
	mu          sync.Mutex
	path        string
	profiles    []Profile
	unknown     unknownFields // top-level members a newer version added
	disk        stamp
	notice      string
	now         func() time.Time
	lockTimeout time.Duration
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
	s := &Store{path: path, now: time.Now, lockTimeout: DefaultLockTimeout}
	if err := s.Reload(); err != nil {
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

// LockPath is the file whose lock every change to the store holds.
func (s *Store) LockPath() string { return s.path + ".lock" }

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
	// The lock keeps a damaged file from being moved aside while another process
	// replaces it, and (on Windows) a read from overlapping a rename. It is best effort:
	// a read-only folder, or a stuck writer (a command suspended with Ctrl+Z), must not
	// stop a read for long; the file is only ever replaced whole.
	if l, err := filelock.Exclusive(s.LockPath(), min(s.lockTimeout, readLockWait)); err == nil {
		defer l.Unlock()
	}
	return s.loadLocked()
}

func (s *Store) loadLocked() error {
	s.notice = ""
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		s.disk, s.profiles, s.unknown = stamp{}, []Profile{}, ""
		if f, saved, ok := s.readBackup(); ok && len(f.Profiles) > 0 {
			s.profiles, s.unknown = f.Profiles, f.unknown
			s.notice = fmt.Sprintf("%s was missing; restored %s from the backup %s (%s): %s", s.path, countNames(names(f.Profiles), "profile"), s.BackupPath(), savedAt(saved), nameList(names(f.Profiles)))
		}
		return nil
	}
	if err != nil {
		return &CorruptError{Path: s.path, Reason: ReasonUnreadable, Detail: describeIOError(err), Err: err}
	}
	f, from, err := decodeStore(raw)
	if err == nil {
		s.profiles, s.unknown, s.disk = f.Profiles, f.unknown, stampOf(raw)
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
	atomicfile.SyncDir(filepath.Dir(s.path))
	ce.MovedTo, ce.Recovered = aside, true
	s.disk, s.profiles, s.unknown = stamp{}, []Profile{}, ""
	if f, saved, ok := s.readBackup(); ok {
		s.profiles, s.unknown = f.Profiles, f.unknown
		ce.FromBackup, ce.BackupPath, ce.BackupSaved, ce.Restored = true, s.BackupPath(), saved, names(f.Profiles)
	}
	for _, p := range salvage(raw) {
		if newerThanHeld(p, s.profiles) {
			ce.Recoverable = append(ce.Recoverable, p.Name)
		}
	}
	s.notice = ce.Error()
	return ce
}

// readBackup loads the backup file, if there is a usable one, and when it was saved.
func (s *Store) readBackup() (storeFile, time.Time, bool) {
	bak, err := os.ReadFile(s.BackupPath())
	if err != nil {
		return storeFile{}, time.Time{}, false
	}
	f, _, err := decodeStore(bak)
	if err != nil {
		return storeFile{}, time.Time{}, false
	}
	var saved time.Time
	if fi, err := os.Stat(s.BackupPath()); err == nil {
		saved = fi.ModTime()
	}
	return f, saved, true
}

func names(ps []Profile) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// newerThanHeld reports whether p (from a damaged file) is missing from held, or held
// in another version that is not newer (by Updated): what recovering it brings back.
// The damaged file was the store's last state, so at equal times its version wins.
func newerThanHeld(p Profile, held []Profile) bool {
	h, ok := findProfile(held, p.Name)
	return !ok || (!h.Updated.After(p.Updated) && !sameProfile(h, p))
}

// sameProfile reports whether a and b are saved alike (every field, including what a
// newer version added).
func sameProfile(a, b Profile) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
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

func (s *Store) writeError(err error) error {
	return fmt.Errorf("cannot save the profile store %s (%s): nothing was changed; check that the folder is writable and the disk not full, or point %s / --store at another file: %w", s.path, describeIOError(err), StoreEnv, err)
}

// lockForChange takes the store's inter-process lock for a read-modify-write.
func (s *Store) lockForChange() (*filelock.Lock, error) {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return nil, s.writeError(err)
	}
	l, err := filelock.Exclusive(s.LockPath(), s.lockTimeout)
	if errors.Is(err, filelock.ErrTimeout) {
		return nil, fmt.Errorf("%w: another Trusted App Tester window or command has been changing %s for more than %s (it holds %s), so your change was not saved: try again; if this keeps happening, close the other windows and commands (a process that crashed releases the lock by itself)", ErrBusy, s.path, s.lockTimeout, s.LockPath())
	}
	if err != nil {
		return nil, s.writeError(err)
	}
	return l, nil
}

// syncLocked brings the in-memory profiles up to the file as it is now, under the lock.
// It returns the file's bytes (nil when there is none) and whether another writer had
// changed it since this Store last read or wrote it.
func (s *Store) syncLocked() (raw []byte, changed bool, err error) {
	raw, err = os.ReadFile(s.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if s.disk.exists {
			return nil, false, fmt.Errorf("%s was deleted or moved away by something else since it was loaded: %w", s.path, ErrChangedOnDisk)
		}
		return nil, false, nil
	case err != nil:
		return nil, false, s.writeError(err)
	case s.disk.matches(raw):
		return raw, false, nil
	}
	f, _, err := decodeStore(raw)
	if err != nil {
		return nil, false, fmt.Errorf("%s was changed by something else and cannot be read now (%v): %w", s.path, err, ErrChangedOnDisk)
	}
	s.profiles, s.unknown, s.disk = f.Profiles, f.unknown, stampOf(raw)
	return raw, true, nil
}

// saveLocked writes next to disk (keeping the previous file, old, as the backup) and,
// only when that succeeded, makes it the in-memory state.
func (s *Store) saveLocked(old []byte, next []Profile) error {
	data, err := encodeStore(storeFile{Profiles: next, unknown: s.unknown})
	if err != nil {
		return fmt.Errorf("cannot encode the profiles: %w", err)
	}
	if old != nil && !bytes.Equal(old, data) {
		if err := atomicfile.WriteFile(s.BackupPath(), old, 0o600); err != nil {
			return s.writeError(err)
		}
	}
	if err := atomicfile.WriteFile(s.path, data, 0o600); err != nil {
		return s.writeError(err)
	}
	s.disk = stampOf(data)
	SortByName(next)
	s.profiles = next
	s.notice = ""
	return nil
}

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

// mutate runs f as one read-modify-write under the store's inter-process lock.
func (s *Store) mutate(f func(c *change) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.lockForChange()
	if err != nil {
		return err
	}
	defer l.Unlock()
	before := s.profiles
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
	return s.saveLocked(old, c.ps)
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
		p.Created, p.Updated, p.SecretSetAt = c.now, c.now, time.Time{}
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
		p.Created, p.Updated, p.SecretSetAt = c.now, c.now, time.Time{}
		out = p
		c.ps = append(c.ps, p)
		return nil
	})
	return out, err
}

// MarkSecretSet records when the profile's secret was last set (zero: not set).
// Call it after Secrets.Set succeeded; the store never sees the secret itself.
func (s *Store) MarkSecretSet(name string, at time.Time) error {
	return s.mutate(func(c *change) error {
		i := indexNames(c.ps).find(name)
		if i < 0 {
			return &NotFoundError{Name: name}
		}
		if !at.IsZero() {
			at = at.UTC().Truncate(time.Second)
		}
		c.ps[i].SecretSetAt = at
		return nil
	})
}
