package userfile

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Documents is the folder a file dialog starts in: the user's Documents folder where
// the OS has one (Windows' known folder, which OneDrive may have moved; the XDG
// DOCUMENTS folder on Linux; ~/Documents on macOS), else the home folder, else "".
func Documents() string {
	if d := osDocuments(); isDir(d) {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if d := filepath.Join(home, "Documents"); isDir(d) {
		return d
	}
	if isDir(home) {
		return home
	}
	return ""
}

func isDir(p string) bool {
	if p == "" {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// xdgDocuments reads XDG_DOCUMENTS_DIR from user-dirs.dirs (xdg-user-dirs), as in
// XDG_DOCUMENTS_DIR="$HOME/Dokumente".
func xdgDocuments() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	conf := os.Getenv("XDG_CONFIG_HOME")
	if conf == "" {
		conf = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(conf, "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "XDG_DOCUMENTS_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if !filepath.IsAbs(v) || filepath.Clean(v) == filepath.Clean(home) {
			return "" // xdg-user-dirs sets a folder it disabled to $HOME
		}
		return filepath.Clean(v)
	}
	return ""
}
