package shellquote

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// childWords are the words the child gets, each on its own test run.
var childWords = []string{"Win test", "it's", `say "hi"`, `C:\My Files\`, `a\"b c`, "plain", "Sync $prod 100%", "100% done", "O’Brien's app", "a,b", "x & y | z > w"}

// child runs this test binary with a raw command line and returns its os.Args[1:].
func child(t *testing.T, name string, args ...string) []string {
	t.Helper()
	cmd := exec.Command(name)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: strings.Join(args, " ")}
	cmd.Env = append(os.Environ(), "SHELLQUOTE_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v", cmd.SysProcAttr.CmdLine, err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	return got
}

// TestWindowsQuotesReachAProgramWhole starts this test binary with the command line
// Windows PowerShell 5.1 builds from each quoted word (read as PowerShell reads it)
// and checks that the child's os.Args, split by the real Windows rules, hold each
// word unchanged.
func TestWindowsQuotesReachAProgramWhole(t *testing.T) {
	if os.Getenv("SHELLQUOTE_CHILD") == "1" {
		_ = json.NewEncoder(os.Stdout).Encode(os.Args[1:])
		os.Exit(0)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	line := []string{PowerShell(self), "-test.run=^TestWindowsQuotesReachAProgramWhole$"}
	for _, w := range childWords {
		v, ok := psRead(PowerShell(w))
		if !ok {
			t.Fatalf("%q: PowerShell would not read %s", w, PowerShell(w))
		}
		line = append(line, legacyPass(v))
	}
	got := child(t, self, line...)
	if len(got) != len(childWords)+1 {
		t.Fatalf("child got %q", got)
	}
	for i, w := range childWords {
		if got[i+1] != w {
			t.Errorf("%q arrived as %q", w, got[i+1])
		}
	}
}

// TestDoubleQuotedFormsThroughCmd types the words that are not in PowerShell's
// single quotes into the real cmd.exe (cmd /d /s /c "line") and checks that the
// child gets each whole: those forms suit both shells.
func TestDoubleQuotedFormsThroughCmd(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmdExe := filepath.Join(os.Getenv("SystemRoot"), "System32", "cmd.exe")
	if _, err := os.Stat(cmdExe); err != nil {
		t.Skipf("no cmd.exe: %v", err)
	}
	var want []string
	line := []string{`"` + self + `"`, "-test.run=^TestWindowsQuotesReachAProgramWhole$"}
	for _, w := range childWords {
		if q := PowerShell(w); !strings.HasPrefix(q, "'") {
			want = append(want, w)
			line = append(line, q)
		}
	}
	if len(want) < 6 {
		t.Fatalf("only %d words in double quotes or bare: %q", len(want), want)
	}
	got := child(t, cmdExe, `cmd.exe /d /s /c "`+strings.Join(line, " ")+`"`)
	if len(got) != len(want)+1 {
		t.Fatalf("child got %q, want %q", got, want)
	}
	for i, w := range want {
		if got[i+1] != w {
			t.Errorf("%q arrived through cmd.exe as %q", w, got[i+1])
		}
	}
}
