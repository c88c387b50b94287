//go:build linux || darwin || freebsd

package profiles

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"trustedapp-tester/internal/testdir"
)

// TestPermissionDenied drives real EACCES errors: a read-only store folder and an
// unreadable store file. Root ignores permissions, so as root the test re-runs itself
// as the unprivileged user "nobody" (uid 65534).
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		rerunAsNobody(t, "TestPermissionDenied")
		return
	}
	clock := t0
	dir := filepath.Join(testdir.New(t), "store")
	s := openAt(t, filepath.Join(dir, "profiles.json"), &clock)
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	p := validProfile()
	p.Name = "second"
	err := s.Add(p)
	if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "check that the folder is writable") {
		t.Fatalf("read-only folder: %v", err)
	}
	if _, err := s.Get("second"); err == nil {
		t.Fatal("refused change is in memory")
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// unreadable file: reported, never moved or overwritten
	if err := os.Chmod(s.Path(), 0o000); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(s.Path())
	var ce *CorruptError
	if s2 != nil || !errors.As(err, &ce) || ce.Reason != ReasonUnreadable || !strings.Contains(err.Error(), "cannot be read (open: permission denied): fix its permissions") {
		t.Fatalf("unreadable file: %v %v", s2, err)
	}
	os.Chmod(s.Path(), 0o600)
	if s3, err := Open(s.Path()); err != nil || len(s3.List()) != 1 {
		t.Fatalf("file damaged by the failed open: %v", err)
	}
}

func rerunAsNobody(t *testing.T, name string) {
	t.Helper()
	if os.Getenv("TRUSTEDAPP_TEST_CHILD") != "" {
		t.Fatal("child still runs as root")
	}
	self, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to re-run as nobody: %v", err)
	}
	tmp, err := os.MkdirTemp("", "trustedapp-perm-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "profiles.test")
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err == nil {
		_, err = io.Copy(out, in)
		out.Close()
	}
	in.Close()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "HOME="+tmp, "TRUSTEDAPP_TEST_CHILD=1")
	cmd.Dir = tmp
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	got, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Skipf("cannot run as nobody here: %v", err)
		}
		t.Fatalf("as nobody: %v\n%s", err, got)
	}
	t.Logf("re-ran as nobody:\n%s", got)
	if !strings.Contains(string(got), "--- PASS: "+name) {
		t.Fatalf("child did not pass:\n%s", got)
	}
}

// A store the user made readable by their group (0640) keeps that mode across a
// change, and its backup stays private; a new store is private.
func TestStoreKeepsItsMode(t *testing.T) {
	clock := t0
	path := filepath.Join(testdir.New(t), "profiles.json")
	s := openAt(t, path, &clock)
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o600 {
		t.Fatalf("a new store is %v", m)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	p := validProfile()
	p.Name = "second"
	if err := s.Add(p); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, path); m != 0o640 {
		t.Fatalf("the store's mode became %v", m)
	}
	if m := mode(t, s.BackupPath()); m != 0o600 {
		t.Fatalf("the backup is %v", m)
	}
}
