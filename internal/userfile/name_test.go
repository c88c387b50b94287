package userfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/internal/testdir"
)

func TestName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Nightly | Prod?-report.md", "Nightly - Prod--report.md"},
		{"Sandbox: healthy-report.md", "Sandbox - healthy-report.md"},
		{"a:b", "a-b"},
		{`a\b/c:d*e"f<g>h`, "a-b-c-d-e-f-g-h"},
		{"tab\tand\x00nul", "tab-and-nul"},
		{"ends with dots...", "ends with dots"},
		{"ends with space. . ", "ends with space"},
		{"  leading", "leading"},
		{"CON", "CON_"},
		{"con.md", "con_.md"},
		{"Nul.report.md", "Nul_.report.md"},
		{"COM1.txt", "COM1_.txt"},
		{"lpt9", "lpt9_"},
		{"COM¹.md", "COM¹_.md"},
		{"CON .md", "CON _.md"},
		{"CONSOLE.md", "CONSOLE.md"},
		{"COM10.md", "COM10.md"},
		{"", Fallback},
		{"???", Fallback},
		{"...", Fallback},
		{"Ünïcödé 製品.md", "Ünïcödé 製品.md"},
		{"bad\xffutf8", "bad-utf8"},
	} {
		if got := Name(c.in); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWithSuffix(t *testing.T) {
	for _, c := range []struct{ stem, suffix, want string }{
		{"Nightly | Prod?", "-report.md", "Nightly - Prod--report.md"},
		{"", "-trusted-app.json", "trustedapp-trusted-app.json"},
		{"NUL", ".md", "NUL_.md"},
		{"Prod.", "-report.md", "Prod-report.md"},
		{"   ", "-report.md", "trustedapp-report.md"},
	} {
		if got := WithSuffix(c.stem, c.suffix); got != c.want {
			t.Errorf("WithSuffix(%q, %q) = %q, want %q", c.stem, c.suffix, got, c.want)
		}
	}
	long := WithSuffix(strings.Repeat("é", 200), "-report.md")
	if len(long) > maxStemBytes+len("-report.md") || !strings.HasSuffix(long, "é-report.md") {
		t.Errorf("a long stem is not cut on a character boundary: %q (%d bytes)", long, len(long))
	}
}

// Every name Name makes can be created in a real folder of the OS the test runs on
// (under Wine too: make test-windows runs this test as a Windows program).
func TestNamesCreate(t *testing.T) {
	dir := testdir.New(t)
	for _, in := range []string{
		"Nightly | Prod?-report.md", `a\b/c:d*e"f<g>h.txt`, "CON", "nul.md", "COM1.txt", "LPT3",
		"ends with dots...", "trailing space ", "x\x01y", "AUX.report.md",
	} {
		name := Name(in)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Errorf("Name(%q) = %q cannot be created: %v", in, name, err)
			continue
		}
		// The file is the one asked for, not a device, and listed under that name.
		if b, err := os.ReadFile(p); err != nil || string(b) != "x" {
			t.Errorf("%q: read back %q, %v", name, b, err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 10 {
		t.Errorf("%d files in the folder, want 10", len(ents))
	}
	if runtime.GOOS == "windows" {
		// The names as they were are refused: the test is about something real.
		for _, bad := range []string{"Nightly | Prod?-report.md", "what?.md"} {
			if err := os.WriteFile(filepath.Join(dir, bad), nil, 0o600); err == nil {
				t.Errorf("Windows accepted %q: the test proves nothing", bad)
			}
		}
	}
}

func TestTypedPath(t *testing.T) {
	sep := func(s string) string {
		if runtime.GOOS == "windows" {
			return strings.ReplaceAll(s, "/", `\`)
		}
		return s
	}
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"C:/users/root/C:/users/root/Desktop/healthy-report.md", sep("C:/users/root/Desktop/healthy-report.md"), true},
		{`C:/users/root/C:\users\root\Desktop\x.md`, sep("C:/users/root/Desktop/x.md"), true},
		{"C:/users/root/D:/x.md", sep("D:/x.md"), true},
		{"C:/users/root/healthy-report.md", "", false},
		{"/home/ann/report.md", "", false},
		{"C:/users/root/a:b.md", "", false},
	} {
		got, ok := TypedPath(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("TypedPath(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
