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
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// ShowStoreDamage tells the user what happened to a damaged profile store when the app
// opened it (ce from profiles.Open): where the damaged file went, which profiles were
// restored and from which backup. When the damaged file still holds profiles the store
// lacks or holds in an older version, it offers to bring them back.
func (u *UI) ShowStoreDamage(ce *profiles.CorruptError) {
	u.setStatus(lang.X("app.damage.status", "The profile file was damaged: {{.Err}}", map[string]any{"Err": ce.Error()}))
	paras := []string{lang.X("app.damage.could_not_read", "Trusted App Tester could not read {{.Path}}: {{.Reason}} ({{.Detail}}).", map[string]any{"Path": ce.Path, "Reason": ce.Reason, "Detail": safetext.Line(ce.Detail)})}
	if ce.MovedTo != "" {
		paras = append(paras, lang.X("app.damage.kept", "The damaged file was kept, unchanged, as {{.Path}}.", map[string]any{"Path": ce.MovedTo}))
	}
	switch {
	case ce.FromBackup:
		saved := lang.X("app.damage.unknown_time", "at an unknown time")
		if !ce.BackupSaved.IsZero() {
			saved = ce.BackupSaved.UTC().Format("2006-01-02 15:04 UTC")
		}
		paras = append(paras, lang.XN("app.damage.restored", "Restored {{.Count}} profiles from the backup saved {{.Saved}} (the version before the last change): {{.Names}}.", len(ce.Restored),
			map[string]any{"Count": len(ce.Restored), "Saved": saved, "Names": escapedList(ce.Restored)}))
	case ce.Recovered:
		paras = append(paras, lang.X("app.damage.no_backup", "There was no usable backup, so the list starts empty."))
	}
	n := len(ce.Recoverable)
	switch {
	case n > 0 && ce.MovedTo != "":
		paras = append(paras, lang.XN("app.damage.recoverable", "The damaged file still holds {{.Count}} profiles missing here, or newer there than here: {{.Names}}. Recover them now, or later on the command line: trustedapp-check profiles recover.", n,
			map[string]any{"Count": n, "Names": escapedList(ce.Recoverable)}))
	case ce.Recovered:
		paras = append(paras, lang.X("app.damage.nothing_else", "Nothing else could be read from the damaged file."))
	}
	box := container.NewVBox()
	for _, p := range paras {
		box.Add(wrapLabel(p))
	}
	scroll := widgets.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(560, 200))
	var d dialog.Dialog
	later := newButton(lang.X("app.close", "Close"), nil, func() { d.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), later)
	if n > 0 && ce.MovedTo != "" {
		later.SetText(lang.X("app.damage.not_now", "Not now"))
		rec := newButton(lang.XN("app.damage.recover", "Recover {{.Count}} profiles", n, map[string]any{"Count": n}), nil, func() {
			d.Hide()
			u.recoverFrom(ce.MovedTo)
		})
		rec.Importance = widget.HighImportance
		buttons.Add(rec)
	}
	d = dialog.NewCustomWithoutButtons(lang.X("app.damage.title", "The profile file was damaged"), container.NewBorder(nil, buttons, nil, nil, scroll), u.win)
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
	u.setStatus(lang.X("app.damage.recovering", "Recovering profiles from {{.Path}}…", map[string]any{"Path": damaged}))
	u.desk.Recover(damaged, func(r desk.Imported) {
		if r.Err != nil {
			u.showError(lang.X("app.damage.recover_failed", "Could not recover the profiles"), r.Err, lang.X("app.damage.recover_failed_fix", "The damaged file is kept as it is at {{.Path}}; try again, or on the command line: trustedapp-check profiles recover.", map[string]any{"Path": damaged}))
			u.Reload("")
			return
		}
		res := r.Result
		var lines []string
		first := ""
		if len(res.Added) > 0 {
			lines = append(lines, lang.XN("app.damage.recovered_n", "Recovered {{.Count}} profiles: {{.Names}}.", len(res.Added), map[string]any{"Count": len(res.Added), "Names": escapedList(res.Added)}))
			first = res.Added[0]
		}
		if len(res.Replaced) > 0 {
			lines = append(lines, lang.X("app.damage.newer", "Brought back the newer version of: {{.Names}}.", map[string]any{"Names": escapedList(res.Replaced)}))
			if first == "" {
				first = res.Replaced[0]
			}
		}
		if len(res.Skipped) > 0 {
			lines = append(lines, lang.X("app.damage.left_alone", "Already here as they were (or edited since), left alone: {{.Names}}.", map[string]any{"Names": escapedList(res.Skipped)}))
		}
		lines = append(lines, lang.X("app.damage.secrets_stayed", "Their client secrets stayed in {{.Keychain}}. The damaged file is kept at {{.Path}}.", map[string]any{"Keychain": keychainName(), "Path": damaged}))
		u.showMessage(lang.X("app.damage.recovered", "Profiles recovered"), strings.Join(lines, "\n"))
		u.Reload(first)
	})
}
