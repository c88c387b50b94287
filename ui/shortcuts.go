package ui

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// The keyboard shortcuts in one place: Help > Keyboard shortcuts lists the menu's
// commands (menu.go, the same table the menu is built from) with their keys, then the
// keys that work everywhere.

func nextTabLabel() string     { return lang.X("app.menu.next_tab", "Next evidence tab") }
func previousTabLabel() string { return lang.X("app.menu.previous_tab", "Previous evidence tab") }
func shortcutsLabel() string   { return lang.X("app.menu.shortcuts", "Keyboard shortcuts") }

// secondShortcut is a second shortcut of a command (by its label): registered on the
// canvas and listed, as a menu item shows one only. Fields that take typing forward
// them (dialogEntry.TypedShortcut), since a focused entry takes every shortcut but the
// menu's.
func secondShortcuts() map[string]*desktop.CustomShortcut {
	return map[string]*desktop.CustomShortcut{
		nextTabLabel():     {KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierControl},
		previousTabLabel(): {KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierControl},
	}
}

// everywhereKeys are the keys that are no menu command.
func everywhereKeys() [][2]string {
	return [][2]string{
		{lang.X("app.shortcuts.tab", "Move to the next control, or back"), "Tab, Shift+Tab"},
		{lang.X("app.shortcuts.press", "Press the focused button, tab, scope or step; copy the focused value"), lang.X("app.shortcuts.space_enter", "Space or Enter")},
		{lang.X("app.shortcuts.arrows", "Move in a list, a table or the row of tabs"), lang.X("app.shortcuts.arrow_keys", "Arrow keys")},
		{lang.X("app.shortcuts.scroll", "Scroll the focused pane"), "Up, Down, Page Up, Page Down, Home, End"},
		{lang.X("app.shortcuts.esc", "Close a dialog, the editor or a tool screen; cancel a test"), "Esc"},
	}
}

// NextTab shows the next evidence tab (Ctrl+Tab, Ctrl+Page Down) when the run view is
// on screen.
func (u *UI) NextTab() {
	if u.showing(u.run.content) {
		u.run.tabs.Next()
	}
}

// PreviousTab shows the previous evidence tab (Ctrl+Shift+Tab, Ctrl+Page Up).
func (u *UI) PreviousTab() {
	if u.showing(u.run.content) {
		u.run.tabs.Previous()
	}
}

// shortcutsItem is the Help menu's item that lists the shortcuts (Ctrl+/ or ⌘/).
func (u *UI) shortcutsItem() *fyne.MenuItem {
	it := fyne.NewMenuItem(shortcutsLabel()+"…", u.ShowShortcuts)
	sc := &desktop.CustomShortcut{KeyName: fyne.KeySlash, Modifier: fyne.KeyModifierShortcutDefault}
	it.Shortcut = sc
	u.win.Canvas().AddShortcut(sc, func(fyne.Shortcut) { u.ShowShortcuts() })
	return it
}

// shortcutRows are the commands with a shortcut, each with its keys, then the keys
// that work everywhere.
func (u *UI) shortcutRows() [][2]string {
	var rows [][2]string
	for _, c := range u.commands() {
		if c == nil || c.key == "" {
			continue
		}
		keys := keyText(c.mod, c.key)
		if also := secondShortcuts()[c.label]; also != nil {
			keys += ", " + keyText(also.Modifier, also.KeyName)
		}
		rows = append(rows, [2]string{strings.TrimSuffix(c.label, "…"), keys})
	}
	rows = append(rows, [2]string{shortcutsLabel(), keyText(fyne.KeyModifierShortcutDefault, fyne.KeySlash)})
	return append(rows, everywhereKeys()...)
}

// ShowShortcuts lists every shortcut in a dialog.
func (u *UI) ShowShortcuts() {
	grid := container.New(layout.NewFormLayout())
	for _, r := range u.shortcutRows() {
		keys := widget.NewLabelWithStyle(r[1], fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		grid.Add(keys)
		grid.Add(wrapLabel(r[0]))
	}
	content := fyne.CanvasObject(grid)
	if runtime.GOOS != "darwin" {
		content = container.NewVBox(grid, widget.NewSeparator(), wrapLabel(menuKeys()))
	}
	showInfo(u.win, shortcutsLabel(), widgets.NewVScroll(content), fyne.NewSize(720, 560))
}

// keyText is a shortcut as the user presses it: "Ctrl+Shift+Enter", or "⇧⌘↩" on macOS.
func keyText(mod fyne.KeyModifier, key fyne.KeyName) string {
	mac := runtime.GOOS == "darwin"
	names := map[fyne.KeyName]string{fyne.KeyReturn: "Enter", fyne.KeyEnter: "Enter", fyne.KeyPageDown: "Page Down",
		fyne.KeyPageUp: "Page Up", fyne.KeySlash: "/", fyne.KeyTab: "Tab", fyne.KeyEscape: "Esc"}
	k := string(key)
	if n, ok := names[key]; ok {
		k = n
	}
	var parts []string
	if mac {
		if key == fyne.KeyReturn || key == fyne.KeyEnter {
			k = "↩"
		}
		for _, m := range []struct {
			m fyne.KeyModifier
			s string
		}{{fyne.KeyModifierControl, "⌃"}, {fyne.KeyModifierAlt, "⌥"}, {fyne.KeyModifierShift, "⇧"}, {fyne.KeyModifierSuper, "⌘"}} {
			if mod&m.m != 0 {
				parts = append(parts, m.s)
			}
		}
		return strings.Join(parts, "") + k
	}
	for _, m := range []struct {
		m fyne.KeyModifier
		s string
	}{{fyne.KeyModifierControl, "Ctrl"}, {fyne.KeyModifierAlt, "Alt"}, {fyne.KeyModifierShift, "Shift"}, {fyne.KeyModifierSuper, "Super"}} {
		if mod&m.m != 0 {
			parts = append(parts, m.s)
		}
	}
	return strings.Join(append(parts, k), "+")
}

// forwardShortcut hands a second shortcut (secondShortcut) typed into a field to the
// window's shortcuts, which the focused field would otherwise take; it reports whether
// it did.
func forwardShortcut(o fyne.CanvasObject, s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok {
		return false
	}
	for _, w := range secondShortcuts() {
		if w.ShortcutName() == cs.ShortcutName() {
			if c, ok := fyne.CurrentApp().Driver().CanvasForObject(o).(interface{ TypedShortcut(fyne.Shortcut) }); ok {
				c.TypedShortcut(s)
				return true
			}
		}
	}
	return false
}

// modal makes the menu item it, and so its shortcut, do nothing while a dialog or a
// pop-up is open: Fyne runs main-menu shortcuts under a modal dialog (Ctrl+E opened the
// editor behind "Inspect a token").
func (u *UI) modal(it *fyne.MenuItem) {
	do := it.Action
	it.Action = func() {
		if u.win.Canvas().Overlays().Top() == nil {
			do()
		}
	}
}
