// Package userfile is about the files a user names and chooses: a suggested file name
// that every OS accepts (Name), the folder a file dialog starts in (Documents), and a
// failed create or write said the OS's way, with the OS's reason and what to do about
// it (Explain).
package userfile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fallback is the stem of a suggested name that had nothing usable in it.
const Fallback = "trustedapp"

// maxStemBytes caps the part a user typed (a profile name) in a suggested name: file
// systems allow 255 UTF-16 units or bytes per name, and the suffix needs room too.
const maxStemBytes = 120

// reserved are the characters Windows refuses in a file name (macOS refuses ':' in
// Finder and '/' everywhere; Linux '/').
const reserved = `<>:"/\|?*`

// Name makes name a file name that Windows, macOS and Linux all accept, changing as
// little as it can: each reserved character (\ / : * ? " < > |) and control character
// becomes '-' (a run of them one '-'), trailing dots and spaces and leading spaces go,
// and a Windows device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, also with an
// extension: "nul.md") gets a '_' after it. A name with nothing left is Fallback.
func Name(name string) string {
	var b strings.Builder
	dash := false
	rs := []rune(name)
	for i, r := range rs {
		if r == utf8.RuneError || unicode.IsControl(r) || strings.ContainsRune(reserved, r) {
			if !dash {
				// "Sandbox: healthy" reads "Sandbox - healthy", not "Sandbox- healthy".
				if i > 0 && rs[i-1] != ' ' && i+1 < len(rs) && rs[i+1] == ' ' {
					b.WriteByte(' ')
				}
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		dash = false
		b.WriteRune(r)
	}
	s := strings.TrimLeft(b.String(), " ")
	s = strings.TrimRight(s, ". ")
	if s == "" || strings.Trim(s, "-") == "" {
		return Fallback
	}
	if isDevice(s) {
		stem, ext, _ := strings.Cut(s, ".")
		s = stem + "_"
		if ext != "" {
			s += "." + ext
		}
	}
	return s
}

// WithSuffix is a file name made of stem (a profile name, say) and suffix
// ("-report.md"), safe on every OS: stem is cut to a length that leaves room for the
// suffix, and an empty stem is Fallback.
func WithSuffix(stem, suffix string) string {
	s := Name(stem)
	if strings.TrimSpace(stem) == "" {
		s = Fallback
	}
	if len(s) > maxStemBytes {
		cut := maxStemBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], ". ")
	}
	return Name(s + suffix)
}

// isDevice reports whether Windows takes name as a device (NUL, COM1, "con.txt",
// "CON .md"): the part before the first dot, less trailing spaces, compared without
// case. COM and LPT take the superscript digits ¹ ² ³ too.
func isDevice(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) < 4 || (stem[:3] != "COM" && stem[:3] != "LPT") {
		return false
	}
	switch stem[3:] {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// TypedPath finds the path a user typed whole into a file dialog's name field, which
// the dialog then joined to its folder: "C:/Users/ann/C:\Users\ann\Desktop\x.md" (or
// with forward slashes) is "C:\Users\ann\Desktop\x.md" in the OS's form on Windows. It
// reports false when joined holds no second drive (the name was a name).
func TypedPath(joined string) (string, bool) {
	s := strings.ReplaceAll(joined, `\`, "/")
	for i := len(s) - 3; i > 0; i-- {
		if s[i+1] == ':' && s[i+2] == '/' && s[i-1] == '/' && isLetter(s[i]) {
			return filepathFromSlash(s[i:]), true
		}
	}
	return "", false
}

func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
