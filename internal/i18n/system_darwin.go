//go:build darwin

package i18n

import (
	"context"
	"os"
	"os/exec"
	"time"
)

// systemLanguages are the POSIX variables' languages when any is set (a terminal sets
// LANG; a user may set LANGUAGE), else the languages of System Settings > General >
// Language & Region, most wanted first: `defaults read -g AppleLanguages`, which reads
// the same preference as CFLocaleCopyPreferredLanguages without cgo (the CLI has
// none).
func systemLanguages() []string {
	if langs, set := envLanguages(os.Getenv); set {
		return langs
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/defaults", "read", "-g", "AppleLanguages").Output()
	if err != nil {
		return nil
	}
	return parseAppleLanguages(string(out))
}
