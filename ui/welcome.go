package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// welcomeShell is what the welcome panel needs of the window.
type welcomeShell interface {
	TrySandbox()
	NewProfile()
	NewTrustedApp()
	ExplainError()
	Fleet()
}

// welcomeDesk is what the welcome panel asks of the desk.
type welcomeDesk interface {
	CanStartSandbox() bool
}

// newWelcome is the panel shown when there are no profiles.
func newWelcome(sh welcomeShell, d welcomeDesk) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(lang.X("app.welcome.title", "Test an ERP.net Trusted Application"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	text := wrapLabel(lang.X("app.welcome.text", "This tool checks that a Trusted Application works as a service app (OAuth2 client credentials): "+
		"it finds the instance's identity server, requests a token with the client_id and secret, shows which System User "+
		"the token acts as and with which scopes, calls the Domain API with it, and explains every failure with the fields to fix.\n\n"+
		"Start with the built-in sandbox, a local imitation of an ERP.net instance with healthy and broken Trusted Apps, "+
		"or create a profile for your own instance."))
	sandbox := newButton(lang.X("app.welcome.sandbox", "Try the sandbox"), theme.MediaPlayIcon(), sh.TrySandbox)
	sandbox.Importance = widget.HighImportance
	if !d.CanStartSandbox() {
		sandbox.Disable()
	}
	newBtn := newButton(lang.X("app.menu.new_profile", "New profile"), theme.ContentAddIcon(), sh.NewProfile)
	newApp := newButton(lang.X("app.menu.new_app", "New Trusted App…"), theme.ContentAddIcon(), sh.NewTrustedApp)
	setup := wrapLabel(lang.X("app.welcome.setup", "Setting up a new Trusted App? “New Trusted App…” makes its client secret, keeps it in {{.Keychain}} and lists the record values to enter in ERP.net, each ready to copy.", map[string]any{"Keychain": keychainName()}))
	explainText := wrapLabel(lang.X("app.welcome.explain", "Only have an error message from a customer's log? Paste it and get the likely causes, the Trusted App fields to check and the fix, without access to the instance."))
	explainBtn := newButton(lang.X("app.menu.explain", "Explain an error…"), theme.SearchIcon(), sh.ExplainError)
	fleetText := wrapLabel(lang.X("app.welcome.fleet", "Looking after many customers' Trusted Apps? Import their list as a CSV file (name, instance, client_id, scopes, env, tags) with Import, then see every profile, its last verdict and what changed, in one table."))
	fleetBtn := newButton(lang.X("app.welcome.fleet_button", "Fleet: every profile")+"  ("+fleetKey()+")", theme.GridIcon(), sh.Fleet)
	box := container.NewVBox(title, text, container.NewHBox(sandbox, newBtn), widget.NewSeparator(), setup, container.NewHBox(newApp),
		widget.NewSeparator(), explainText, container.NewHBox(explainBtn), widget.NewSeparator(), fleetText, container.NewHBox(fleetBtn))
	return container.NewPadded(container.NewVBox(container.NewGridWrap(fyne.NewSize(640, 0)), box))
}

// TrySandbox starts the in-process sandbox and adds (or refreshes) its scenario
// profiles, with their secrets, then selects the first one.
func (u *UI) TrySandbox() {
	if u.desk.CanStartSandbox() {
		u.setStatus(lang.X("app.status.starting_sandbox", "Starting the sandbox…"))
		u.desk.TrySandbox()
	}
}
