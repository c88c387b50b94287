package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// Lists and tables for the keyboard. Fyne's list and table move a highlight with the
// arrow keys and select with Space, but show the highlighted row or cell with the faint
// hover tint only (none at all on a selected row), and swallow Esc. These wrappers hand
// Esc on, are no Tab stop while empty, and tell the focus ring (focus.go) which row or
// cell has the highlight, so the ring surrounds it.

// rowTracker remembers which of the template objects shows which item: Fyne reuses
// them as the list scrolls, so an entry is good only while both directions agree.
type rowTracker[ID comparable] struct {
	byID  map[ID]fyne.CanvasObject
	byObj map[fyne.CanvasObject]ID
}

func (r *rowTracker[ID]) shown(id ID, o fyne.CanvasObject) {
	if r.byID == nil {
		r.byID, r.byObj = map[ID]fyne.CanvasObject{}, map[fyne.CanvasObject]ID{}
	}
	r.byID[id] = o
	r.byObj[o] = id
}

// object is the template object that shows id, nil when none does.
func (r *rowTracker[ID]) object(id ID) fyne.CanvasObject {
	o, ok := r.byID[id]
	if !ok || r.byObj[o] != id || !o.Visible() {
		return nil
	}
	return o
}

// highlight reads the unexported highlight of Fyne's list or table (reflect, read
// only: Fyne 2.8.1 offers no getter; TestListFocusRing fails should the field go).
func highlight(w any) reflect.Value {
	return reflect.ValueOf(w).Elem().FieldByName("currentHighlight")
}

// escList is a widget.List that passes Esc on (onEscape, or the window's handler when
// nil) instead of swallowing it; arrow keys and Space move and select as in any list.
type escList struct {
	widget.List
	onEscape func()
	rows     rowTracker[widget.ListItemID]
	// spoken is what a screen reader says for the list (its rows in words); Fyne's list
	// exposes nothing.
	spoken func() string
}

func newEscList(onEscape func(), length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *escList {
	l := &escList{onEscape: onEscape}
	l.Length, l.CreateItem = length, create
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) {
		l.rows.shown(id, o)
		update(id, o)
	}
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey passes Esc on and handles every other key as the list does.
func (l *escList) TypedKey(k *fyne.KeyEvent) {
	passEsc(k, l.escape, l.List.TypedKey)
}

func (l *escList) escape() {
	if l.onEscape != nil {
		l.onEscape()
		return
	}
	widgets.PassKey(l, &fyne.KeyEvent{Name: fyne.KeyEscape})
}

// Disabled reports an empty list: the focus manager passes over it (nothing to move
// through). It never looks disabled.
func (l *escList) Disabled() bool { return l.Length == nil || l.Length() == 0 }

// Enable implements fyne.Disableable (the list is a Tab stop exactly while it has rows).
func (l *escList) Enable() {}

// Disable implements fyne.Disableable (see Enable).
func (l *escList) Disable() {}

// AccessibilityLabel implements fyne.Accessible.
func (l *escList) AccessibilityLabel() string {
	if l.spoken == nil {
		return ""
	}
	return l.spoken()
}

// AccessibilityRole implements fyne.Accessible.
func (l *escList) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// focusedPart is the row that has the list's highlight (the focus ring's target).
func (l *escList) focusedPart() fyne.CanvasObject {
	f := highlight(&l.List)
	if !f.IsValid() {
		return nil
	}
	return l.rows.object(widget.ListItemID(f.Int()))
}

// keyTable is a widget.Table with headers that passes Esc on and tells the focus ring
// its highlighted cell.
type keyTable struct {
	widget.Table
	cells rowTracker[widget.TableCellID]
	// spoken is what a screen reader says for the table; Fyne's table exposes nothing.
	spoken func() string
}

func newKeyTable(length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *keyTable {
	t := &keyTable{}
	t.Length, t.CreateCell = length, create
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		t.cells.shown(id, o)
		update(id, o)
	}
	t.ShowHeaderRow, t.ShowHeaderColumn = true, true
	t.ExtendBaseWidget(t)
	return t
}

// TypedKey passes Esc to the window and every other key to the table.
func (t *keyTable) TypedKey(k *fyne.KeyEvent) {
	passEsc(k, func() { widgets.PassKey(t, k) }, t.Table.TypedKey)
}

// Disabled reports an empty table: no Tab stop. It never looks disabled.
func (t *keyTable) Disabled() bool {
	if t.Length == nil {
		return true
	}
	rows, cols := t.Length()
	return rows == 0 || cols == 0
}

// Enable implements fyne.Disableable (a Tab stop exactly while it has cells).
func (t *keyTable) Enable() {}

// Disable implements fyne.Disableable (see Enable).
func (t *keyTable) Disable() {}

// AccessibilityLabel implements fyne.Accessible.
func (t *keyTable) AccessibilityLabel() string {
	if t.spoken == nil {
		return ""
	}
	return t.spoken()
}

// AccessibilityRole implements fyne.Accessible.
func (t *keyTable) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// focusedPart is the highlighted cell.
func (t *keyTable) focusedPart() fyne.CanvasObject {
	f := highlight(&t.Table)
	if !f.IsValid() {
		return nil
	}
	id := widget.TableCellID{Row: int(f.FieldByName("Row").Int()), Col: int(f.FieldByName("Col").Int())}
	return t.cells.object(id)
}
