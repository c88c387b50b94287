// Package shellquote quotes a word for the command lines the tools print ("set its
// secret: trustedapp-check profiles set-secret 'Nightly import'") so that the shell
// the user pastes it into hands the program the word whole and unchanged: POSIX single
// quotes for sh, bash and zsh (Linux, macOS); for Windows, PowerShell's rules, read the
// way cmd.exe reads them too wherever one form suits both. Which shell a user has is
// decided in one place, internal/platform; this package only knows how each quotes.
package shellquote

import (
	"strings"
	"unicode"
)

func plain(s string, extra string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./"+extra, r))
	}) < 0
}

// POSIX quotes s for sh, bash and zsh: s itself when it is plain, else s in single
// quotes, where nothing is special; a single quote inside becomes quote, backslash,
// quote, quote (close, escaped quote, reopen).
func POSIX(s string) string {
	if plain(s, ":=@,+") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PowerShell quotes s for PowerShell, the shell Windows Terminal opens (Windows
// PowerShell 5.1 on every Windows, PowerShell 7 where installed), and for cmd.exe
// wherever one form suits both:
//
//   - plain words (letters, digits and - _ . / : = + \, starting with a letter, _,
//     / or \) stay bare: both shells pass them as they are, and PowerShell reads
//     none of them as a number, a parameter or an operator;
//   - a word with none of PowerShell's specials in double quotes ($, `, " and the
//     typographic double quotes) goes in double quotes, which cmd.exe reads as one
//     argument too;
//   - any other word goes in PowerShell's single quotes, where nothing is special
//     but the quote itself (' and the typographic single quotes, each doubled).
//     This is the form for "Sync $prod 100%": in double quotes PowerShell would
//     expand $prod. cmd.exe gives single quotes no meaning, so a word with a space
//     and a $ or ` cannot be quoted for both shells; PowerShell wins.
//
// A program gets its arguments as one command line that it splits by Windows' rules
// (CommandLineToArgvW). PowerShell builds that line by putting a word with a space
// in double quotes without escaping anything inside (Windows PowerShell 5.1, whose
// "legacy" passing PowerShell 7.3 replaced), so the word is written with those
// rules' escapes already in it: \" for a quote, and backslashes doubled where they
// come before a quote, the closing one included. cmd.exe hands the line over as it
// is, which those escapes suit too.
func PowerShell(s string) string {
	if plain(s, `:=+\`) && startsPlain(s) {
		return s
	}
	v := argvEscape(s, strings.IndexFunc(s, unicode.IsSpace) >= 0)
	if !strings.ContainsAny(v, "$`\"\u201c\u201d\u201e") && (strings.IndexFunc(s, unicode.IsSpace) >= 0 || !strings.HasSuffix(s, `\`)) {
		// The closing quote follows: its backslashes were doubled above when s has a
		// space; a word without one that ends in a backslash took the branch below.
		return `"` + v + `"`
	}
	return PowerShellLiteral(v)
}

// PowerShellLiteral is v as a PowerShell string in single quotes, where nothing is
// special but the quote itself: ' and the typographic single quotes, which PowerShell
// reads as ' too, are each doubled. It is v for PowerShell, not yet for a program it
// starts (PowerShell quotes a program's arguments the way it does).
func PowerShellLiteral(v string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range v {
		if strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// startsPlain reports whether PowerShell reads a bare word starting as s does as a
// plain string: not a number (1kb, .5, +1), a parameter (-x.y splits in 5.1) or a
// splat.
func startsPlain(s string) bool {
	r := s[0]
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.IndexByte(`_/\`, r) >= 0
}

// argvEscape writes s with the escapes of Windows' command-line rules
// (CommandLineToArgvW, Go's os.Args): a quote is written \", and backslashes are
// doubled where they come before a quote, and before the end when closed is true
// (a closing quote follows).
func argvEscape(s string, closed bool) string {
	var b strings.Builder
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
	if closed {
		slashes *= 2
	}
	b.WriteString(strings.Repeat(`\`, slashes))
	return b.String()
}
