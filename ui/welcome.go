package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/profiles"
)

// newWelcome is the panel shown when there are no profiles.
func newWelcome(u *UI) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Test an ERP.net Trusted Application", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	text := wrapLabel("This tool checks that a Trusted Application works as a service app (OAuth2 client credentials): " +
		"it finds the instance's identity server, requests a token with the client_id and secret, shows which System User " +
		"the token acts as and with which scopes, calls the Domain API with it, and explains every failure with the fields to fix.\n\n" +
		"Start with the built-in sandbox, a local imitation of an ERP.net instance with healthy and broken Trusted Apps, " +
		"or create a profile for your own instance.")
	sandbox := widget.NewButtonWithIcon("Try the sandbox", theme.MediaPlayIcon(), u.TrySandbox)
	sandbox.Importance = widget.HighImportance
	if u.deps.StartSandbox == nil {
		sandbox.Disable()
	}
	newBtn := widget.NewButtonWithIcon("New profile", theme.ContentAddIcon(), func() { u.editor.open(nil) })
	box := container.NewVBox(title, text, container.NewHBox(sandbox, newBtn))
	return container.NewPadded(container.NewVBox(container.NewGridWrap(fyne.NewSize(640, 0)), box))
}

// TrySandbox starts the in-process sandbox and adds (or refreshes) its scenario
// profiles, with their secrets, then selects the first one.
func (u *UI) TrySandbox() { u.startSandbox("", nil) }

// sandboxRunning reports whether this process started the sandbox.
func (u *UI) sandboxRunning() bool { return len(u.sandbox) > 0 }

// startSandbox starts the sandbox and refreshes its profiles (their instance URL
// changes with every start), selects selectName (or the first scenario), then calls
// then on the UI goroutine once the refreshed profiles are in place.
func (u *UI) startSandbox(selectName string, then func()) {
	if u.deps.StartSandbox == nil {
		return
	}
	u.setStatus("Starting the sandbox…")
	u.background(func() {
		list, err := u.deps.StartSandbox(context.Background())
		if err != nil {
			fyne.Do(func() {
				u.showError("Could not start the sandbox", err, "Another program may hold the port; close it or restart the app.")
			})
			return
		}
		existing, lerr := u.deps.Store.List()
		have := map[string]bool{}
		for _, p := range existing {
			have[p.Name] = true
		}
		var firstErr error
		first := ""
		for _, sb := range list {
			p := sb.Profile
			p.Sandbox = true
			if p.Environment == "" {
				p.Environment = "Sandbox"
			}
			p.SecretSetAt = u.deps.Now()
			if p.Created.IsZero() {
				p.Created = u.deps.Now()
			}
			p.Updated = u.deps.Now()
			var err error
			if lerr == nil && have[p.Name] {
				err = u.deps.Store.Update(p.Name, p)
			} else {
				err = u.deps.Store.Add(p)
			}
			if err == nil {
				err = u.deps.Secrets.Set(p.Name, sb.Secret)
			}
			if err == nil {
				err = u.deps.Store.MarkSecretSet(p.Name, u.deps.Now())
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			if first == "" {
				first = p.Name
			}
			sb.Profile = p
			sb.Secret = ""
			fyne.Do(func() { u.sandbox[p.Name] = sb })
		}
		fyne.Do(func() {
			if firstErr != nil {
				u.showError("The sandbox started, but not every scenario could be saved", firstErr, "Check that the profile store is writable.")
			} else {
				u.setStatus("The sandbox is running: pick a scenario on the left and press “Test this Trusted App”.")
			}
			if selectName == "" {
				selectName = first
			}
			// The refreshed profiles (new port) replace the listed ones now, so a run
			// started by then uses them; Reload brings the sidebar in line.
			if then == nil || firstErr != nil {
				u.Reload(selectName)
				return
			}
			at := map[string]int{}
			for i, p := range u.profiles {
				at[p.Name] = i
			}
			for name, sb := range u.sandbox {
				if i, ok := at[name]; ok {
					u.profiles[i] = sb.Profile
				} else {
					u.profiles = append(u.profiles, sb.Profile)
				}
			}
			profiles.SortByName(u.profiles)
			u.sidebar.refresh()
			then()
		})
	})
}
