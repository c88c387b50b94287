package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/report"
	"trustedapp-tester/ui/widgets"
)

// historyRuns is History's list of runs (one line per test, from the app and the
// command line), newest first: tick one to compare it with another profile or run,
// or two to compare them with each other. The History tab shows its table with its
// note below, and its buttons in the tab's top row.
type historyRuns struct {
	sh     historyShell
	desk   historyDesk
	runs   []check.RunSummary
	picked []string // the ids ticked, in the order they were ticked (two at most)
	table  *keyTable
	note   *widgets.TipLabel
	with   *button
	both   *button
	// reads counts the reads asked for: only the last one's answer is shown.
	reads int
}

func runCols() []tableColumn {
	return []tableColumn{{"", 44}, {lang.X("app.history.col.started", "Started"), 170}, {lang.X("app.menu.profile", "Profile"), 200}, {lang.X("app.history.col.verdict", "Verdict"), 70},
		{lang.X("app.history.col.system_user", "System User"), 190}, {lang.X("app.tab.record", "Record"), 100}, {lang.X("app.history.col.run", "Run"), 90}}
}

func newHistoryRuns(sh historyShell, d historyDesk) *historyRuns {
	h := &historyRuns{sh: sh, desk: d}
	h.note = widgets.NewTipLabel("", fyne.TextStyle{}, "")
	h.note.Truncation = fyne.TextTruncateEllipsis
	h.table = newColumnsTable(runCols(), func() int { return len(h.runs) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(widget.NewCheck("", nil), l)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) { h.cell(id, o.(*fyne.Container)) })
	h.table.spoken = func() string { return h.note.Text }
	h.with = newButton(lang.X("app.header.compare_with", "Compare with…"), theme.ViewRestoreIcon(), h.compareWith)
	h.both = newButton(lang.X("app.history.compare_two", "Compare the two"), theme.ViewRestoreIcon(), h.compareBoth)
	h.both.Importance = widget.HighImportance
	h.buttons()
	return h
}

// cell fills one cell: the tick box in the first column, text in the others.
func (h *historyRuns) cell(id widget.TableCellID, c *fyne.Container) {
	tick, l := c.Objects[0].(*widget.Check), c.Objects[1].(*widget.Label)
	if id.Row >= len(h.runs) {
		return
	}
	r := h.runs[id.Row]
	if id.Col == 0 {
		l.Hide()
		tick.Show()
		tick.OnChanged = nil
		tick.SetChecked(h.isPicked(r.ID))
		tick.OnChanged = func(on bool) { h.pick(r.ID, on) }
		return
	}
	tick.Hide()
	l.Show()
	l.SetText(runCell(r, id.Col))
}

func runCell(r check.RunSummary, col int) string {
	switch col {
	case 1:
		return r.Started.Local().Format("2006-01-02 15:04:05")
	case 2:
		return r.Profile
	case 3:
		if lang.Code() == "en" {
			return string(r.Verdict) // History's own word, as the CLI lists it
		}
		return report.VerdictIn(lang.Localizer(), r.Verdict)
	case 4:
		return r.SystemUser
	case 5:
		if recordWasRead(r) {
			return lang.X("app.history.read", "read")
		}
		return lang.X("app.history.not_read", "not read")
	case 6:
		return r.ID
	}
	return ""
}

func (h *historyRuns) isPicked(id string) bool {
	for _, p := range h.picked {
		if p == id {
			return true
		}
	}
	return false
}

// pick ticks or unticks run id; a third tick drops the first.
func (h *historyRuns) pick(id string, on bool) {
	var keep []string
	for _, p := range h.picked {
		if p != id {
			keep = append(keep, p)
		}
	}
	if on {
		keep = append(keep, id)
		if len(keep) > 2 {
			keep = keep[len(keep)-2:]
		}
	}
	h.picked = keep
	h.buttons()
	h.table.Refresh()
}

// buttons offers what the ticks allow.
func (h *historyRuns) buttons() {
	if len(h.picked) == 1 {
		h.with.Enable()
	} else {
		h.with.Disable()
	}
	if len(h.picked) == 2 {
		h.both.Enable()
	} else {
		h.both.Disable()
	}
}

// reload reads the runs matching f on a goroutine.
func (h *historyRuns) reload(f audit.Filter) {
	if !h.desk.RunsAvailable() {
		h.note.SetText(lang.X("app.history.no_runs_session", "History keeps no runs in this session."))
		return
	}
	h.desk.ReadRuns(f, latestOnly(&h.reads, h.read))
}

// read shows what reload read; ticks on runs no longer listed go.
func (h *historyRuns) read(res desk.Runs) {
	if res.Err != nil {
		h.note.SetText(lang.X("app.history.runs_failed", "Could not read History's runs: {{.Err}}. Check the log folder's permissions.", map[string]any{"Err": res.Err.Error()}))
		return
	}
	h.runs = res.Runs
	listed := map[string]bool{}
	for _, r := range h.runs {
		listed[r.ID] = true
	}
	var keep []string
	for _, p := range h.picked {
		if listed[p] {
			keep = append(keep, p)
		}
	}
	h.picked = keep
	h.buttons()
	h.note.SetText(runsNote(len(h.runs)))
	h.table.Refresh()
}

// runsNote is the line under History's runs ("1 run.", not "1 runs.").
func runsNote(n int) string {
	if n == 0 {
		return lang.X("app.history.no_runs", "No runs yet: each test (here or on the command line) adds one.")
	}
	return lang.XN("app.history.runs_note", "{{.Count}} runs. Tick two to compare them, or one to compare it with another profile now or another run.", n, map[string]any{"Count": n})
}

// run is the listed run with id.
func (h *historyRuns) run(id string) *check.RunSummary {
	for i := range h.runs {
		if h.runs[i].ID == id {
			r := h.runs[i]
			return &r
		}
	}
	return nil
}

// compareWith opens the compare view with the ticked run as side A.
func (h *historyRuns) compareWith() {
	if len(h.picked) == 1 {
		if r := h.run(h.picked[0]); r != nil {
			h.sh.compareRuns(r, nil)
		}
	}
}

// compareBoth compares the two ticked runs, the older as A (before, after).
func (h *historyRuns) compareBoth() {
	if len(h.picked) != 2 {
		return
	}
	a, b := h.run(h.picked[0]), h.run(h.picked[1])
	if a == nil || b == nil {
		return
	}
	if b.Started.Before(a.Started) {
		a, b = b, a
	}
	h.sh.compareRuns(a, b)
}

// tableColumn is a column of a table with headers: its title and width.
type tableColumn struct {
	title string
	width float32
}

// newColumnsTable is a table with a bold header row of cols (no header column) and
// rows rows, each cell made by create and filled by update.
func newColumnsTable(cols []tableColumn, rows func() int, create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := newKeyTable(func() (int, int) { return rows(), len(cols) }, create, update)
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
	return t
}
