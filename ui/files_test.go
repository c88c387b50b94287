package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// The one save flow behind Save report, Export (profiles) and Export (history): the
// dialog's error is explained, a cancel does nothing, a chosen file is written.
func TestSaveFileFlow(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()

	// Each action opens the save dialog.
	for name, open := range map[string]func(){
		"Save report":     u.run.guidance.saveReport,
		"Export profiles": func() { u.sidebar.exportProfiles(nil) },
		"Export this one": func() { u.sidebar.exportProfiles([]string{"Nightly import"}) },
	} {
		open()
		if u.win.Canvas().Overlays().Top() == nil {
			t.Errorf("%s opened no dialog", name)
		}
		closeDialogs(u)
	}

	called := 0
	cb := u.saveChosen(func(fyne.URIWriteCloser) { called++ })
	cb(nil, errors.New("permission denied"))
	if d := topDialog(u); !strings.Contains(d, "Could not create the file: permission denied.") || !strings.Contains(d, "Choose a folder you can write to.") {
		t.Errorf("dialog = %q", d)
	}
	closeDialogs(u)
	cb(nil, nil) // cancelled
	if called != 0 || topDialog(u) != "" {
		t.Errorf("a cancel wrote %d times / showed %q", called, topDialog(u))
	}
	path := filepath.Join(t.TempDir(), "out.txt")
	cb(fileWriter(t, path), nil)
	if called != 1 {
		t.Errorf("a chosen file was handed on %d times", called)
	}

	// A producer that fails leaves the file empty and says what failed.
	u.writeFile(fileWriter(t, path), func(w io.Writer) error {
		_, _ = io.WriteString(w, "half")
		return errors.New("log unreadable")
	}, "Could not export the history", func(string) string { return "ok" })
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not export the history: log unreadable.") || !strings.Contains(d, "Choose another folder") {
		t.Errorf("dialog = %q", d)
	}
	if raw, _ := os.ReadFile(path); len(raw) != 0 {
		t.Errorf("failed export left %q in the file", raw)
	}
	closeDialogs(u)
	u.writeFile(fileWriter(t, path), func(w io.Writer) error { _, err := io.WriteString(w, "all"); return err },
		"Could not export", func(p string) string { return "Wrote " + p })
	u.Wait()
	if raw, _ := os.ReadFile(path); string(raw) != "all" || u.status.Text != "Wrote "+path {
		t.Errorf("file %q, status %q", raw, u.status.Text)
	}
	// Saved reports and exports are private, like the CLI's.
	if st, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("saved file mode: %v %v", st.Mode(), err)
	}
}
