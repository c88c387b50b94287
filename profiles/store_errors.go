package profiles

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"trustedapp-tester/internal/shellquote"
)

// The errors a store's reads and changes return, and how they name profiles and
// times for the user.

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

// TooLargeError is a store file over MaxStoreBytes, refused before it was read; or,
// with Change set, a change that would have made the store that large, refused before
// anything was written.
type TooLargeError struct {
	Path   string
	Size   int64
	Change bool
}

func (e *TooLargeError) Error() string {
	if e.Change {
		return fmt.Sprintf("this change would make the profile store %s %s, more than the %s a profile store may hold; nothing was saved: delete profiles you no longer need, or keep these in another store (--store or %s)",
			e.Path, byteCount(e.Size), byteCount(MaxStoreBytes), StoreEnv)
	}
	return fmt.Sprintf("profile store %s is %s, more than the %s a profile store may hold (over twenty thousand profiles), so it was not read; it was left untouched. Something other than Trusted App Tester probably filled it: move it aside and start a new store, or point %s / --store at another file; to keep some of its profiles, copy them into a file of their own with a text editor and import it (trustedapp-check profiles import FILE)",
		e.Path, byteCount(e.Size), byteCount(MaxStoreBytes), StoreEnv)
}

// byteCount is n in the unit a person reads: "16 MiB", "114.2 MB" (for sizes that are
// no round number of MiB), "812 bytes".
func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadOnlyError is a change refused because the store file is read-only for its owner
// (mode 0400, or Windows' read-only attribute): the user made it so, and it is not
// replaced behind their back.
type ReadOnlyError struct {
	Path string
	Mode os.FileMode
}

func (e *ReadOnlyError) Error() string {
	fix := fmt.Sprintf("make it writable (chmod u+w %s)", shellquote.Quote(e.Path))
	if runtime.GOOS == "windows" {
		fix = fmt.Sprintf("clear its read-only attribute (attrib -R %s)", shellquote.Quote(e.Path))
	}
	return fmt.Sprintf("profile store %s is read-only (mode %04o), so your change was not saved and the file was left as it is: to change profiles, %s, or point %s / --store at another file",
		e.Path, e.Mode, fix, StoreEnv)
}

// ReplacedError is a change given up because another program (one that takes no lock,
// such as a text editor saving the file) replaced the store file each time the change
// was about to be saved. It matches ErrChangedOnDisk.
type ReplacedError struct {
	Path     string
	Attempts int
}

func (e *ReplacedError) Error() string {
	return fmt.Sprintf("profile store %s was replaced by another program %d times while your change was being saved (a text editor saving it?); your change was not saved, and the other program's version was kept: close the file in the other program, then make the change again", e.Path, e.Attempts)
}

// Is makes errors.Is(err, ErrChangedOnDisk) work.
func (e *ReplacedError) Is(target error) bool { return target == ErrChangedOnDisk }

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
