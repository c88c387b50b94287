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
	"runtime"
	"strings"
	"sync"
	"time"

	"trustedapp-tester/internal/atomicfile"
	"trustedapp-tester/internal/filelock"
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

// DefaultLockTimeout is how long a change waits for another process's change to the
// same store to finish. Changes take milliseconds; waiting longer means that process
// is stuck.
const DefaultLockTimeout = 10 * time.Second

// readLockWait is the longest a read waits for a change in progress elsewhere.
const readLockWait = 2 * time.Second

// MaxStoreBytes bounds the store file: the bundle limit, so that an export of every
// profile can be imported again. A profile takes about 800 bytes, so the limit holds
// over twenty thousand (opened in under a second; docs/benchmarks.md); a bigger file
// was filled by something else (a script, a mistake), and reading it would cost many
// seconds and hundreds of megabytes. A larger file is refused from its size, before it
// is read.
const MaxStoreBytes = MaxBundleBytes

// stamp identifies the file's content as this Store last read or wrote it, and the
// file it read (its identity, size, time and mode), to notice another program's save
// between a read and the rename that replaces the file.
type stamp struct {
	exists bool
	size   int64
	sum    [32]byte
	info   os.FileInfo // of the file read; nil after a write of our own, or none
}

func stampOf(raw []byte) stamp {
	return stamp{exists: true, size: int64(len(raw)), sum: sha256.Sum256(raw)}
}

// readStore reads the store file at path: its bytes and what the file was as they
// were read (nil, nil, nil when there is none). A file larger than MaxStoreBytes is
// refused from its size, before it is read.
func readStore(path string) ([]byte, os.FileInfo, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if fi.Size() > MaxStoreBytes {
		return nil, fi, &TooLargeError{Path: path, Size: fi.Size()}
	}
	raw, err := io.ReadAll(io.LimitReader(f, MaxStoreBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(raw) > MaxStoreBytes { // it grew while it was read
		return nil, fi, &TooLargeError{Path: path, Size: int64(len(raw))}
	}
	return raw, fi, nil
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
	raw, fi, err := readStore(s.path)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return tl
	}
	if err == nil && fi == nil {
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
		s.disk.info = fi
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
	bak, fi, err := readStore(s.BackupPath())
	if err != nil || fi == nil {
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
	raw, fi, err := readStore(s.path)
	var tl *TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, false, tl
	case err != nil:
		return nil, false, s.writeError(err)
	case fi == nil:
		if s.disk.exists {
			return nil, false, fmt.Errorf("%s was deleted or moved away by something else since it was loaded: %w", s.path, ErrChangedOnDisk)
		}
		s.disk = stamp{}
		return nil, false, nil
	case s.disk.matches(raw):
		s.disk.info = fi
		return raw, false, nil
	}
	f, _, err := decodeStore(raw)
	if err != nil {
		return nil, false, fmt.Errorf("%s was changed by something else and cannot be read now (%v): %w", s.path, err, ErrChangedOnDisk)
	}
	s.profiles, s.unknown, s.disk = f.Profiles, f.unknown, stampOf(raw)
	s.disk.info = fi
	return raw, true, nil
}

// errReplaced is a save given up because the file was no longer the one read.
var errReplaced = errors.New("the store file was replaced while it was being saved")

// saveLocked writes next to disk (keeping the previous file, old, as the backup) and,
// only when that succeeded, makes it the in-memory state. Just before its rename it
// checks that the file is still the one syncLocked read (the same file, size, time and
// content): a program that takes no lock (a text editor saving by rename-over) may
// have replaced it meanwhile; then nothing is replaced and errReplaced is returned, for
// mutate to make the change again on top of that program's save. The file keeps its
// mode; a file its owner may not write is refused.
func (s *Store) saveLocked(old []byte, next []Profile) error {
	perm, err := s.writableMode()
	if err != nil {
		return err
	}
	data, err := encodeStore(storeFile{Profiles: next, unknown: s.unknown})
	if err != nil {
		return fmt.Errorf("cannot encode the profiles: %w", err)
	}
	if len(data) > MaxStoreBytes {
		return &TooLargeError{Path: s.path, Size: int64(len(data)), Change: true}
	}
	if old != nil && !bytes.Equal(old, data) {
		if err := atomicfile.WriteFile(s.BackupPath(), old, 0o600); err != nil {
			return s.writeError(err)
		}
	}
	st, err := atomicfile.Stage(s.path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return s.writeError(err)
	}
	if !s.stillAsRead() {
		st.Abort()
		return errReplaced
	}
	if err := st.Commit(); err != nil {
		return s.writeError(err)
	}
	s.disk = stampOf(data)
	SortByName(next)
	s.profiles = next
	s.notice = ""
	return nil
}

// stillAsRead reports whether the store file is the one syncLocked read: its content
// first (a read), then, the last thing before the rename, its identity, size and time.
func (s *Store) stillAsRead() bool {
	if !s.disk.exists {
		_, err := os.Lstat(s.path)
		return errors.Is(err, os.ErrNotExist)
	}
	if raw, _, err := readStore(s.path); err != nil || !s.disk.matches(raw) {
		return false
	}
	fi, err := os.Stat(s.path)
	was := s.disk.info
	return err == nil && was != nil && os.SameFile(fi, was) && fi.Size() == was.Size() && fi.ModTime().Equal(was.ModTime())
}

// writableMode is the mode to write the store with: the file's own (the user may have
// chosen 0640), or 0600 for a new file. A file its owner may not write (0400, or
// Windows' read-only attribute) is refused: the user made it read-only.
func (s *Store) writableMode() (os.FileMode, error) {
	fi := s.disk.info
	if fi == nil {
		return 0o600, nil
	}
	mode := fi.Mode().Perm()
	if mode&0o200 == 0 {
		return 0, &ReadOnlyError{Path: s.path, Mode: mode}
	}
	if runtime.GOOS == "windows" {
		return 0o600, nil
	}
	return mode, nil
}
