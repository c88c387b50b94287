package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

// create fails for real and returns what Explain makes of it.
func create(t *testing.T, p string) *Error {
	t.Helper()
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err == nil {
		f.Close()
		t.Fatalf("creating %q did not fail", p)
	}
	e := Explain(err, "")
	if e == nil || !errors.Is(e, err) {
		t.Fatalf("Explain(%v) = %v, does not wrap it", err, e)
	}
	// One clause: the caller ends the sentence.
	if s := e.Error(); strings.HasSuffix(s, ".") || strings.Contains(s, "\n") {
		t.Errorf("%q ends with a full stop or has a line break", s)
	}
	if runtime.GOOS == "windows" && strings.Contains(e.Path, "/") {
		t.Errorf("path %q has forward slashes on Windows", e.Path)
	}
	return e
}

func TestExplainNoFolder(t *testing.T) {
	dir := testdir.New(t)
	// The path as a file dialog hands it over (forward slashes).
	p := filepath.ToSlash(filepath.Join(dir, "gone", "report.md"))
	e := create(t, p)
	if e.Kind != NoFolder || e.Hint() != Hint(NoFolder) {
		t.Errorf("kind %v, hint %q", e.Kind, e.Hint())
	}
	if e.Path != filepath.Join(dir, "gone", "report.md") {
		t.Errorf("path %q, want the OS's form of %q", e.Path, p)
	}
}

func TestExplainBadName(t *testing.T) {
	dir := testdir.New(t)
	name := "nul\x00byte.md" // refused by every OS
	if runtime.GOOS == "windows" {
		name = "Nightly | Prod?-report.md"
	}
	e := create(t, filepath.Join(dir, name))
	if e.Kind != BadName {
		t.Fatalf("%v: kind %v, want BadName", e, e.Kind)
	}
	if !strings.Contains(e.Hint(), "choose another name") {
		t.Errorf("hint %q", e.Hint())
	}
	t.Logf("said: %v. %s", e, e.Hint())
	if runtime.GOOS == "windows" && !strings.Contains(e.Hint(), `\ / : * ? " < > |`) {
		t.Errorf("the Windows hint does not list the characters: %q", e.Hint())
	}
}

func TestExplainIsFolder(t *testing.T) {
	dir := testdir.New(t)
	e := create(t, dir) // a folder, opened as a file to write
	if e.Kind != IsFolder {
		t.Errorf("%v: kind %v, want IsFolder", e, e.Kind)
	}
	t.Logf("said: %v. %s", e, e.Hint())
}

func TestExplainTooLong(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows and Wine disagree on the code for a 300-character name")
	}
	dir := testdir.New(t)
	e := create(t, filepath.Join(dir, strings.Repeat("x", 300)+".md"))
	if e.Kind != TooLong {
		t.Errorf("%v: kind %v, want TooLong", e, e.Kind)
	}
}

func TestExplainKeepsAndClauses(t *testing.T) {
	if Explain(nil, "x") != nil {
		t.Error("Explain(nil) is not nil")
	}
	e := Explain(errors.New("Access is denied."), `C:\x.md`)
	if e.Error() != `C:\x.md: access is denied` || e.Kind != Other {
		t.Errorf("got %q (%v)", e.Error(), e.Kind)
	}
	if Explain(e, "other") != e {
		t.Error("an *Error is explained again")
	}
	if got := clause("NTFS refused it."); got != "NTFS refused it" {
		t.Errorf("clause lowercased an acronym: %q", got)
	}
	if Hint(Other) == "" || Hint(DiskFull) == Hint(Other) {
		t.Error("hints missing")
	}
}

func TestDocuments(t *testing.T) {
	home := testdir.New(t)
	t.Setenv("HOME", home)
	t.Setenv("USERPROFILE", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	if runtime.GOOS == "windows" {
		if d := Documents(); d == "" {
			t.Error("no Documents folder on Windows")
		}
		return
	}
	if d := Documents(); d != home {
		t.Errorf("without a Documents folder: %q, want the home folder", d)
	}
	docs := filepath.Join(home, "Documents")
	os.Mkdir(docs, 0o700)
	if d := Documents(); d != docs {
		t.Errorf("got %q, want %q", d, docs)
	}
	if runtime.GOOS == "darwin" {
		return
	}
	// xdg-user-dirs' own folder wins (a German desktop, say).
	dok := filepath.Join(home, "Dokumente")
	os.Mkdir(dok, 0o700)
	os.MkdirAll(filepath.Join(home, ".config"), 0o700)
	os.WriteFile(filepath.Join(home, ".config", "user-dirs.dirs"), []byte("# xdg\nXDG_DOCUMENTS_DIR=\"$HOME/Dokumente\"\n"), 0o600)
	if d := Documents(); d != dok {
		t.Errorf("got %q, want XDG's %q", d, dok)
	}
}
