package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
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
	read    *button
	problem *widget.Label
	rows    *fyne.Container
	checks  []check.RecordCheck
	readFor string   // this run's token's fingerprint once the record was read with it
	pending *desk.Op // the read in flight (nil: none)
	content fyne.CanvasObject
	// readers maps the labels of the "Read with" list to the profiles whose token they
	// name (the desk renews a token, or gets one first, when needed).
	readers map[string]string
	// hash is the ApplicationSecretHash row of the profile shown (its Name is "" until
	// the desk answered); hashOp the comparison asked for.
	hash   desk.SecretHash
	hashOp desk.OpID
	// nextReader, when set, is the profile whose token the tab reads with when it is
	// opened next (Guidance's offer), instead of this run's.
	nextReader string
	// The form's values as a source (record_form.go): the paste box, shown when
	// "Read with" names the form, and what the last read from it gave (nil: the rows
	// shown are not from the form).
	form    *dialogEntry
	formBox *fyne.Container
	// pane scrolls the box and the rows below it as one (at the smallest window the box
	// takes the room of the rows); below holds them.
	pane       *widgets.Scroll
	below      *fyne.Container
	formRead   *check.RecordForm
	formFolded bool // the box is folded away while the form's checklist is shown
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
	RecordReaders(name string) []desk.RecordReader
	ReadRecord(name, reader string, run *desk.Run, began func(*desk.Op), done func(desk.RecordRead)) *desk.Op
	ReadRecordForm(name, text string, run *desk.Run, began func(*desk.Op), done func(desk.RecordRead)) *desk.Op
	SecretHash(name string, rec *check.TrustedAppRecord, began func(*desk.Op), done func(desk.SecretHash)) *desk.Op
	KnownSecretHash(name string) (desk.SecretHash, bool)
}

func ownTokenLabel() string { return lang.X("app.record.own_token", "this run's token") }

func newRecordTab(sh recordShell, d recordDesk) *recordTab {
	t := &recordTab{sh: sh, desk: d, readers: map[string]string{}}
	t.intro = wrapLabel("")
	t.source = newEscSelect(nil, nil)
	t.source.name = lang.X("app.read_with", "Read with")
	t.source.PlaceHolder = lang.X("app.record.no_token", "no token to read with")
	t.read = newButton(readLabel(), theme.DownloadIcon(), t.readOrCancel)
	t.problem = wrapLabel("")
	t.problem.Importance = widget.WarningImportance
	t.problem.Hide()
	t.rows = container.NewVBox()
	t.newForm()
	t.source.OnChanged = t.sourceChanged
	top := container.NewVBox(t.intro, container.NewBorder(nil, nil, widget.NewLabel(lang.X("app.read_with", "Read with")), t.read, t.source), t.problem, widget.NewSeparator())
	t.below = container.NewVBox(t.formBox, t.rows)
	t.pane = widgets.NewVScroll(t.below)
	t.content = inOrderBorder(top, nil, t.pane) // Tab: "Read" before the box and the rows
	t.set(profiles.Profile{}, nil)
	return t
}

func readLabel() string { return lang.X("app.record.read", "Read the record") }

// set shows the unread checklist for p after its run r (nil: none).
func (t *recordTab) set(p profiles.Profile, r *desk.Run) {
	if t.run == nil || r == nil || t.run.ID != r.ID {
		t.pending = nil // a read for another run: its answer is dropped
	}
	if p.Name != t.p.Name {
		t.form.SetText("") // another app's values
	}
	t.formRead, t.formFolded = nil, false
	t.p, t.run, t.hashOp = p, r, 0
	// The hash the record must hold: known from the profile's run, else asked for when
	// the tab is opened (opened), never while the screen is being filled.
	t.hash, _ = t.desk.KnownSecretHash(p.Name)
	t.r = check.Report{}
	if r != nil && r.Done {
		t.r = r.Report
	}
	t.readFor = ""
	t.setProblem("")
	t.refreshReaders()
	t.showRead()
	host := p.Host()
	switch {
	case p.ClientID == "":
		t.intro.SetText(lang.X("app.record.select", "Select a profile to see its Trusted App record."))
	case t.r.Access != nil:
		t.intro.SetText(lang.X("app.record.intro", "The Trusted App record of {{.App}} on {{.Host}}, read with a token: the fields client credentials depends on, what the instance holds and what they must hold.", map[string]any{"App": p.ClientID, "Host": host}))
	default:
		t.intro.SetText(lang.X("app.record.intro_no_token", "The fields of the Trusted App record {{.App}} on {{.Host}} that client credentials depends on. This run has no token to read them with: read them with another profile's token on this instance (its System User must be allowed to read Trusted Applications), or paste the values shown on the Trusted App's form in ERP.net (“{{.Form}}” in Read with).", map[string]any{"App": p.ClientID, "Host": host, "Form": formLabel()}))
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

// refreshReaders offers the desk's readers in its order: this run's token, then the
// tokens of other profiles on the same instance, those tested this session first, then
// those that get a token when asked to read.
func (t *recordTab) refreshReaders() {
	t.readers = map[string]string{}
	var opts []string
	for _, rd := range t.desk.RecordReaders(t.p.Name) {
		label := readerLabel(rd)
		opts = append(opts, label)
		t.readers[label] = rd.Name
	}
	if t.p.Name != "" {
		opts = append(opts, formLabel()) // always there: it needs no token
	}
	t.source.Options = opts
	t.source.ClearSelected()
	if len(opts) > 0 {
		t.source.SetSelected(opts[0])
	}
	t.source.Refresh()
	t.sourceChanged(t.source.Selected)
}

// readerLabel names a reader's token in the "Read with" list.
func readerLabel(rd desk.RecordReader) string {
	if rd.Own {
		return ownTokenLabel()
	}
	if rd.Run == nil {
		return lang.X("app.record.token_of_first", "the token of “{{.Name}}” (requested first)", map[string]any{"Name": rd.Name})
	}
	if u := rd.SystemUser(); u != "" {
		return lang.X("app.record.token_of_user", "the token of “{{.Name}}” (System User {{.User}})", map[string]any{"Name": rd.Name, "User": u})
	}
	return lang.X("app.record.token_of", "the token of “{{.Name}}”", map[string]any{"Name": rd.Name})
}

// showRead shows "Read the record", or Cancel while a read is in flight.
func (t *recordTab) showRead() {
	if t.pending != nil {
		t.read.SetText(lang.X("app.cancel", "Cancel"))
		t.read.SetIcon(theme.CancelIcon())
		t.read.Enable()
		return
	}
	t.read.SetText(readLabel())
	t.read.SetIcon(theme.DownloadIcon())
	if t.formChosen() {
		t.read.SetText(formReadLabel())
		t.read.SetIcon(theme.ConfirmIcon())
		if t.formFolded {
			t.read.SetText(formEditLabel())
			t.read.SetIcon(theme.DocumentCreateIcon())
		}
	}
	if len(t.readers) > 0 || t.formChosen() {
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
	t.refreshReadersKeep()
	// Starting an operation is the last thing done here: its answer may come at once.
	switch {
	case t.pending != nil:
	case t.r.Access != nil && t.readFor != t.r.Access.Fingerprint() && t.source.Selected == ownTokenLabel():
		t.readRecord() // its answer brings the ApplicationSecretHash row too
	case t.hash.Name == "" && t.hashOp == 0:
		t.compareHash(nil)
	}
}

// refreshReadersKeep refreshes the token list and keeps the user's choice if it is
// still there (another profile may have been run since).
func (t *recordTab) refreshReadersKeep() {
	keep := t.source.Selected
	t.refreshReaders()
	if _, ok := t.readers[keep]; ok || keep == formLabel() {
		t.source.SetSelected(keep)
	}
	t.showRead()
}

// readWith reads the record with the token of the profile called reader (Guidance's
// offer after invalid_client): it is chosen in the "Read with" list, and read.
func (t *recordTab) readWith(reader string) {
	if t.pending != nil {
		t.sh.setStatus(lang.X("app.record.in_flight", "A read of the Trusted App record is in flight: wait for it, or press Cancel and read again."))
		return
	}
	t.refreshReaders()
	for label, n := range t.readers {
		if n == reader {
			t.source.SetSelected(label)
			t.readRecord()
			return
		}
	}
	t.sh.setStatus(lang.X("app.record.reader_gone", "“{{.Name}}” has no token to read the record with any more: choose another profile in “Read with”.", map[string]any{"Name": reader}))
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
	if who == formLabel() {
		t.readForm()
		return
	}
	reader, ok := t.readers[who]
	if !ok {
		return
	}
	began := func(op *desk.Op) {
		t.pending = op
		t.showRead()
		t.sh.setStatus(lang.X("app.record.reading", "Reading the Trusted App record of {{.App}} with {{.Who}}…", map[string]any{"App": t.p.ClientID, "Who": who}))
	}
	if t.desk.ReadRecord(t.p.Name, reader, t.run, began, t.recordRead) == nil {
		t.sh.setStatus(lang.X("app.record.cannot_read", "“{{.Name}}” cannot read this record any more: choose another token in “Read with”.", map[string]any{"Name": reader}))
	}
}

// recordRead shows a record read, when the tab still shows the run it was read for.
func (t *recordTab) recordRead(res desk.RecordRead) {
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
		t.sh.setStatus(lang.X("app.record.cancelled", "Reading the Trusted App record was cancelled."))
		return
	}
	p := t.p
	rr := res.Result
	rd := res.Reader
	if rd.Form {
		t.formShown(res)
		return
	}
	t.formRead = nil
	if rd.Own && t.r.Access != nil {
		t.readFor = t.r.Access.Fingerprint() // read for this run: opening the tab again does not read again
	}
	if rr.Status == 401 && !rd.Own {
		rr.Problem = lang.X("app.record.refused_401", "The instance refused the token of “{{.Name}}” (HTTP 401): it may have expired. Test “{{.Name}}” again for a fresh token, then read again.", map[string]any{"Name": rd.Name})
	}
	// The label names the token as the read used it: another profile's with its System
	// User once it has a token.
	who := readerLabel(rd)
	if rd.Own && rd.Run != nil && t.run != nil && rd.Run.ID != t.run.ID {
		who = lang.X("app.record.new_token_of", "a new token of “{{.Name}}” (this run's was about to expire)", map[string]any{"Name": rd.Name})
	}
	if rr.Record != nil {
		t.intro.SetText(lang.X("app.record.intro_read", "The Trusted App record of {{.App}} as the instance holds it, read with {{.Who}}: the fields client credentials depends on, fields to fix first.", map[string]any{"App": p.ClientID, "Who": who}))
	}
	t.setProblem(report.RecordIn(lang.Localizer(), rr.Problem))
	if rr.Status == 403 {
		t.chooseForm() // the API will not show it: offer the form's values
	}
	if res.SecretHash.Name == p.Name {
		t.hash = res.SecretHash
		t.hashOp = 0 // an unread comparison still in flight is now stale
	}
	t.show(check.RecordChecklist(p, rr.Record, systemUserOf(t.r)))
	t.sh.recordReadFor(res.Run, rr.Record)
	if rr.Record == nil {
		t.sh.setStatus(lang.X("app.record.not_read", "The Trusted App record could not be read: see the Record tab."))
		return
	}
	var bad []string
	for _, c := range t.checks {
		if c.State == check.RecordBad {
			bad = append(bad, c.Field)
		}
	}
	msg := lang.X("app.record.all_right", "every field client credentials needs is right")
	if len(bad) > 0 {
		msg = lang.XN("app.record.to_fix", "{{.Count}} fields to fix: {{.Fields}}", len(bad), map[string]any{"Count": len(bad), "Fields": strings.Join(bad, ", ")})
	}
	t.sh.setStatus(lang.X("app.record.status", "Trusted App record of {{.App}}: {{.Result}} (read with {{.Who}}).", map[string]any{"App": p.ClientID, "Result": msg, "Who": who}))
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
	if t.formRead != nil {
		rows = t.formRead.Mark(rows)
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
				t.sh.setStatus(lang.X("app.record.hash_copied", "Copied the ApplicationSecretHash the record must hold (the hash, never the secret): {{.Hash}}", map[string]any{"Hash": h}))
			}
		}
		t.rows.Add(recordRow(c, copyHash))
	}
	t.rows.Refresh()
	t.layout() // the intro or the problem above may have changed
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
	icon.Word = map[check.RecordState]string{check.RecordOK: lang.X("app.record.state.ok", "right"), check.RecordBad: lang.X("app.record.state.bad", "to fix"),
		check.RecordWarn: lang.X("app.record.state.warn", "warning"), check.RecordUnknown: lang.X("app.record.state.unknown", "not known")}[c.State]
	if c.State == check.RecordUnknown {
		icon.SetResource(theme.QuestionIcon())
	}
	field := widget.NewLabelWithStyle(c.Field, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	actual := widget.NewLabelWithStyle(report.RecordIn(lang.Localizer(), c.Actual), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	actual.Truncation = fyne.TextTruncateEllipsis
	detail := lang.X("app.record.must_be", "must be: {{.Want}}", map[string]any{"Want": report.RecordIn(lang.Localizer(), c.Want)})
	if c.Note != "" {
		detail += ". " + report.RecordIn(lang.Localizer(), c.Note)
	}
	note := wrapLabel(detail)
	note.SizeName = theme.SizeNameCaptionText
	// The field names share one column width so the values line up.
	name := container.New(&minWidthLayout{width: 190}, field)
	var right fyne.CanvasObject
	if copyHash != nil {
		b := newButton(lang.X("app.record.copy_hash", "Copy hash"), theme.ContentCopyIcon(), copyHash)
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
