//go:build !windows

package userfile

import "runtime"

// osDocuments is XDG's Documents folder on Linux and the BSDs (macOS has ~/Documents,
// which Documents tries next).
func osDocuments() string {
	if runtime.GOOS == "darwin" {
		return ""
	}
	return xdgDocuments()
}

// filepathFromSlash keeps a Windows path as typed (forward slashes) where it is not
// one.
func filepathFromSlash(s string) string { return s }
