package layers

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// packages lists every package of the module with its direct imports (go list).
func packages(t *testing.T) []Package {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	if _, err := exec.LookPath("go"); err != nil {
		// A test binary cross-compiled for Windows and run under Wine (make
		// test-windows) has no Go toolchain beside it; CI checks the rules on Linux.
		t.Skip("the go command is not on PATH: the import rules are checked where it is")
	}
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []Package
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 {
			pkgs = append(pkgs, Package{Path: f[0], Imports: f[1:]})
		}
	}
	return pkgs
}

// Every package of the module keeps docs/architecture.md's import rules.
func TestImportRules(t *testing.T) {
	pkgs := packages(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.Path] = true
	}
	// The rules are about these: if one is renamed, the rules must follow.
	for _, want := range []string{Module, Module + "/ui", Module + "/ui/widgets", Module + "/desk", Module + "/sandbox", Module + "/guide", Module + "/tokenview", Module + "/cmd/trustedapp-check"} {
		if !seen[want] {
			t.Errorf("go list does not list %s", want)
		}
	}
	for _, broken := range Check(pkgs, Rules) {
		t.Error(broken)
	}
}

// The rules catch what they are for (a rule that can never fire tests nothing).
func TestImportRulesCatchViolations(t *testing.T) {
	bad := []Package{
		{Module + "/ui", []string{"os", "net/http", Module + "/sandbox", "fyne.io/fyne/v2/app", "io", "net/url"}},
		{Module + "/ui/widgets", []string{"path/filepath"}},
		{Module + "/desk", []string{Module + "/ui", "fyne.io/fyne/v2/widget", "fyne.io/fyne/v2", "os"}},
		{Module + "/sandbox", []string{Module + "/profiles", "net/http"}},
		{Module + "/guide", []string{Module + "/check"}},
		{Module + "/tokenview", []string{Module + "/internal/redact"}},
		{Module + "/cmd/trustedapp-check", []string{Module + "/desk", "fyne.io/fyne/v2"}},
		{Module + "/fleet", []string{Module + "/desk", "fyne.io/fyne/v2/widget"}},
		{Module, []string{"fyne.io/fyne/v2/app", Module + "/ui", Module + "/desk"}},
	}
	got := strings.Join(Check(bad, Rules), "\n")
	for _, want := range []string{
		"ui imports os: ui does no file or network I/O",
		"ui imports net/http",
		"ui imports " + Module + "/sandbox",
		"ui imports fyne.io/fyne/v2/app: only main",
		"ui/widgets imports path/filepath",
		"desk imports " + Module + "/ui: the desk (the application layer) never imports the screens",
		"desk imports fyne.io/fyne/v2/widget",
		"sandbox imports " + Module + "/profiles",
		"guide imports " + Module + "/check",
		"tokenview imports " + Module + "/internal/redact",
		"cmd/trustedapp-check imports " + Module + "/desk",
		"cmd/trustedapp-check imports fyne.io/fyne/v2:",
		"fleet imports " + Module + "/desk",
		"fleet imports fyne.io/fyne/v2/widget",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no complaint %q in:\n%s", want, got)
		}
	}
	for _, allowed := range []string{"ui imports io:", "ui imports net/url", "desk imports fyne.io/fyne/v2:", "desk imports os", "sandbox imports net/http", Module + " imports"} {
		if strings.Contains(got, allowed) {
			t.Errorf("complaint about something allowed (%q):\n%s", allowed, got)
		}
	}
}
