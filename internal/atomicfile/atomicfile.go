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
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(perm); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	done = true
	SyncDir(dir)
	return nil
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
