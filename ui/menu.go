package ui

import (
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"

	"trustedapp-tester/guide"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/version"
)

// command is one keyboard-reachable action. The window's main menu carries the
// shortcuts, so they work even while a text field has the focus (a focused entry
// takes every shortcut it is given, and only main-menu shortcuts come first); the
// same shortcuts are also registered on the canvas.
type command struct {
	label string
	key   fyne.KeyName
	mod   fyne.KeyModifier
	do    func()
}

func (c command) shortcut() fyne.KeyboardShortcut {
	sc := &desktop.CustomShortcut{KeyName: c.key, Modifier: c.mod}
	if c.key == fyne.KeyReturn {
		return enterShortcut{sc}
	}
	return sc
}

// enterShortcut is Ctrl+Return as the menu shows it: "Ctrl+Enter", the word the
// buttons, the tooltips and Windows use (Fyne would write "Ctrl+Return"). The main
// menu matches shortcuts by name, so the Return key still triggers it.
type enterShortcut struct{ *desktop.CustomShortcut }

// Key is what the menu writes.
func (enterShortcut) Key() fyne.KeyName { return fyne.KeyEnter }

// quitLabel is the last item of the first menu: Windows calls it Exit.
func quitLabel(goos string) string {
	if goos == "windows" {
		return "Exit"
	}
	return "Quit"
}

// menuToggler is a window canvas with a menu bar drawn in the window (Fyne's driver on
// Windows and Linux; not the test driver, not macOS's native menu bar).
type menuToggler interface{ ToggleMenu() }

// openMenu opens the i-th menu of the menu bar from the keyboard (F10, Alt+P: Profile;
// Alt+H: Help), as plain Alt does in Fyne: the arrows move through it, Enter chooses,
// Esc closes. It reports whether the window has such a menu bar.
func (u *UI) openMenu(i int) bool {
	t, ok := u.win.Canvas().(menuToggler)
	if !ok {
		return false
	}
	t.ToggleMenu()
	for ; i > 0; i-- {
		// The open menu's title has the focus: Right moves to the next menu.
		if f := u.win.Canvas().Focused(); f != nil {
			f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
		}
	}
	return true
}

// commands are the app's keyboard actions, in menu order (nil entries separate).
func (u *UI) commands() []*command {
	ctrl := fyne.KeyModifierShortcutDefault
	return []*command{
		{"Test this Trusted App", fyne.KeyReturn, ctrl, u.StartRun},
		{"Test with a fresh token", fyne.KeyReturn, ctrl | fyne.KeyModifierShift, u.StartFreshRun},
		{"Inspect a token…", fyne.KeyI, ctrl, u.run.header.askToken},
		nil,
		{"New profile", fyne.KeyN, ctrl, u.NewProfile},
		{"New Trusted App…", fyne.KeyN, ctrl | fyne.KeyModifierShift, u.NewTrustedApp},
		{"Edit profile", fyne.KeyE, ctrl, u.EditCurrent},
		{"Save profile", fyne.KeyS, ctrl, u.SaveEditor},
		{"Find a profile", fyne.KeyF, ctrl, u.focusSearch},
		nil,
		{"Import profiles…", "", 0, u.sidebar.importProfiles},
		{"Export profiles…", "", 0, func() { u.sidebar.exportProfiles(nil) }},
		nil,
		{"Compare…", fyne.KeyD, ctrl, u.Compare},
		{"Explain an error…", fyne.KeyE, ctrl | fyne.KeyModifierShift, u.ExplainError},
		{"Fleet: every profile…", fyne.KeyF, ctrl | fyne.KeyModifierShift, u.Fleet},
		nil,
		// Control on every system (⌘Tab switches applications on macOS).
		{nextTabLabel, fyne.KeyTab, fyne.KeyModifierControl, u.NextTab},
		{previousTabLabel, fyne.KeyTab, fyne.KeyModifierControl | fyne.KeyModifierShift, u.PreviousTab},
	}
}

// installCommands sets the main menu and the canvas shortcuts.
func (u *UI) installCommands() {
	var items []*fyne.MenuItem
	for _, c := range u.commands() {
		if c == nil {
			items = append(items, fyne.NewMenuItemSeparator())
			continue
		}
		it := fyne.NewMenuItem(c.label, c.do)
		u.modal(it)
		if c.key != "" {
			it.Shortcut = c.shortcut()
			u.win.Canvas().AddShortcut(c.shortcut(), func(fyne.Shortcut) { it.Action() })
		}
		if also := secondShortcut[c.label]; also != nil {
			u.win.Canvas().AddShortcut(also, func(fyne.Shortcut) { it.Action() })
		}
		items = append(items, it)
	}
	// The keypad's Enter runs the test too.
	ctrl := fyne.KeyModifierShortcutDefault
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: ctrl}, func(fyne.Shortcut) { u.StartRun() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyEnter, Modifier: ctrl | fyne.KeyModifierShift}, func(fyne.Shortcut) { u.StartFreshRun() })
	// Esc and F10 (no modifier: never a shortcut to a real driver) come as typed keys
	// nothing focused took (UI.typedKey); dialogs that close on Esc chain in front of it
	// (escapeCloses).
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyF10 && u.openMenu(0) {
			return
		}
		u.typedKey(ev)
	})
	// Alt+P and Alt+H open the Profile and Help menus (Fyne has no mnemonics; plain Alt
	// opens the first menu wherever the focus is).
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) { u.openMenu(0) })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyH, Modifier: fyne.KeyModifierAlt}, func(fyne.Shortcut) { u.openMenu(1) })

	// Quit (Exit on Windows) closes the window the way its close button does, so that
	// main remembers where it was (Fyne gives an IsQuit item without an action that).
	quit := fyne.NewMenuItem(quitLabel(runtime.GOOS), nil)
	quit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(), quit)

	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("ERP.net docs: client credentials", func() { u.openURL(guide.OverviewURL) }),
		u.shortcutsItem(),
		fyne.NewMenuItem("About "+version.Name, u.showAbout),
	)
	u.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Profile", items...), help))
}

// menuKeys says how to reach the menus without a mouse (Help > Keyboard shortcuts
// shows it under the shortcuts; macOS has its own menu bar: Ctrl+F2).
const menuKeys = "Press and release Alt, or press F10, to open the Profile menu; Alt+P opens Profile and Alt+H opens Help. " +
	"Then the arrow keys move through the menus, Enter chooses and Esc closes them.\n\n" +
	"While the cursor is in a text field, that field takes F10, Alt+P and Alt+H: use Alt alone there, or the shortcuts shown in the menus."

func (u *UI) openURL(s string) {
	p, err := url.Parse(s)
	if err == nil {
		err = u.app.OpenURL(p)
	}
	if err != nil {
		u.showError("Could not open the browser", err, "Open "+s+" yourself.")
	}
}

// showAbout names the version and where data lives.
func (u *UI) showAbout() {
	v := version.Version
	if c := version.Commit(); c != "" {
		v += " (" + c + ")"
	}
	where := "Client secrets are kept in " + platform.Keychain()
	if !u.desk.Keychain().Persistent {
		where = sentence.Capitalize(platform.Keychain()) + " is not available: client secrets are kept in memory for this session only"
	}
	body := wrapLabel(version.Name + " " + v + "\n\nTests ERP.net Trusted Applications that sign in with OAuth2 client credentials. " +
		where + "; profiles, reports and the history never hold a secret or a whole token.")
	showInfo(u.win, "About "+version.Name, container.NewPadded(body), fyne.NewSize(520, 240))
}
