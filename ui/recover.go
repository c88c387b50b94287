package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/platform"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// ShowStoreDamage tells the user what happened to a damaged profile store when the app
// opened it (ce from profiles.Open): where the damaged file went, which profiles were
// restored and from which backup. When the damaged file still holds profiles the store
// lacks or holds in an older version, it offers to bring them back.
func (u *UI) ShowStoreDamage(ce *profiles.CorruptError) {
	u.setStatus("The profile file was damaged: " + ce.Error())
	paras := []string{fmt.Sprintf("Trusted App Tester could not read %s: %s (%s).", ce.Path, ce.Reason, safetext.Line(ce.Detail))}
	if ce.MovedTo != "" {
		paras = append(paras, "The damaged file was kept, unchanged, as "+ce.MovedTo+".")
	}
	switch {
	case ce.FromBackup:
		saved := "at an unknown time"
		if !ce.BackupSaved.IsZero() {
			saved = ce.BackupSaved.UTC().Format("2006-01-02 15:04 UTC")
		}
		paras = append(paras, fmt.Sprintf("Restored %s from the backup saved %s (the version before the last change): %s.", plural(len(ce.Restored), "profile"), saved, escapedList(ce.Restored)))
	case ce.Recovered:
		paras = append(paras, "There was no usable backup, so the list starts empty.")
	}
	n := len(ce.Recoverable)
	switch {
	case n > 0 && ce.MovedTo != "":
		paras = append(paras, fmt.Sprintf("The damaged file still holds %s missing here, or newer there than here: %s. Recover %s now, or later on the command line: trustedapp-check profiles recover.",
			plural(n, "profile"), escapedList(ce.Recoverable), map[bool]string{true: "it", false: "them"}[n == 1]))
	case ce.Recovered:
		paras = append(paras, "Nothing else could be read from the damaged file.")
	}
	box := container.NewVBox()
	for _, p := range paras {
		box.Add(wrapLabel(p))
	}
	scroll := widgets.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(560, 200))
	var d dialog.Dialog
	later := newButton("Close", nil, func() { d.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), later)
	if n > 0 && ce.MovedTo != "" {
		later.SetText("Not now")
		rec := newButton("Recover "+plural(n, "profile"), nil, func() {
			d.Hide()
			u.recoverFrom(ce.MovedTo)
		})
		rec.Importance = widget.HighImportance
		buttons.Add(rec)
	}
	d = dialog.NewCustomWithoutButtons("The profile file was damaged", container.NewBorder(nil, buttons, nil, nil, scroll), u.win)
	d.Resize(fyne.NewSize(640, 380))
	showWithEsc(u.win, d)
}

// plural is "1 profile", "2 profiles".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// recoverFrom brings back what still parses in the damaged store file on a goroutine,
// then says what came back.
func (u *UI) recoverFrom(damaged string) {
	u.setStatus("Recovering profiles from " + damaged + "…")
	u.desk.Recover(damaged, func(r desk.Imported) {
		if r.Err != nil {
			u.showError("Could not recover the profiles", r.Err, "The damaged file is kept as it is at "+damaged+"; try again, or on the command line: trustedapp-check profiles recover.")
			u.Reload("")
			return
		}
		res := r.Result
		var lines []string
		first := ""
		if len(res.Added) > 0 {
			lines = append(lines, fmt.Sprintf("Recovered %s: %s.", plural(len(res.Added), "profile"), escapedList(res.Added)))
			first = res.Added[0]
		}
		if len(res.Replaced) > 0 {
			lines = append(lines, "Brought back the newer version of: "+escapedList(res.Replaced)+".")
			if first == "" {
				first = res.Replaced[0]
			}
		}
		if len(res.Skipped) > 0 {
			lines = append(lines, "Already here as they were (or edited since), left alone: "+escapedList(res.Skipped)+".")
		}
		lines = append(lines, "Their client secrets stayed in "+platform.Keychain()+". The damaged file is kept at "+damaged+".")
		u.showMessage("Profiles recovered", strings.Join(lines, "\n"))
		u.Reload(first)
	})
}
