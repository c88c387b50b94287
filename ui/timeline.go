package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/ui/widgets"
)

var timelineKinds = []struct {
	kind  check.StepKind
	label string
}{
	{check.StepReachability, "Reachability"},
	{check.StepDiscovery, "Discovery"},
	{check.StepToken, "Token"},
	{check.StepInspect, "Signature"},
	{check.StepAPI, "API calls"},
}

// timeline is the row of step results that fills live while a run streams.
type timeline struct {
	sh       timelineShell
	slots    map[check.StepKind]*widgets.Slot
	steps    map[check.StepKind][]check.Step
	expected int
	count    int
	apiTotal int
	// reference: a reference-token run, whose fourth slot is the token's identity.
	reference bool
	// progress is a thin bar under the slots; the live step and the outcome go to the
	// window's status line, so the timeline takes one row.
	progress *widget.ProgressBar
	content  fyne.CanvasObject
}

// timelineShell is what the timeline needs of the window: a parent for the dialog of a
// step's details.
type timelineShell interface {
	window() fyne.Window
}

func newTimeline(sh timelineShell) *timeline {
	t := &timeline{sh: sh, slots: map[check.StepKind]*widgets.Slot{}, steps: map[check.StepKind][]check.Step{}}
	// Five equal columns: the row always fits the window, titles shorten if they must.
	row := container.NewGridWithColumns(len(timelineKinds))
	for _, k := range timelineKinds {
		kind := k.kind
		b := widgets.NewSlot(stepLabel(k.label), widgets.VerdictIcon(""), func() { t.open(kind) })
		b.SetToolTip(stepTips()[k.label] + " " + lang.X("app.timeline.click", "After a run, click for its findings and exchanges."))
		t.slots[kind] = b
		row.Add(b)
	}
	t.progress = widget.NewProgressBar()
	t.progress.TextFormatter = func() string { return "" }
	bar := container.New(&thinLayout{height: 4}, t.progress)
	t.content = container.New(layout.NewCustomPaddedVBoxLayout(2), row, bar)
	return t
}

// thinLayout gives its objects the full width and a fixed height (a thin progress bar).
type thinLayout struct{ height float32 }

func (l *thinLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, (size.Height-l.height)/2))
		o.Resize(fyne.NewSize(size.Width, l.height))
	}
}

func (l *thinLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, l.height) }

// progressText is the run's progress in words, "3 of 7 steps".
func (t *timeline) progressText() string {
	return lang.XN("app.timeline.progress", "{{.Done}} of {{.Count}} steps", t.expected, map[string]any{"Done": t.count, "Count": t.expected})
}

// stepLabel is a timeline slot's title (its English in timelineKinds) in the language
// in use.
func stepLabel(en string) string {
	switch en {
	case "Reachability":
		return lang.X("app.step.reachability", "Reachability")
	case "Discovery":
		return lang.X("app.step.discovery", "Discovery")
	case "Token":
		return lang.X("app.step.token", "Token")
	case "Signature":
		return lang.X("app.step.signature", "Signature")
	case "API calls":
		return lang.X("app.step.api_calls", "API calls")
	}
	return en
}

// reset empties the row for a run of p.
func (t *timeline) reset(p profiles.Profile) {
	t.steps = map[check.StepKind][]check.Step{}
	t.count = 0
	t.apiTotal = len(p.EffectiveCalls())
	t.expected = 4 + t.apiTotal
	t.reference = p.KindOf() == profiles.KindReferenceToken
	if t.reference {
		t.expected++ // whom the token acts as, after the calls
	}
	for _, k := range timelineKinds {
		t.showSlot(k.kind, t.label(k.kind, k.label))
	}
	t.progress.SetValue(0)
}

// showSlot shows the steps of kind so far in its slot: the verdict's icon, and its word
// in the detail line and in what a screen reader says ("Token: failed,
// invalid_client"); a slot with results is a Tab stop that opens them.
func (t *timeline) showSlot(kind check.StepKind, label string) {
	b := t.slots[kind]
	steps := t.steps[kind]
	v := worst(steps)
	b.SetIcon(widgets.VerdictIcon(v))
	b.SetOpenable(len(steps) > 0)
	b.Set(label, t.slotDetail(kind))
	b.Spoken = label + ": " + widgets.VerdictWord(v)
	detail := strings.TrimPrefix(t.slotDetail(kind), widgets.VerdictWord(v)+" · ")
	if why := stepReason(steps, v); why != "" {
		b.Spoken += ", " + why
	} else if detail != "" && detail != widgets.VerdictWord(v) {
		b.Spoken += ", " + detail
	}
}

// stepReason is what made the steps' verdict v, in a word or two: the error ERP.net
// answered (invalid_client) or the finding's code (api.forbidden_scope); "" for a pass.
func stepReason(steps []check.Step, v check.Verdict) string {
	if v != check.Fail && v != check.Warn {
		return ""
	}
	want := check.SevFail
	if v == check.Warn {
		want = check.SevWarn
	}
	for _, s := range steps {
		for _, f := range s.Findings {
			if f.Severity != want {
				continue
			}
			if e := f.Evidence[check.EvError]; e != "" {
				return e
			}
			return f.Code
		}
	}
	return ""
}

// slotDetail is the line under a step's name: its verdict and duration ("failed ·
// 88 ms"), "skipped", or for API calls how many passed.
func (t *timeline) slotDetail(kind check.StepKind) string {
	steps := t.steps[kind]
	if kind == check.StepAPI {
		ok := 0
		for _, s := range steps {
			if s.Verdict == check.Pass {
				ok++
			}
		}
		return lang.X("app.timeline.calls_passed", "{{.OK}}/{{.Total}} passed", map[string]any{"OK": ok, "Total": t.apiTotal})
	}
	if len(steps) == 0 {
		return ""
	}
	s := steps[len(steps)-1]
	if s.Verdict == check.Skipped {
		return widgets.VerdictWord(check.Skipped)
	}
	return widgets.VerdictWord(worst(steps)) + " · " + humanDuration(s.Duration)
}

// add shows one finished step.
func (t *timeline) add(s check.Step) {
	if s.Kind == check.StepIdentity {
		s.Kind = check.StepInspect // a reference token's slot: its shape, then whom it acts as
	}
	t.steps[s.Kind] = append(t.steps[s.Kind], s)
	t.count++
	if s.Kind == check.StepAPI && len(t.steps[s.Kind]) > t.apiTotal {
		t.apiTotal = len(t.steps[s.Kind])
	}
	if t.count > t.expected {
		t.expected = t.count
	}
	for _, k := range timelineKinds {
		if k.kind == s.Kind {
			t.showSlot(k.kind, t.label(k.kind, k.label))
		}
	}
	t.progress.SetValue(float64(t.count) / float64(t.expected))
}

// done ends the run: the bar goes back to its quiet, empty state (a full bar would
// read as "still busy"); the slots and the status line carry the outcome.
func (t *timeline) done(check.Report) {
	t.progress.SetValue(0)
}

func worst(steps []check.Step) check.Verdict {
	v := check.Verdict("")
	rank := map[check.Verdict]int{"": 0, check.Skipped: 1, check.Pass: 2, check.Warn: 3, check.Fail: 4}
	for _, s := range steps {
		if rank[s.Verdict] > rank[v] {
			v = s.Verdict
		}
	}
	return v
}

// open shows the steps of one kind with their findings and exchanges.
func (t *timeline) open(kind check.StepKind) {
	steps := t.steps[kind]
	if len(steps) == 0 {
		return
	}
	box := container.NewVBox()
	for _, s := range steps {
		box.Add(stepView(s))
	}
	_, name, _ := report.StepIn(lang.Localizer(), steps[0])
	showInfo(t.sh.window(), name, widgets.NewVScroll(box), fyne.NewSize(860, 600))
}

// stepView shows one step: verdict, summary, findings and exchanges.
func stepView(s check.Step) fyne.CanvasObject {
	_, name, summary := report.StepIn(lang.Localizer(), s)
	title := widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	box := container.NewVBox(container.NewHBox(widgets.NewVerdict(s.Verdict), title),
		wrapLabel(summary+" ("+humanDuration(s.Duration)+")"))
	for _, f := range s.Findings {
		box.Add(container.NewBorder(nil, nil, widgets.NewVerdict(severityVerdict(f.Severity)), nil,
			wrapLabel(f.Message+"  ["+f.Code+"]")))
	}
	for _, ex := range s.Exchanges {
		box.Add(widget.NewSeparator())
		box.Add(exchangeView(ex))
	}
	return box
}

func severityVerdict(s check.Severity) check.Verdict {
	switch s {
	case check.SevFail:
		return check.Fail
	case check.SevWarn:
		return check.Warn
	}
	return check.Pass
}
