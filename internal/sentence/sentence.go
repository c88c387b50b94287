// Package sentence holds the small text rules shared by the engine and the screens
// when they make a sentence out of a piece of text (an error's message, a slip's
// name).
package sentence

import (
	"unicode"
	"unicode/utf8"
)

// Capitalize returns s with its first letter in upper case, for text that starts a
// sentence ("side A: …" becomes "Side A: …"). A first character that is not a
// letter, and the rest of s, are left as they are.
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
