package shellquote

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func TestQuoteForEachShell(t *testing.T) {
	cases := []struct{ in, posix, windows string }{
		{"nightly-import", "nightly-import", "nightly-import"},
		{"Win test", "'Win test'", `"Win test"`},
		{"", "''", `""`},
		{"it's", `'it'\''s'`, `"it's"`},
		{`say "hi"`, `'say "hi"'`, `"say \"hi\""`},
		{`C:\Users\me\profiles.json`, `'C:\Users\me\profiles.json'`, `C:\Users\me\profiles.json`},
		{`C:\My Files\`, `'C:\My Files\'`, `"C:\My Files\\"`},
		{`a\"b c`, `'a\"b c'`, `"a\\\"b c"`},
		{"scope=read update", "'scope=read update'", `"scope=read update"`},
		{"scope=read", "scope=read", "scope=read"},
		{"$HOME", "'$HOME'", `"$HOME"`},
	}
	for _, c := range cases {
		if got := For("linux", c.in); got != c.posix {
			t.Errorf("posix %q: %s, want %s", c.in, got, c.posix)
		}
		if got := For("darwin", c.in); got != c.posix {
			t.Errorf("darwin %q: %s, want %s", c.in, got, c.posix)
		}
		if got := For("windows", c.in); got != c.windows {
			t.Errorf("windows %q: %s, want %s", c.in, got, c.windows)
		}
	}
	if Quote("Win test") != For(runtime.GOOS, "Win test") {
		t.Error("Quote does not follow this system")
	}
}

// TestPOSIXQuotesSurviveARealShell hands each quoted word to /bin/sh and checks that
// the program receives it unchanged.
func TestPOSIXQuotesSurviveARealShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shell on Windows")
	}
	for _, s := range []string{"Win test", "it's", `say "hi"`, "$HOME `x` \\ *", "a\nb", "ü ✓"} {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+For("linux", s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("%q came back as %q (%v)", s, out, err)
		}
	}
}

// TestWindowsQuotesSplitBackWhole parses the quoted words with the Windows rules
// (CommandLineToArgvW, as Go's runtime does on Windows) and checks each comes back
// as one argument, unchanged.
func TestWindowsQuotesSplitBackWhole(t *testing.T) {
	for _, s := range []string{"Win test", "it's", `say "hi"`, `C:\My Files\`, `a\"b c`, `\\server\share x`, `trailing\\`, `"`} {
		line := "prog " + For("windows", s) + " next"
		args := splitWindows(line)
		if len(args) != 3 || args[1] != s || args[2] != "next" {
			t.Errorf("%q: %s splits into %q", s, line, args)
		}
	}
}

// splitWindows is CommandLineToArgvW's algorithm (the one Go's os.Args uses on Windows).
func splitWindows(line string) []string {
	var args []string
	var b strings.Builder
	inQuote, started := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(line) && line[i] == '\\' {
				n++
				i++
			}
			if i < len(line) && line[i] == '"' {
				b.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					b.WriteByte('"')
				} else {
					inQuote = !inQuote
				}
			} else {
				b.WriteString(strings.Repeat(`\`, n))
				i--
			}
			started = true
		case c == '"':
			inQuote = !inQuote
			started = true
		case (c == ' ' || c == '\t') && !inQuote:
			if started {
				args = append(args, b.String())
				b.Reset()
				started = false
			}
		default:
			b.WriteByte(c)
			started = true
		}
	}
	if started {
		args = append(args, b.String())
	}
	return args
}
