package ui

import (
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// The fleet table: Fyne's table (it draws only the cells on screen, so 500 rows cost
// what 30 do) with a row as the unit. A click selects a row, a second click on it
// within doubleClick opens its run view, a click on the first column or Space marks it
// for "Test selected"; a click on a column's title sorts by it (again: the other way).
// From the keyboard: the arrows move, Page Up/Down and Home/End jump, Enter opens, Space
// marks, S sorts by the column under the cursor, Esc passes to the screen.

// doubleClick is the longest gap between the two clicks of a double click.
const doubleClick = 500 * time.Millisecond

// pageRows is how far Page Up and Page Down move.
const pageRows = 15

// fleetTableHost is what the table needs of its screen.
type fleetTableHost interface {
	lineAt(row int) *fleetLine
	rowCount() int
	current() int
	setCurrent(row int)
	toggleMark(row int)
	toggleAllMarks()
	openRow(row int)
	sortBy(col int)
	sortTitle(col int) string
	escape()
}

type fleetTable struct {
	widget.Table
	host fleetTableHost
	hl   widget.TableCellID // the cell under the keyboard cursor

	lastTap     time.Time // the last click on a row, for double clicks
	lastTapRow  int
	now         func() time.Time
	cellsMade   int // cell widgets made (the benchmark reports it)
	headersMade int
}

func newFleetTable(host fleetTableHost, now func() time.Time) *fleetTable {
	makeFleetIcons()
	t := &fleetTable{host: host, now: now, lastTapRow: -1}
	t.Length = func() (int, int) { return host.rowCount(), fleetCols }
	t.CreateCell = func() fyne.CanvasObject { t.cellsMade++; return newFleetCell(t) }
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*fleetCell).set(id) }
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { t.headersMade++; return newFleetHeader(t) }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) { o.(*fleetHeader).set(id.Col) }
	t.StickyColumnCount = colName + 1
	t.OnHighlighted = func(id widget.TableCellID) { t.hl = id }
	t.OnSelected = func(id widget.TableCellID) {
		t.hl = id
		if id.Row != host.current() {
			host.setCurrent(id.Row)
		}
	}
	t.ExtendBaseWidget(t)
	for i, c := range fleetColumns {
		t.SetColumnWidth(i, c.width)
	}
	return t
}

// TypedKey moves the cursor, opens (Enter), marks (Space) and passes Esc on.
func (t *fleetTable) TypedKey(ev *fyne.KeyEvent) {
	rows := t.host.rowCount()
	move := func(row int) {
		if rows == 0 {
			return
		}
		row = max(0, min(rows-1, row))
		t.Select(widget.TableCellID{Row: row, Col: t.hl.Col})
	}
	switch ev.Name {
	case fyne.KeyEscape:
		t.host.escape()
	case fyne.KeyReturn, fyne.KeyEnter:
		t.host.openRow(t.host.current())
	case fyne.KeySpace:
		t.host.toggleMark(t.host.current())
	case fyne.KeyUp:
		move(t.hl.Row - 1)
	case fyne.KeyDown:
		move(t.hl.Row + 1)
	case fyne.KeyPageUp:
		move(t.hl.Row - pageRows)
	case fyne.KeyPageDown:
		move(t.hl.Row + pageRows)
	case fyne.KeyHome:
		move(0)
	case fyne.KeyEnd:
		move(rows - 1)
	default: // left and right move between the columns
		t.Table.TypedKey(ev)
	}
}

// TypedRune sorts by the column under the cursor on S.
func (t *fleetTable) TypedRune(r rune) {
	if r == 's' || r == 'S' {
		t.host.sortBy(t.hl.Col)
	}
}

// showRow selects row (the screen's current row, after a sort or a filter) without
// telling the screen again, and brings it into view.
func (t *fleetTable) showRow(row int) {
	if row < 0 || row >= t.host.rowCount() {
		t.UnselectAll()
		return
	}
	t.Select(widget.TableCellID{Row: row, Col: t.hl.Col})
}

// tapped is a click on a cell: select its row, mark it (first column), or open it
// (the second click on a row within doubleClick).
func (t *fleetTable) tapped(id widget.TableCellID) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
		c.Focus(t)
	}
	now := t.now()
	double := id.Row == t.lastTapRow && now.Sub(t.lastTap) <= doubleClick
	t.lastTap, t.lastTapRow = now, id.Row
	t.Select(id)
	switch {
	case id.Col == colMark:
		t.host.toggleMark(id.Row)
	case double:
		t.lastTapRow = -1
		t.host.openRow(id.Row)
	}
}

// fleetCell is one cell: text, with an icon in the first column (the mark), the
// verdict and the drift columns, on the current row's background.
type fleetCell struct {
	widget.BaseWidget
	t     *fleetTable
	id    widget.TableCellID
	bg    *canvas.Rectangle
	icon  *widget.Icon
	label *widget.Label
}

func newFleetCell(t *fleetTable) *fleetCell {
	c := &fleetCell{t: t, bg: canvas.NewRectangle(theme.Color(theme.ColorNameSelection)), icon: widget.NewIcon(nil), label: widget.NewLabel("")}
	c.bg.Hidden = true
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.ExtendBaseWidget(c)
	return c
}

func (c *fleetCell) CreateRenderer() fyne.WidgetRenderer {
	return newQuietRenderer(container.NewStack(c.bg, container.NewBorder(nil, nil, c.icon, nil, c.label)))
}

// Tapped selects, marks or opens the cell's row.
func (c *fleetCell) Tapped(*fyne.PointEvent) { c.t.tapped(c.id) }

// Cursor is the hand over the mark column.
func (c *fleetCell) Cursor() desktop.Cursor {
	if c.id.Col == colMark {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// set shows cell id.
func (c *fleetCell) set(id widget.TableCellID) {
	c.id = id
	l := c.t.host.lineAt(id.Row)
	if l == nil {
		return
	}
	text, imp := l.cells[id.Col], widget.MediumImportance
	var icon fyne.Resource
	switch id.Col {
	case colMark:
		icon = fleetIcons.unticked
		if l.marked {
			icon = fleetIcons.ticked
		}
	case colVerdict:
		if l.row.Last != nil && l.row.State == desk.FleetIdle && l.row.Problem == "" {
			icon = fleetIcons.verdicts[l.row.Last.Verdict]
			switch l.row.Last.Verdict {
			case check.Fail:
				imp = widget.DangerImportance
			case check.Warn:
				imp = widget.WarningImportance
			}
		} else if l.row.Problem != "" {
			icon, imp = fleetIcons.warning, widget.WarningImportance
		}
	case colFailure:
		if l.failing {
			imp = widget.DangerImportance
		}
	case colDrift:
		if l.drift > 0 {
			icon, imp = fleetIcons.warning, widget.WarningImportance
		}
	case colSecret:
		if l.secretAge > profiles.SecretRotationAge {
			imp = widget.WarningImportance
		}
	}
	// Only what changed is refreshed: a label's refresh shapes its text again, and
	// moving the cursor sets every cell on screen.
	if c.icon.Resource != icon {
		c.icon.SetResource(icon)
	}
	if hidden := icon == nil; c.icon.Hidden != hidden {
		c.icon.Hidden = hidden
		c.icon.Refresh()
	}
	if c.label.Text != text || c.label.Importance != imp {
		c.label.Importance = imp
		c.label.SetText(text)
	}
	if current := id.Row == c.t.host.current(); c.bg.Hidden == current {
		c.bg.Hidden = !current
		c.bg.FillColor = theme.Color(theme.ColorNameSelection)
		c.bg.Refresh()
	}
}

// fleetIcons are the cells' icons, made once, when the first table is made: a cell
// compares them to know whether its icon changed. (Not at package init: Fyne's theme
// icons ask for the current app, and before it exists Fyne logs an error for each, which
// `trustedapp-tester --version` printed.)
var fleetIcons struct {
	once                      sync.Once
	ticked, unticked, warning fyne.Resource
	verdicts                  map[check.Verdict]fyne.Resource
}

// makeFleetIcons makes fleetIcons once.
func makeFleetIcons() {
	fleetIcons.once.Do(func() {
		fleetIcons.ticked, fleetIcons.unticked = theme.CheckButtonCheckedIcon(), theme.CheckButtonIcon()
		fleetIcons.warning = theme.NewWarningThemedResource(theme.WarningIcon())
		fleetIcons.verdicts = map[check.Verdict]fyne.Resource{}
		for _, v := range []check.Verdict{check.Pass, check.Warn, check.Fail, check.Skipped} {
			fleetIcons.verdicts[v] = widgets.VerdictIcon(v)
		}
	})
}

// fleetHeader is a column's title: a click sorts by the column (the first column's
// marks or clears every row shown).
type fleetHeader struct {
	widget.BaseWidget
	t     *fleetTable
	col   int
	label *widget.Label
	icon  *widget.Icon
}

func newFleetHeader(t *fleetTable) *fleetHeader {
	h := &fleetHeader{t: t, label: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), icon: widget.NewIcon(nil)}
	h.label.Truncation = fyne.TextTruncateEllipsis
	h.ExtendBaseWidget(h)
	return h
}

func (h *fleetHeader) CreateRenderer() fyne.WidgetRenderer {
	return newQuietRenderer(container.NewBorder(nil, nil, h.icon, nil, h.label))
}

func (h *fleetHeader) set(col int) {
	h.col = col
	if col == colMark {
		if h.icon.Resource == nil {
			h.icon.SetResource(fleetIcons.unticked)
		}
		h.icon.Show()
		if h.label.Text != "" {
			h.label.SetText("")
		}
		return
	}
	h.icon.Hide()
	if t := h.t.host.sortTitle(col); h.label.Text != t {
		h.label.SetText(t)
	}
}

// Tapped sorts by the column, or marks every row shown.
func (h *fleetHeader) Tapped(*fyne.PointEvent) {
	if h.col == colMark {
		h.t.host.toggleAllMarks()
		return
	}
	h.t.host.sortBy(h.col)
}

// Cursor is a hand: a title is a button.
func (h *fleetHeader) Cursor() desktop.Cursor { return desktop.PointerCursor }

// quietRenderer draws a cell's objects and refreshes them only when the theme changed:
// the table refreshes every cell on screen whenever it scrolls or its cursor moves,
// and a label's refresh shapes its text again. The cell's set refreshes what it
// changed.
type quietRenderer struct {
	content fyne.CanvasObject
	fg      color.Color // the theme's text colour at the last refresh
}

func newQuietRenderer(content fyne.CanvasObject) *quietRenderer {
	return &quietRenderer{content: content, fg: theme.Color(theme.ColorNameForeground)}
}

func (r *quietRenderer) Layout(s fyne.Size)           { r.content.Resize(s) }
func (r *quietRenderer) MinSize() fyne.Size           { return r.content.MinSize() }
func (r *quietRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.content} }
func (r *quietRenderer) Destroy()                     {}

// Refresh redraws the content after a theme change only.
func (r *quietRenderer) Refresh() {
	if fg := theme.Color(theme.ColorNameForeground); fg != r.fg {
		r.fg = fg
		r.content.Refresh()
	}
}

// AccessibilityLabel implements fyne.Accessible: what the table holds and the row under
// the cursor, as a screen reader says it ("Fleet table, 2 profiles; row 1 of 2:
// Acme prod, Failed").
func (t *fleetTable) AccessibilityLabel() string {
	rows := t.host.rowCount()
	say := lang.XN("app.fleet.a11y.table", "Fleet table, {{.Count}} profiles", rows, map[string]any{"Count": rows})
	if r := t.host.current(); r >= 0 && r < rows {
		if l := t.host.lineAt(r); l != nil {
			say += "; " + lang.X("app.fleet.a11y.row", "row {{.N}} of {{.Count}}: {{.Name}}, {{.Verdict}}", map[string]any{"N": r + 1, "Count": rows, "Name": l.cells[colName], "Verdict": l.cells[colVerdict]})
		}
	}
	return say + ". " + lang.X("app.fleet.a11y.keys", "Arrows move, Enter opens, Space marks.")
}

// AccessibilityRole implements fyne.Accessible.
func (t *fleetTable) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }
