package ui

import (
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/compare"
	"trustedapp-tester/desk"
	"trustedapp-tester/ui/widgets"
)

// The compare view's result: the sides, the differences first, the identical rows
// folded away, laid out in columns.

// showEmpty says what the view does before anything is compared.
func (c *compareScreen) showEmpty() {
	c.copyBtn.Disable()
	c.result.Objects = []fyne.CanvasObject{wrapLabel(lang.X("app.compare.empty", "Choose the two sides above, then press Compare. "+
		"To compare two runs of one profile, choose it on both sides, with a run from History on one (History keeps the newest runs of every profile, from the app and the command line)."))}
	c.result.Refresh()
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
		label := compare.LabelIn(lang.Localizer(), s.Label)
		l := widgets.NewTipLabel(desk.SideName(i)+":  "+label, fyne.TextStyle{Bold: true}, label)
		l.Truncation = fyne.TextTruncateEllipsis
		box = append(box, container.NewBorder(nil, nil, widget.NewIcon(widgets.VerdictIcon(s.Verdict)), nil, l))
	}
	same := len(cmp.Rows) - cmp.Differences
	summary := differencesText(cmp)
	if same > 0 && cmp.Differences > 0 {
		summary += " " + lang.XN("app.compare.folded", "{{.Count}} identical rows are folded below.", same, map[string]any{"Count": same})
	}
	head := widget.NewLabelWithStyle(summary, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	box = append(box, head)
	if cmp.Differences > 0 {
		box = append(box, compareRow("", lang.X("app.compare.col.field", "FIELD"), "A", "B", true, true))
		for _, r := range cmp.Rows[:cmp.Differences] {
			box = append(box, compareRow(groupNames()[r.Group], compare.FieldIn(lang.Localizer(), r.Field), compare.ValueIn(lang.Localizer(), r.A), compare.ValueIn(lang.Localizer(), r.B), true, false))
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
		which := lang.X("app.compare.either_side", "either side")
		switch {
		case cmp.A.RecordRead:
			which = "B"
		case cmp.B.RecordRead:
			which = "A"
		}
		notes = append(notes, lang.X("app.compare.record_not_read", "The Trusted App record was not read for {{.Which}}: a run from History keeps the record only when it was read in that run, and a System User may be barred from reading Trusted Apps.", map[string]any{"Which": which}))
	}
	if s := sidesCost(res); s != "" {
		notes = append(notes, lang.X("app.compare.licences", "Licences.")+" "+s)
	}
	if res.HistoryErr != nil {
		notes = append(notes, lang.X("app.compare.history_not_kept", "The fresh runs could not be kept in History ({{.Err}}): check the log folder's permissions.", map[string]any{"Err": res.HistoryErr.Error()}))
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
	toggle *button
	rows   *fyne.Container
}

func foldedRows(same []compare.Row) *folded {
	f := &folded{same: same, rows: container.NewVBox()}
	f.rows.Hide()
	f.toggle = newButton("", theme.MenuExpandIcon(), func() {
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
		rows := []fyne.CanvasObject{compareRow("", lang.X("app.compare.col.field", "FIELD"), "A", "B", false, true)}
		for _, r := range f.same {
			rows = append(rows, compareRow(groupNames()[r.Group], compare.FieldIn(lang.Localizer(), r.Field), compare.ValueIn(lang.Localizer(), r.A), compare.ValueIn(lang.Localizer(), r.B), false, false))
		}
		f.rows.Objects = rows
		f.rows.Refresh()
	}
	f.rows.Show()
	f.toggle.SetText(lang.XN("app.compare.hide_rows", "Hide the {{.Count}} identical rows", len(f.same), map[string]any{"Count": len(f.same)}))
	f.toggle.SetIcon(theme.MenuDropDownIcon())
}

func (f *folded) close() {
	f.rows.Hide()
	f.toggle.SetText(lang.XN("app.compare.show_rows", "Show the {{.Count}} identical rows", len(f.same), map[string]any{"Count": len(f.same)}))
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

// groupNames name compare's row groups for people.
func groupNames() map[string]string {
	return map[string]string{
		compare.GroupVerdict: lang.X("app.history.col.verdict", "Verdict"), compare.GroupIdentity: lang.X("app.compare.group.identity", "Identity"),
		compare.GroupScopes: lang.X("app.kind.scopes", "Scopes"), compare.GroupSteps: lang.X("app.compare.group.steps", "Steps"),
		compare.GroupRecord: lang.X("app.tab.record", "Record"), compare.GroupFindings: lang.X("app.compare.group.findings", "Findings"),
		compare.GroupTimings: lang.X("app.compare.group.timings", "Timings"),
	}
}

// fitsAnyColumn is the longest value that fits every comparison column uncut at the
// smallest supported window (1024 wide: the field column is about 200 px).
const fitsAnyColumn = 18
