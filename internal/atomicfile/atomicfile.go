// Package atomicfile writes files so that a reader, a crash or a full disk never sees
// half of one: the data goes to a temporary file in the same folder, is flushed to
// disk (fsync), and is renamed over the target; the folder is then flushed too, so the
// rename itself survives a power cut. The one place the app, the CLI and the profile
// store write whole files.
package atomicfile

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically with the given permissions (on Windows,
// which has no Unix modes, privacy comes from the user profile's ACLs).
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write writes what write produces to path atomically. When write or any step fails,
// path is left as it was and the temporary file is removed.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	st, err := Stage(path, perm, write)
	if err != nil {
		return err
	}
	return st.Commit()
}

// Staged is a file written in full and flushed to disk beside its place, not yet
// moved there: Commit puts it in place, Abort removes it. A caller stages first when
// something else must succeed (or be checked) before the file may appear, and the
// moment between the check and the rename must be as short as it can be.
type Staged struct {
	path, tmp string
	done      bool
}

// Stage writes what write produces to a temporary file in path's folder, with the
// permissions perm whatever the umask, and flushes it to disk. When write or any step
// fails, nothing is left behind.
func Stage(path string, perm os.FileMode, write func(io.Writer) error) (*Staged, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, err
	}
	st := &Staged{path: path, tmp: tmp.Name()}
	fail := func(err error) (*Staged, error) {
		tmp.Close()
		os.Remove(st.tmp)
		return nil, err
	}
	// Chmod, not the mode of the create: the umask applies only to the latter.
	if err := tmp.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fail(err)
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(st.tmp)
		return nil, err
	}
	return st, nil
}

// Commit renames the staged file over its place and flushes the folder. When the
// rename fails the staged file is removed and the place is left as it was. Commit and
// Abort after either has run do nothing.
func (s *Staged) Commit() error {
	if s == nil || s.done {
		return nil
	}
	s.done = true
	if err := os.Rename(s.tmp, s.path); err != nil {
		os.Remove(s.tmp)
		return err
	}
	SyncDir(filepath.Dir(s.path))
	return nil
}

// Abort removes the staged file; its place is left as it was.
func (s *Staged) Abort() {
	if s == nil || s.done {
		return
	}
	s.done = true
	os.Remove(s.tmp)
}

// SyncDir flushes a folder's entries (a rename into it) to disk. It is best effort:
// Windows cannot fsync a folder, and the data itself was already flushed.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
