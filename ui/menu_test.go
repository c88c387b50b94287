package ui

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// The menu writes the run's shortcut as the buttons do (Ctrl+Enter, not Ctrl+Return),
// and the Return key still triggers it; the first menu ends with Exit on Windows.
func TestMenuWording(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	items := u.win.MainMenu().Items[0].Items
	var run, fresh, quit *fyne.MenuItem
	for _, it := range items {
		switch it.Label {
		case "Test this Trusted App":
			run = it
		case "Test with a fresh token":
			fresh = it
		}
		if it.IsQuit {
			quit = it
		}
	}
	for _, it := range []*fyne.MenuItem{run, fresh} {
		ks, ok := it.Shortcut.(fyne.KeyboardShortcut)
		if !ok || ks.Key() != fyne.KeyEnter {
			t.Errorf("%q shows %v, want Enter", it.Label, it.Shortcut)
		}
	}
	// The driver matches a pressed Ctrl+Return by name.
	pressed := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	if run.Shortcut.ShortcutName() != pressed.ShortcutName() {
		t.Errorf("menu shortcut %q does not match Ctrl+Return (%q)", run.Shortcut.ShortcutName(), pressed.ShortcutName())
	}
	inner := reflect.ValueOf(u.win.Canvas()).Elem().FieldByName("WindowlessCanvas").Interface()
	inner.(interface{ TypedShortcut(fyne.Shortcut) }).TypedShortcut(pressed)
	u.Wait()
	if !strings.HasPrefix(u.status.Text, "Passed") {
		t.Errorf("Ctrl+Return did not run the test: status %q", u.status.Text)
	}
	if quit == nil || items[len(items)-1] != quit || quit.Label != quitLabel("linux") {
		t.Fatalf("the first menu does not end with Quit: %+v", quit)
	}
	if quitLabel("windows") != "Exit" || quitLabel("darwin") != "Quit" {
		t.Error("Windows calls it Exit")
	}
}

// F10, Alt+P and Alt+H open the menus where the window draws them; the test window
// has no menu bar, so they leave the keys to the rest (Esc still cancels), and Help
// says which keys open the menus.
func TestMenuKeys(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	if u.openMenu(0) {
		t.Error("the test canvas has no menu bar to open")
	}
	// F10 where there is no menu bar: passed on (Esc is the window's typed-key handler).
	u.win.Canvas().Unfocus()
	test.TypeOnCanvas(u.win.Canvas(), "")
	if h := u.win.Canvas().OnTypedKey(); h == nil {
		t.Fatal("no typed-key handler")
	} else {
		h(&fyne.KeyEvent{Name: fyne.KeyF10})
	}
	var help *fyne.MenuItem
	for _, it := range u.win.MainMenu().Items[1].Items {
		if strings.HasPrefix(it.Label, "Keyboard") {
			help = it
		}
	}
	if help == nil {
		t.Fatal("no Help > Keyboard item")
	}
	help.Action()
	if d := topDialog(u); !strings.Contains(d, "F10") || !strings.Contains(d, "Alt+P") || !strings.Contains(d, "Alt alone") {
		t.Errorf("Help > Keyboard: %q", d)
	}
}

type toggleCanvas struct {
	fyne.Canvas
	toggled int
}

func (c *toggleCanvas) ToggleMenu() { c.toggled++ }

// openMenu uses the canvas's ToggleMenu where the driver has one.
func TestOpenMenuToggles(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	tc := &toggleCanvas{Canvas: u.win.Canvas()}
	real := u.win
	u.win = &canvasWindow{Window: real, c: tc}
	defer func() { u.win = real }()
	if !u.openMenu(0) || tc.toggled != 1 {
		t.Errorf("openMenu: toggled %d times", tc.toggled)
	}
}

type canvasWindow struct {
	fyne.Window
	c fyne.Canvas
}

func (w *canvasWindow) Canvas() fyne.Canvas { return w.c }
