package ui

import (
	"fmt"
	"strings"

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
	source  *escSelect
	read    *widget.Button
	problem *widget.Label
	rows    *fyne.Container
	checks  []check.RecordCheck
	readFor string   // the token fingerprint the shown record was read with
	pending *desk.Op // the read in flight (nil: none)
	content fyne.CanvasObject
	// sources maps the selector's labels to the tokens they name; readers maps the
	// labels of other profiles' tokens (which the desk renews or gets first) to those
	// profiles.
	sources map[string]desk.RecordSource
	readers map[string]string
	// hash is the ApplicationSecretHash row of the profile shown (its Name is "" until
	// the desk answered); hashOp the comparison asked for.
	hash   desk.SecretHash
	hashOp desk.OpID
	// nextReader, when set, is the profile whose token the tab reads with when it is
	// opened next (Guidance's offer), instead of this run's.
	nextReader string
}

// recordShell is what the Record tab needs of the window.
type recordShell interface {
	setStatus(string)
	clipboard() fyne.Clipboard
	// recordReadFor hands a record read for run to the screens that use it (Guidance's
	// least-privilege advice).
	recordReadFor(run desk.RunID, rec *check.TrustedAppRecord)
}

// recordDesk is what the Record tab asks of the desk.
type recordDesk interface {
	RecordSources(name string) []desk.RecordSource
	RecordReaders(name string) []desk.RecordReader
	ReadRecord(name string, run *desk.Run, source desk.RecordSource, began func(*desk.Op), done func(desk.RecordRead))
	ReadRecordWith(name, reader string, run *desk.Run, began func(*desk.Op), done func(desk.RecordRead))
	SecretHash(name string, rec *check.TrustedAppRecord, began func(*desk.Op), done func(desk.SecretHash)) *desk.Op
	KnownSecretHash(name string) (desk.SecretHash, bool)
}

const ownTokenLabel = "this run's token"

func newRecordTab(sh recordShell, d recordDesk) *recordTab {
	t := &recordTab{sh: sh, desk: d, sources: map[string]desk.RecordSource{}, readers: map[string]string{}}
	t.intro = wrapLabel("")
	t.source = newEscSelect(nil, nil)
	t.source.name = "Read with"
	t.source.PlaceHolder = "no token to read with"
	t.read = widget.NewButtonWithIcon(readLabel, theme.DownloadIcon(), t.readOrCancel)
	t.problem = wrapLabel("")
	t.problem.Importance = widget.WarningImportance
	t.problem.Hide()
	t.rows = container.NewVBox()
	top := container.NewVBox(t.intro, container.NewBorder(nil, nil, widget.NewLabel("Read with"), t.read, t.source), t.problem, widget.NewSeparator())
	t.content = inOrderBorder(top, nil, widgets.NewVScroll(t.rows)) // Tab: "Read" before the rows
	t.set(profiles.Profile{}, nil)
	return t
}

const readLabel = "Read the record"

// set shows the unread checklist for p after its run r (nil: none).
func (t *recordTab) set(p profiles.Profile, r *desk.Run) {
	if t.run == nil || r == nil || t.run.ID != r.ID {
		t.pending = nil // a read for another run: its answer is dropped
	}
	t.p, t.run, t.hashOp = p, r, 0
	// The hash the record must hold: known from the profile's run, else asked for when
	// the tab is opened (opened), never while the screen is being filled.
	t.hash, _ = t.desk.KnownSecretHash(p.Name)
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

// compareHash asks the desk for the ApplicationSecretHash row of the profile shown
// against rec (nil: the record is not read): the keychain is read there, and only the
// hashes come back.
func (t *recordTab) compareHash(rec *check.TrustedAppRecord) {
	if t.p.Name == "" {
		return
	}
	name := t.p.Name
	t.desk.SecretHash(name, rec, func(op *desk.Op) { t.hashOp = op.ID }, func(h desk.SecretHash) {
		if h.Op != t.hashOp || name != t.p.Name {
			return // asked for a profile or record the tab moved on from
		}
		t.hashOp = 0
		if t.hash.Name == "" {
			t.hash = h
			t.show(t.checks)
		}
	})
}

func systemUserOf(r check.Report) string {
	if r.Claims != nil {
		return r.Claims.SystemUser
	}
	return ""
}

// refreshSources offers this run's token, then the tokens of other profiles on the
// same instance: those tested this session first, then those that get a token when
// asked to read.
func (t *recordTab) refreshSources() {
	t.sources = map[string]desk.RecordSource{}
	t.readers = map[string]string{}
	var opts []string
	for _, src := range t.desk.RecordSources(t.p.Name) {
		if src.Own {
			opts = append(opts, ownTokenLabel)
			t.sources[ownTokenLabel] = src
		}
	}
	for _, rd := range t.desk.RecordReaders(t.p.Name) {
		label := readerLabel(rd)
		opts = append(opts, label)
		t.readers[label] = rd.Name
	}
	t.source.Options = opts
	t.source.ClearSelected()
	if len(opts) > 0 {
		t.source.SetSelected(opts[0])
	}
	t.source.Refresh()
}

// readerLabel names another profile's token in the "Read with" list.
func readerLabel(rd desk.RecordReader) string {
	if rd.Run == nil {
		return "the token of “" + rd.Name + "” (requested first)"
	}
	label := "the token of “" + rd.Name + "”"
	if u := rd.SystemUser(); u != "" {
		label += " (System User " + u + ")"
	}
	return label
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
	if len(t.sources)+len(t.readers) > 0 {
		t.read.Enable()
	} else {
		t.read.Disable()
	}
}

// opened reads the record when the tab is shown, once per token, if this run has one.
func (t *recordTab) opened() {
	if reader := t.nextReader; reader != "" {
		t.nextReader = ""
		t.readWith(reader)
		return
	}
	t.refreshSourcesKeep()
	// Starting an operation is the last thing done here: its answer may come at once.
	switch {
	case t.pending != nil:
	case t.r.Access != nil && t.readFor != t.r.Access.Fingerprint() && t.source.Selected == ownTokenLabel:
		t.readRecord() // its answer brings the ApplicationSecretHash row too
	case t.hash.Name == "" && t.hashOp == 0:
		t.compareHash(nil)
	}
}

// refreshSourcesKeep refreshes the token list and keeps the user's choice if it is
// still there (another profile may have been run since).
func (t *recordTab) refreshSourcesKeep() {
	keep := t.source.Selected
	t.refreshSources()
	_, src := t.sources[keep]
	_, rd := t.readers[keep]
	if src || rd {
		t.source.SetSelected(keep)
	}
	t.showRead()
}

// readWith reads the record with the token of the profile called reader (Guidance's
// offer after invalid_client): it is chosen in the "Read with" list, and read.
func (t *recordTab) readWith(reader string) {
	if t.pending != nil {
		t.sh.setStatus("A read of the Trusted App record is in flight: wait for it, or press Cancel and read again.")
		return
	}
	t.refreshSources()
	for label, n := range t.readers {
		if n == reader {
			t.source.SetSelected(label)
			t.readRecord()
			return
		}
	}
	t.sh.setStatus("“" + reader + "” has no token to read the record with any more: choose another profile in “Read with”.")
}

// readOrCancel reads the record, or cancels the read in flight.
func (t *recordTab) readOrCancel() {
	if t.pending != nil {
		t.pending.Cancel()
		return
	}
	t.readRecord()
}

// readRecord reads the record on a goroutine with the chosen token: this run's, or
// another profile's (the desk renews it, or gets one first, when needed).
func (t *recordTab) readRecord() {
	who := t.source.Selected
	began := func(op *desk.Op) {
		t.pending = op
		t.showRead()
		t.sh.setStatus("Reading the Trusted App record of " + t.p.ClientID + " with " + who + "…")
	}
	done := func(res desk.RecordRead) { t.recordRead(res, who) }
	if src, ok := t.sources[who]; ok {
		t.desk.ReadRecord(t.p.Name, t.run, src, began, done)
		return
	}
	if reader, ok := t.readers[who]; ok {
		t.desk.ReadRecordWith(t.p.Name, reader, t.run, began, done)
	}
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
	if res.Source.Run != nil {
		t.readFor = res.Source.Run.Access().Fingerprint()
	}
	if rr.Status == 401 && !res.Source.Own && res.Source.Run != nil {
		name := res.Source.Run.Profile.Name
		rr.Problem = "The instance refused the token of “" + name + "” (HTTP 401): it may have expired. Test “" + name + "” again for a fresh token, then read again."
	}
	if !res.Source.Own && res.Source.Run != nil && res.Source.Run.Access() != nil {
		// The label of a token got for this read names its System User from now on.
		who = readerLabel(desk.RecordReader{Name: res.Source.Run.Profile.Name, Run: res.Source.Run})
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
	if res.SecretHash.Name == p.Name {
		t.hash = res.SecretHash
		t.hashOp = 0 // an unread comparison still in flight is now stale
	}
	t.show(check.RecordChecklist(p, rr.Record, systemUserOf(t.r)))
	t.sh.recordReadFor(res.Run, rr.Record)
	if rr.Record == nil {
		t.sh.setStatus("The Trusted App record could not be read: see the Record tab.")
		return
	}
	var bad []string
	for _, c := range t.checks {
		if c.State == check.RecordBad {
			bad = append(bad, c.Field)
		}
	}
	msg := "Trusted App record of " + p.ClientID + ": "
	switch len(bad) {
	case 0:
		msg += "every field client credentials needs is right"
	case 1:
		msg += "1 field to fix: " + bad[0]
	default:
		msg += fmt.Sprintf("%d fields to fix: %s", len(bad), strings.Join(bad, ", "))
	}
	t.sh.setStatus(msg + " (read with " + who + ").")
}

// show lays out the checklist rows with the ApplicationSecretHash row after
// ClientType (as the record command lists it), fields to fix first.
func (t *recordTab) show(checks []check.RecordCheck) {
	rows := make([]check.RecordCheck, 0, len(checks)+1)
	for _, c := range checks {
		if c.Field != hashField {
			rows = append(rows, c)
		}
	}
	if t.hash.Name == t.p.Name && t.hash.Name != "" {
		rows = check.WithSecretHashRow(rows, t.hash.Row)
	} else if t.p.ClientID != "" {
		rows = check.WithSecretHashRow(rows, check.RecordCheck{Field: hashField, State: check.RecordUnknown, Actual: "not compared",
			Want: "base64(SHA-256(the app's secret))", Note: "Open this tab again, test the profile or read the record to see the hash the record must hold (the profile editor shows it too)."})
	}
	check.SortRecordChecks(rows)
	t.checks = rows
	t.rows.Objects = nil
	for _, c := range rows {
		var copyHash func()
		if c.Field == hashField && t.hash.Hash != "" {
			h := t.hash.Hash
			copyHash = func() {
				t.sh.clipboard().SetContent(h)
				t.sh.setStatus("Copied the ApplicationSecretHash the record must hold (the hash, never the secret): " + h)
			}
		}
		t.rows.Add(recordRow(c, copyHash))
	}
	t.rows.Refresh()
}

// hashField is the checklist row the tab adds from the desk's comparison.
const hashField = "ApplicationSecretHash"

// recordRow is one checklist row; copyHash, when not nil, gives it a button that copies
// the hash the record must hold.
func recordRow(c check.RecordCheck, copyHash func()) fyne.CanvasObject {
	var v check.Verdict
	switch c.State {
	case check.RecordOK:
		v = check.Pass
	case check.RecordBad:
		v = check.Fail
	case check.RecordWarn:
		v = check.Warn
	}
	icon := widgets.NewVerdict(v)
	icon.Word = map[check.RecordState]string{check.RecordOK: "right", check.RecordBad: "to fix",
		check.RecordWarn: "warning", check.RecordUnknown: "not known"}[c.State]
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
	var right fyne.CanvasObject
	if copyHash != nil {
		b := widget.NewButtonWithIcon("Copy hash", theme.ContentCopyIcon(), copyHash)
		b.Importance = widget.LowImportance
		right = b
	}
	head := container.NewBorder(nil, nil, container.NewHBox(icon, name), right, actual)
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
