package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

func TestWriteReplacesWholeFileWithMode(t *testing.T) {
	dir := testdir.New(t)
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old content that is longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "new" {
		t.Fatalf("content %q", got)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	assertNoTemp(t, dir)
}

// A writer that fails half-way leaves the old file exactly as it was, and no temporary
// file behind.
func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := testdir.New(t)
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full, say")
	err := Write(path, 0o600, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("half", 100_000))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("old file changed: %q", got)
	}
	assertNoTemp(t, dir)
	// A folder that does not exist: an error, nothing created.
	if err := WriteFile(filepath.Join(dir, "nope", "x"), []byte("x"), 0o600); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing folder: %v", err)
	}
	// A target that is a folder: the rename fails, and the temporary file is removed.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "keep"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(sub, []byte("x"), 0o600); err == nil {
		t.Fatal("writing over a folder worked")
	}
	assertNoTemp(t, dir)
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
}

// A staged file is whole and flushed beside its place: Abort leaves the place as it
// was and nothing behind, Commit puts it there; either a second time does nothing.
func TestStageCommitAbort(t *testing.T) {
	dir := testdir.New(t)
	path := filepath.Join(dir, "values.txt")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }
	st, err := Stage(path, 0o600, write)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("staging changed the place: %q", got)
	}
	st.Abort()
	st.Abort()
	if err := st.Commit(); err != nil {
		t.Fatalf("commit after abort: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("abort changed the place: %q", got)
	}
	assertNoTemp(t, dir)
	if st, err = Stage(path, 0o600, write); err != nil {
		t.Fatal(err)
	}
	if err := st.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Abort()
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("commit: %q", got)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	assertNoTemp(t, dir)
	// A folder that does not exist: an error, nothing created.
	if _, err := Stage(filepath.Join(dir, "missing", "x"), 0o600, write); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stage into a missing folder: %v", err)
	}
}
