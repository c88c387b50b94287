package explain

import "strings"

// lineBreaks makes every line break of pasted text a "\n": Windows' CRLF (a log saved
// on Windows, text piped in from PowerShell) and a lone CR (a classic Mac file, a
// progress line a terminal overwrote). Without it every line of a Windows log showed
// a \r at its end, made visible as a control character.
func lineBreaks(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
