package desk

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/testdir"
	"trustedapp-tester/internal/userfile"
)

type dialogs struct {
	path string
	err  error
	got  FileRequest
}

func (f *dialogs) Save(r FileRequest) (string, error) { f.got = r; return f.path, f.err }
func (f *dialogs) Open(r FileRequest) (string, error) { f.got = r; return f.path, f.err }
func (f *dialogs) Parent() uintptr                    { return 7 }

func choose(t *testing.T, d *Desk, start func(func(Chosen)) *Op) Chosen {
	t.Helper()
	ch := make(chan Chosen, 1)
	start(func(c Chosen) { ch <- c })
	return await(t, ch)
}

func TestChooseSave(t *testing.T) {
	dir := testdir.New(t)
	fd := &dialogs{path: filepath.Join(dir, "r.md")}
	d, _ := newDesk(t, Deps{Files: fd})
	if !d.NativeDialogs() {
		t.Fatal("no native dialogs with Deps.Files set")
	}
	save := func(f func(Chosen)) *Op { return d.ChooseSave("Save as", "CON", f) }

	c := choose(t, d, save)
	if c.Err != nil || c.Writer == nil || c.Fallback {
		t.Fatalf("chosen %+v", c)
	}
	if fd.got.Name != "CON_" || fd.got.Parent != 7 || fd.got.Title != "Save as" {
		t.Errorf("asked %+v", fd.got)
	}
	if c.Writer.URI().Name() != "r.md" || c.Writer.URI().Extension() != ".md" || filepath.FromSlash(c.Writer.URI().Path()) != fd.path {
		t.Errorf("uri %v", c.Writer.URI())
	}
	w := written(t, d, func(f func(Written)) *Op {
		return d.WriteFile(c.Writer, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err }, f)
	})
	if w.Err != nil || w.Path != fd.path {
		t.Fatalf("written %+v", w)
	}
	if st, _ := os.Stat(fd.path); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}

	fd.err = ErrCancelled
	if c := choose(t, d, save); c.Writer != nil || c.Err != nil || c.Fallback {
		t.Errorf("cancel gave %+v", c)
	}
	fd.err = errors.New("no zenity")
	if c := choose(t, d, save); !c.Fallback {
		t.Errorf("a dialog that failed to show gave %+v", c)
	}
	fd.err, fd.path = nil, filepath.Join(dir, "no", "such", "r.md")
	c = choose(t, d, save)
	var fe *userfile.Error
	if !errors.As(c.Err, &fe) || fe.Kind != userfile.NoFolder || fe.Path != fd.path {
		t.Errorf("a file the OS refuses gave %+v", c)
	}

	// Reading: the chosen file opened.
	fd.path = filepath.Join(dir, "r.md")
	c = choose(t, d, func(f func(Chosen)) *Op { return d.ChooseOpen("Import profiles", f) })
	if c.Reader == nil {
		t.Fatalf("open gave %+v", c)
	}
	b, _ := io.ReadAll(c.Reader)
	c.Reader.Close()
	if string(b) != "x" || c.Reader.URI().Scheme() != "file" || !strings.HasPrefix(c.Reader.URI().String(), "file:///") {
		t.Errorf("read %q from %v", b, c.Reader.URI())
	}
}

func TestChooseWithoutNativeDialogs(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	if d.NativeDialogs() {
		t.Error("native dialogs without Deps.Files")
	}
	if c := choose(t, d, func(f func(Chosen)) *Op { return d.ChooseSave("Save as", "x.md", f) }); !c.Fallback {
		t.Errorf("got %+v, want Fyne's dialog", c)
	}
}

// A whole path typed into Fyne's Save dialog, which joins it to its folder, is found
// again and created as typed.
func TestTypedPathCreated(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	if _, ok := TypedPath(errors.New("no path")); ok {
		t.Error("a path from an error without one")
	}
	joined := `C:/users/root/C:\users\root\Desktop\healthy-report.md`
	p, ok := TypedPath(&fs.PathError{Op: "open", Path: joined, Err: fs.ErrInvalid})
	if !ok || !strings.HasSuffix(filepath.ToSlash(p), "C:/users/root/Desktop/healthy-report.md") || strings.HasPrefix(p, "C:/users/root/C") {
		t.Errorf("TypedPath = %q, %v", p, ok)
	}
	target := filepath.Join(testdir.New(t), "typed.md")
	c := choose(t, d, func(f func(Chosen)) *Op { return d.CreateFile(target, f) })
	if c.Err != nil || c.Writer == nil {
		t.Fatalf("create %+v", c)
	}
	c.Writer.Close()
	if _, err := os.Stat(target); err != nil {
		t.Error(err)
	}
}

func written(t *testing.T, d *Desk, start func(func(Written)) *Op) Written {
	t.Helper()
	ch := make(chan Written, 1)
	start(func(w Written) { ch <- w })
	return await(t, ch)
}

// The report of a profile named "Nightly | Prod?" saves under the name the app
// suggests, on every OS (make test-windows runs this under Wine); on Windows the name
// as it was is refused with the path the Windows way, one full stop and the right hint.
func TestSaveReportWindowsNames(t *testing.T) {
	d, _ := newDesk(t, Deps{})
	dir := testdir.New(t)
	p := profile("Nightly | Prod?", "https://acme.my.erp.net")
	target := filepath.Join(dir, userfile.WithSuffix(p.Name, "-report.md"))
	c := choose(t, d, func(f func(Chosen)) *Op { return d.CreateFile(target, f) })
	if c.Err != nil {
		t.Fatalf("the suggested name %q cannot be created: %v", filepath.Base(target), c.Err)
	}
	w := written(t, d, func(f func(Written)) *Op { return d.SaveReport(c.Writer, p, check.Report{Profile: p.Name}, f) })
	if w.Err != nil || w.Path != target {
		t.Fatalf("saved %+v", w)
	}
	if raw, err := os.ReadFile(target); err != nil || !strings.Contains(string(raw), "Nightly") {
		t.Fatalf("report %q, %v", raw, err)
	}
	if runtime.GOOS != "windows" {
		return
	}
	bad := filepath.Join(dir, "Nightly | Prod?-report.md")
	c = choose(t, d, func(f func(Chosen)) *Op { return d.CreateFile(filepath.ToSlash(bad), f) })
	var fe *userfile.Error
	if !errors.As(c.Err, &fe) || fe.Kind != userfile.BadName {
		t.Fatalf("the raw name gave %+v", c)
	}
	msg := "Could not create the file: " + c.Err.Error() + "."
	if !strings.Contains(msg, bad) || strings.Contains(msg, "/") || strings.Contains(msg, "..") {
		t.Errorf("message %q", msg)
	}
}
