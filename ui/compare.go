package ui

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
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
	start      *widget.Button // Compare, or Cancel while fresh runs go
	copyBtn    *widget.Button
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
	showEscapable(dialog.Dialog)
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

const (
	nowLabel       = "Now: a fresh run"
	runsPerProfile = 50 // the newest runs of a profile a side offers
)

// compareLabel is the Compare button's text, with its shortcut.
func compareLabel() string { return "Compare  (" + shortcutHint() + ")" }

func newCompareScreen(sh compareShell, d compareDesk) *compareScreen {
	c := &compareScreen{sh: sh, desk: d}
	intro := wrapLabel("Two Trusted Apps side by side (a Test and a Production app), or one app now and before a change: " +
		"System User, database, scopes, each API call, the record's fields, findings and timings. Differences come first.")
	grid := container.New(&sideLayout{})
	for i := range c.prof {
		i := i
		c.prof[i] = newEscSelect(func(string) { c.profileChosen(i) }, c.escape)
		c.prof[i].PlaceHolder = "Choose a profile"
		c.when[i] = newEscSelect(func(string) { c.sidesChanged() }, c.escape)
		c.when[i].PlaceHolder = "Now, or a run from History"
		name := widget.NewLabelWithStyle(desk.SideName(i), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		grid.Add(name)
		grid.Add(c.prof[i])
		grid.Add(c.when[i])
	}
	c.readRecord = newEscCheck("Read each fresh run's Trusted App record", c.escape)
	c.readRecord.Checked = true
	c.readRecord.OnChanged = func(bool) { c.update() }
	c.cost = wrapLabel("")
	c.start = widget.NewButtonWithIcon(compareLabel(), theme.MediaPlayIcon(), c.primary)
	c.start.Importance = widget.HighImportance
	c.copyBtn = widget.NewButtonWithIcon("Copy as text", theme.ContentCopyIcon(), c.copyText)
	c.copyBtn.Disable()
	c.progress = wrapLabel("")
	c.progress.Hide()
	c.result = container.NewVBox()
	top := container.NewVBox(
		toolHeader("Compare two runs", sh.closeTool),
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
	c.say("Reading History…")
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
		c.say("History could not be read (" + res.Err.Error() + "): only fresh runs can be compared. Check the log folder's permissions.")
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
		opts = append(opts, nowLabel)
		choices[nowLabel] = nil
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
	l := r.Started.Local().Format("2006-01-02 15:04:05") + "  ·  " + string(r.Verdict) + "  ·  run " + r.ID
	if recordWasRead(r) {
		return l + "  ·  record read"
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
		c.cost.SetText(capitalize(err.Error()) + ".")
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
		return "Costs nothing: both sides are runs from History, so nothing is sent."
	case 1:
		s = "Costs one licence slot: " + q(cost.Fresh[0]) + " runs now with a fresh token, whose first API call opens a new ERP.net session " +
			"(it holds the slot for 20 minutes, at most an hour; the profile's next test reuses it)."
	default:
		where := "one on each instance"
		if cost.SameInstance {
			where = "both on the same instance"
		}
		s = "Costs two licence slots, " + where + ": " + q(cost.Fresh[0]) + " and " + q(cost.Fresh[1]) + " run now, each with a fresh token whose first API call " +
			"opens a new ERP.net session (each holds its slot for 20 minutes, at most an hour; the profiles' next tests reuse them)."
	}
	switch len(cost.Production) {
	case 1:
		s += " " + q(cost.Production[0]) + " is tagged Production: you are asked first."
	case 2:
		s += " Both are tagged Production: you are asked first."
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// primary is Compare, or Cancel while fresh runs go (the button and Ctrl+Enter).
func (c *compareScreen) primary() {
	if c.pending != nil {
		c.cancel()
		return
	}
	if c.reading != 0 || c.problem() != nil {
		return
	}
	a, b := c.side(0), c.side(1)
	cost := c.desk.CostOf(a, b)
	if len(cost.Production) == 0 {
		c.compare(a, b)
		return
	}
	names := make([]string, len(cost.Production))
	for i, n := range cost.Production {
		names[i] = "“" + n + "”"
	}
	d := dialog.NewConfirm("Compare with fresh tokens?", strings.Join(names, " and ")+" "+map[bool]string{true: "is", false: "are"}[len(names) == 1]+
		" tagged Production. Each fresh token's first API call opens a new ERP.net session, which holds one of production's licence slots for at least 20 minutes (at most an hour), "+
		"even if nothing else uses it: a real user may be refused meanwhile.\n\nTo compare without that cost, choose one of its runs from History instead of “Now”.",
		func(ok bool) {
			if ok {
				c.compare(a, b)
			}
		}, c.sh.window())
	d.SetConfirmText("Compare now")
	d.SetDismissText("Cancel")
	c.sh.showEscapable(d)
}

// compare starts the comparison of a and b.
func (c *compareScreen) compare(a, b desk.CompareSide) {
	c.ran = 0
	fresh := c.desk.CostOf(a, b).Fresh
	_, err := c.desk.Compare(a, b, c.readRecord.Checked, func(op *desk.Op) {
		c.pending = op
		c.running(true)
		if len(fresh) > 0 {
			c.say(runningText(fresh))
			c.sh.setStatus(runningText(fresh))
		}
	}, func(p desk.CompareProgress) {
		if c.pending == nil || p.Op != c.pending.ID {
			return
		}
		c.ran++
		if c.ran < len(fresh) {
			c.say(fmt.Sprintf("“%s” finished (%s); waiting for the other…  Esc cancels.", p.Profile, p.Verdict))
		}
	}, c.compared)
	if err != nil {
		c.sh.showError("Could not compare", err, "Choose two different things to compare.")
	}
}

func runningText(fresh []string) string {
	if len(fresh) == 1 {
		return "Running “" + fresh[0] + "” with a fresh token…  Esc cancels."
	}
	return "Running “" + fresh[0] + "” and “" + fresh[1] + "” with fresh tokens…  Esc cancels."
}

// running shows Cancel in the Compare button's place while fresh runs go.
func (c *compareScreen) running(on bool) {
	for i := range c.prof {
		if on {
			c.prof[i].Disable()
			c.when[i].Disable()
		} else {
			c.prof[i].Enable()
			c.when[i].Enable()
		}
	}
	if on {
		c.readRecord.Disable()
		c.start.SetText("Cancel  (Esc)")
		c.start.SetIcon(theme.CancelIcon())
		c.start.Importance = widget.MediumImportance
		c.start.Enable()
	} else {
		c.readRecord.Enable()
		c.start.SetText(compareLabel())
		c.start.SetIcon(theme.MediaPlayIcon())
		c.start.Importance = widget.HighImportance
	}
	c.start.Refresh()
}

// cancel stops the fresh runs in flight.
func (c *compareScreen) cancel() {
	if c.pending == nil {
		return
	}
	c.say("Cancelling…")
	c.start.Disable()
	c.pending.Cancel()
}

// compared shows the end of the comparison.
func (c *compareScreen) compared(res desk.Compared) {
	if c.pending == nil || res.Op != c.pending.ID {
		return
	}
	c.pending = nil
	c.running(false)
	c.update()
	switch {
	case res.Cancelled:
		c.say("Cancelled: nothing was compared. The runs that got an answer are in History.")
		c.sh.setStatus("Comparison cancelled.")
		return
	case res.Err != nil:
		c.say("")
		c.sh.showError("Could not compare", res.Err, compareFix(res.Err))
		return
	}
	c.say("")
	c.last = &res
	c.showResult(res)
	c.sh.setStatus(differencesText(res.Comparison) + " " + sidesCost(res))
}

// compareFix is what to do when a side could not run.
func compareFix(err error) string {
	if strings.Contains(err.Error(), desk.ErrNoSecret.Error()) {
		return "Select that profile, press Edit, paste the client secret the Trusted App was created with, and Save. Nothing was sent for either side."
	}
	return "Check that the system keychain is unlocked and the profile still exists, then compare again. Nothing was sent for either side."
}

func differencesText(c compare.Comparison) string {
	switch c.Differences {
	case 0:
		return "No differences: the two runs agree on every row."
	case 1:
		return "1 difference."
	}
	return fmt.Sprintf("%d differences.", c.Differences)
}

// sidesCost says what each side cost: a new session, a reused one, or nothing (History).
func sidesCost(res desk.Compared) string {
	var parts []string
	for i, s := range res.Sessions {
		if s != nil {
			parts = append(parts, desk.SideName(i)+":"+sessionCost(s))
		}
	}
	return strings.Join(parts, " ")
}

// escape is Esc: cancel the fresh runs in flight, else close the view.
func (c *compareScreen) escape() {
	if c.pending != nil {
		c.cancel()
		return
	}
	c.sh.closeTool()
}

// closed cancels what runs when the view goes away.
func (c *compareScreen) closed() {
	if c.pending != nil {
		c.cancel()
	}
}

func (c *compareScreen) copyText() {
	if c.last == nil {
		return
	}
	c.sh.clipboard().SetContent(string(desk.ComparisonText(c.last.Comparison)))
	c.sh.setStatus("Comparison copied, every row: paste it into a ticket. It holds no secret and no token.")
}

// showEmpty says what the view does before anything is compared.
func (c *compareScreen) showEmpty() {
	c.copyBtn.Disable()
	c.result.Objects = []fyne.CanvasObject{wrapLabel("Choose the two sides above, then press Compare. " +
		"To compare two runs of one profile, choose it on both sides, with a run from History on one (History keeps the newest runs of every profile, from the app and the command line).")}
	c.result.Refresh()
}

// groupNames name compare's row groups for people.
var groupNames = map[string]string{
	compare.GroupVerdict: "Verdict", compare.GroupIdentity: "Identity", compare.GroupScopes: "Scopes", compare.GroupSteps: "Steps",
	compare.GroupRecord: "Record", compare.GroupFindings: "Findings", compare.GroupTimings: "Timings",
}

// showResult shows the comparison: the sides, the differences, the identical rows
// folded, and what was not compared.
func (c *compareScreen) showResult(res desk.Compared) {
	cmp := res.Comparison
	c.fold = nil
	c.copyBtn.Enable()
	// The rows are gathered first and the box made once: adding to a box lays out
	// everything in it again, which made a long comparison quadratic.
	var box []fyne.CanvasObject
	for i, s := range []compare.Side{cmp.A, cmp.B} {
		l := widgets.NewTipLabel(desk.SideName(i)+":  "+s.Label, fyne.TextStyle{Bold: true}, s.Label)
		l.Truncation = fyne.TextTruncateEllipsis
		box = append(box, container.NewBorder(nil, nil, widget.NewIcon(widgets.VerdictIcon(s.Verdict)), nil, l))
	}
	same := len(cmp.Rows) - cmp.Differences
	summary := differencesText(cmp)
	if same > 0 && cmp.Differences > 0 {
		summary += fmt.Sprintf(" %d identical rows are folded below.", same)
	}
	head := widget.NewLabelWithStyle(summary, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	box = append(box, head)
	if cmp.Differences > 0 {
		box = append(box, compareRow("", "FIELD", "A", "B", true, true))
		for _, r := range cmp.Rows[:cmp.Differences] {
			box = append(box, compareRow(groupNames[r.Group], r.Field, r.A, r.B, true, false))
		}
	}
	if same > 0 {
		c.fold = foldedRows(cmp.Rows[cmp.Differences:])
		box = append(box, c.fold.toggle)
		box = append(box, c.fold.rows)
		if cmp.Differences == 0 {
			c.fold.open()
		}
	}
	var notes []string
	if !cmp.A.RecordRead || !cmp.B.RecordRead {
		which := "either side"
		switch {
		case cmp.A.RecordRead:
			which = "B"
		case cmp.B.RecordRead:
			which = "A"
		}
		notes = append(notes, "The Trusted App record was not read for "+which+": a run from History keeps the record only when it was read in that run, and a System User may be barred from reading Trusted Apps.")
	}
	if s := sidesCost(res); s != "" {
		notes = append(notes, "Licences. "+s)
	}
	if res.HistoryErr != nil {
		notes = append(notes, "The fresh runs could not be kept in History ("+res.HistoryErr.Error()+"): check the log folder's permissions.")
	}
	for _, n := range notes {
		box = append(box, wrapLabel(n))
	}
	c.result.Objects = []fyne.CanvasObject{container.NewVBox(box...)}
	c.result.Refresh()
}

// folded is the identical rows of a comparison, folded away behind a toggle and made
// only when first shown (a long comparison is mostly identical rows).
type folded struct {
	same   []compare.Row
	toggle *widget.Button
	rows   *fyne.Container
}

func foldedRows(same []compare.Row) *folded {
	f := &folded{same: same, rows: container.NewVBox()}
	f.rows.Hide()
	f.toggle = widget.NewButtonWithIcon("", theme.MenuExpandIcon(), func() {
		if f.rows.Visible() {
			f.close()
		} else {
			f.open()
		}
	})
	f.toggle.Alignment = widget.ButtonAlignLeading
	f.toggle.Importance = widget.LowImportance
	f.close()
	return f
}

func (f *folded) open() {
	if len(f.rows.Objects) == 0 {
		rows := []fyne.CanvasObject{compareRow("", "FIELD", "A", "B", false, true)}
		for _, r := range f.same {
			rows = append(rows, compareRow(groupNames[r.Group], r.Field, r.A, r.B, false, false))
		}
		f.rows.Objects = rows
		f.rows.Refresh()
	}
	f.rows.Show()
	f.toggle.SetText(fmt.Sprintf("Hide the %d identical rows", len(f.same)))
	f.toggle.SetIcon(theme.MenuDropDownIcon())
}

func (f *folded) close() {
	f.rows.Hide()
	f.toggle.SetText(fmt.Sprintf("Show the %d identical rows", len(f.same)))
	f.toggle.SetIcon(theme.MenuExpandIcon())
}

// compareRow is one row of the comparison: group, field, A and B, each cut to one
// line with the whole value as its tooltip; a difference shows its values in bold.
func compareRow(group, field, a, b string, differs, heading bool) fyne.CanvasObject {
	cell := func(s string, bold bool) fyne.CanvasObject {
		l := widgets.NewTipLabel(s, fyne.TextStyle{Bold: bold}, "")
		// Cutting a label to its width shapes its text again at every layout, the
		// most of what a long comparison costs: only values that may not fit the
		// narrowest column (about 18 characters at the smallest window) are cut,
		// and those show the whole value on hover.
		if utf8.RuneCountInString(s) > fitsAnyColumn {
			l.Truncation = fyne.TextTruncateEllipsis
			l.SetToolTip(s)
		}
		if heading {
			l.SizeName = theme.SizeNameCaptionText
			l.TextStyle.Bold = true
			l.SetToolTip("")
		}
		return l
	}
	g := cell(group, false)
	g.(*widgets.TipLabel).SizeName = theme.SizeNameCaptionText
	return container.New(&rowLayout{}, g, cell(field, false), cell(a, differs && !heading), cell(b, differs && !heading))
}

// fitsAnyColumn is the longest value that fits every comparison column uncut at the
// smallest supported window (1024 wide: the field column is about 200 px).
const fitsAnyColumn = 18

// rowLayout lays a comparison row out: the group in a narrow column, then the field,
// A and B sharing the rest (30, 35 and 35 %).
type rowLayout struct{}

const groupColumn = 84

func (rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rest := size.Width - groupColumn
	if rest < 0 {
		rest = 0
	}
	xs := []float32{0, groupColumn, groupColumn + rest*0.3, groupColumn + rest*0.65, size.Width}
	for i, o := range objs {
		o.Move(fyne.NewPos(xs[i], 0))
		o.Resize(fyne.NewSize(xs[i+1]-xs[i], size.Height))
	}
}

func (rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(groupColumn+300, h)
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
