package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/profiles"
)

// compareScreen puts two runs side by side (the CLI's `diff`): two profiles run now (a
// Test and a Production app), or a profile now and one of its runs from History, or
// two runs from History (before and after a change). It compares the System User, the
// database, the scopes requested and granted, each API call's result, the Trusted App
// record's fields, the findings and the timings; differences come first, identical
// rows fold away. Before anything runs it says what the fresh runs cost (a licence
// slot each); while they run, Cancel (or Esc) stops them.
type compareScreen struct {
	sh   compareShell
	desk compareDesk

	prof       [2]*escSelect // the profile of each side
	when       [2]*escSelect // now, or one of its runs from History
	readRecord *escCheck
	cost       *widget.Label
	start      *button // Compare, or Cancel while fresh runs go
	copyBtn    *button
	progress   *widget.Label
	result     *fyne.Container
	content    fyne.CanvasObject

	runs    []check.RunSummary              // History's runs, newest first
	choices [2]map[string]*check.RunSummary // the "when" labels of each side and their runs
	want    [2]compareChoice                // the sides to choose once History is read
	auto    bool                            // compare as soon as History is read (two of its runs)
	reading int                             // the History read waited for (0: none)
	reads   int                             // History reads asked for
	pending *desk.Op                        // the comparison in flight (nil: none)
	ran     int                             // fresh sides finished in the comparison in flight
	last    *desk.Compared                  // the comparison shown
	fold    *folded                         // its identical rows (nil: none)
}

// compareChoice is a side to preselect: a profile now, its latest run in History
// (latest), or a run from History (run).
type compareChoice struct {
	profile string
	latest  bool
	run     *check.RunSummary
}

// compareShell is what the compare view needs of the window.
type compareShell interface {
	notifier
	clipboard() fyne.Clipboard
	window() fyne.Window
	closeTool()
	focus(fyne.Focusable)
}

// compareDesk is what the compare view asks of the desk.
type compareDesk interface {
	Profiles() []profiles.Profile
	RunsAvailable() bool
	ReadRuns(f audit.Filter, done func(desk.Runs)) *desk.Op
	CompareProblem(a, b desk.CompareSide) error
	CostOf(a, b desk.CompareSide) desk.CompareCost
	Compare(a, b desk.CompareSide, readRecord bool, began func(*desk.Op), progress func(desk.CompareProgress), done func(desk.Compared)) (*desk.Op, error)
}

const runsPerProfile = 50 // the newest runs of a profile a side offers

// nowLabel() is the choice of a fresh run on a side.
func nowLabel() string { return lang.X("app.compare.now", "Now: a fresh run") }

// compareLabel is the Compare button's text, with its shortcut.
func compareLabel() string {
	return lang.X("app.compare.compare", "Compare") + "  (" + shortcutHint() + ")"
}

func newCompareScreen(sh compareShell, d compareDesk) *compareScreen {
	c := &compareScreen{sh: sh, desk: d}
	intro := wrapLabel(lang.X("app.compare.intro", "Two Trusted Apps side by side (a Test and a Production app), or one app now and before a change: "+
		"System User, database, scopes, each API call, the record's fields, findings and timings. Differences come first."))
	grid := container.New(&sideLayout{})
	for i := range c.prof {
		i := i
		c.prof[i] = newEscSelect(func(string) { c.profileChosen(i) }, c.escape)
		c.prof[i].PlaceHolder = lang.X("app.compare.choose_profile", "Choose a profile")
		c.when[i] = newEscSelect(func(string) { c.sidesChanged() }, c.escape)
		c.when[i].PlaceHolder = lang.X("app.compare.when", "Now, or a run from History")
		name := widget.NewLabelWithStyle(desk.SideName(i), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		grid.Add(name)
		grid.Add(c.prof[i])
		grid.Add(c.when[i])
	}
	c.readRecord = newEscCheck(lang.X("app.compare.read_record", "Read each fresh run's Trusted App record"), c.escape)
	c.readRecord.Checked = true
	c.readRecord.OnChanged = func(bool) { c.update() }
	c.cost = wrapLabel("")
	c.start = newButton(compareLabel(), theme.MediaPlayIcon(), c.primary)
	c.start.Importance = widget.HighImportance
	c.copyBtn = newButton(lang.X("app.copy_text", "Copy as text"), theme.ContentCopyIcon(), c.copyText)
	c.copyBtn.Disable()
	c.progress = wrapLabel("")
	c.progress.Hide()
	c.result = container.NewVBox()
	top := container.NewVBox(
		toolHeader(lang.X("app.compare.title", "Compare two runs"), sh.closeTool),
		intro, grid,
		container.NewBorder(nil, nil, nil, container.NewHBox(c.copyBtn, c.start), c.readRecord),
		c.cost, c.progress, widget.NewSeparator())
	c.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(c.result))
	c.showEmpty()
	return c
}

func (c *compareScreen) screen() fyne.CanvasObject { return c.content }

// open shows the view with a and b chosen (an empty choice leaves a side to choose);
// with auto, it compares at once (two runs from History: nothing is sent). While a
// comparison runs, the view is shown as it is.
func (c *compareScreen) open(a, b compareChoice, auto bool) {
	c.sh.focus(c.prof[0]) // the keyboard goes into the view; its fields hand Esc on
	if c.pending != nil {
		return
	}
	c.want, c.auto = [2]compareChoice{a, b}, auto
	c.last = nil
	c.showEmpty()
	if !c.desk.RunsAvailable() {
		c.runs = nil
		c.fill()
		return
	}
	c.say(lang.X("app.compare.reading_history", "Reading History…"))
	c.reads++
	n := c.reads
	c.reading = n
	c.desk.ReadRuns(audit.Filter{}, func(res desk.Runs) { c.runsRead(n, res) })
}

// runsRead fills the choices with History's runs (the n-th read) and chooses the
// wanted sides.
func (c *compareScreen) runsRead(n int, res desk.Runs) {
	if n != c.reading {
		return // an earlier read
	}
	c.reading = 0
	c.say("")
	c.runs = res.Runs
	if res.Err != nil {
		c.runs = nil
		c.say(lang.X("app.compare.history_failed", "History could not be read ({{.Err}}): only fresh runs can be compared. Check the log folder's permissions.", map[string]any{"Err": res.Err.Error()}))
	}
	c.fill()
}

// fill offers the profiles (stored ones, and those only History still knows) and
// chooses the wanted sides.
func (c *compareScreen) fill() {
	seen := map[string]bool{}
	var names []string
	for _, p := range c.desk.Profiles() {
		seen[p.Name] = true
		names = append(names, p.Name)
	}
	for _, r := range c.runs {
		if !seen[r.Profile] {
			seen[r.Profile] = true
			names = append(names, r.Profile)
		}
	}
	sort.Strings(names)
	for i := range c.prof {
		c.prof[i].Options = names
		c.prof[i].ClearSelected()
		c.when[i].Options = nil
		c.when[i].ClearSelected()
		c.choices[i] = nil
		switch w := c.want[i]; {
		case w.run != nil:
			c.prof[i].SetSelected(w.run.Profile)
			c.when[i].SetSelected(c.labelOf(i, w.run))
		case w.latest:
			for k := range c.runs {
				if c.runs[k].Profile == w.profile {
					c.prof[i].SetSelected(w.profile)
					c.when[i].SetSelected(c.labelOf(i, &c.runs[k]))
					break
				}
			}
		case w.profile != "":
			c.prof[i].SetSelected(w.profile)
		}
		c.prof[i].Refresh()
	}
	c.update()
	if c.auto {
		c.auto = false
		if c.problem() == nil {
			c.primary()
		}
	}
}

// profileChosen offers side i's profile now and its runs from History.
func (c *compareScreen) profileChosen(i int) {
	name := c.prof[i].Selected
	choices := map[string]*check.RunSummary{}
	var opts []string
	stored := false
	for _, p := range c.desk.Profiles() {
		stored = stored || p.Name == name
	}
	if stored {
		opts = append(opts, nowLabel())
		choices[nowLabel()] = nil
	}
	n := 0
	for k := range c.runs {
		r := &c.runs[k]
		if r.Profile != name {
			continue
		}
		// The newest runs, and the run this side was opened with however old.
		if n++; n > runsPerProfile && (c.want[i].run == nil || c.want[i].run.ID != r.ID) {
			continue
		}
		l := runLabel(*r)
		opts = append(opts, l)
		choices[l] = r
	}
	c.choices[i] = choices
	c.when[i].Options = opts
	c.when[i].ClearSelected()
	if len(opts) > 0 {
		c.when[i].SetSelected(opts[0])
	}
	c.when[i].Refresh()
	c.sidesChanged()
}

// sidesChanged reads the record of fresh runs unless the other side is a run from
// History that did not read it (its record rows would all differ as "not read"), then
// updates the cost.
func (c *compareScreen) sidesChanged() {
	read := true
	for i := range c.prof {
		if r := c.side(i).Run; r != nil && !recordWasRead(*r) {
			read = false
		}
	}
	if c.readRecord.Checked != read {
		c.readRecord.SetChecked(read) // calls update
		return
	}
	c.update()
}

// recordWasRead reports whether run r read its Trusted App record.
func recordWasRead(r check.RunSummary) bool {
	for _, f := range r.Record {
		if f.State != check.RecordUnknown {
			return true
		}
	}
	return false
}

// say shows what the comparison is doing ("" hides the line).
func (c *compareScreen) say(s string) {
	c.progress.SetText(s)
	if s == "" {
		c.progress.Hide()
	} else {
		c.progress.Show()
	}
}

// runLabel names a run from History in a side's choices.
func runLabel(r check.RunSummary) string {
	l := r.Started.Local().Format("2006-01-02 15:04:05") + "  ·  " + string(r.Verdict) + "  ·  " + lang.X("app.compare.run_id", "run {{.ID}}", map[string]any{"ID": r.ID})
	if recordWasRead(r) {
		return l + "  ·  " + lang.X("app.compare.record_read", "record read")
	}
	return l
}

// labelOf is the label side i offers for run r ("" when not offered).
func (c *compareScreen) labelOf(i int, r *check.RunSummary) string {
	for l, x := range c.choices[i] {
		if x != nil && x.ID == r.ID {
			return l
		}
	}
	return ""
}

// side is what side i is now.
func (c *compareScreen) side(i int) desk.CompareSide {
	name, when := c.prof[i].Selected, c.when[i].Selected
	if name == "" || when == "" {
		return desk.CompareSide{}
	}
	if r := c.choices[i][when]; r != nil {
		return desk.CompareSide{Run: r}
	}
	return desk.CompareSide{Profile: name}
}

func (c *compareScreen) problem() error { return c.desk.CompareProblem(c.side(0), c.side(1)) }

// update says what the comparison would cost, or why it cannot be made.
func (c *compareScreen) update() {
	if c.pending != nil {
		return
	}
	a, b := c.side(0), c.side(1)
	if err := c.problem(); err != nil {
		c.cost.SetText(sentence.Capitalize(err.Error()) + ".")
		c.start.Disable()
		return
	}
	c.cost.SetText(costText(c.desk.CostOf(a, b)))
	c.start.Enable()
}

// costText says what comparing costs the instances.
func costText(cost desk.CompareCost) string {
	q := func(s string) string { return "“" + s + "”" }
	var s string
	switch len(cost.Fresh) {
	case 0:
		return lang.X("app.compare.cost_none", "Costs nothing: both sides are runs from History, so nothing is sent.")
	case 1:
		s = lang.X("app.compare.cost_one", "Costs one licence slot: {{.A}} runs now with a fresh token, whose first API call opens a new ERP.net session "+
			"(it holds the slot for 20 minutes, at most an hour; the profile's next test reuses it).", map[string]any{"A": q(cost.Fresh[0])})
	default:
		where := lang.X("app.compare.each_instance", "one on each instance")
		if cost.SameInstance {
			where = lang.X("app.compare.same_instance", "both on the same instance")
		}
		s = lang.X("app.compare.cost_two", "Costs two licence slots, {{.Where}}: {{.A}} and {{.B}} run now, each with a fresh token whose first API call "+
			"opens a new ERP.net session (each holds its slot for 20 minutes, at most an hour; the profiles' next tests reuse them).", map[string]any{"Where": where, "A": q(cost.Fresh[0]), "B": q(cost.Fresh[1])})
	}
	switch len(cost.Production) {
	case 1:
		s += " " + lang.X("app.compare.production_one", "{{.A}} is tagged Production: you are asked first.", map[string]any{"A": q(cost.Production[0])})
	case 2:
		s += " " + lang.X("app.compare.production_both", "Both are tagged Production: you are asked first.")
	}
	return s
}

// sideLayout lays the side pickers out in rows of three: the side's letter, its
// profile (40 %) and when (the rest).
type sideLayout struct{}

const sideLetter = 32

func (sideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	pad := theme.Padding()
	for i := 0; i+2 < len(objs); i += 3 {
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height, objs[i+2].MinSize().Height)
		rest := size.Width - sideLetter - 2*pad
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(sideLetter, h))
		objs[i+1].Move(fyne.NewPos(sideLetter+pad, y))
		objs[i+1].Resize(fyne.NewSize(rest*0.4, h))
		objs[i+2].Move(fyne.NewPos(sideLetter+2*pad+rest*0.4, y))
		objs[i+2].Resize(fyne.NewSize(rest*0.6, h))
		y += h + pad
	}
}

func (sideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	pad := theme.Padding()
	for i := 0; i+2 < len(objs); i += 3 {
		h += max(objs[i].MinSize().Height, objs[i+1].MinSize().Height, objs[i+2].MinSize().Height) + pad
	}
	return fyne.NewSize(sideLetter+400, h-pad)
}
