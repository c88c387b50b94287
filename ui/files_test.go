package ui

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/userfile"
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
	// The OS's error as Fyne's dialog hands it over: the path with forward slashes.
	cb(nil, &fs.PathError{Op: "open", Path: "/reports/x.md", Err: fs.ErrPermission})
	if d := topDialog(u); !strings.Contains(d, "Could not create the file: "+filepath.FromSlash("/reports/x.md")+": permission denied.") ||
		!strings.Contains(d, "choose a folder you can write to") || strings.Contains(d, "..") || strings.Contains(d, "open ") {
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

// fakeDialogs stands for the OS's file dialogs: it records what it was asked and
// answers with path (or err).
type fakeDialogs struct {
	asked []desk.FileRequest
	path  string
	err   error
}

func (f *fakeDialogs) Save(r desk.FileRequest) (string, error) {
	f.asked = append(f.asked, r)
	return f.path, f.err
}
func (f *fakeDialogs) Open(r desk.FileRequest) (string, error) { return f.Save(r) }
func (f *fakeDialogs) Parent() uintptr                         { return 42 }

// With the OS's dialogs: the suggested name is one every OS accepts, the dialog starts
// in Documents and belongs to the window, the chosen file is written (privately); a
// cancel does nothing; a dialog that cannot be shown falls back to Fyne's; a file the
// OS refuses is explained the OS's way.
func TestNativeSaveDialog(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, ".config"))
	docs := filepath.Join(dir, "Documents")
	os.Mkdir(docs, 0o700)
	fd := &fakeDialogs{path: filepath.Join(docs, "chosen.md")}
	p := acme()
	p.Name = "Nightly | Prod?"
	e := newEnv(t, Deps{Run: replayRun(healthyReport()), Files: fd}, p)
	u := e.u
	u.StartRun()
	u.Wait()

	u.run.guidance.saveReport()
	u.Wait()
	if len(fd.asked) != 1 {
		t.Fatalf("the OS's dialog was asked %d times", len(fd.asked))
	}
	r := fd.asked[0]
	wantDocs := docs
	if runtime.GOOS == "windows" {
		wantDocs = userfile.Documents() // the known folder, whatever HOME says
	}
	if r.Name != "Nightly - Prod--report.md" || r.Folder != wantDocs || r.Parent != 42 {
		t.Errorf("asked %+v", r)
	}
	raw, err := os.ReadFile(fd.path)
	if err != nil || !strings.Contains(string(raw), "diagnostics report: Nightly") {
		t.Fatalf("report not written: %v %q", err, raw)
	}
	if st, _ := os.Stat(fd.path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if !strings.Contains(u.status.Text, "Report saved to "+fd.path) {
		t.Errorf("status %q", u.status.Text)
	}

	// Cancelled: nothing shown, nothing written.
	fd.path, fd.err = "", desk.ErrCancelled
	closeDialogs(u)
	u.run.guidance.saveReport()
	u.Wait()
	if d := topDialog(u); d != "" {
		t.Errorf("a cancel showed %q", d)
	}

	// The OS's dialog could not be shown: Fyne's opens instead.
	fd.err = errors.New("zenity: exec: not found")
	u.run.guidance.saveReport()
	u.Wait()
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("no fallback dialog")
	}
	closeDialogs(u)

	// A chosen file the OS cannot create: its path, its reason, the hint that fits.
	fd.err, fd.path = nil, filepath.Join(dir, "gone", "x.md")
	u.run.guidance.saveReport()
	u.Wait()
	d := topDialog(u)
	if !strings.Contains(d, "Could not create the file: "+fd.path+": no such file or directory.") ||
		!strings.Contains(d, "That folder does not exist") {
		t.Errorf("dialog = %q", d)
	}
}

// Import profiles… uses the OS's Open dialog too.
func TestNativeOpenDialog(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "b.json")
	fd := &fakeDialogs{path: filepath.Join(dir, "missing.json")}
	e := newEnv(t, Deps{Files: fd}, acme())
	u := e.u
	u.sidebar.importProfiles()
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Could not open the file: "+fd.path+": no such file or directory.") {
		t.Errorf("dialog = %q", d)
	}
	closeDialogs(u)
	u.sidebar.exportTo(fileWriter(t, bundle), []string{acme().Name})
	u.Wait()
	fd.path = bundle
	u.sidebar.importProfiles()
	u.Wait()
	if d := topDialog(u); !strings.Contains(d, "Import") {
		t.Errorf("the bundle was not read for review: %q", d)
	}
}
