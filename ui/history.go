package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

func allProfiles() string { return lang.X("app.history.all_profiles", "All profiles") }

// historyTab shows the audit log, filterable by profile and exportable.
type historyTab struct {
	sh      historyShell
	desk    historyDesk
	filter  *escSelect
	entries []audit.Entry
	table   *keyTable
	note    *widget.Label
	content fyne.CanvasObject
	// show switches between the requests and the runs (historyruns.go); each has its
	// note and buttons in the top row.
	show        *widget.RadioGroup
	runs        *historyRuns
	exportBtn   *button
	runsButtons fyne.CanvasObject
	runsBody    fyne.CanvasObject
	body        *fyne.Container
	// reads counts the reads of the requests asked for: only the last one's answer is
	// shown (an earlier one is for a filter since changed).
	reads int
}

func historyCols() []tableColumn {
	return []tableColumn{{lang.X("app.history.col.time", "Time"), 170}, {lang.X("app.menu.profile", "Profile"), 150}, {lang.X("app.history.col.kind", "Kind"), 60},
		{lang.X("app.history.col.request", "Request"), 420}, {lang.X("app.history.col.status", "Status"), 70}, {lang.X("app.history.col.duration", "Duration"), 80}, {lang.X("app.step.token", "Token"), 110}}
}

// historyShell is what the History tab needs of the window.
type historyShell interface {
	notifier
	saveFile(name string, write func(fyne.URIWriteCloser))
	compareRuns(a, b *check.RunSummary)
}

// historyDesk is what the History tab asks of the desk.
type historyDesk interface {
	Profiles() []profiles.Profile
	HistoryAvailable() bool
	ReadHistory(f audit.Filter, done func(desk.History)) *desk.Op
	ExportHistory(wc fyne.URIWriteCloser, f audit.Filter, done func(desk.Written)) *desk.Op
	RunsAvailable() bool
	ReadRuns(f audit.Filter, done func(desk.Runs)) *desk.Op
}

func newHistoryTab(sh historyShell, d historyDesk) *historyTab {
	h := &historyTab{sh: sh, desk: d}
	h.filter = newEscSelect(func(string) { h.reload() }, nil)
	h.filter.Options = []string{allProfiles()}
	h.filter.name = lang.X("app.menu.profile", "Profile")
	h.filter.Selected = allProfiles()
	h.note = widget.NewLabel("")
	h.note.Importance = widget.LowImportance
	h.table = newColumnsTable(historyCols(), func() int { return len(h.entries) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(historyCell(h.entries[id.Row], id.Col))
		})
	h.table.spoken = func() string { return h.note.Text }
	h.exportBtn = newButton("Export…", theme.UploadIcon(), h.export)
	refresh := widgets.NewTipButton("", theme.ViewRefreshIcon(), lang.X("app.history.refresh", "Read the history again (runs from the command line appear too)"), h.reload)
	h.runs = newHistoryRuns(sh, d)
	h.note.Truncation = fyne.TextTruncateEllipsis
	h.runsButtons = container.NewHBox(h.runs.with, h.runs.both)
	h.runsButtons.Hide()
	h.runsBody = container.NewBorder(nil, h.runs.note, nil, nil, h.runs.table)
	h.body = container.NewStack(h.table)
	h.show = widget.NewRadioGroup([]string{historyRequests(), historyRunsLabel()}, func(string) { h.switchView() })
	h.show.Horizontal = true
	h.show.Required = true
	h.show.Selected = historyRequests()
	top := container.NewBorder(nil, nil, container.NewHBox(h.filter, h.show), container.NewHBox(refresh, h.exportBtn, h.runsButtons),
		h.note)
	h.content = container.NewBorder(top, nil, nil, nil, h.body)
	return h
}

func historyCell(e audit.Entry, col int) string {
	switch col {
	case 0:
		return e.Time.Local().Format("2006-01-02 15:04:05")
	case 1:
		return e.Profile
	case 2:
		return e.Kind
	case 3:
		return e.Method + " " + e.Endpoint
	case 4:
		if e.Error != "" && e.Status == 0 {
			return "error"
		}
		return fmt.Sprint(e.Status)
	case 5:
		return fmt.Sprintf("%d ms", e.DurationMS)
	case 6:
		if len(e.TokenFingerprint) > 8 {
			return "sha256 " + e.TokenFingerprint[:8]
		}
		return e.TokenFingerprint
	}
	return ""
}

func (h *historyTab) currentFilter() audit.Filter {
	if h.filter.Selected == allProfiles() || h.filter.Selected == "" {
		return audit.Filter{}
	}
	return audit.Filter{Profile: h.filter.Selected}
}

func historyRequests() string  { return lang.X("app.history.requests", "Requests") }
func historyRunsLabel() string { return lang.X("app.history.runs", "Runs") }

// switchView shows the requests or the runs, read afresh.
func (h *historyTab) switchView() {
	if h.show.Selected == historyRunsLabel() {
		h.runsButtons.Show()
		h.note.Hide()
		h.exportBtn.Hide()
		h.body.Objects = []fyne.CanvasObject{h.runsBody}
	} else {
		h.runsButtons.Hide()
		h.note.Show()
		h.exportBtn.Show()
		h.body.Objects = []fyne.CanvasObject{h.table}
	}
	h.body.Refresh()
	h.reload()
}

// reload reads the log on a goroutine.
func (h *historyTab) reload() {
	opts := []string{allProfiles()}
	for _, p := range h.desk.Profiles() {
		opts = append(opts, p.Name)
	}
	h.filter.Options = opts
	if h.show.Selected == historyRunsLabel() {
		h.runs.reload(h.currentFilter())
		return
	}
	if !h.desk.HistoryAvailable() {
		h.note.SetText(lang.X("app.history.unavailable", "The history log is not available in this session."))
		return
	}
	h.desk.ReadHistory(h.currentFilter(), latestOnly(&h.reads, h.read))
}

// latestOnly counts a read asked for in *reads and returns its callback, which calls
// show only while no later read has been asked for: an earlier read's answer (for a
// filter since changed) that lands last is dropped.
func latestOnly[T any](reads *int, show func(T)) func(T) {
	*reads++
	n := *reads
	return func(res T) {
		if n == *reads {
			show(res)
		}
	}
}

// read shows what reload read.
func (h *historyTab) read(res desk.History) {
	if res.Err != nil {
		h.note.SetText(lang.X("app.history.read_failed", "Could not read the history log: {{.Err}}. Check the log file's permissions.", map[string]any{"Err": res.Err.Error()}))
		return
	}
	h.entries = res.Entries
	h.note.SetText(lang.XN("app.history.logged", "{{.Count}} requests logged (no secrets, tokens as fingerprints)", len(res.Entries), map[string]any{"Count": len(res.Entries)}))
	h.table.Refresh()
}

func (h *historyTab) export() {
	if !h.desk.HistoryAvailable() {
		return
	}
	f := h.currentFilter()
	h.sh.saveFile("trustedapp-history.jsonl", func(wc fyne.URIWriteCloser) { h.exportTo(wc, f) })
}

// exportTo writes the entries matching f as JSON lines to wc on a goroutine and closes
// it (the file dialog's callback; tests call it with a file writer).
func (h *historyTab) exportTo(wc fyne.URIWriteCloser, f audit.Filter) {
	h.desk.ExportHistory(wc, f, written(h.sh, lang.X("app.history.export_failed", "Could not export the history"), func(path string) string {
		return lang.X("app.history.exported", "History exported to {{.Path}}.", map[string]any{"Path": path})
	}))
}
