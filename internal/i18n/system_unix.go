//go:build !windows && !darwin

package i18n

import "os"

// systemLanguages are the POSIX variables' languages (envLanguages).
func systemLanguages() []string {
	langs, _ := envLanguages(os.Getenv)
	return langs
}
