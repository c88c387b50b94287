package shellquote

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"unicode"
)

var cases = []struct{ in, posix, powershell string }{
	{"nightly-import", "nightly-import", "nightly-import"},
	{"Win test", "'Win test'", `"Win test"`},
	{"", "''", `""`},
	{"it's", `'it'\''s'`, `"it's"`},
	{`say "hi"`, `'say "hi"'`, `'say \"hi\"'`},
	{`C:\Users\me\profiles.json`, `'C:\Users\me\profiles.json'`, `C:\Users\me\profiles.json`},
	{`C:\My Files\`, `'C:\My Files\'`, `"C:\My Files\\"`},
	{`a\"b c`, `'a\"b c'`, `'a\\\"b c'`},
	{"scope=read update", "'scope=read update'", `"scope=read update"`},
	{"scope=read", "scope=read", "scope=read"},
	{"$HOME", "'$HOME'", `'$HOME'`},
	// The case: in double quotes PowerShell expands $prod (to nothing).
	{"Sync $prod 100%", "'Sync $prod 100%'", `'Sync $prod 100%'`},
	{"100% done", "'100% done'", `"100% done"`},
	{"back`tick x", "'back`tick x'", "'back`tick x'"},
	{"a,b", "a,b", `"a,b"`},    // PowerShell: an array of a and b
	{"@all", "@all", `"@all"`}, // PowerShell: a splat
	{"-x.y", "-x.y", `"-x.y"`}, // Windows PowerShell 5.1 splits -x.y at the dot
	{"1kb", "1kb", `"1kb"`},    // PowerShell: the number 1024
	{".5", ".5", `".5"`},
	{"O’Brien's app", `'O’Brien'\''s app'`, `"O’Brien's app"`},
	{"“quoted” $x", `'“quoted” $x'`, `'“quoted” $x'`},
	{"it’s $x", `'it’s $x'`, `'it’’s $x'`},
	{`a%b\`, `'a%b\'`, `'a%b\'`},
}

func TestQuoteForEachShell(t *testing.T) {
	for _, c := range cases {
		if got := POSIX(c.in); got != c.posix {
			t.Errorf("POSIX %q: %s, want %s", c.in, got, c.posix)
		}
		if got := PowerShell(c.in); got != c.powershell {
			t.Errorf("PowerShell %q: %s, want %s", c.in, got, c.powershell)
		}
	}
}

// words are what the tests hand to the shells: every case, and the hard ones.
func words() []string {
	w := []string{"a\nb", "ü ✓", "$HOME `x` \\ *", `\\server\share x`, `trailing\\`, `"`, `'`, "‘’‚‛", "x & y | z > w", "#comment", "a;b", "(x)", "{x}", "~x", "Prod (EU) #2"}
	for _, c := range cases {
		w = append(w, c.in)
	}
	return w
}

// TestPOSIXQuotesSurviveARealShell hands each quoted word to /bin/sh and checks that
// the program receives it unchanged.
func TestPOSIXQuotesSurviveARealShell(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX shell on Windows")
	}
	for _, s := range words() {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+POSIX(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("%q came back as %q (%v)", s, out, err)
		}
	}
}

// TestPowerShellQuotesReachAProgramWhole reads each quoted word as PowerShell does,
// passes it to a program as Windows PowerShell 5.1 does and splits the program's
// command line by Windows' rules (CommandLineToArgvW): the program gets the word.
// Where the word has no double quote and no trailing backslash, PowerShell 7.3 and
// later, which escape what they pass, hand over the same word.
func TestPowerShellQuotesReachAProgramWhole(t *testing.T) {
	for _, s := range words() {
		if s == "" || strings.ContainsRune(s, '\n') {
			continue // PowerShell 5.1 drops an empty argument; names hold no line break
		}
		q := PowerShell(s)
		v, ok := psRead(q)
		if !ok {
			t.Errorf("%q: PowerShell would not read %s as one plain string", s, q)
			continue
		}
		line := "prog " + legacyPass(v) + " next"
		if args := splitWindows(line); len(args) != 3 || args[1] != s || args[2] != "next" {
			t.Errorf("%q: %s, passed as %s, splits into %q", s, q, line, args)
		}
		if !strings.ContainsRune(s, '"') && !strings.HasSuffix(s, `\`) && v != s {
			t.Errorf("%q: PowerShell 7.3 would pass %q", s, v)
		}
	}
}

// TestDoubleQuotedFormsSuitCmd: cmd.exe hands a program the line as typed, so every
// form that is not in PowerShell's single quotes must split back whole by Windows'
// rules; single quotes are used only for words that PowerShell would expand in
// double quotes ($, `) or that hold a double quote.
func TestDoubleQuotedFormsSuitCmd(t *testing.T) {
	for _, s := range words() {
		q := PowerShell(s)
		if strings.HasPrefix(q, "'") {
			if !strings.ContainsAny(s, "$`\"“”„") && !(strings.HasSuffix(s, `\`) && strings.IndexFunc(s, unicode.IsSpace) < 0) {
				t.Errorf("%q: single quotes (%s), which cmd.exe does not read, for a word double quotes suit", s, q)
			}
			continue
		}
		if strings.ContainsRune(s, '\n') {
			continue
		}
		line := "prog " + q + " next"
		if args := splitWindows(line); len(args) != 3 || args[1] != s || args[2] != "next" {
			t.Errorf("%q: cmd.exe passes %s, which splits into %q", s, line, args)
		}
	}
}

// psRead is how PowerShell reads one argument in the three forms PowerShell makes:
// a bare word, a double-quoted string without $ or ` (whose expansion this model
// does not do: such a word must not be in double quotes), and a single-quoted
// string. ok is false for anything else.
func psRead(q string) (string, bool) {
	isSingle := func(r rune) bool { return strings.ContainsRune("'‘’‚‛", r) }
	isDouble := func(r rune) bool { return strings.ContainsRune("\"“”„", r) }
	rs := []rune(q)
	switch {
	case len(rs) >= 2 && isSingle(rs[0]):
		var b strings.Builder
		for i := 1; i < len(rs); i++ {
			if isSingle(rs[i]) {
				if i+1 < len(rs) && isSingle(rs[i+1]) {
					b.WriteRune(rs[i])
					i++
					continue
				}
				return b.String(), i == len(rs)-1
			}
			b.WriteRune(rs[i])
		}
		return "", false
	case len(rs) >= 2 && isDouble(rs[0]):
		inner := rs[1 : len(rs)-1]
		if !isDouble(rs[len(rs)-1]) || strings.IndexFunc(string(inner), isDouble) >= 0 || strings.ContainsAny(string(inner), "$`") {
			return "", false
		}
		return string(inner), true
	}
	if q == "" || strings.IndexFunc(q, func(r rune) bool {
		return unicode.IsSpace(r) || isSingle(r) || isDouble(r) || strings.ContainsRune("$`{}()@,;|&<>#", r)
	}) >= 0 || strings.ContainsRune("-+.0123456789", rs[0]) {
		return "", false
	}
	return q, true
}

// legacyPass is how Windows PowerShell 5.1 writes an argument into a program's
// command line: in double quotes when it has white space outside double quotes
// (NeedQuotes), with nothing inside escaped; else as it is.
func legacyPass(v string) string {
	quotes, afterBackslash := 0, false
	for _, r := range v {
		if r == '"' && !afterBackslash {
			quotes++
		} else if unicode.IsSpace(r) && quotes%2 == 0 {
			return `"` + v + `"`
		}
		afterBackslash = r == '\\'
	}
	return v
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
