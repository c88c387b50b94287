// Package testdir gives tests a temporary directory, like testing.T.TempDir, whose
// cleanup also works under Wine: Go 1.26's os.RemoveAll deletes with a Windows 10
// call (FileDispositionInformationEx) that Wine 8 answers with "Invalid function",
// so t.TempDir's cleanup fails every test that wrote a file (`make test-windows` runs
// the Windows test binaries under Wine). When os.RemoveAll fails, the cleanup
// removes the tree file by file with os.Remove (DeleteFile / RemoveDirectory), and
// fails the test only when that fails too.
package testdir

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// New returns a new empty directory that is removed when the test and its subtests
// finish.
func New(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", pattern(t.Name()))
	if err != nil {
		t.Fatalf("testdir: %v", err)
	}
	t.Cleanup(func() {
		if err := Remove(dir); err != nil {
			t.Errorf("testdir: cleanup: %v", err)
		}
	})
	return dir
}

// Remove deletes dir and everything in it: os.RemoveAll, then, if that failed, one
// entry at a time, deepest first.
func Remove(dir string) error {
	if err := os.RemoveAll(dir); err == nil {
		return nil
	}
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink == 0 && !d.IsDir() {
			_ = os.Chmod(p, 0o600) // a read-only file cannot be deleted on Windows
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	// Deepest first: children before their folders.
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// pattern turns a test name into a safe directory name prefix.
func pattern(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, name)
	if len(name) > 48 {
		name = name[:48]
	}
	return name + "-*"
}
