package i18n

import (
	"regexp"
	"strings"
)

// System is the language the user's system asks for, among Languages: the first of
// the system's preferred languages the program speaks, else English. Where it looks
// is per system (system_*.go): the POSIX variables on Linux and the BSDs, the user's
// UI languages on Windows, the POSIX variables then AppleLanguages on macOS.
func System() string {
	return firstSpoken(systemLanguages())
}

// firstSpoken is the first of langs the program speaks, else "en".
func firstSpoken(langs []string) string {
	for _, s := range langs {
		if c, ok := Match(s); ok {
			return c
		}
	}
	return "en"
}

// envLanguages reads the POSIX variables the way gettext does: the locale is the
// first of LC_ALL, LC_MESSAGES and LANG that is set; unless it is C or POSIX,
// LANGUAGE (a colon-separated list, most wanted first) comes before it. set is false
// when none of the four is set; a C or POSIX locale is set, and asks for English.
func envLanguages(getenv func(string) string) (langs []string, set bool) {
	locale := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = strings.TrimSpace(getenv(v)); locale != "" {
			break
		}
	}
	if isCLocale(locale) {
		return []string{"C"}, true
	}
	for _, l := range strings.Split(getenv("LANGUAGE"), ":") {
		if l = strings.TrimSpace(l); l != "" {
			langs = append(langs, l)
		}
	}
	if locale != "" {
		langs = append(langs, locale)
	}
	return langs, len(langs) > 0
}

func isCLocale(l string) bool {
	base, _, _ := strings.Cut(l, ".")
	return base == "C" || base == "POSIX"
}

// appleLanguage finds one entry of `defaults read -g AppleLanguages` ("bg-BG",
// en, "zh-Hans-CN").
var appleLanguage = regexp.MustCompile(`[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*`)

// parseAppleLanguages reads the output of `defaults read -g AppleLanguages`, a
// property list array: ( "bg-BG", "en-US" ).
func parseAppleLanguages(out string) []string {
	var langs []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.Trim(strings.TrimSpace(line), `(),"`)
		if m := appleLanguage.FindString(line); m != "" && m == line {
			langs = append(langs, m)
		}
	}
	return langs
}
