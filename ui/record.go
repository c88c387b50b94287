package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// recordTab shows the Trusted App record as a checklist: each field client
// credentials depends on, what the instance holds, what it must hold and the fix.
// The record is read with a token: this run's, or another profile's on the same
// instance whose System User may read Trusted Applications (an "inspector", for an
// app that gets no token at all). Unread, the checklist says what to check by hand.
type recordTab struct {
	sh      recordShell
	desk    recordDesk
	p       profiles.Profile
	run     *desk.Run // the run shown (nil: none)
	r       check.Report
	intro   *widget.Label
	source  *widget.Select
	read    *widget.Button
	problem *widget.Label
	rows    *fyne.Container
	checks  []check.RecordCheck
	readFor string   // the token fingerprint the shown record was read with
	pending *desk.Op // the read in flight (nil: none)
	content fyne.CanvasObject
	// sources maps the selector's labels to the tokens they name.
	sources map[string]desk.RecordSource
}

// recordShell is what the Record tab needs of the window.
type recordShell interface {
	setStatus(string)
}

// recordDesk is what the Record tab asks of the desk.
type recordDesk interface {
	RecordSources(name string) []desk.RecordSource
	ReadRecord(name string, run *desk.Run, source desk.RecordSource, began func(*desk.Op), done func(desk.RecordRead))
}

const ownTokenLabel = "this run's token"

func newRecordTab(sh recordShell, d recordDesk) *recordTab {
	t := &recordTab{sh: sh, desk: d, sources: map[string]desk.RecordSource{}}
	t.intro = wrapLabel("")
	t.source = widget.NewSelect(nil, nil)
	t.source.PlaceHolder = "no token to read with"
	t.read = widget.NewButtonWithIcon(readLabel, theme.DownloadIcon(), t.readOrCancel)
	t.problem = wrapLabel("")
	t.problem.Importance = widget.WarningImportance
	t.problem.Hide()
	t.rows = container.NewVBox()
	top := container.NewVBox(t.intro, container.NewBorder(nil, nil, widget.NewLabel("Read with"), t.read, t.source), t.problem, widget.NewSeparator())
	t.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(t.rows))
	t.set(profiles.Profile{}, nil)
	return t
}

const readLabel = "Read the record"

// set shows the unread checklist for p after its run r (nil: none).
func (t *recordTab) set(p profiles.Profile, r *desk.Run) {
	if t.run == nil || r == nil || t.run.ID != r.ID {
		t.pending = nil // a read for another run: its answer is dropped
	}
	t.p, t.run = p, r
	t.r = check.Report{}
	if r != nil && r.Done {
		t.r = r.Report
	}
	t.readFor = ""
	t.problem.Hide()
	t.refreshSources()
	t.showRead()
	host := p.Host()
	switch {
	case p.ClientID == "":
		t.intro.SetText("Select a profile to see its Trusted App record.")
	case t.r.Access != nil:
		t.intro.SetText(fmt.Sprintf("The Trusted App record of %s on %s, read with a token: the fields client credentials depends on, what the instance holds and what they must hold.", p.ClientID, host))
	default:
		t.intro.SetText(fmt.Sprintf("The fields of the Trusted App record %s on %s that client credentials depends on. This run has no token to read them with: check them by hand in the instance, or read them with another profile's token on this instance (its System User must be allowed to read Trusted Applications).", p.ClientID, host))
	}
	t.show(check.RecordChecklist(p, nil, systemUserOf(t.r)))
}

func systemUserOf(r check.Report) string {
	if r.Claims != nil {
		return r.Claims.SystemUser
	}
	return ""
}

// refreshSources offers this run's token and the tokens of other profiles on the
// same instance.
func (t *recordTab) refreshSources() {
	t.sources = map[string]desk.RecordSource{}
	var opts []string
	for _, src := range t.desk.RecordSources(t.p.Name) {
		label := ownTokenLabel
		if !src.Own {
			label = "the token of “" + src.Run.Profile.Name + "”"
			if u := src.SystemUser(); u != "" {
				label += " (System User " + u + ")"
			}
		}
		opts = append(opts, label)
		t.sources[label] = src
	}
	t.source.Options = opts
	t.source.ClearSelected()
	if len(opts) > 0 {
		t.source.SetSelected(opts[0])
	}
	t.source.Refresh()
}

// showRead shows "Read the record", or Cancel while a read is in flight.
func (t *recordTab) showRead() {
	if t.pending != nil {
		t.read.SetText("Cancel")
		t.read.SetIcon(theme.CancelIcon())
		t.read.Enable()
		return
	}
	t.read.SetText(readLabel)
	t.read.SetIcon(theme.DownloadIcon())
	if len(t.sources) > 0 {
		t.read.Enable()
	} else {
		t.read.Disable()
	}
}

// opened reads the record when the tab is shown, once per token, if this run has one.
func (t *recordTab) opened() {
	t.refreshSourcesKeep()
	if t.r.Access != nil && t.readFor != t.r.Access.Fingerprint() && t.source.Selected == ownTokenLabel && t.pending == nil {
		t.readRecord()
	}
}

// refreshSourcesKeep refreshes the token list and keeps the user's choice if it is
// still there (another profile may have been run since).
func (t *recordTab) refreshSourcesKeep() {
	keep := t.source.Selected
	t.refreshSources()
	if _, ok := t.sources[keep]; ok {
		t.source.SetSelected(keep)
	}
	t.showRead()
}

// readOrCancel reads the record, or cancels the read in flight.
func (t *recordTab) readOrCancel() {
	if t.pending != nil {
		t.pending.Cancel()
		return
	}
	t.readRecord()
}

// readRecord reads the record on a goroutine with the chosen token.
func (t *recordTab) readRecord() {
	src, ok := t.sources[t.source.Selected]
	if !ok {
		return
	}
	who := t.source.Selected
	t.desk.ReadRecord(t.p.Name, t.run, src, func(op *desk.Op) {
		t.pending = op
		t.showRead()
		t.sh.setStatus("Reading the Trusted App record of " + t.p.ClientID + "…")
	}, func(res desk.RecordRead) { t.recordRead(res, who) })
}

// recordRead shows a record read with the token labelled who, when the tab still
// shows the run it was read for.
func (t *recordTab) recordRead(res desk.RecordRead, who string) {
	if t.pending != nil && res.Op == t.pending.ID {
		t.pending = nil
		t.showRead()
	}
	var shown desk.RunID
	if t.run != nil {
		shown = t.run.ID
	}
	if res.Run != shown {
		return // read for a run the tab moved on from
	}
	if res.Cancelled {
		t.sh.setStatus("Reading the Trusted App record was cancelled.")
		return
	}
	p := t.p
	rr := res.Result
	t.readFor = res.Source.Run.Access().Fingerprint()
	if rr.Status == 401 && !res.Source.Own {
		name := res.Source.Run.Profile.Name
		rr.Problem = "The instance refused the token of “" + name + "” (HTTP 401): it may have expired. Test “" + name + "” again for a fresh token, then read again."
	}
	if rr.Record != nil {
		t.intro.SetText(fmt.Sprintf("The Trusted App record of %s as the instance holds it, read with %s: the fields client credentials depends on, fields to fix first.", p.ClientID, who))
	}
	if rr.Problem != "" {
		t.problem.SetText(rr.Problem)
		t.problem.Show()
	} else {
		t.problem.Hide()
	}
	t.show(check.RecordChecklist(p, rr.Record, systemUserOf(t.r)))
	if rr.Record == nil {
		t.sh.setStatus("The Trusted App record could not be read: see the Record tab.")
		return
	}
	bad := 0
	for _, c := range t.checks {
		if c.State == check.RecordBad {
			bad++
		}
	}
	msg := fmt.Sprintf("Read the Trusted App record of %s with %s: ", p.ClientID, who)
	if bad == 0 {
		msg += "every field client credentials needs is right."
	} else {
		msg += fmt.Sprintf("%d field(s) to fix.", bad)
	}
	t.sh.setStatus(msg)
}

// show lays out the checklist rows, fields to fix first.
func (t *recordTab) show(checks []check.RecordCheck) {
	check.SortRecordChecks(checks)
	t.checks = checks
	t.rows.Objects = nil
	for _, c := range checks {
		t.rows.Add(recordRow(c))
	}
	t.rows.Refresh()
}

func recordRow(c check.RecordCheck) fyne.CanvasObject {
	var v check.Verdict
	switch c.State {
	case check.RecordOK:
		v = check.Pass
	case check.RecordBad:
		v = check.Fail
	case check.RecordWarn:
		v = check.Warn
	}
	icon := widget.NewIcon(widgets.VerdictIcon(v))
	if c.State == check.RecordUnknown {
		icon.SetResource(theme.QuestionIcon())
	}
	field := widget.NewLabelWithStyle(c.Field, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	actual := widget.NewLabelWithStyle(c.Actual, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	actual.Truncation = fyne.TextTruncateEllipsis
	detail := "must be: " + c.Want
	if c.Note != "" {
		detail += ". " + c.Note
	}
	note := wrapLabel(detail)
	note.SizeName = theme.SizeNameCaptionText
	// The field names share one column width so the values line up.
	name := container.New(&minWidthLayout{width: 190}, field)
	head := container.NewBorder(nil, nil, container.NewHBox(icon, name), nil, actual)
	indent := container.NewBorder(nil, nil, container.New(&minWidthLayout{width: theme.IconInlineSize() + theme.Padding()}), nil, note)
	return container.New(layout.NewCustomPaddedVBoxLayout(-10), head, indent)
}

// minWidthLayout gives its object at least width (a column of labels).
type minWidthLayout struct{ width float32 }

func (l *minWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l *minWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		w = max(w, m.Width)
	}
	return fyne.NewSize(max(w, l.width), h)
}
