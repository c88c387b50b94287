package profiles

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

// A store its owner made read-only (0400, or Windows' read-only attribute) in a
// folder they may write: a change is refused with a message that says so and how to
// allow it, and the file is left exactly as it was, mode included. It is still read.
func TestReadOnlyStoreIsRefused(t *testing.T) {
	clock := t0
	path := filepath.Join(testdir.New(t), "profiles.json")
	s := openAt(t, path, &clock)
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path, 0o600)
	before, _ := os.ReadFile(path)
	modeBefore := mode(t, path)
	p := validProfile()
	p.Name = "second"
	err := s.Add(p)
	var ro *ReadOnlyError
	if !errors.As(err, &ro) || !strings.Contains(err.Error(), "is read-only (mode 0") || !strings.Contains(err.Error(), "your change was not saved") {
		t.Fatalf("want a read-only refusal, got %v", err)
	}
	want := "chmod u+w"
	if runtime.GOOS == "windows" {
		want = "attrib -R"
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("the message does not say how to allow changes (%s): %v", want, err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) || mode(t, path) != modeBefore {
		t.Fatalf("the read-only store was replaced (mode %v, was %v)", mode(t, path), modeBefore)
	}
	if _, err := s.Get("second"); err == nil {
		t.Fatal("the refused change is in memory")
	}
	r, err := Open(path)
	if err != nil || len(r.List()) != 1 {
		t.Fatalf("a read-only store must still be read: %v", err)
	}
	os.Chmod(path, 0o600)
	if err := s.Add(p); err != nil {
		t.Fatalf("once writable: %v", err)
	}
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// A store over MaxStoreBytes is refused from its size, before it is read, with a
// message that names the limit and what to do; it is not moved aside as damaged, nor
// changed. A store that grew over the limit after it was opened refuses a change the
// same way.
func TestTooLargeStoreIsRefusedUntouched(t *testing.T) {
	dir := testdir.New(t)
	path := filepath.Join(dir, "profiles.json")
	clock := t0
	s := openAt(t, path, &clock)
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	// 114 MB, as in the report, without writing them: a sparse file.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(114_000_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, try := range []func() error{
		func() error { _, err := Open(path); return err },
		func() error { p := validProfile(); p.Name = "second"; return s.Add(p) },
	} {
		err := try()
		var tl *TooLargeError
		if !errors.As(err, &tl) {
			t.Fatalf("want TooLargeError, got %v", err)
		}
		for _, want := range []string{path + " is 114.0 MB", "more than the 16 MiB a profile store may hold", "left untouched", "move it aside", "--store", "profiles import"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the message lacks %q: %v", want, err)
			}
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 114_000_000 {
		t.Fatalf("the large store was changed or moved: %v %v", fi, err)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 0 {
		t.Fatalf("a large store was moved aside as damaged: %v", aside)
	}
}

// A change that would make the store larger than MaxStoreBytes is refused before
// anything is written.
func TestChangeOverTheStoreLimitIsRefused(t *testing.T) {
	path := filepath.Join(testdir.New(t), "profiles.json")
	head := `{"schema":1,"profiles":[{"name":"big","instance_url":"https://acme.my.erp.net","client_id":"com.acme/big","x_future_blob":"`
	tail := `"}]}`
	blob := strings.Repeat("A", MaxStoreBytes-len(head)-len(tail)-200)
	if err := os.WriteFile(path, []byte(head+blob+tail), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := t0
	s := openAt(t, path, &clock)
	before, _ := os.ReadFile(path)
	err := s.Add(validProfile())
	var tl *TooLargeError
	if !errors.As(err, &tl) || !tl.Change || !strings.Contains(err.Error(), "this change would make the profile store") || !strings.Contains(err.Error(), "nothing was saved") {
		t.Fatalf("want a refused change, got %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("the store was written")
	}
	if _, err := os.Stat(s.BackupPath()); err == nil {
		t.Fatal("a backup was written for a change that was refused")
	}
}
