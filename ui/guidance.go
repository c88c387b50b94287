package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/userfile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/report"
	"trustedapp-tester/ui/widgets"
)

// guidanceTab explains every failing or warning finding with its fix.
type guidanceTab struct {
	sh      guidanceShell
	desk    guidanceDesk
	list    *fyne.Container
	copyBtn *button
	saveBtn *button
	p       profiles.Profile
	r       check.Report
	content fyne.CanvasObject
	// rec is the Trusted App record read for the run shown (nil: not read); advice the
	// least-privilege advice shown (guidance_advice.go).
	rec    *check.TrustedAppRecord
	advice []check.Finding
}

// guidanceShell is what the Guidance tab needs of the window.
type guidanceShell interface {
	notifier
	clipboard() fyne.Clipboard
	openURL(string)
	openTab(name string)
	saveFile(name string, write func(fyne.URIWriteCloser))
	ExplainError()
	readRecordWith(reader string)
	trustHost(profile, host string)
}

// guidanceDesk is what the Guidance tab asks of the desk.
type guidanceDesk interface {
	Explain(code string, evidence map[string]string) guide.Explanation
	SaveReport(wc fyne.URIWriteCloser, p profiles.Profile, r check.Report, done func(desk.Written)) *desk.Op
	RecordReaders(name string) []desk.RecordReader
	LeastPrivilege(p profiles.Profile, r check.Report, rec *check.TrustedAppRecord) []check.Finding
	ReadHolders(name, reader string, began func(*desk.Op), done func(desk.HoldersRead)) *desk.Op
}

func newGuidanceTab(sh guidanceShell, d guidanceDesk) *guidanceTab {
	g := &guidanceTab{sh: sh, desk: d}
	g.list = container.NewVBox()
	g.copyBtn = newButton(lang.X("app.guidance.copy_report", "Copy report"), theme.ContentCopyIcon(), g.copyReport)
	g.saveBtn = newButton(lang.X("app.guidance.save_report", "Save report…"), theme.DocumentSaveIcon(), g.saveReport)
	g.content = container.NewBorder(nil, container.NewHBox(g.copyBtn, g.saveBtn), nil, nil, widgets.NewVScroll(g.list))
	g.set(profiles.Profile{}, check.Report{})
	return g
}

// stepFindings are r's findings with code.
func stepFindings(r check.Report, code string) []check.Finding {
	var out []check.Finding
	for _, s := range r.Steps {
		for _, f := range s.Findings {
			if f.Code == code {
				out = append(out, f)
			}
		}
	}
	return out
}

// set shows r's explanations.
func (g *guidanceTab) set(p profiles.Profile, r check.Report) {
	g.p, g.r, g.rec = p, r, nil
	g.render()
}

// render shows the explanations of the report, and the advice.
func (g *guidanceTab) render() {
	r := g.r
	g.list.Objects = nil
	g.advice = nil
	if len(r.Steps) == 0 {
		g.copyBtn.Disable()
		g.saveBtn.Disable()
		g.list.Add(wrapLabel(lang.X("app.guidance.empty", "Run a test to see guidance here: every failure or warning comes with what happened, which Trusted App fields to check, and numbered steps to fix it.")))
		g.list.Add(container.NewHBox(newButton(lang.X("app.guidance.explain_log", "Explain an error from a log…"), theme.SearchIcon(), g.sh.ExplainError)))
		g.list.Refresh()
		return
	}
	g.copyBtn.Enable()
	g.saveBtn.Enable()
	// One explanation per finding code: the same refusal on three API calls is one
	// problem with one fix, so it is explained once and the steps it hit are listed.
	type group struct {
		f     check.Finding
		steps []string
	}
	var groups []*group
	byCode := map[string]*group{}
	for _, s := range r.Steps {
		_, name, _ := report.StepIn(lang.Localizer(), s)
		for _, f := range s.Findings {
			if f.Severity != check.SevFail && f.Severity != check.SevWarn {
				continue
			}
			if gr, ok := byCode[f.Code]; ok {
				gr.steps = append(gr.steps, name)
				continue
			}
			gr := &group{f: f, steps: []string{name}}
			byCode[f.Code] = gr
			groups = append(groups, gr)
		}
	}
	n := len(groups)
	for i, gr := range groups {
		if i > 0 {
			g.list.Add(widget.NewSeparator())
		}
		g.list.Add(g.findingView(gr.f, gr.steps))
	}
	supplied := r.Token != nil && r.Token.Supplied
	if n == 0 {
		msg := lang.X("app.guidance.all_passed", "Everything passed: the Trusted App issues a token, it acts as the System User shown above, and the API calls answer.")
		if supplied {
			msg = lang.X("app.guidance.supplied_works", "The supplied token works: it acts as the System User shown above, its signature checks out and the API calls answer. The Trusted App's sign-in was not tested: press “Test this Trusted App” for that.")
		} else if m := kindPassText(r); m != "" { // guidance_kind.go
			msg = m
		}
		if r.Cancelled {
			msg = lang.X("app.guidance.cancelled", "The run was cancelled before anything failed. Press “Test this Trusted App” to run it again.")
		}
		row := container.NewBorder(nil, nil, widgets.NewVerdict(check.Pass), nil, wrapLabel(msg))
		g.list.Add(row)
	}
	if supplied {
		// Say what an inspection does not test, whatever else is shown.
		for _, f := range stepFindings(r, check.TokSupplied) {
			g.list.Add(widget.NewSeparator())
			g.list.Add(g.findingView(f, nil))
		}
	}
	for _, f := range kindNotes(r) { // what a reference-token or basic run always tells
		g.list.Add(widget.NewSeparator())
		g.list.Add(g.findingView(f, nil))
	}
	if a := g.adviceSection(); a != nil {
		g.list.Add(widget.NewSeparator())
		g.list.Add(a)
	}
	g.list.Refresh()
}

// findingView explains one finding; steps are the steps it was seen in, listed when
// there is more than one.
func (g *guidanceTab) findingView(f check.Finding, steps []string) fyne.CanvasObject {
	var offer fyne.CanvasObject
	switch f.Code {
	case check.TokInvalidClient:
		offer = g.readOffer() // the one action that tells which field is wrong
	case check.APILicenseExhausted:
		offer = g.holdersView() // support's next question: who holds them?
	}
	if host := refusedHost(f); host != "" && g.p.Name != "" {
		offer = g.trustOffer(host) // guidance_trust.go
	}
	return explanationView(g.sh.openURL, f, g.desk.Explain(f.Code, f.Evidence), steps, offer, func() { g.sh.openTab("Record") })
}

// explanationView shows a finding with its explanation (what happened, likely causes,
// the fields to check, the fix) as Guidance does, and "Explain an error…" too. offer,
// when not nil, comes right after what happened; record, when not nil, opens the
// Trusted App record (offered when the fix names its fields).
func explanationView(openURL func(string), f check.Finding, ex guide.Explanation, steps []string, offer fyne.CanvasObject, record func()) fyne.CanvasObject {
	title := widget.NewLabelWithStyle(orText(ex.Title, f.Message), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(container.NewBorder(nil, nil, widgets.NewVerdict(severityVerdict(f.Severity)), nil, title))
	if len(steps) > 1 {
		seen := widget.NewLabel(lang.XN("app.guidance.seen_in", "Seen in {{.Count}} steps: {{.Steps}}.", len(steps), map[string]any{"Count": len(steps), "Steps": strings.Join(steps, ", ")}))
		seen.Wrapping = fyne.TextWrapWord
		seen.Importance = widget.LowImportance
		box.Add(seen)
	}
	what := ex.What
	if what == "" || ex.Generic {
		what = f.Message
	}
	box.Add(wrapLabel(what))
	if offer != nil {
		box.Add(offer)
	}
	section := func(title string, lines []string) {
		if len(lines) > 0 {
			box.Add(keyLabel(title))
			box.Add(wrapLabel(strings.Join(lines, "\n")))
		}
	}
	var causes, fields, fix []string
	for _, c := range ex.Causes {
		causes = append(causes, "•  "+c)
	}
	for _, fl := range ex.Fields {
		line := "•  " + lang.X("app.guidance.field", "{{.Where}} field “{{.Name}}”", map[string]any{"Where": guide.WhereIn(lang.Localizer(), fl.Where), "Name": fl.Name})
		if fl.Expect != "" {
			line += ": " + fl.Expect
		}
		fields = append(fields, line)
	}
	for i, st := range ex.Steps {
		fix = append(fix, fmt.Sprintf("%d.  %s", i+1, st))
	}
	section(lang.X("app.guidance.causes", "LIKELY CAUSES"), causes)
	section(lang.X("app.caption.check", "CHECK"), fields)
	section(lang.X("app.guidance.fix", "FIX"), fix)
	if ex.Confirm != "" {
		box.Add(keyLabel("CONFIRM"))
		box.Add(wrapLabel(ex.Confirm))
	}
	code := widget.NewLabel(f.Code)
	code.Importance = widget.LowImportance
	code.TextStyle.Monospace = true
	actions := container.NewHBox(code)
	if ex.DocURL != "" {
		actions.Add(newButton(lang.X("app.guidance.docs", "Open the docs"), theme.HelpIcon(), func() { openURL(ex.DocURL) }))
	}
	for _, fl := range ex.Fields {
		if fl.Where == "Trusted App" && record != nil {
			actions.Add(newButton(lang.X("app.guidance.check_record", "Check the Trusted App record"), theme.ListIcon(), record))
			break
		}
	}
	box.Add(actions)
	return box
}

func (g *guidanceTab) copyReport() {
	md, err := desk.MarkdownIn(lang.Localizer(), g.p, g.r)
	if err != nil {
		g.sh.showError(lang.X("app.guidance.report_failed", "Could not build the report"), err, lang.X("app.guidance.report_failed_fix", "Save it to a file instead, or copy the Exchanges tab."))
		return
	}
	g.sh.clipboard().SetContent(string(md))
	g.sh.setStatus(lang.X("app.guidance.copied", "Report copied: paste it into a support ticket. It holds no secret and no whole token."))
}

func (g *guidanceTab) saveReport() {
	g.sh.saveFile(userfile.WithSuffix(g.p.Name, "-report.md"), g.saveTo)
}

// saveTo writes the Markdown report to wc and closes it (the file dialog's callback;
// tests call it with a file writer).
func (g *guidanceTab) saveTo(wc fyne.URIWriteCloser) {
	g.desk.SaveReport(wc, g.p, g.r, written(g.sh, lang.X("app.guidance.save_failed", "Could not save the report"), func(path string) string {
		return lang.X("app.guidance.saved", "Report saved to {{.Path}}.", map[string]any{"Path": path})
	}))
}
