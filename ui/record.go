package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// recordTab shows the Trusted App record as a checklist: each field client
// credentials depends on, what the instance holds, what it must hold and the fix.
// The record is read with a token: this run's, or another profile's on the same
// instance whose System User may read Trusted Applications (an "inspector", for an
// app that gets no token at all). Unread, the checklist says what to check by hand.
type recordTab struct {
	u       *UI
	p       profiles.Profile
	r       check.Report
	intro   *widget.Label
	source  *widget.Select
	read    *widget.Button
	problem *widget.Label
	rows    *fyne.Container
	checks  []check.RecordCheck
	readFor string // the token fingerprint the shown record was read with
	content fyne.CanvasObject
	// sources maps the selector's labels to the profile whose token they use.
	sources map[string]string
}

const ownTokenLabel = "this run's token"

func newRecordTab(u *UI) *recordTab {
	t := &recordTab{u: u, sources: map[string]string{}}
	t.intro = wrapLabel("")
	t.source = widget.NewSelect(nil, nil)
	t.source.PlaceHolder = "no token to read with"
	t.read = widget.NewButtonWithIcon("Read the record", theme.DownloadIcon(), t.readRecord)
	t.problem = wrapLabel("")
	t.problem.Importance = widget.WarningImportance
	t.problem.Hide()
	t.rows = container.NewVBox()
	top := container.NewVBox(t.intro, container.NewBorder(nil, nil, widget.NewLabel("Read with"), t.read, t.source), t.problem, widget.NewSeparator())
	t.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(t.rows))
	t.set(profiles.Profile{}, check.Report{})
	return t
}

// set shows the unread checklist for p after report r.
func (t *recordTab) set(p profiles.Profile, r check.Report) {
	t.p, t.r = p, r
	t.readFor = ""
	t.problem.Hide()
	t.refreshSources()
	host := p.Host()
	switch {
	case p.ClientID == "":
		t.intro.SetText("Select a profile to see its Trusted App record.")
	case r.Access != nil:
		t.intro.SetText(fmt.Sprintf("The Trusted App record of %s on %s, read with a token: the fields client credentials depends on, what the instance holds and what they must hold.", p.ClientID, host))
	default:
		t.intro.SetText(fmt.Sprintf("The fields of the Trusted App record %s on %s that client credentials depends on. This run has no token to read them with: check them by hand in the instance, or read them with another profile's token on this instance (its System User must be allowed to read Trusted Applications).", p.ClientID, host))
	}
	t.show(check.RecordChecklist(p, nil, systemUserOf(r)))
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
	t.sources = map[string]string{}
	var opts []string
	if t.r.Access != nil {
		opts = append(opts, ownTokenLabel)
		t.sources[ownTokenLabel] = t.p.Name
	}
	var others []string
	for name, rep := range t.u.reports {
		if name == t.p.Name || rep == nil || rep.Access == nil {
			continue
		}
		if q, ok := t.u.find(name); ok && strings.EqualFold(q.Root(), t.p.Root()) {
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, name := range others {
		label := "the token of “" + name + "”"
		if rep := t.u.reports[name]; rep.Claims != nil && rep.Claims.SystemUser != "" {
			label += " (System User " + rep.Claims.SystemUser + ")"
		}
		opts = append(opts, label)
		t.sources[label] = name
	}
	t.source.Options = opts
	t.source.ClearSelected()
	if len(opts) > 0 {
		t.source.SetSelected(opts[0])
		t.read.Enable()
	} else {
		t.read.Disable()
	}
	t.source.Refresh()
}

// opened reads the record when the tab is shown, once per token, if this run has one.
func (t *recordTab) opened() {
	t.refreshSourcesKeep()
	if t.r.Access != nil && t.readFor != t.r.Access.Fingerprint() && t.source.Selected == ownTokenLabel {
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
}

// readRecord reads the record on a goroutine with the chosen token.
func (t *recordTab) readRecord() {
	u := t.u
	name, ok := t.sources[t.source.Selected]
	if !ok {
		return
	}
	rep := u.reports[name]
	if name == t.p.Name {
		rep = &t.r
	}
	if rep == nil || rep.Access == nil {
		return
	}
	p, tok, who := t.p, rep.Access, t.source.Selected
	opts := u.deps.Options
	if opts.Now == nil {
		opts.Now = u.deps.Now
	}
	t.read.Disable()
	u.setStatus("Reading the Trusted App record of " + p.ClientID + "…")
	u.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), p.Timeout())
		defer cancel()
		res := u.deps.ReadRecord(ctx, p, tok, p.ClientID, opts)
		fyne.Do(func() {
			t.read.Enable()
			if t.p.Name != p.Name {
				return // another profile is shown now
			}
			t.readFor = tok.Fingerprint()
			if res.Status == 401 && name != p.Name {
				res.Problem = "The instance refused the token of “" + name + "” (HTTP 401): it may have expired. Test “" + name + "” again for a fresh token, then read again."
			}
			if res.Record != nil {
				t.intro.SetText(fmt.Sprintf("The Trusted App record of %s as the instance holds it, read with %s: the fields client credentials depends on, fields to fix first.", p.ClientID, who))
			}
			if res.Problem != "" {
				t.problem.SetText(res.Problem)
				t.problem.Show()
			} else {
				t.problem.Hide()
			}
			t.show(check.RecordChecklist(p, res.Record, systemUserOf(t.r)))
			if res.Record != nil {
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
				u.setStatus(msg)
			} else {
				u.setStatus("The Trusted App record could not be read: see the Record tab.")
			}
		})
	})
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
