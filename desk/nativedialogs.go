package desk

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ncruces/zenity"
)

// NativeFileDialogs are the OS's own Open and Save dialogs, through
// github.com/ncruces/zenity: the common item dialogs on Windows (no cgo), the Cocoa
// panels through osascript on macOS, the zenity program on Linux (nil where it is not
// installed: the screens then show Fyne's dialogs). parent is the window's native
// handle (HWND on Windows, the X11 window on Linux; 0: none).
func NativeFileDialogs(parent func() uintptr) FileDialogs {
	if !zenity.IsAvailable() {
		return nil
	}
	return zenityDialogs{parent: parent}
}

type zenityDialogs struct{ parent func() uintptr }

func (z zenityDialogs) Parent() uintptr {
	if z.parent == nil {
		return 0
	}
	return z.parent()
}

func (z zenityDialogs) Save(r FileRequest) (string, error) {
	opts := append(z.options(r), zenity.ConfirmOverwrite())
	if f, ok := filterFor(r.Name); ok {
		opts = append(opts, f, zenity.FileFilter{Name: "All files", Patterns: []string{"*"}})
	}
	return answer(zenity.SelectFileSave(opts...))
}

func (z zenityDialogs) Open(r FileRequest) (string, error) {
	opts := append(z.options(r), zenity.FileFilters{
		{Name: "Profile bundles (JSON)", Patterns: []string{"*.json"}, CaseFold: true},
		{Name: "All files", Patterns: []string{"*"}},
	})
	return answer(zenity.SelectFile(opts...))
}

func (z zenityDialogs) options(r FileRequest) []zenity.Option {
	opts := []zenity.Option{zenity.Title(r.Title)}
	if start := filepath.Join(r.Folder, r.Name); r.Folder != "" || r.Name != "" {
		if r.Name == "" {
			start += string(filepath.Separator) // a folder: the dialog starts there
		}
		opts = append(opts, zenity.Filename(start))
	}
	if r.Parent != 0 {
		switch runtime.GOOS {
		case "windows":
			opts = append(opts, zenity.Attach(r.Parent), zenity.Modal())
		case "darwin": // Attach takes an app name or pid there: the dialog finds the app itself
		default:
			opts = append(opts, zenity.Attach(int(r.Parent)), zenity.Modal())
		}
	}
	return opts
}

// filterFor is the file type filter of a suggested name ("report.md": Markdown).
func filterFor(name string) (zenity.FileFilter, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	what := map[string]string{
		".md": "Markdown", ".json": "JSON", ".jsonl": "JSON lines", ".txt": "Text",
	}[ext]
	if what == "" {
		return zenity.FileFilter{}, false
	}
	return zenity.FileFilter{Name: what + " (*" + ext + ")", Patterns: []string{"*" + ext}, CaseFold: true}, true
}

func answer(path string, err error) (string, error) {
	if errors.Is(err, zenity.ErrCanceled) {
		return "", ErrCancelled
	}
	if err == nil && path == "" {
		return "", ErrCancelled
	}
	return path, err
}
