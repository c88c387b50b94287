package ui

import (
	"image"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/audit"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
)

// escape presses Esc with nothing focused, as the real driver hands it to the canvas.
func escape(u *UI) {
	u.win.Canvas().Unfocus()
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.Wait()
}

// The menu opens the tool screens with their shortcuts (Ctrl+D compares, Ctrl+Shift+E
// explains), Close and Esc bring back the screen they replaced (the editor as it was),
// and the ⋮ menu offers "Compare with…".
func TestToolScreensMenuAndKeys(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	short := map[string]string{}
	for _, it := range u.win.MainMenu().Items[0].Items {
		if it.Shortcut != nil {
			short[it.Label] = it.Shortcut.ShortcutName()
		}
	}
	if short["Compare…"] == "" || short["Explain an error…"] == "" {
		t.Fatalf("menu shortcuts %v", short)
	}
	inner := reflect.ValueOf(u.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	c := inner.(interface{ TypedShortcut(fyne.Shortcut) })
	ctrl := fyne.KeyModifierShortcutDefault
	c.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: ctrl})
	u.Wait()
	if !u.showing(u.compare.content) || u.compare.prof[0].Selected != "Nightly import" || u.compare.when[0].Selected != nowLabel() {
		t.Fatalf("Ctrl+D: compare shown %v, A = %q / %q", u.showing(u.compare.content), u.compare.prof[0].Selected, u.compare.when[0].Selected)
	}
	c.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl | fyne.KeyModifierShift})
	if !u.showing(u.explainer.content) {
		t.Fatal("Ctrl+Shift+E did not open the explain screen")
	}
	escape(u)
	if !u.showing(u.run.content) {
		t.Fatal("Esc did not go back to the run view (the screen before both tools)")
	}

	// From the editor and back: what was typed is still there.
	u.EditCurrent()
	u.editor.notes.SetText("typed before comparing")
	u.Compare()
	escape(u)
	if !u.showing(u.editor.content) || u.editor.notes.Text != "typed before comparing" {
		t.Error("closing the compare view lost the editor")
	}
	u.closeEditor()

	// ⋮ → Compare with…
	u.run.header.showMenu()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no ⋮ menu")
	}
	var item *fyne.MenuItem
	find(top, func(o fyne.CanvasObject) bool {
		if v := reflect.ValueOf(o); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			if f := v.Elem().FieldByName("Item"); f.IsValid() {
				if it, ok := f.Interface().(*fyne.MenuItem); ok && it.Label == "Compare with…" {
					item = it
					return true
				}
			}
		}
		return false
	})
	if item == nil {
		t.Fatal("the ⋮ menu has no “Compare with…”")
	}
	top.Hide()
	item.Action()
	if !u.showing(u.compare.content) || u.compare.prof[0].Selected != "Nightly import" || u.compare.prof[1].Selected != "" {
		t.Errorf("Compare with…: A %q, B %q", u.compare.prof[0].Selected, u.compare.prof[1].Selected)
	}
	// The welcome panel offers "Explain an error…".
	test.Tap(findButton(t, u.welcome, "Explain an error…"))
	if !u.showing(u.explainer.content) {
		t.Error("the welcome panel's button did not open the explain screen")
	}
}

// Esc with nothing focused cancels the test in flight (the canvas shortcut it used to
// be never fired in the real driver: a key without a modifier is no shortcut there),
// and dismisses the compare view's Production question without comparing.
func TestEscapeCancelsARunAndDismissesTheQuestion(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }))
	t.Cleanup(srv.Close)
	p := acme()
	p.InstanceURL = srv.URL
	q := p
	q.Name, q.Environment = "Other", profiles.EnvTest
	e := newEnv(t, Deps{Now: time.Now}, p, q)
	u := e.u
	u.StartRun()
	if !u.desk.Running() {
		t.Fatal("the run did not start")
	}
	time.Sleep(50 * time.Millisecond)
	start := time.Now()
	escape(u)
	if u.desk.Running() || time.Since(start) > 5*time.Second {
		t.Fatalf("Esc did not cancel the run (running %v)", u.desk.Running())
	}

	// p is tagged Production: comparing it now asks first; Esc says no.
	u.CompareWith(p.Name)
	u.compare.prof[1].SetSelected("Other")
	if !strings.Contains(u.compare.cost.Text, "is tagged Production") {
		t.Fatalf("cost %q", u.compare.cost.Text)
	}
	u.compare.primary()
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no question before comparing Production")
	}
	escape(u)
	if u.win.Canvas().Overlays().Top() != nil || u.compare.pending != nil || !u.showing(u.compare.content) {
		t.Errorf("Esc: dialog still up %v, comparing %v, view shown %v", u.win.Canvas().Overlays().Top() != nil, u.compare.pending != nil, u.showing(u.compare.content))
	}
}

// fakeRunsDesk is History as the History tab sees it, with fixed runs.
type fakeRunsDesk struct {
	*fakeCompareDesk
}

func (f fakeRunsDesk) HistoryAvailable() bool { return true }
func (f fakeRunsDesk) ReadHistory(_ audit.Filter, done func(desk.History)) *desk.Op {
	done(desk.History{})
	return nil
}
func (f fakeRunsDesk) ExportHistory(fyne.URIWriteCloser, audit.Filter, func(desk.Written)) *desk.Op {
	return nil
}

// History's runs, two of them ticked, light theme.
func TestHistoryRunsSnapshot(t *testing.T) {
	capture := func() image.Image {
		e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
		u := e.u
		u.StartRun()
		u.Wait()
		d := fakeRunsDesk{newFakeCompareDesk()}
		h := u.run.history
		h.desk, h.runs.desk = d, d
		u.run.openTab("History")
		h.show.SetSelected(historyRunsLabel())
		h.runs.pick("aaaa1111", true)
		h.runs.pick("bbbb2222", true)
		if h.runs.both.Disabled() || !strings.HasPrefix(h.runs.note.Text, "3 runs.") {
			t.Fatalf("two ticks: %q", h.runs.note.Text)
		}
		return captureAt(t, u, themeVariant(theme.VariantLight))
	}
	assertSnapshot(t, "history_runs_light.png", capture)
}

// assertSnapshot compares what capture draws with testdata/file, capturing up to three
// times first: under heavy load the test driver has (rarely) captured a window half
// drawn, while a real regression differs every time (see TestSnapshots).
func assertSnapshot(t *testing.T, file string, capture func() image.Image) {
	t.Helper()
	img := capture()
	for try := 1; try < 3 && !samePixels(t, file, img); try++ {
		t.Logf("%s: capture %d differs from the master; capturing again", file, try)
		img = capture()
	}
	test.AssertImageMatches(t, file, img)
}

// captureAt draws u's window at the smallest supported size with th.
func captureAt(t *testing.T, u *UI, th fyne.Theme) image.Image {
	t.Helper()
	applyTheme(t, u, th)
	w := u.Window()
	w.Resize(fyne.NewSize(1024, 700))
	// A word-wrapped label is measured at the width of the last layout: lay out
	// again at the new width, as the next frame of a real window would.
	w.Content().Refresh()
	w.Canvas().Unfocus()
	return w.Canvas().Capture()
}

// "Inspect a token…" (Ctrl+I works on any screen) from a tool screen shows the
// inspection in the run view; Ctrl+Enter there never tests the profile behind it.
func TestInspectTokenFromAToolScreen(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.ExplainError()
	u.StartRun()
	u.Wait()
	if u.desk.RunOf("Nightly import") != nil {
		t.Fatal("Ctrl+Enter on the explain screen tested the profile")
	}
	u.InspectToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln")
	u.Wait()
	if r := u.desk.RunOf("Nightly import"); r == nil || !r.Supplied || !u.showing(u.run.content) {
		t.Errorf("the inspection did not show in the run view (run %v)", r)
	}
}

// History's runs count in words: one run is "1 run." (it said "1 runs.").
func TestRunsNoteCountsInWords(t *testing.T) {
	for n, want := range map[int]string{0: "No runs yet", 1: "1 run. Tick two", 3: "3 runs. Tick two"} {
		if got := runsNote(n); !strings.HasPrefix(got, want) {
			t.Errorf("%d runs: %q, want it to start with %q", n, got, want)
		}
	}
}
