package i18n

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// Width is how many columns s takes in a terminal: one per Latin or Cyrillic letter
// whatever its bytes (a Cyrillic letter is two), two per wide East Asian character,
// none for a combining mark. Text laid out in columns is measured with it, never with
// len.
func Width(s string) int { return runewidth.StringWidth(s) }

// Pad is s followed by spaces up to width columns (s itself when it is as wide).
func Pad(s string, width int) string {
	if n := Width(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
