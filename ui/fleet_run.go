package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
)

// The fleet view's actions: testing the rows shown or ticked, cancelling, exporting
// the table, setting the secrets the profiles shown lack.

// testShown tests every row the filters show, in the order shown.
func (s *fleetScreen) testShown() {
	names := make([]string, len(s.shown))
	for i, l := range s.shown {
		names[i] = l.row.Profile.Name
	}
	s.start(names)
}

// testSelected tests the ticked rows (shown or not), or the current row when none is.
func (s *fleetScreen) testSelected() {
	var names []string
	for _, l := range s.all {
		if s.marks[l.row.Profile.Name] {
			names = append(names, l.row.Profile.Name)
		}
	}
	if len(names) == 0 && s.cur != "" {
		names = []string{s.cur}
	}
	s.start(names)
}

// start tests names after saying what it costs: with "token only" off, a Production
// profile's API calls hold a licence slot of production.
func (s *fleetScreen) start(names []string) {
	if s.test != nil || len(names) == 0 {
		return
	}
	var prod []string
	for _, n := range names {
		if l, ok := s.line(n); ok && profiles.IsProduction(l.row.Profile.Environment) {
			prod = append(prod, n)
		}
	}
	if s.tokenOnly.Checked || len(prod) == 0 {
		s.run(names)
		return
	}
	askYesNo(s.sh.window(), "Make API calls on production?", fmt.Sprintf("%s tagged Production will make their API calls: each Trusted App's first call opens an ERP.net session, "+
		"which holds one of production's licence slots for at least 20 minutes (at most an hour), and a real user may be refused meanwhile: %s.\n\n"+
		"With “token only” they get and check their token and make no call, which uses no licence.", plural(len(prod), "profile"), escapedList(prod)), "Cancel", "Make the calls", widget.HighImportance, func(ok bool) {
		if ok {
			s.run(names)
		}
	})
}

// line is the line of the profile called name.
func (s *fleetScreen) line(name string) (*fleetLine, bool) {
	i, ok := s.byName[name]
	if !ok {
		return nil, false
	}
	return s.all[i], true
}

// run starts the fleet test of names.
func (s *fleetScreen) run(names []string) {
	total := len(names)
	s.desk.TestFleet(names, desk.FleetOptions{TokenOnlyProduction: s.tokenOnly.Checked}, func(op *desk.Op) {
		// Set before the desk starts: its results may come back at once.
		s.test = op
		s.progress.SetValue(0)
		s.progressMsg.SetText(fmt.Sprintf("Testing %s…", plural(total, "profile")))
		s.cancelBtn.Enable()
		s.progressRow.Show()
		s.updateButtons()
		s.say("")
	}, func(p desk.FleetProgress) {
		if s.test == nil || p.Op != s.test.ID {
			return
		}
		s.update(p.Changed)
		s.progress.SetValue(float64(p.Finished) / float64(max(p.Total, 1)))
		s.progressMsg.SetText(fmt.Sprintf("%d of %d done · %d under way · %d failed", p.Finished, p.Total, p.Testing, p.Failed))
	}, func(r desk.FleetTested) {
		if s.test == nil || r.Op != s.test.ID {
			return
		}
		s.test = nil
		s.progressRow.Hide()
		s.rebuild()
		msg := fleetTestedText(r)
		s.say(msg)
		if !s.sh.fleetShown() {
			s.sh.setStatus(msg + " " + fleetKey() + " shows the table.")
		}
	})
}

// fleetTestedText says how a fleet test ended.
func fleetTestedText(r desk.FleetTested) string {
	var b strings.Builder
	if r.Cancelled {
		b.WriteString("Fleet test cancelled: ")
	} else {
		b.WriteString("Fleet test done: ")
	}
	fmt.Fprintf(&b, "%d passed, %d with warnings, %d failed", r.Passed, r.Warned, r.Failed)
	if r.NotTested > 0 {
		fmt.Fprintf(&b, ", %d not tested", r.NotTested)
	}
	b.WriteString(".")
	if r.HistoryErr != nil {
		b.WriteString(" History could not be written (" + r.HistoryErr.Error() + "): check the log folder's permissions.")
	}
	return b.String()
}

// fleetKey names the fleet view's shortcut: Ctrl+Shift+F, or ⇧⌘F on macOS.
func fleetKey() string {
	if strings.HasPrefix(keyHint("F"), "⌘") {
		return "⇧⌘F"
	}
	return "Ctrl+Shift+F"
}

// cancel stops the test in flight; what ran is kept, the rest says it was not tested.
func (s *fleetScreen) cancel() {
	if s.test == nil {
		return
	}
	s.progressMsg.SetText("Cancelling…")
	s.cancelBtn.Disable()
	s.test.Cancel()
}

// export saves the table as shown, as Markdown or CSV.
func (s *fleetScreen) export() {
	if len(s.shown) == 0 {
		s.sh.showMessage("Nothing to export", "No profile matches the filters.")
		return
	}
	save := func(markdown bool) {
		name, what := "trustedapp-fleet.csv", "CSV"
		if markdown {
			name, what = "trustedapp-fleet.md", "Markdown"
		}
		t := s.fleetTable()
		s.sh.saveFile(name, func(wc fyne.URIWriteCloser) {
			s.desk.ExportFleet(wc, t, markdown, written(s.sh, "Could not export the fleet table", func(path string) string {
				return fmt.Sprintf("Saved the fleet table (%s, %s) to %s: it holds no secret and no token.", what, plural(len(t.Rows), "profile"), path)
			}))
		})
	}
	body := wrapLabel("The table as shown (filters and order), every column. Markdown suits a ticket or a wiki page; CSV a spreadsheet (cells that a spreadsheet would run as a formula are saved as text).")
	// Esc, or Cancel, saves nothing.
	showKeyDialog(s.sh.window(), "Export the fleet table", container.NewPadded(body), fyne.NewSize(520, 1), widget.HighImportance,
		[]string{"Cancel", "CSV…", "Markdown…"}, func(pressed int) {
			switch pressed {
			case 1:
				save(false)
			case 2:
				save(true)
			}
		})
}

// fleetTable is the table as shown, for a file.
func (s *fleetScreen) fleetTable() desk.FleetTable {
	t := desk.FleetTable{Title: "Trusted App fleet, " + s.desk.Now().Local().Format("2 Jan 2006 15:04")}
	var f []string
	if s.filter.search != "" {
		f = append(f, "search “"+s.search.Text+"”")
	}
	if s.env.Selected != allEnvs {
		f = append(f, "environment "+s.env.Selected)
	}
	if s.filter.tag != "" {
		f = append(f, "tag "+s.filter.tag)
	}
	if s.filter.failing {
		f = append(f, "failing only")
	}
	shown := fmt.Sprintf("%d of %s", len(s.shown), plural(len(s.all), "profile"))
	if len(f) > 0 {
		shown += ", " + strings.Join(f, ", ")
	}
	t.Notes = []string{"Shown: " + shown + "; sorted by " + columnTitle(s.sortCol) + ".",
		"Secret age is the date the profile recorded when its secret was set: ERP.net's Trusted Applications have no expiry field for a secret. Drift is what changed since the profile's last passing run in History."}
	for c := colName; c < fleetCols; c++ {
		t.Columns = append(t.Columns, fleetColumns[c].title)
	}
	for _, l := range s.shown {
		t.Rows = append(t.Rows, append([]string(nil), l.cells[colName:]...))
	}
	return t
}

// setSecrets steps through the profiles shown that have no client secret.
func (s *fleetScreen) setSecrets() {
	names := make([]string, len(s.shown))
	for i, l := range s.shown {
		names[i] = l.row.Profile.Name
	}
	s.say("Asking the keychain which profiles have no secret…")
	s.desk.NeedSecrets(names, func(n desk.NeedSecrets) {
		s.say("")
		switch {
		case n.Unknown:
			s.sh.showMessage("The keychain does not answer", "Which profiles need a client secret cannot be told: unlock the system keychain and try again.")
		case len(n.Names) == 0:
			s.sh.showMessage("Every secret is set", "Each of the "+plural(len(names), "profile")+" shown has a client secret.")
		default:
			askSecrets(s.sh, s.desk, n.Names, func(set int) {
				if set > 0 {
					s.sh.Reload("")
				}
			})
		}
	})
}
