package userfile

import (
	"strings"

	"golang.org/x/sys/windows"
)

// osDocuments is the Documents known folder (where OneDrive or a policy may have put
// it).
func osDocuments() string {
	p, err := windows.KnownFolderPath(windows.FOLDERID_Documents, windows.KF_FLAG_DEFAULT)
	if err != nil {
		return ""
	}
	return p
}

func filepathFromSlash(s string) string { return strings.ReplaceAll(s, "/", `\`) }
