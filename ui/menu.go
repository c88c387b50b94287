package ui

import (
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"

	"trustedapp-tester/guide"
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
		return lang.X("app.menu.exit", "Exit")
	}
	return lang.X("app.menu.quit", "Quit")
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
		{lang.X("app.menu.test", "Test this Trusted App"), fyne.KeyReturn, ctrl, u.StartRun},
		{lang.X("app.menu.test_fresh", "Test with a fresh token"), fyne.KeyReturn, ctrl | fyne.KeyModifierShift, u.StartFreshRun},
		{lang.X("app.menu.inspect", "Inspect a token…"), fyne.KeyI, ctrl, u.run.header.askToken},
		nil,
		{lang.X("app.menu.new_profile", "New profile"), fyne.KeyN, ctrl, u.NewProfile},
		{lang.X("app.menu.new_app", "New Trusted App…"), fyne.KeyN, ctrl | fyne.KeyModifierShift, u.NewTrustedApp},
		{lang.X("app.menu.edit", "Edit profile"), fyne.KeyE, ctrl, u.EditCurrent},
		{lang.X("app.menu.save", "Save profile"), fyne.KeyS, ctrl, u.SaveEditor},
		{lang.X("app.menu.find", "Find a profile"), fyne.KeyF, ctrl, u.focusSearch},
		nil,
		{lang.X("app.menu.import", "Import profiles…"), "", 0, u.sidebar.importProfiles},
		{lang.X("app.menu.export", "Export profiles…"), "", 0, func() { u.sidebar.exportProfiles(nil) }},
		nil,
		{lang.X("app.menu.compare", "Compare…"), fyne.KeyD, ctrl, u.Compare},
		{lang.X("app.menu.explain", "Explain an error…"), fyne.KeyE, ctrl | fyne.KeyModifierShift, u.ExplainError},
		{lang.X("app.menu.fleet", "Fleet: every profile…"), fyne.KeyF, ctrl | fyne.KeyModifierShift, u.Fleet},
		nil,
		// Control on every system (⌘Tab switches applications on macOS).
		{nextTabLabel(), fyne.KeyTab, fyne.KeyModifierControl, u.NextTab},
		{previousTabLabel(), fyne.KeyTab, fyne.KeyModifierControl | fyne.KeyModifierShift, u.PreviousTab},
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
		if also := secondShortcuts()[c.label]; also != nil {
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

	help := fyne.NewMenu(lang.X("app.menu.help", "Help"),
		fyne.NewMenuItem(lang.X("app.menu.docs", "ERP.net docs: client credentials"), func() { u.openURL(guide.OverviewURL) }),
		u.shortcutsItem(),
		u.languageMenu(),
		fyne.NewMenuItem(lang.X("app.menu.about", "About {{.Name}}", map[string]any{"Name": version.Name}), u.showAbout),
	)
	u.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu(lang.X("app.menu.profile", "Profile"), items...), help))
}

// menuKeys says how to reach the menus without a mouse (Help > Keyboard shortcuts
// shows it under the shortcuts; macOS has its own menu bar: Ctrl+F2).
func menuKeys() string {
	return lang.X("app.shortcuts.menu_keys", "Press and release Alt, or press F10, to open the Profile menu; Alt+P opens Profile and Alt+H opens Help. "+
		"Then the arrow keys move through the menus, Enter chooses and Esc closes them.\n\n"+
		"While the cursor is in a text field, that field takes F10, Alt+P and Alt+H: use Alt alone there, or the shortcuts shown in the menus.")
}

func (u *UI) openURL(s string) {
	p, err := url.Parse(s)
	if err == nil {
		err = u.app.OpenURL(p)
	}
	if err != nil {
		u.showError(lang.X("app.browser.cannot_open", "Could not open the browser"), err, lang.X("app.browser.open_yourself", "Open {{.URL}} yourself.", map[string]any{"URL": s}))
	}
}

// showAbout names the version and where data lives.
func (u *UI) showAbout() {
	v := version.Version
	if c := version.Commit(); c != "" {
		v += " (" + c + ")"
	}
	where := lang.X("app.about.kept_in", "Client secrets are kept in {{.Keychain}}", map[string]any{"Keychain": keychainName()})
	if !u.desk.Keychain().Persistent {
		where = lang.X("app.about.no_keychain", "{{.Keychain}} is not available: client secrets are kept in memory for this session only", map[string]any{"Keychain": sentence.Capitalize(keychainName())})
	}
	body := wrapLabel(version.Name + " " + v + "\n\n" + lang.X("app.about.tests", "Tests ERP.net Trusted Applications that sign in with OAuth2 client credentials.") + " " +
		lang.X("app.about.where", "{{.Where}}; profiles, reports and the history never hold a secret or a whole token.", map[string]any{"Where": where}))
	showInfo(u.win, lang.X("app.menu.about", "About {{.Name}}", map[string]any{"Name": version.Name}), container.NewPadded(body), fyne.NewSize(520, 240))
}
