// Package safetext makes text that came from outside (a server's error description,
// a claim, an OData message, a name in an imported file) safe to print on a terminal,
// in a Markdown report or on screen: every character that could move the cursor,
// recolour the terminal, change the direction of the text or hide itself is shown as a
// visible escape instead, so such text can never forge a line of our output.
package safetext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Hidden reports whether r is a character that must never reach the user raw: C0 and
// C1 control characters, DEL, the bidirectional-text controls (embeddings, overrides,
// isolates and marks) and the zero-width and invisible formatting characters.
func Hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // Arabic letter mark, LRM, RLM
		return true
	case r >= 0x202a && r <= 0x202e: // LRE RLE PDF LRO RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI RLI FSI PDI
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff, r == 0x00ad, r == 0x180e:
		return true // zero-width space/joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator
	case r >= 0x2061 && r <= 0x2064: // invisible operators
		return true
	}
	return false
}

// Contains reports whether s holds any Hidden character or invalid UTF-8.
func Contains(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	return strings.IndexFunc(s, Hidden) >= 0
}

// Line escapes s for a one-line context (a name, a claim, an error description in a
// table): every Hidden character, line breaks and tabs included, becomes a visible
// escape such as \x1b, \n or \u202e, and an invalid byte becomes \xNN.
func Line(s string) string { return escape(s, false) }

// Block escapes s for a multi-line context (a response body): like Line, but line feeds
// and tabs are kept. A carriage return is escaped, since it can overwrite the start of a
// line on a terminal.
func Block(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (Hidden(r) && !(keepLines && (r == '\n' || r == '\t'))) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case Hidden(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case Hidden(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
