package profiles

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"trustedapp-tester/internal/testdir"
)

// editorEnv makes the test binary act as a text editor: see TestEditorProcess.
const editorEnv = "TRUSTEDAPP_PROFILES_EDITOR"

// TestEditorProcess is not a test of its own: with editorEnv set to a count, the test
// binary is a text editor that adds that many profiles ("editor 00", ...) to the store
// named by TRUSTEDAPP_STORE, one per save, as editors save: it reads the file, adds a
// profile, writes the whole file to a temporary file beside it and renames that over
// the store. It takes no lock. It prints the names whose save it completed.
func TestEditorProcess(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(editorEnv))
	if err != nil {
		return
	}
	if at, err := strconv.ParseInt(os.Getenv("TRUSTEDAPP_START_AT"), 10, 64); err == nil {
		time.Sleep(time.Until(time.Unix(0, at)))
	}
	gap, _ := time.ParseDuration(os.Getenv("TRUSTEDAPP_EDITOR_GAP"))
	path := os.Getenv(StoreEnv)
	for i := range n {
		if err := editorSave(path, fmt.Sprintf("editor %02d", i)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("editor %02d\n", i)
		time.Sleep(gap)
	}
	os.Exit(0)
}

// editorSave is one save of the editor: read, add a profile, write beside, rename over.
func editorSave(path, name string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("the editor cannot read the store: %v", err)
	}
	p := validProfile()
	p.Name = name
	var m map[string]any
	b, _ := json.Marshal(p)
	json.Unmarshal(b, &m)
	list, _ := doc["profiles"].([]any)
	doc["profiles"] = append(list, m)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".editor~")
	if err := os.WriteFile(tmp, out, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// editorRace is one trial: an editor saving 60 profiles of its own by rename-over,
// racing 60 processes that each add one profile through the Store, all started at
// once. It returns the editor's profiles and the writers' that are not in the store
// at the end, and the writers that failed (with what they said).
func editorRace(t *testing.T, writers int, gap time.Duration) (editorLost, writerLost, failed []string) {
	t.Helper()
	path := filepath.Join(testdir.New(t), "profiles.json")
	seed, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Add(validProfile()); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	startAt := fmt.Sprintf("TRUSTEDAPP_START_AT=%d", time.Now().Add(500*time.Millisecond).UnixNano())
	editor := exec.Command(exe, "-test.run=^TestEditorProcess$", "-test.count=1")
	editor.Env = append(os.Environ(), editorEnv+"="+strconv.Itoa(writers), StoreEnv+"="+path, startAt, "TRUSTEDAPP_EDITOR_GAP="+gap.String())
	var editorOut strings.Builder
	editor.Stdout, editor.Stderr = &editorOut, &editorOut
	if err := editor.Start(); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	outs := make([]string, writers)
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[w], errs[w] = runHelper(t, "add", path, []string{fmt.Sprintf("TRUSTEDAPP_NAME=writer %02d", w), startAt})
		}()
	}
	wg.Wait()
	if err := editor.Wait(); err != nil {
		t.Fatalf("the editor failed: %v\n%s", err, editorOut.String())
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range writers {
		e := fmt.Sprintf("editor %02d", i)
		if _, err := s.Get(e); err != nil {
			editorLost = append(editorLost, e)
		}
		w := fmt.Sprintf("writer %02d", i)
		if errs[i] != nil {
			failed = append(failed, w+": "+strings.TrimSpace(outs[i]))
		} else if _, err := s.Get(w); err != nil {
			writerLost = append(writerLost, w)
		}
	}
	return editorLost, writerLost, failed
}

// A text editor saving the store by rename-over while 60 'profiles add' run: a writer
// notices, just before its rename, that the file is no longer the one it read, and
// makes its change again on top of the editor's save, so hardly any of the editor's
// 60 profiles is lost (the editor takes no lock: one instant remains, between that
// check and the rename). A writer that cannot make its change says so.
// TRUSTEDAPP_EDITOR_TRIALS runs more trials (docs/benchmarks.md).
func TestEditorRacingSixtyWritersLosesAtMostOne(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 61 processes per trial")
	}
	if runtime.GOOS == "windows" {
		// Windows refuses to rename over a file another process has open: the editor's
		// reads fail the writers' renames (and theirs the editor's), each reported,
		// which is another race than the one measured here.
		t.Skip("Windows does not rename over an open file")
	}
	trials := 2
	if n, err := strconv.Atoi(os.Getenv("TRUSTEDAPP_EDITOR_TRIALS")); err == nil {
		trials = n
	}
	var total, totalWriters, worst int
	for trial := range trials {
		editorLost, writerLost, failed := editorRace(t, 60, 5*time.Millisecond)
		t.Logf("trial %d: the editor lost %d of 60 (%s); the writers' profiles lost to the editor's saves: %d; writers that refused: %d",
			trial, len(editorLost), strings.Join(editorLost, ", "), len(writerLost), len(failed))
		for _, f := range failed {
			if !strings.Contains(f, "replaced by another program") {
				t.Errorf("trial %d: a writer failed without saying why: %s", trial, f)
			}
		}
		total += len(editorLost)
		totalWriters += len(writerLost)
		worst = max(worst, len(editorLost))
	}
	t.Logf("%d trials: the editor lost %d of %d profiles in all, at most %d in one trial; the editor's saves dropped %d of the writers' profiles", trials, total, 60*trials, worst, totalWriters)
	// The target is at most 1 of 60 (measured over 10 trials in docs/benchmarks.md:
	// TRUSTEDAPP_EDITOR_TRIALS=10); one instant remains, and a loaded machine (CI runs
	// packages side by side) widens it, so a pass/fail threshold of 1 would fail by the
	// machine's load. Without the check before the rename the editor loses 19 to 30 of
	// 60 per trial: 5 tells the two apart on any machine.
	if worst > 5 {
		t.Fatalf("the editor lost %d of its 60 profiles in one trial", worst)
	}
}
