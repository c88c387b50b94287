package ui

import (
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"

	"trustedapp-tester/guide"
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

func (c command) shortcut() *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: c.key, Modifier: c.mod}
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
	// Esc (no modifier: never a shortcut to a real driver) comes as a typed key nothing
	// focused took (UI.typedKey); dialogs that close on Esc chain in front of it
	// (escapeCloses).
	u.win.Canvas().SetOnTypedKey(u.typedKey)

	help := fyne.NewMenu("Help",
		fyne.NewMenuItem("ERP.net docs: client credentials", func() { u.openURL(guide.OverviewURL) }),
		u.shortcutsItem(),
		fyne.NewMenuItem("About "+version.Name, u.showAbout),
	)
	u.win.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu("Profile", items...), help))
}

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
	where := "Client secrets are kept in the system keychain"
	if !u.desk.Secrets().Persistent() {
		where = "No system keychain is available: client secrets are kept in memory for this session only"
	}
	body := wrapLabel(version.Name + " " + v + "\n\nTests ERP.net Trusted Applications that sign in with OAuth2 client credentials. " +
		where + "; profiles, reports and the history never hold a secret or a whole token.")
	showInfo(u.win, "About "+version.Name, container.NewPadded(body), fyne.NewSize(520, 240))
}
