//go:build windows

package i18n

import "golang.org/x/sys/windows"

// systemLanguages are the user's UI languages, most wanted first (Settings > Time &
// language > Windows display language): GetUserPreferredUILanguages by name, else
// the LANGID of GetUserDefaultUILanguage. Not the regional format (the locale of
// dates and numbers), which may be Bulgarian under an English Windows.
func systemLanguages() []string {
	if langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME); err == nil && len(langs) > 0 {
		return langs
	}
	id, _, _ := procGetUserDefaultUILanguage.Call()
	if name := langIDName(uint16(id)); name != "" {
		return []string{name}
	}
	return nil
}

var procGetUserDefaultUILanguage = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetUserDefaultUILanguage")
