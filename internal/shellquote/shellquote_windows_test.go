package shellquote

import (
	"encoding/json"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// TestWindowsQuotesReachAProgramWhole starts this test binary with a raw Windows
// command line built with For("windows") and checks that the child's os.Args (split
// by the real Windows rules) holds each word unchanged.
func TestWindowsQuotesReachAProgramWhole(t *testing.T) {
	if os.Getenv("SHELLQUOTE_CHILD") == "1" {
		_ = json.NewEncoder(os.Stdout).Encode(os.Args[1:])
		os.Exit(0)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"Win test", "it's", `say "hi"`, `C:\My Files\`, `a\"b c`, "plain"}
	line := For("windows", self) + " -test.run=^TestWindowsQuotesReachAProgramWhole$"
	for _, w := range words {
		line += " " + For("windows", w)
	}
	cmd := exec.Command(self)
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
	cmd.Env = append(os.Environ(), "SHELLQUOTE_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("child said %q: %v", out, err)
	}
	if len(got) != len(words)+1 {
		t.Fatalf("child got %q", got)
	}
	for i, w := range words {
		if got[i+1] != w {
			t.Errorf("%q arrived as %q", w, got[i+1])
		}
	}
}
