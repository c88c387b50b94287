package profiles

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/filelock"
	"trustedapp-tester/internal/testdir"
)

// helperEnv makes the test binary act as one writer process: see TestHelperProcess.
const helperEnv = "TRUSTEDAPP_PROFILES_HELPER"

// TestHelperProcess is not a test of its own. The tests below start the test binary
// again with helperEnv set; it then does one thing to the store named by
// TRUSTEDAPP_STORE, as a separate process would (the CLI, a second app window), and
// exits: 0 when it worked, 1 with the error on stderr when it did not.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return
	}
	if at, err := strconv.ParseInt(os.Getenv("TRUSTEDAPP_START_AT"), 10, 64); err == nil {
		time.Sleep(time.Until(time.Unix(0, at))) // start every writer at once
	}
	path, name := os.Getenv(StoreEnv), os.Getenv("TRUSTEDAPP_NAME")
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	switch mode {
	case "add", "edit":
		s, err := Open(path)
		if err != nil {
			fail(err)
		}
		p := validProfile()
		p.Name = name
		if mode == "edit" {
			p, err = s.Get(name)
			if err == nil {
				p.Notes = "edited by " + name
				err = s.Update(name, p)
			}
		} else {
			err = s.Add(p)
		}
		if err != nil {
			fail(err)
		}
	case "hold":
		// Hold the store's lock, as a writer stuck in the middle of a change would, until
		// killed.
		s := &Store{path: path}
		l, err := filelock.Exclusive(s.LockPath(), 5*time.Second)
		if err != nil {
			fail(err)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		l.Unlock()
	default:
		fail(fmt.Errorf("unknown helper mode %q", mode))
	}
	os.Exit(0)
}

// helper returns a command that runs the test binary as a helper process.
func helper(t *testing.T, mode, store string, env ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary to start writer processes: %v", err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, StoreEnv+"="+store)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// runHelper runs one helper process and returns its output. A process that could not
// be started at all is started again (twice at most): Wine was seen to refuse one of
// ten processes started at once ("fork/exec ...: Internal error"), which says nothing
// about the store.
func runHelper(t *testing.T, mode, store string, env []string) (string, error) {
	var err error
	for range 3 {
		var out bytes.Buffer
		cmd := helper(t, mode, store, env...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err = cmd.Start(); err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		err = cmd.Wait()
		return out.String(), err
	}
	return "", err
}

// Ten processes change one store at the same moment, ten times over: five add a
// profile each and five edit a profile each that was there before. Every process
// succeeds and every change is in the file (issue 11, item 1: without an inter-process
// lock, typically 1 to 3 of 10 added profiles survived and every process exited 0).
func TestTenWriterProcessesLoseNothing(t *testing.T) {
	const writers, trials = 10, 10
	for trial := range trials {
		path := filepath.Join(testdir.New(t), "profiles.json")
		seed, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for w := 1; w < writers; w += 2 {
			p := validProfile()
			p.Name = fmt.Sprintf("writer %02d", w)
			if err := seed.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		startAt := time.Now().Add(300 * time.Millisecond).UnixNano()
		var wg sync.WaitGroup
		outs := make([]string, writers)
		errs := make([]error, writers)
		for w := range writers {
			mode := map[bool]string{true: "add", false: "edit"}[w%2 == 0]
			env := []string{fmt.Sprintf("TRUSTEDAPP_NAME=writer %02d", w), fmt.Sprintf("TRUSTEDAPP_START_AT=%d", startAt)}
			wg.Add(1)
			go func() {
				defer wg.Done()
				outs[w], errs[w] = runHelper(t, mode, path, env)
			}()
		}
		wg.Wait()
		for w := range writers {
			if errs[w] != nil {
				t.Errorf("trial %d: writer %d failed (%v): %s", trial, w, errs[w], outs[w])
			}
		}
		s, err := Open(path)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var got []string
		for _, p := range s.List() {
			got = append(got, p.Name)
			if w := p.Name[len(p.Name)-2:]; (w[1]-'0')%2 == 1 && p.Notes != "edited by "+p.Name {
				t.Errorf("trial %d: the edit of %q was lost", trial, p.Name)
			}
		}
		if len(got) != writers {
			t.Fatalf("trial %d: %d of %d profiles survived: %s", trial, len(got), writers, strings.Join(got, ", "))
		}
	}
}

// A writer that cannot get the lock in time (another process holds it, stuck in the
// middle of a change) fails with a message that says so and what to do, and writes
// nothing; once the other process is gone, the change works.
func TestWriterThatCannotLockFailsClearly(t *testing.T) {
	path := filepath.Join(testdir.New(t), "profiles.json")
	clock := t0
	s := openAt(t, path, &clock)
	if err := s.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	holder := helper(t, "hold", path)
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { holder.Process.Kill(); holder.Wait() }()
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("the holder process said %q", line)
	}
	s.lockTimeout = 300 * time.Millisecond
	p := validProfile()
	p.Name = "second"
	err = s.Add(p)
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "another Trusted App Tester window or command has been changing "+path+" for more than 300ms") ||
		!strings.Contains(err.Error(), "your change was not saved: try again") {
		t.Fatalf("want a busy error, got %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("the file changed without the lock")
	}
	if _, err := s.Get("second"); err == nil {
		t.Fatal("the refused change is in memory")
	}
	// A read does not wait for a stuck writer for long: it reads the file as it is.
	start := time.Now()
	reader, err := Open(path)
	if err != nil || len(reader.List()) != 1 {
		t.Fatalf("read while the lock is held: %v", err)
	}
	if waited := time.Since(start); waited > readLockWait+5*time.Second {
		t.Fatalf("a read waited %v for the lock", waited)
	}
	holder.Process.Kill()
	holder.Wait()
	if err := s.Add(p); err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
}
