package ui

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// fleetScreen is the fleet view: one table of every profile (or those a search, an
// environment, a tag or "failing only" leaves) with each one's last verdict and when,
// as whom it acts with which scopes, when its token expires and what the run cost in
// licences, its first failure, its secret's age and what changed since its last
// passing run. "Test all shown" and "Test selected" run the CLI's `check --all` rules
// (desk.TestFleet), the table filling in as results come; the table exports as Markdown
// or CSV. A tool screen: Close or Esc goes back (Esc cancels a test first); a test
// goes on while the run view is shown, and never changes it.
type fleetScreen struct {
	sh   fleetShell
	desk fleetDesk

	content     fyne.CanvasObject
	search      *dialogEntry
	env, tag    *escSelect
	failing     *escCheck
	sortSel     *escSelect
	sortDir     *widgets.TipButton
	testAll     *widgets.TipButton
	testSel     *widgets.TipButton
	tokenOnly   *escCheck
	secretsBtn  *widgets.TipButton
	exportBtn   *widgets.TipButton
	progress    *widget.ProgressBar
	progressMsg *widget.Label
	cancelBtn   *button
	progressRow *fyne.Container
	counts      *widget.Label
	table       *fleetTable
	detail      *fyne.Container

	all     []*fleetLine // every profile, in the list's order
	byName  map[string]int
	shown   []*fleetLine // what the filters leave, sorted
	marks   map[string]bool
	cur     string // the current row's profile ("" for none)
	curRow  int    // its row among those shown (-1: none), kept by findCurrent
	sortCol int
	desc    bool
	filter  fleetFilter
	envs    map[string]string // the environment choices' labels -> their filter value
	test    *desk.Op          // the fleet test in flight (nil: none)
	reading desk.OpID         // the History read waited for (0: none)
	status  string            // the last thing the screen said
}

// fleetShell is what the fleet view needs of the window.
type fleetShell interface {
	notifier
	window() fyne.Window
	closeTool()
	focus(fyne.Focusable)
	saveFile(name string, write func(fyne.URIWriteCloser))
	// openFromFleet shows the run view of the profile called name.
	openFromFleet(name string)
	// fleetShown reports whether the fleet view is on screen.
	fleetShown() bool
	// Reload reads the profile list again (after secrets were set).
	Reload(name string)
}

// fleetDesk is what the fleet view asks of the desk.
type fleetDesk interface {
	Now() time.Time
	Explain(code string, evidence map[string]string) guide.Explanation
	FleetRows() []desk.FleetRow
	FleetRow(name string) (desk.FleetRow, bool)
	ReadFleet(began func(*desk.Op), done func(desk.FleetRead)) *desk.Op
	TestFleet(names []string, o desk.FleetOptions, began func(*desk.Op), progress func(desk.FleetProgress), done func(desk.FleetTested)) *desk.Op
	ExportFleet(wc fyne.URIWriteCloser, t desk.FleetTable, markdown bool, done func(desk.Written)) *desk.Op
	secretsDesk
}

// The filters' choices for every environment, none and every tag, in the language in
// use (the screen is made again when it changes).
func allEnvs() string { return lang.X("app.fleet.all_envs", "All environments") }
func noEnvs() string  { return lang.X("app.fleet.no_env", "No environment") }
func allTags() string { return lang.X("app.fleet.all_tags", "All tags") }

func newFleetScreen(sh fleetShell, d fleetDesk) *fleetScreen {
	s := &fleetScreen{sh: sh, desk: d, marks: map[string]bool{}, byName: map[string]int{}, sortCol: colName, curRow: -1}
	s.search = newDialogEntry(s.escape)
	s.search.SetPlaceHolder(lang.X("app.fleet.search", "Search names, instances, client_ids, tags, System Users"))
	s.search.Wrapping = fyne.TextWrapOff
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { s.filterChanged() }
	s.env = newEscSelect(func(string) { s.filterChanged() }, s.escape)
	s.tag = newEscSelect(func(string) { s.filterChanged() }, s.escape)
	s.failing = newEscCheck(lang.X("app.fleet.failing_only", "Failing only"), s.escape)
	s.failing.OnChanged = func(bool) { s.filterChanged() }
	titles := make([]string, 0, fleetCols)
	for c := colMark; c < fleetCols; c++ {
		titles = append(titles, sortChoice(c))
	}
	s.sortSel = newEscSelect(func(t string) {
		if c := slices.Index(titles, t); c >= 0 && c != s.sortCol {
			s.sortCol = c
			s.resort()
		}
	}, s.escape)
	s.sortSel.Options = titles
	s.sortSel.Selected = sortChoice(colName)
	s.sortDir = widgets.NewTipButton("", theme.MoveUpIcon(), lang.X("app.fleet.sort_other_way", "Sort the other way (or click the column's title again)"), func() {
		s.desc = !s.desc
		s.resort()
	})
	s.testAll = widgets.NewTipButton(lang.X("app.fleet.test_all", "Test all shown"), theme.MediaPlayIcon(), lang.X("app.fleet.test_all_tip", "Tests every profile the filters show, by the rules of trustedapp-check check --all: one request at a time per host, one ERP.net session per Trusted App ({{.Key}}).", map[string]any{"Key": shortcutHint()}), s.testShown)
	s.testAll.Importance = widget.HighImportance
	s.testSel = widgets.NewTipButton(lang.X("app.fleet.test_selected", "Test selected"), theme.MediaPlayIcon(), lang.X("app.fleet.test_selected_tip", "Tests the rows ticked in the first column (click it, or press Space on a row); with none ticked, the current row."), s.testSelected)
	s.tokenOnly = newEscCheck(lang.X("app.fleet.token_only", "Production: token only (no API call, no licence slot)"), s.escape)
	s.tokenOnly.Checked = true
	s.secretsBtn = widgets.NewTipButton(lang.X("app.fleet.set_secrets", "Set secrets…"), theme.AccountIcon(), lang.X("app.fleet.set_secrets_tip", "Set the client secrets of the profiles shown that have none, one after another."), s.setSecrets)
	s.exportBtn = widgets.NewTipButton(lang.X("app.fleet.export", "Export…"), theme.DocumentSaveIcon(), lang.X("app.fleet.export_tip", "Save the table as shown, as Markdown (a ticket, a wiki) or CSV (a spreadsheet)."), s.export)
	s.progress = widget.NewProgressBar()
	s.progressMsg = widget.NewLabel("")
	s.progressMsg.Truncation = fyne.TextTruncateEllipsis
	s.cancelBtn = newButton(lang.X("app.cancel_esc", "Cancel  (Esc)"), theme.CancelIcon(), s.cancel)
	s.progressRow = container.NewBorder(nil, nil, nil, s.cancelBtn, container.NewGridWithColumns(2, s.progress, s.progressMsg))
	s.progressRow.Hide()
	s.counts = widget.NewLabel("")
	s.counts.Truncation = fyne.TextTruncateEllipsis
	s.table = newFleetTable(s, d.Now)
	s.detail = container.NewVBox()
	// Three rows that fit the narrowest window (1024 wide, the profile list beside).
	title := widget.NewLabelWithStyle(lang.X("app.fleet.title", "Fleet: every profile"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	header := container.NewBorder(nil, nil, nil, container.NewHBox(s.secretsBtn, s.exportBtn,
		newButton(lang.X("app.close_esc", "Close  (Esc)"), theme.CancelIcon(), sh.closeTool)), title)
	filters := container.NewBorder(nil, nil, nil, container.NewHBox(s.env, s.tag, s.failing, s.sortSel, s.sortDir), s.search)
	actions := container.NewHBox(s.testAll, s.testSel, s.tokenOnly)
	top := container.NewVBox(header, filters, actions, s.progressRow, s.counts)
	detail := container.NewVScroll(s.detail)
	detail.SetMinSize(fyne.NewSize(0, 150))
	s.content = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), detail), nil, nil, s.table)
	return s
}

func (s *fleetScreen) screen() fyne.CanvasObject { return s.content }

// sortChoice is a column as the Sort choice offers it.
func sortChoice(col int) string {
	return lang.X("app.fleet.sort_by", "Sort: {{.Column}}", map[string]any{"Column": columnTitle(col)})
}

// open shows every profile as the desk knows them, reads History's newest runs on a
// goroutine and fills them in, and puts the keyboard in the table.
func (s *fleetScreen) open() {
	s.rebuild()
	s.sh.focus(s.table)
	// Said in began, before the desk reads: its answer may come at once.
	s.desk.ReadFleet(func(op *desk.Op) {
		s.reading = op.ID
		s.say(lang.X("app.fleet.reading_history", "Reading History…"))
	}, func(r desk.FleetRead) {
		if r.Op != s.reading {
			return
		}
		s.reading = 0
		if r.Err != nil {
			s.say(lang.X("app.fleet.history_unread", "History could not be read ({{.Err}}): the table shows this session's tests only.", map[string]any{"Err": r.Err.Error()}))
		} else {
			s.say("")
		}
		s.rebuild()
	})
}

// say shows what the screen is doing in the counts line (and keeps it).
func (s *fleetScreen) say(text string) {
	s.status = text
	s.showCounts()
}

func (s *fleetScreen) showCounts() {
	t := fleetCounts(s.all, s.shown)
	if s.status != "" {
		t = s.status + "  " + t
	}
	s.counts.SetText(t)
}

// rebuild reads every row from the desk again (UI goroutine).
func (s *fleetScreen) rebuild() {
	now, explain := s.desk.Now(), explainTitle(s.desk)
	rows := s.desk.FleetRows()
	s.all = make([]*fleetLine, len(rows))
	clear(s.byName)
	for i, r := range rows {
		s.all[i] = newLine(r, now, explain)
		s.all[i].marked = s.marks[r.Profile.Name]
		s.byName[r.Profile.Name] = i
	}
	for n := range s.marks {
		if _, ok := s.byName[n]; !ok {
			delete(s.marks, n)
		}
	}
	s.fillChoices()
	s.refilter()
}

// update works out the rows of the profiles called names again.
func (s *fleetScreen) update(names []string) {
	now, explain := s.desk.Now(), explainTitle(s.desk)
	for _, n := range names {
		i, ok := s.byName[n]
		r, listed := s.desk.FleetRow(n)
		if !ok || !listed {
			continue
		}
		l := newLine(r, now, explain)
		l.marked = s.marks[n]
		s.all[i] = l
	}
	s.refilter()
}

// fillChoices offers the environments and tags the profiles have.
func (s *fleetScreen) fillChoices() {
	envs, tags := []string{allEnvs()}, []string{allTags()}
	s.envs = map[string]string{allEnvs(): ""}
	seenTag := map[string]bool{}
	none := false
	for _, l := range s.all {
		p := l.row.Profile
		e := strings.TrimSpace(p.Environment)
		switch {
		case e == "":
			none = true
		case !containsFold(envs, e):
			envs = append(envs, e)
			s.envs[e] = e
		}
		for _, t := range p.Tags {
			if !seenTag[strings.ToLower(t)] {
				seenTag[strings.ToLower(t)] = true
				tags = append(tags, t)
			}
		}
	}
	slices.SortFunc(envs[1:], func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	slices.SortFunc(tags[1:], func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if none {
		envs = append(envs, noEnvs())
		s.envs[noEnvs()] = noEnv
	}
	s.env.Options, s.tag.Options = envs, tags
	if !slices.Contains(envs, s.env.Selected) {
		s.env.Selected = allEnvs()
	}
	if !slices.Contains(tags, s.tag.Selected) {
		s.tag.Selected = allTags()
	}
	s.env.Refresh()
	s.tag.Refresh()
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(t string) bool { return strings.EqualFold(t, s) })
}

// filterChanged applies the search, the environment, the tag and "failing only".
func (s *fleetScreen) filterChanged() {
	if s.envs == nil {
		return // still being built
	}
	s.refilter()
}

// refilter lists the rows the filters leave, in the sort order, and shows them.
func (s *fleetScreen) refilter() {
	s.filter = fleetFilter{search: strings.ToLower(strings.TrimSpace(s.search.Text)), env: s.envs[s.env.Selected], failing: s.failing.Checked}
	if s.tag.Selected != allTags() {
		s.filter.tag = s.tag.Selected
	}
	s.shown = s.shown[:0]
	for _, l := range s.all {
		if s.filter.match(l) {
			s.shown = append(s.shown, l)
		}
	}
	sortLines(s.shown, s.sortCol, s.desc)
	s.showRows()
}

// resort sorts the rows shown by the chosen column and direction.
func (s *fleetScreen) resort() {
	s.sortSel.Selected = sortChoice(s.sortCol)
	s.sortSel.Refresh()
	if s.desc {
		s.sortDir.SetIcon(theme.MoveDownIcon())
	} else {
		s.sortDir.SetIcon(theme.MoveUpIcon())
	}
	sortLines(s.shown, s.sortCol, s.desc)
	s.showRows()
}

// showRows redraws the table and what depends on the rows shown.
func (s *fleetScreen) showRows() {
	row := s.findCurrent()
	if row < 0 && len(s.shown) > 0 {
		s.cur, s.curRow = s.shown[0].row.Profile.Name, 0
		row = 0
	}
	if row < 0 {
		s.cur = ""
	}
	s.table.Refresh()
	s.table.showRow(row)
	s.showDetail()
	s.showCounts()
	s.updateButtons()
}

// updateButtons says how many rows each test button tests.
func (s *fleetScreen) updateButtons() {
	s.testAll.SetText(lang.X("app.fleet.test_all_n", "Test all shown ({{.Count}})", map[string]any{"Count": len(s.shown)}))
	s.testSel.SetText(lang.X("app.fleet.test_selected_n", "Test selected ({{.Count}})", map[string]any{"Count": max(len(s.marks), min(1, len(s.shown)))}))
	running := s.test != nil
	for _, b := range []*widgets.TipButton{s.testAll, s.testSel} {
		if running || len(s.shown) == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

// The table's host (fleetTableHost).

func (s *fleetScreen) lineAt(row int) *fleetLine {
	if row < 0 || row >= len(s.shown) {
		return nil
	}
	return s.shown[row]
}

func (s *fleetScreen) rowCount() int { return len(s.shown) }

func (s *fleetScreen) current() int { return s.curRow }

// findCurrent finds the current row among those shown (after a filter or a sort).
func (s *fleetScreen) findCurrent() int {
	s.curRow = -1
	for i, l := range s.shown {
		if l.row.Profile.Name == s.cur {
			s.curRow = i
			break
		}
	}
	return s.curRow
}

// setCurrent makes row the current row (the table's selection tells it).
func (s *fleetScreen) setCurrent(row int) {
	l := s.lineAt(row)
	if l == nil {
		return
	}
	s.cur, s.curRow = l.row.Profile.Name, row
	s.table.Refresh() // the current row's background
	s.showDetail()
}

func (s *fleetScreen) toggleMark(row int) {
	l := s.lineAt(row)
	if l == nil {
		return
	}
	n := l.row.Profile.Name
	if s.marks[n] {
		delete(s.marks, n)
	} else {
		s.marks[n] = true
	}
	l.marked = s.marks[n]
	s.table.Refresh()
	s.updateButtons()
}

// toggleAllMarks ticks every row shown, or clears them all when each is ticked.
func (s *fleetScreen) toggleAllMarks() {
	all := len(s.shown) > 0
	for _, l := range s.shown {
		all = all && l.marked
	}
	for _, l := range s.shown {
		l.marked = !all
		if all {
			delete(s.marks, l.row.Profile.Name)
		} else {
			s.marks[l.row.Profile.Name] = true
		}
	}
	s.table.Refresh()
	s.updateButtons()
}

// openRow shows the run view of the row's profile.
func (s *fleetScreen) openRow(row int) {
	if l := s.lineAt(row); l != nil {
		s.sh.openFromFleet(l.row.Profile.Name)
	}
}

// sortBy sorts by col, or the other way when it already sorts by col.
func (s *fleetScreen) sortBy(col int) {
	if col == s.sortCol {
		s.desc = !s.desc
	} else {
		s.sortCol, s.desc = col, false
	}
	s.resort()
}

// sortTitle is a column's title, with an arrow on the one the rows sort by.
func (s *fleetScreen) sortTitle(col int) string {
	t := columnTitle(col)
	if col == s.sortCol {
		if s.desc {
			return t + " ↓"
		}
		return t + " ↑"
	}
	return t
}

// The tool screen (toolScreen).

// primary is Ctrl+Enter: test every row shown, or cancel the test in flight.
func (s *fleetScreen) primary() {
	if s.test != nil {
		s.cancel()
		return
	}
	s.testShown()
}

// escape cancels the test in flight, else closes the view.
func (s *fleetScreen) escape() {
	if s.test != nil {
		s.cancel()
		return
	}
	s.sh.closeTool()
}

// closed leaves a test running: its results keep coming into the table.
func (s *fleetScreen) closed() {}

// detail shows the current row in full: its failure, as whom it acts, every change
// since its last pass, its secret's age, and what to do next.
func (s *fleetScreen) showDetail() {
	s.detail.RemoveAll()
	l := s.lineAt(s.current())
	if l == nil {
		s.detail.Add(wrapLabel(noMatch()))
		return
	}
	s.detail.Add(fleetDetail(l, s.desk.Now(), func() { s.sh.openFromFleet(l.row.Profile.Name) }, func() {
		s.start([]string{l.row.Profile.Name})
	}))
}

// fleetDetail is the detail panel of line l.
func fleetDetail(l *fleetLine, now time.Time, open, test func()) fyne.CanvasObject {
	c := l.cells
	title := widget.NewLabelWithStyle(c[colName]+"  ·  "+c[colVerdict], fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	openBtn := newButton(lang.X("app.fleet.open_run", "Open its run view  (Enter)"), theme.NavigateNextIcon(), open)
	testBtn := newButton(lang.X("app.fleet.test_it", "Test it"), theme.MediaPlayIcon(), test)
	box := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(testBtn, openBtn), title))
	line := func(text string) { box.Add(wrapLabel(text)) }
	if s := l.row.Last; s != nil {
		line(detailRun(l, now))
		if c[colFailure] != "" {
			line(lang.X("app.fleet.detail.first_failure", "First failure: {{.Failure}}", map[string]any{"Failure": c[colFailure]}))
		}
		line(detailDrift(l))
	} else if l.row.Problem == "" {
		line(lang.X("app.fleet.detail.never_tested", "Never tested: press Test it, or Test all shown."))
	}
	if l.row.Problem != "" {
		line(c[colFailure])
	}
	line(lang.X("app.fleet.detail.secret", "Secret: {{.Age}}", map[string]any{"Age": detailSecret(l.row.Profile, now)}))
	return box
}

// detailRun says when the last run was, as whom its token acted and what it cost.
func detailRun(l *fleetLine, now time.Time) string {
	s, c := l.row.Last, l.cells
	parts := []string{lang.X("app.fleet.detail.last_run", "Last run {{.Time}} ({{.Ago}}, run {{.ID}})", map[string]any{"Time": s.Started.Local().Format("2 Jan 2006 15:04"), "Ago": c[colWhen], "ID": s.ID})}
	if s.SystemUser != "" {
		user := c[colUser]
		if s.SystemUserType != "" {
			user += " (" + safetext.Line(s.SystemUserType) + ")"
		}
		if s.Database != "" {
			user = lang.X("app.fleet.detail.user_on", "{{.User}} on {{.Database}}", map[string]any{"User": user, "Database": safetext.Line(s.Database)})
		}
		parts = append(parts, lang.X("app.fleet.detail.acts_as", "acts as {{.User}}, scopes granted: {{.Scopes}}", map[string]any{"User": user, "Scopes": orNone(c[colScopes])}))
	}
	if s.Version != "" {
		parts = append(parts, "ERP.net "+safetext.Line(s.Version))
	}
	if !s.TokenExpires.IsZero() {
		parts = append(parts, lang.X("app.fleet.detail.token_expires", "token expires {{.Time}} ({{.When}})", map[string]any{"Time": s.TokenExpires.Local().Format("15:04"), "When": strings.ToLower(c[colExpires])}))
	}
	parts = append(parts, lang.X("app.fleet.detail.licence", "licence: {{.Licence}}", map[string]any{"Licence": lowerFirst(c[colLicence])}))
	return strings.Join(parts, "; ") + "."
}

// lowerFirst is s with its first letter in lower case (of any alphabet).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// detailDrift lists what changed since the last passing run.
func detailDrift(l *fleetLine) string {
	d := l.row.Drift
	switch {
	case !d.Baseline:
		return lang.X("app.fleet.detail.no_baseline", "Drift: History has no passing run before this one to compare with.")
	case !d.Changed():
		return lang.X("app.fleet.detail.no_change", "Drift: nothing changed since the last passing run (run {{.ID}} of {{.Time}}).", map[string]any{"ID": d.SinceRunID, "Time": d.SinceStarted.Local().Format("2 Jan 2006 15:04")})
	}
	parts := make([]string, len(d.Changes))
	for i, ch := range d.Changes {
		parts[i] = lang.X("app.fleet.detail.change", "{{.Field}} was {{.Was}}, now {{.Now}}", map[string]any{"Field": safetext.Line(compare.FieldIn(lang.Localizer(), ch.Field)), "Was": orNone(safetext.Line(ch.Was)), "Now": orNone(safetext.Line(ch.Now))})
	}
	return lang.X("app.fleet.detail.changed", "Changed since the last passing run (run {{.ID}} of {{.Time}}): {{.Changes}}.", map[string]any{"ID": d.SinceRunID, "Time": d.SinceStarted.Local().Format("2 Jan 2006 15:04"), "Changes": strings.Join(parts, "; ")})
}

// detailSecret is the secret's age, and that ERP.net keeps no expiry for it.
func detailSecret(p profiles.Profile, now time.Time) string {
	a := profiles.SecretAge(p, now)
	if !a.Set {
		return lang.X("app.fleet.detail.secret_no_date", "no date recorded (set before dates were kept, for this session only, or not at all). ERP.net's Trusted Applications have no expiry field for a secret: this is the age the profile recorded when the secret was set here.")
	}
	age := lang.X("app.fleet.secret_today_lower", "today")
	if a.Days > 0 {
		age = lang.XN("app.fleet.detail.days_ago", "{{.Count}} days ago", a.Days, map[string]any{"Count": a.Days})
	}
	if a.RotationDue {
		return lang.X("app.fleet.detail.secret_rotate", "set {{.Date}}, {{.Age}}: rotate it (older than {{.Limit}} days). ERP.net's Trusted Applications have no expiry field for a secret: this is the age the profile recorded when the secret was set here.", map[string]any{"Date": p.SecretSetAt.Local().Format("2 Jan 2006"), "Age": age, "Limit": int(profiles.SecretRotationAge / (24 * time.Hour))})
	}
	return lang.X("app.fleet.detail.secret_set", "set {{.Date}}, {{.Age}}. ERP.net's Trusted Applications have no expiry field for a secret: this is the age the profile recorded when the secret was set here.", map[string]any{"Date": p.SecretSetAt.Local().Format("2 Jan 2006"), "Age": age})
}

func orNone(s string) string {
	if s == "" {
		return lang.X("app.fleet.none", "(none)")
	}
	return s
}

// noMatch says that the filters leave no row.
func noMatch() string { return lang.X("app.fleet.no_match", "No profile matches the filters.") }
