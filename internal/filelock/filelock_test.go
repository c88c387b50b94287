package filelock

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
)

func TestExclusiveAndShared(t *testing.T) {
	path := filepath.Join(testdir.New(t), "x.lock")
	a, err := Exclusive(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || (fi.Mode().Perm()&0o077 != 0 && os.PathSeparator == '/') {
		t.Fatalf("lock file: %v %v", fi, err)
	}
	// A second holder (another open file, as another process has) waits, then gives up.
	start := time.Now()
	_, err = Exclusive(path, 80*time.Millisecond)
	if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "another process held it for more than 80ms") {
		t.Fatalf("second exclusive lock: %v", err)
	}
	if waited := time.Since(start); waited < 80*time.Millisecond {
		t.Fatalf("gave up after %v, before the timeout", waited)
	}
	if _, err := Shared(path, 10*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("shared lock while held exclusively: %v", err)
	}
	// Released: a waiter gets it as soon as it is free.
	go func() { time.Sleep(50 * time.Millisecond); a.Unlock() }()
	b, err := Exclusive(path, 5*time.Second)
	if err != nil {
		t.Fatalf("waiting for a released lock: %v", err)
	}
	if err := b.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := b.Unlock(); err != nil {
		t.Fatal("a second Unlock must be harmless:", err)
	}
	// Shared holders coexist and keep an exclusive one out.
	r1, err := Shared(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Shared(path, time.Second)
	if err != nil {
		t.Fatal("two shared locks:", err)
	}
	if _, err := Exclusive(path, 10*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("exclusive lock while shared: %v", err)
	}
	r1.Unlock()
	r2.Unlock()
	if _, err := Exclusive(filepath.Join(testdir.New(t), "missing", "x.lock"), time.Second); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock in a missing folder: %v", err)
	}
}

const holderEnv = "FILELOCK_TEST_HOLD"

// TestHelperHolder is run by TestLockDiesWithItsProcess as a separate process: it takes
// the lock, says so, and waits to be killed.
func TestHelperHolder(t *testing.T) {
	path := os.Getenv(holderEnv)
	if path == "" {
		return
	}
	if _, err := Exclusive(path, 5*time.Second); err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Stdout.WriteString("locked\n")
	time.Sleep(time.Minute)
	os.Exit(0)
}

// A process holding the lock keeps others out, and when it dies (killed, crashed) the
// lock is free at once: no stale lock file to clean up.
func TestLockDiesWithItsProcess(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	path := filepath.Join(testdir.New(t), "x.lock")
	cmd := exec.Command(exe, "-test.run=^TestHelperHolder$", "-test.count=1")
	cmd.Env = append(os.Environ(), holderEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("holder said %q", line)
	}
	if _, err := Exclusive(path, 50*time.Millisecond); !errors.Is(err, ErrTimeout) {
		t.Fatalf("lock held by another process: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	l, err := Exclusive(path, 5*time.Second)
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Unlock()
}
