// Package filelock is an advisory lock between processes on one file: flock(2) on Unix,
// LockFileEx on Windows. The operating system releases the lock when the process that
// holds it exits or dies, so a crash never leaves a stale lock behind.
//
// The lock file is a separate, empty file (for example "profiles.json.lock"): the data
// file itself is replaced by atomic renames, and a lock on a file that is renamed away
// would no longer exclude anyone. The lock file is never deleted: deleting it while
// another process waits on it would let two processes in at once.
package filelock

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrTimeout is matched (errors.Is) by the error Lock and RLock return when another
// process held the lock for the whole timeout.
var ErrTimeout = errors.New("timed out waiting for the lock")

// errWouldBlock is what tryLock returns while another process holds the lock.
var errWouldBlock = errors.New("the lock is held by another process")

// Lock is a held lock. Unlock releases it.
type Lock struct {
	f *os.File
}

// Exclusive takes the exclusive lock on path (created with mode 0600 when missing), waiting
// at most timeout for other holders to release it.
func Exclusive(path string, timeout time.Duration) (*Lock, error) {
	return lock(path, true, timeout)
}

// Shared takes a shared lock on path: any number of shared holders at once, but none
// while an exclusive lock is held. A read-only lock file is enough for it.
func Shared(path string, timeout time.Duration) (*Lock, error) {
	return lock(path, false, timeout)
}

func lock(path string, exclusive bool, timeout time.Duration) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil && !exclusive && errors.Is(err, os.ErrPermission) {
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	wait := time.Millisecond
	for {
		err := tryLock(f, exclusive)
		if err == nil {
			return &Lock{f: f}, nil
		}
		if !errors.Is(err, errWouldBlock) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			f.Close()
			return nil, fmt.Errorf("lock %s: another process held it for more than %s: %w", path, timeout, ErrTimeout)
		}
		time.Sleep(min(wait, left))
		wait = min(wait*2, 25*time.Millisecond)
	}
}

// Unlock releases the lock. It is safe to call on a nil Lock and more than once.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}
