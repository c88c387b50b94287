package ui

import (
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
	ask := lang.XN("app.fleet.production_ask", "{{.Count}} profiles tagged Production will make their API calls: each Trusted App's first call opens an ERP.net session, "+
		"which holds one of production's licence slots for at least 20 minutes (at most an hour), and a real user may be refused meanwhile: {{.Names}}.\n\n"+
		"With “token only” they get and check their token and make no call, which uses no licence.", len(prod), map[string]any{"Count": len(prod), "Names": escapedList(prod)})
	askYesNo(s.sh.window(), lang.X("app.fleet.production_title", "Make API calls on production?"), ask, lang.X("app.cancel", "Cancel"), lang.X("app.fleet.production_go", "Make the calls"), widget.HighImportance, func(ok bool) {
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
		s.progressMsg.SetText(lang.XN("app.fleet.testing", "Testing {{.Count}} profiles…", total, map[string]any{"Count": total}))
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
		s.progressMsg.SetText(lang.X("app.fleet.progress", "{{.Done}} of {{.Total}} done · {{.Testing}} under way · {{.Failed}} failed", map[string]any{"Done": p.Finished, "Total": p.Total, "Testing": p.Testing, "Failed": p.Failed}))
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
			s.sh.setStatus(lang.X("app.fleet.tested_away", "{{.Result}} {{.Key}} shows the table.", map[string]any{"Result": msg, "Key": fleetKey()}))
		}
	})
}

// fleetTestedText says how a fleet test ended.
func fleetTestedText(r desk.FleetTested) string {
	data := map[string]any{"Passed": r.Passed, "Warned": r.Warned, "Failed": r.Failed, "NotTested": r.NotTested}
	counts := lang.X("app.fleet.tested.counts", "{{.Passed}} passed, {{.Warned}} with warnings, {{.Failed}} failed", data)
	if r.NotTested > 0 {
		counts = lang.X("app.fleet.tested.counts_not_tested", "{{.Passed}} passed, {{.Warned}} with warnings, {{.Failed}} failed, {{.NotTested}} not tested", data)
	}
	t := lang.X("app.fleet.tested.done", "Fleet test done: {{.Counts}}.", map[string]any{"Counts": counts})
	if r.Cancelled {
		t = lang.X("app.fleet.tested.cancelled", "Fleet test cancelled: {{.Counts}}.", map[string]any{"Counts": counts})
	}
	if r.HistoryErr != nil {
		t += " " + lang.X("app.fleet.tested.history_err", "History could not be written ({{.Err}}): check the log folder's permissions.", map[string]any{"Err": r.HistoryErr.Error()})
	}
	return t
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
	s.progressMsg.SetText(lang.X("app.status.cancelling", "Cancelling…"))
	s.cancelBtn.Disable()
	s.test.Cancel()
}

// export saves the table as shown, as Markdown or CSV.
func (s *fleetScreen) export() {
	if len(s.shown) == 0 {
		s.sh.showMessage(lang.X("app.fleet.nothing_to_export", "Nothing to export"), noMatch())
		return
	}
	save := func(markdown bool) {
		name, what := "trustedapp-fleet.csv", "CSV"
		if markdown {
			name, what = "trustedapp-fleet.md", "Markdown"
		}
		t := s.fleetTable()
		s.sh.saveFile(name, func(wc fyne.URIWriteCloser) {
			s.desk.ExportFleet(wc, t, markdown, written(s.sh, lang.X("app.fleet.export_failed", "Could not export the fleet table"), func(path string) string {
				return lang.XN("app.fleet.exported", "Saved the fleet table ({{.Format}}, {{.Count}} profiles) to {{.Path}}: it holds no secret and no token.", len(t.Rows), map[string]any{"Format": what, "Count": len(t.Rows), "Path": path})
			}))
		})
	}
	body := wrapLabel(lang.X("app.fleet.export_body", "The table as shown (filters and order), every column. Markdown suits a ticket or a wiki page; CSV a spreadsheet (cells that a spreadsheet would run as a formula are saved as text)."))
	// Esc, or Cancel, saves nothing.
	showKeyDialog(s.sh.window(), lang.X("app.fleet.export_title", "Export the fleet table"), container.NewPadded(body), fyne.NewSize(520, 1), widget.HighImportance,
		[]string{lang.X("app.cancel", "Cancel"), "CSV…", "Markdown…"}, func(pressed int) {
			switch pressed {
			case 1:
				save(false)
			case 2:
				save(true)
			}
		})
}

// fleetTable is the table as shown, for a file: its title, notes and column titles in
// the language in use, as the screen shows them (the cells are the screen's too).
func (s *fleetScreen) fleetTable() desk.FleetTable {
	t := desk.FleetTable{Title: lang.X("app.fleet.file_title", "Trusted App fleet, {{.Time}}", map[string]any{"Time": s.desk.Now().Local().Format("2 Jan 2006 15:04")})}
	var f []string
	if s.filter.search != "" {
		f = append(f, lang.X("app.fleet.file_search", "search “{{.Text}}”", map[string]any{"Text": s.search.Text}))
	}
	if s.env.Selected != allEnvs() {
		f = append(f, lang.X("app.fleet.file_env", "environment {{.Env}}", map[string]any{"Env": s.env.Selected}))
	}
	if s.filter.tag != "" {
		f = append(f, lang.X("app.fleet.file_tag", "tag {{.Tag}}", map[string]any{"Tag": s.filter.tag}))
	}
	if s.filter.failing {
		f = append(f, lang.X("app.fleet.file_failing", "failing only"))
	}
	shown := lang.XN("app.fleet.file_shown", "{{.Shown}} of {{.Count}} profiles", len(s.all), map[string]any{"Shown": len(s.shown), "Count": len(s.all)})
	if len(f) > 0 {
		shown += ", " + strings.Join(f, ", ")
	}
	t.Notes = []string{lang.X("app.fleet.file_note", "Shown: {{.Shown}}; sorted by {{.Column}}.", map[string]any{"Shown": shown, "Column": columnTitle(s.sortCol)}),
		lang.X("app.fleet.file_columns", "Secret age is the date the profile recorded when its secret was set: ERP.net's Trusted Applications have no expiry field for a secret. Drift is what changed since the profile's last passing run in History.")}
	for c := colName; c < fleetCols; c++ {
		t.Columns = append(t.Columns, columnTitle(c))
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
	s.say(lang.X("app.fleet.asking_keychain", "Asking the keychain which profiles have no secret…"))
	s.desk.NeedSecrets(names, func(n desk.NeedSecrets) {
		s.say("")
		switch {
		case n.Unknown:
			s.sh.showMessage(lang.X("app.secrets.no_answer", "The keychain does not answer"), lang.X("app.fleet.secrets_unknown", "Which profiles need a client secret cannot be told: unlock the system keychain and try again."))
		case len(n.Names) == 0:
			s.sh.showMessage(lang.X("app.fleet.secrets_all_set", "Every secret is set"), lang.XN("app.fleet.secrets_all_set_text", "Each of the {{.Count}} profiles shown has a client secret.", len(names), map[string]any{"Count": len(names)}))
		default:
			askSecrets(s.sh, s.desk, n.Names, func(set int) {
				if set > 0 {
					s.sh.Reload("")
				}
			})
		}
	})
}
