// Package shellquote quotes a word for the command lines the tools print ("set its
// secret: trustedapp-check profiles set-secret 'Nightly import'"), the way the user's
// shell reads it: POSIX single quotes on Linux and macOS; double quotes on Windows,
// which both cmd.exe and PowerShell read as one argument (single quotes mean nothing
// to cmd.exe).
package shellquote

import (
	"runtime"
	"strings"
)

// Quote quotes s for the shell of the system the program runs on.
func Quote(s string) string { return For(runtime.GOOS, s) }

// For quotes s for the shell of goos.
func For(goos, s string) string {
	if goos == "windows" {
		return windows(s)
	}
	return posix(s)
}

func plain(s string, extra string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./"+extra, r))
	}) < 0
}

// posix wraps s in single quotes; a single quote inside becomes quote, backslash,
// quote, quote (close, escaped quote, reopen).
func posix(s string) string {
	if plain(s, ":=@,+") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// windows wraps s in double quotes by the rules programs use to split their command
// line (CommandLineToArgvW, Go's os.Args): a quote is written \", and backslashes
// are doubled only where they come before a quote.
func windows(s string) string {
	if plain(s, `:=@,+\`) {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	slashes := 0
	for _, r := range s {
		switch r {
		case '\\':
			slashes++
			continue
		case '"':
			b.WriteString(strings.Repeat(`\`, 2*slashes+1))
		default:
			b.WriteString(strings.Repeat(`\`, slashes))
		}
		slashes = 0
		b.WriteRune(r)
	}
	b.WriteString(strings.Repeat(`\`, 2*slashes)) // before the closing quote
	b.WriteByte('"')
	return b.String()
}
