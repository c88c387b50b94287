package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
)

// The "Least privilege" section of the Guidance tab: advice on what the token, and the
// Trusted App record once read, show could be narrowed. It never fails a check.

// adviceSection is the "Least privilege" section: what the token (and the record, once
// read) show could be narrowed. nil when neither was read. It is advice: shown with an
// information icon, never as a failure, and it leaves the verdict alone.
func (g *guidanceTab) adviceSection() fyne.CanvasObject {
	if g.r.Claims == nil && g.rec == nil {
		return nil
	}
	advice := g.desk.LeastPrivilege(g.p, g.r, g.rec)
	g.advice = advice
	title := widget.NewLabelWithStyle(lang.X("app.advice.title", "Least privilege"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	from := lang.X("app.advice.from_token", "the token")
	switch {
	case g.r.Claims == nil:
		from = lang.X("app.advice.from_record", "the Trusted App record")
	case g.rec != nil:
		from = lang.X("app.advice.from_both", "the token and the Trusted App record")
	}
	box := container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, title))
	if len(advice) == 0 {
		box.Add(wrapLabel(lang.X("app.advice.nothing", "Nothing to narrow that {{.From}} show. (Advice only: it never fails a check.)", map[string]any{"From": from})))
		if g.rec == nil {
			box.Add(wrapLabel(lang.X("app.advice.read_record_long", "Reading the record in the Record tab adds its settings (ReferenceTokens, Basic authentication, an administrator System User) to this advice.")))
		}
		return box
	}
	note := wrapLabel(lang.X("app.advice.note", "Advice on what to narrow, from {{.From}}. None of it fails the check or changes the verdict.", map[string]any{"From": from}))
	note.TextStyle.Italic = true
	box.Add(note)
	for _, f := range advice {
		box.Add(g.adviceView(f))
	}
	if g.rec == nil {
		hint := wrapLabel(lang.X("app.advice.read_record", "Reading the record in the Record tab adds its settings to this advice."))
		hint.TextStyle.Italic = true
		box.Add(hint)
	}
	return box
}

// adviceView is one piece of advice: what to narrow, and where.
func (g *guidanceTab) adviceView(f check.Finding) fyne.CanvasObject {
	ex := g.desk.Explain(f.Code, f.Evidence)
	head := widget.NewLabelWithStyle("•  "+orText(ex.Title, f.Code), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	what := f.Message // check's English; the explanation says it in another language
	if lang.Code() != "en" && ex.What != "" && !ex.Generic {
		what = ex.What
	}
	box := container.NewVBox(head, wrapLabel(what))
	var fields []string
	for _, fl := range ex.Fields {
		line := lang.X("app.guidance.field", "{{.Where}} field “{{.Name}}”", map[string]any{"Where": guide.WhereIn(lang.Localizer(), fl.Where), "Name": fl.Name})
		if fl.Expect != "" {
			line += ": " + fl.Expect
		}
		fields = append(fields, line)
	}
	if len(fields) > 0 {
		box.Add(keyLabel("NARROW"))
		box.Add(wrapLabel(strings.Join(fields, "\n")))
	}
	code := widget.NewLabel(f.Code)
	code.Importance = widget.LowImportance
	code.TextStyle.Monospace = true
	actions := container.NewHBox(code)
	if ex.DocURL != "" {
		url := ex.DocURL
		actions.Add(newButton(lang.X("app.guidance.docs", "Open the docs"), theme.HelpIcon(), func() { g.sh.openURL(url) }))
	}
	box.Add(actions)
	return box
}

// adviceCount says in the status line that Guidance holds least-privilege advice (a
// passing run opens on Claims, where it would go unseen); "" when there is none.
func (g *guidanceTab) adviceCount() string {
	switch n := len(g.advice); n {
	case 0:
		return ""
	default:
		return " " + lang.XN("app.advice.count", "Least privilege: {{.Count}} suggestions in Guidance.", n, map[string]any{"Count": n})
	}
}
